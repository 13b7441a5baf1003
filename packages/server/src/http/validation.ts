import type { ZodError } from 'zod';

/** One readable sentence from a zod error: `policy: Invalid option: expected one of "auto"|"manual"|"pinned"`. */
export function formatValidationError(error: ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  return parts.length === 0 ? 'invalid request' : parts.join('; ');
}

import { createSentinelClient, isApiError } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';

export type { SentinelClient };

/** A cookie's value, or `undefined` (the CSRF cookie is readable by design; the session cookie is not). */
export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/**
 * The typed client as the browser uses it: same origin, the session cookie
 * sent by the browser itself, the CSRF cookie echoed in `X-CSRF-Token`, and no
 * retries (a person clicks again).
 */
export function createBrowserClient(origin: string = location.origin): SentinelClient {
  return createSentinelClient({ baseUrl: origin, retry: 0, timeoutMs: 120_000, csrfToken: () => readCookie('sentinel_csrf') });
}

/** The server's own words for a failure (`{"error"}` bodies become the message). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The HTTP status of an API failure, if it was one. */
export function errorStatus(error: unknown): number | undefined {
  return isApiError(error) ? error.status : undefined;
}

import { SentinelError } from '../errors/index.js';

/** The caller is not signed in, or what it presented (password, code, token) is not valid. Answered 401. */
export class UnauthenticatedError extends SentinelError {
  override name = 'UnauthenticatedError' as const;
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('UNAUTHENTICATED', message, options);
  }
}

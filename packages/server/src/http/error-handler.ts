import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isSentinelError } from '@sentinel-kit/core';
import type { SentinelErrorCode, Logger } from '@sentinel-kit/core';

/** How the native API (seed 001) answers each domain error code. */
export const NATIVE_STATUS: Readonly<Record<SentinelErrorCode, ContentfulStatusCode>> = {
  INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  NOT_IMPLEMENTED: 501,
  UPSTREAM: 502,
  UNAVAILABLE: 503,
};

/**
 * Turn anything thrown by a handler into `{"error": "..."}` with the right
 * status. Unknown errors are logged and answered with a generic message so
 * that internals never leak.
 */
export function nativeErrorResponse(error: unknown, c: Context, logger: Logger): Response {
  if (isSentinelError(error)) {
    const status = NATIVE_STATUS[error.code] ?? 500;
    if (status >= 500) logger.warn('request failed', { path: c.req.path, code: error.code, error: error.message });
    return c.json({ error: error.message }, status);
  }
  if (error instanceof HTTPException) {
    const message = error.status === 400 && /json/i.test(error.message) ? 'invalid JSON in request body' : error.message || 'request failed';
    return c.json({ error: message }, error.status as ContentfulStatusCode);
  }
  logger.error('unhandled error', { path: c.req.path, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  return c.json({ error: 'internal server error' }, 500);
}

import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { isSentinelError } from '@sentinel-kit/core';
import type { SentinelErrorCode, Logger } from '@sentinel-kit/core';
import { isV1Path, v1ErrorBody, VALIDATION_ERROR } from '../v1/error-format.js';
import { formatValidationError } from './validation.js';

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
 * The error body of each documented surface that has its own, by path
 * prefix; every other path answers the native `{"error": "..."}`.
 */
const SURFACE_ERROR_BODIES: ReadonlyArray<{ matches: (path: string) => boolean; body: (status: number, message: string, code?: string) => unknown }> = [
  // Seed 004: `{"detail", "error_code", "status_code"}`.
  { matches: isV1Path, body: v1ErrorBody },
];

/**
 * An error answer in the body of the surface the request is on:
 * `{"detail","error_code","status_code"}` under `/api/v1`, `{"error"}`
 * elsewhere. `code` is the surface's own error code when it has one.
 */
export function errorResponse(c: Context, status: ContentfulStatusCode, message: string, code?: string): Response {
  const surface = SURFACE_ERROR_BODIES.find((s) => s.matches(c.req.path));
  return c.json(surface === undefined ? { error: message } : surface.body(status, message, code), status);
}

/** A failed request validation (params, query, body), in the request's surface body. */
export function validationErrorResponse(c: Context, error: ZodError): Response {
  return errorResponse(c, 400, formatValidationError(error), VALIDATION_ERROR);
}

/** The status and message of anything a handler threw; unknown errors are logged and answered generically. */
function describeError(error: unknown, c: Context, logger: Logger): { status: ContentfulStatusCode; message: string } {
  if (isSentinelError(error)) {
    const status = NATIVE_STATUS[error.code] ?? 500;
    if (status >= 500) logger.warn('request failed', { path: c.req.path, code: error.code, error: error.message });
    return { status, message: error.message };
  }
  if (error instanceof HTTPException) {
    const message = error.status === 400 && /json/i.test(error.message) ? 'invalid JSON in request body' : error.message || 'request failed';
    return { status: error.status as ContentfulStatusCode, message };
  }
  logger.error('unhandled error', { path: c.req.path, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  return { status: 500, message: 'internal server error' };
}

/**
 * Turn anything thrown by a handler into `{"error": "..."}` with the right
 * status. Unknown errors are logged and answered with a generic message so
 * that internals never leak.
 */
export function nativeErrorResponse(error: unknown, c: Context, logger: Logger): Response {
  const { status, message } = describeError(error, c, logger);
  return c.json({ error: message }, status);
}

/** `nativeErrorResponse`, in the body of the surface the request is on (the app's error handler). */
export function surfaceErrorResponse(error: unknown, c: Context, logger: Logger): Response {
  const { status, message } = describeError(error, c, logger);
  return errorResponse(c, status, message);
}

import type { MiddlewareHandler } from 'hono';
import type { AuthService } from '@sentinel-kit/core';
import { errorResponse } from '../http/error-handler.js';

/** What every other route answers before the first admin exists. */
export const SETUP_REQUIRED_MESSAGE =
  'setup required: POST /setup with {"username": "...", "password": "..."} (JSON or a form; password at least 10 characters) to create the first admin';

/** Paths reachable before setup: the health check, and the setup itself. */
const OPEN_BEFORE_SETUP = new Set(['/api/health', '/setup']);

/**
 * First run with authentication enabled: until the first admin exists,
 * nothing but `/api/health`, `GET /setup` and `POST /setup` is reachable;
 * everything else answers 503 with how to create the admin. With
 * authentication disabled there is nothing to protect, so nothing is gated.
 */
export function setupGate(auth: AuthService): MiddlewareHandler {
  return async (c, next) => {
    if (OPEN_BEFORE_SETUP.has(c.req.path) || !(await auth.isEnabled()) || !(await auth.setupRequired())) return next();
    // In the request's surface body: `{"error"}` on the native API, `{"detail",…}` on /api/v1.
    return errorResponse(c, 503, SETUP_REQUIRED_MESSAGE);
  };
}

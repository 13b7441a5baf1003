import type { Context } from 'hono';
import { UnauthenticatedError } from '@sentinel-kit/core';
import type { AuthService, Principal } from '@sentinel-kit/core';

/**
 * Per-request values of the auth layer. Routes are declared at module level
 * and served by any app, so they reach the app's auth through the context,
 * like the authorizer.
 */
const PRINCIPAL_KEY = 'sentinel.principal';
const AUTH_HTTP_KEY = 'sentinel.auth';

export interface AuthHttpContext {
  auth: AuthService;
  /** Believe `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy. */
  trustProxy: boolean;
  /** How the principal was presented: a cookie (CSRF applies) or a header. */
  presentedBy?: 'cookie' | 'header';
}

export function setAuthContext(c: Context, value: AuthHttpContext): void {
  c.set(AUTH_HTTP_KEY as never, value as never);
}

export function authContext(c: Context): AuthHttpContext | undefined {
  return c.get(AUTH_HTTP_KEY as never) as AuthHttpContext | undefined;
}

export function setPrincipal(c: Context, principal: Principal): void {
  c.set(PRINCIPAL_KEY as never, principal as never);
}

/**
 * Who is making the request, as the authorizer resolved it: the signed-in
 * user, token or key; the anonymous principal while authentication is
 * disabled; `undefined` on a public route called without credentials.
 */
export function getPrincipal(c: Context): Principal | undefined {
  return c.get(PRINCIPAL_KEY as never) as Principal | undefined;
}

/** The principal of a route that acts on the caller's own account; 401 when no user is signed in (authentication disabled, service key). */
export function requireUser(c: Context): Principal & { userId: string; username: string } {
  const p = getPrincipal(c);
  if (p?.userId === undefined || p.username === undefined) {
    throw new UnauthenticatedError('this action needs a signed-in user: log in (POST /login) or use a personal API token');
  }
  return p as Principal & { userId: string; username: string };
}

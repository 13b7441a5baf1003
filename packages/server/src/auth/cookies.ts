import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { IssuedSession } from '@sentinel-kit/core';

/** The documented cookie names (seed 001). */
export const SESSION_COOKIE = 'sentinel_session';
export const CSRF_COOKIE = 'sentinel_csrf';

/**
 * Set the session cookie (HttpOnly: scripts never see it) and the CSRF
 * cookie (readable, so the page can echo it in `X-CSRF-Token`). Both are
 * SameSite=Lax and Secure when the request came over TLS.
 */
export function setSessionCookies(c: Context, issued: Pick<IssuedSession, 'token' | 'csrfToken'>, options: { secure: boolean; maxAgeSeconds: number }): void {
  // Browsers cap cookie lifetimes at 400 days (and hono refuses more).
  const common = { path: '/', sameSite: 'Lax' as const, secure: options.secure, maxAge: Math.min(Math.floor(options.maxAgeSeconds), 400 * 86_400) };
  setCookie(c, SESSION_COOKIE, issued.token, { ...common, httpOnly: true });
  setCookie(c, CSRF_COOKIE, issued.csrfToken, { ...common, httpOnly: false });
}

/** Expire both cookies in the browser. */
export function clearSessionCookies(c: Context, options: { secure: boolean }): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: options.secure, httpOnly: true, sameSite: 'Lax' });
  deleteCookie(c, CSRF_COOKIE, { path: '/', secure: options.secure, sameSite: 'Lax' });
}

export function sessionCookie(c: Context): string | undefined {
  const value = getCookie(c, SESSION_COOKIE);
  return value === undefined || value === '' ? undefined : value;
}

import type { Context } from 'hono';
import type { AuthService, IssuedSession, LoginMethod } from '@sentinel-kit/core';
import { authContext } from './context.js';
import { sessionCookie, setSessionCookies } from './cookies.js';
import { clientIp, isSecureRequest, userAgent } from './request-info.js';

/**
 * Open a session for a user who has just proved who they are (password,
 * TOTP, passkey, OIDC…) and set both cookies on the response. A session the
 * request still carried is ended first, so a login never keeps an older
 * (possibly planted) session alive.
 *
 * @example
 * const user = await verifyPasskey(...);
 * await issueSession(c, ctx.auth, user.id, 'passkey');
 * return c.json({ redirect: '/' }, 200);
 */
export async function issueSession(c: Context, auth: AuthService, userId: string, method: LoginMethod): Promise<IssuedSession> {
  const trustProxy = authContext(c)?.trustProxy ?? false;
  const previous = sessionCookie(c);
  if (previous !== undefined) {
    const old = await auth.sessions.resolve(previous);
    if (old !== undefined) await auth.sessions.revoke(old.id);
  }
  const issued = await auth.createSession(userId, { ip: clientIp(c, trustProxy), userAgent: userAgent(c), method });
  setSessionCookies(c, issued, { secure: isSecureRequest(c, trustProxy), maxAgeSeconds: auth.sessions.ttl.absoluteMs / 1000 });
  return issued;
}

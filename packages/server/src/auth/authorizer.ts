import type { Context } from 'hono';
import { ANONYMOUS_PRINCIPAL, SESSION_TOKEN_PREFIX, CREDENTIAL_KINDS, scopeOf } from '@sentinel-kit/core';
import type { AuthService, CredentialPresentation, Permission, Principal } from '@sentinel-kit/core';
import { errorResponse } from '../http/error-handler.js';
import type { Authorizer } from '../http/route.js';
import { isV1Path } from '../v1/error-format.js';
import { authContext, setAuthContext, setPrincipal } from './context.js';
import { sessionCookie } from './cookies.js';

/** Methods a CSRF defence must cover (RFC 9110 "unsafe" methods). */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Found =
  | { status: 'none' }
  | { status: 'malformed'; reason: string }
  | { status: 'found'; presentation: CredentialPresentation; by: 'cookie' | 'header' }
  | { status: 'bearer'; token: string; verifier: BearerVerifier; by: 'header' };

/**
 * Bearer tokens of a format the credential store does not hold, such as the
 * JWTs of `POST /api/v1/auth/token` (seed 004): who recognises them and
 * verifies them. Registered per auth service by the area that issues them.
 */
export interface BearerVerifier {
  /** Whether `token` is of this verifier's format (cheap; no verification). */
  accepts(token: string): boolean;
  /** The principal the token stands for, or `undefined` when it is invalid, expired or revoked. */
  verify(token: string): Promise<Principal | undefined>;
}

const bearerVerifiers = new WeakMap<AuthService, BearerVerifier[]>();

/** Accept another bearer format for every route served over `auth`. */
export function registerBearerVerifier(auth: AuthService, verifier: BearerVerifier): void {
  const list = bearerVerifiers.get(auth) ?? [];
  if (!list.includes(verifier)) list.push(verifier);
  bearerVerifiers.set(auth, list);
}

/**
 * The credential a request presents, whatever the surface's header format.
 * An explicit header wins over the session cookie, and a header that is
 * present but unusable is an error, never a silent fall-back to the cookie.
 */
export function findCredential(c: Context, auth?: AuthService): Found {
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const match = /^(\S+)\s+(\S+)\s*$/.exec(authorization);
    const scheme = match?.[1]?.toLowerCase();
    const value = match?.[2] ?? '';
    if (scheme === 'bearer') {
      if (value.startsWith(CREDENTIAL_KINDS.api_token.secretPrefix)) return header({ type: 'credential', kind: 'api_token', secret: value });
      // Seed 001 shows `Authorization: Bearer $SESSION_TOKEN`: a session token works as a bearer too (and, as a header, is CSRF-exempt).
      if (value.startsWith(SESSION_TOKEN_PREFIX)) return header({ type: 'session', token: value });
      if (value.startsWith(CREDENTIAL_KINDS.access_token.secretPrefix)) return header({ type: 'credential', kind: 'access_token', secret: value });
      const verifier = auth === undefined ? undefined : bearerVerifiers.get(auth)?.find((v) => v.accepts(value));
      if (verifier !== undefined) return { status: 'bearer', token: value, verifier, by: 'header' };
      return { status: 'malformed', reason: 'malformed bearer token: expected sntkn_…' };
    }
    // Seed 003: `Authorization: Token <token>`.
    if (scheme === 'token') return header({ type: 'credential', kind: 'integration_token', secret: value });
    return { status: 'malformed', reason: 'unsupported Authorization header: use "Bearer sntkn_…"' };
  }
  const agentKey = c.req.header('x-agent-key');
  if (agentKey !== undefined) return header({ type: 'credential', kind: 'agent_key', secret: agentKey.trim() });
  const apiKey = c.req.header('x-api-key');
  if (apiKey !== undefined) return header({ type: 'credential', kind: 'api_key', secret: apiKey.trim() });
  const authToken = c.req.header('x-auth-token');
  if (authToken !== undefined) {
    // Seed 002: `X-AUTH-TOKEN: <secret>/<id>`, sometimes quoted.
    const m = /^"?([^/"\s]+)\/([^/"\s]+)"?$/.exec(authToken.trim());
    if (m === null) return { status: 'malformed', reason: 'malformed X-AUTH-TOKEN: expected <secret>/<id>' };
    const secret = m[1] ?? '';
    // The audit & compliance API's keys (`vp_…`) work here too, as `<key>/<id>`.
    const kind = secret.startsWith(CREDENTIAL_KINDS.api_key.secretPrefix) ? 'api_key' : 'integration_token';
    return header({ type: 'credential', kind, secret, id: m[2] ?? '' });
  }
  const cookie = sessionCookie(c);
  if (cookie !== undefined) return { status: 'found', presentation: { type: 'session', token: cookie }, by: 'cookie' };
  return { status: 'none' };
}

const header = (presentation: CredentialPresentation): Found => ({ status: 'found', presentation, by: 'header' });

/**
 * Resolve the request's principal once per request (the result is kept on
 * the context): the credential's principal, or `undefined` with the reason.
 */
export async function resolvePrincipal(c: Context, auth: AuthService): Promise<Resolved> {
  const kept = c.get(RESOLVED_KEY as never) as Promise<Resolved> | undefined;
  if (kept !== undefined) return kept;
  const resolving = resolveOnce(c, auth);
  c.set(RESOLVED_KEY as never, resolving as never);
  return resolving;
}

type Resolved = { principal?: Principal; by?: 'cookie' | 'header'; error?: string };
const RESOLVED_KEY = 'sentinel.resolved-principal';

async function resolveOnce(c: Context, auth: AuthService): Promise<Resolved> {
  const found = findCredential(c, auth);
  if (found.status === 'none') return {};
  if (found.status === 'malformed') return { error: found.reason };
  if (found.status === 'bearer') {
    const verified = await found.verifier.verify(found.token);
    return verified === undefined ? { error: 'invalid, expired or revoked credentials' } : { principal: verified, by: 'header' };
  }
  const principal = await auth.authenticate(found.presentation);
  if (principal === undefined) {
    return { error: found.presentation.type === 'session' ? 'session expired or signed out: log in again' : 'invalid, expired or revoked credentials' };
  }
  return { principal, by: found.by };
}

/**
 * The one enforcement point of every route: resolves the principal from the
 * session cookie or a credential header, puts it on the context, and checks
 * the route's declared access against the principal's permissions.
 *
 * - `public` / `webhook-secret`: always let through (the principal is still
 *   resolved for handlers such as `/logout`).
 * - Authentication disabled: everything is open; the principal is the
 *   caller's if it presented a valid one, else the anonymous admin.
 * - Otherwise: 401 without a valid credential; 403 for a session-cookie
 *   request with an unsafe method and no matching `X-CSRF-Token`; 403 when
 *   the permission is missing.
 */
export function createAuthorizer(auth: AuthService): Authorizer {
  return async (c, access) => {
    const enabled = await auth.isEnabled();
    const resolved = await resolvePrincipal(c, auth);
    const ctx = authContext(c);
    if (ctx !== undefined && resolved.by !== undefined) setAuthContext(c, { ...ctx, presentedBy: resolved.by });
    if (resolved.principal !== undefined) setPrincipal(c, resolved.principal);
    else if (!enabled) setPrincipal(c, ANONYMOUS_PRINCIPAL);

    if (access === 'public' || access === 'webhook-secret' || !enabled) return undefined;
    const principal = resolved.principal;
    if (principal === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="sentinel"');
      const hint = isV1Path(c.req.path)
        ? 'authentication required: send Authorization: Bearer <token from POST /api/v1/auth/token> or X-API-Key: vp_…'
        : 'authentication required: log in or send Authorization: Bearer sntkn_…';
      return errorResponse(c, 401, resolved.error ?? hint);
    }
    if (resolved.by === 'cookie' && UNSAFE.has(c.req.method) && !(await auth.verifyCsrf(principal, c.req.header('x-csrf-token')))) {
      return errorResponse(c, 403, 'missing or invalid CSRF token: send the sentinel_csrf cookie value in the X-CSRF-Token header');
    }
    if (access === 'authenticated') return undefined;
    const scope = scopeOf(access);
    if (scope !== undefined) {
      // Another surface's credential (an agent key, an API key…): users' sessions and tokens carry no scope.
      if (!principal.scopes.includes(scope)) return errorResponse(c, 403, `a credential with the ${scope} scope is required`);
      return undefined;
    }
    if (!principal.permissions.includes(access as Permission)) return errorResponse(c, 403, `permission ${access} required`);
    return undefined;
  };
}

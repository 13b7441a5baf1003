import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { InvalidError, NotFoundError } from '@sentinel-kit/core';
import type { Credential, Session } from '@sentinel-kit/core';
import {
  ApiTokenSchema,
  AuthMessageResponseSchema,
  AuthSettingsBodySchema,
  AuthSettingsResponseSchema,
  ChangePasswordBodySchema,
  CreatedTokenSchema,
  CreateTokenBodySchema,
  CredentialsBodySchema,
  LoginResponseSchema,
  LogoutResponseSchema,
  MeResponseSchema,
  PasswordBodySchema,
  RecoveryCodesResponseSchema,
  RedirectResponseSchema,
  RevokedResponseSchema,
  SessionSchema,
  SetupResponseSchema,
  SetupStatusResponseSchema,
  TotpCodeBodySchema,
  TotpSetupResponseSchema,
  TotpStatusResponseSchema,
  TotpVerifyBodySchema,
} from '@sentinel-kit/core/contract';
import type { ApiToken, CredentialsBody, SessionBody } from '@sentinel-kit/core/contract';
import { authContext, getPrincipal, requireUser } from '../auth/context.js';
import { clearSessionCookies } from '../auth/cookies.js';
import { issueSession } from '../auth/issue-session.js';
import { clientIp, isSecureRequest } from '../auth/request-info.js';
import { withRetryAfter } from '../auth/retry-after.js';
import { SETUP_REQUIRED_MESSAGE } from '../auth/setup-gate.js';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';
import { formatValidationError } from '../http/validation.js';

const tags = ['Auth'];

/** `/login` and `/setup` take JSON or an HTML form. */
const credentialsBody = {
  content: {
    'application/json': { schema: CredentialsBodySchema },
    'application/x-www-form-urlencoded': { schema: CredentialsBodySchema },
  },
};

const jsonBody = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

export const setupStatusRoute = defineRoute('public', {
  method: 'get',
  path: '/setup',
  tags,
  summary: 'Whether first-run setup is needed, and how to do it',
  responses: { 200: json(SetupStatusResponseSchema, 'Setup status') },
});

export const setupRoute = defineRoute('public', {
  method: 'post',
  path: '/setup',
  tags,
  summary: 'First-run admin setup (JSON or form); signs the new admin in',
  description: 'Creates the first user, with the `admin` role, and sets the session cookies. Only while no user exists; afterwards 409.',
  request: { body: credentialsBody },
  responses: { 201: json(SetupResponseSchema, 'Admin created and signed in'), ...errors(400, 409, 413) },
});

export const loginRoute = defineRoute('public', {
  method: 'post',
  path: '/login',
  tags,
  summary: 'Login (form or JSON)',
  description:
    'Answers `{"redirect": "/"}` with the `sentinel_session` (HttpOnly) and `sentinel_csrf` cookies, or `{"totp_required": true, "totp_token": …}` when the user has two-factor authentication: finish with `POST /api/auth/totp/verify`. Unknown users and wrong passwords get the same 401. Repeated failures per IP or username answer 429 with `Retry-After`.',
  request: { body: credentialsBody },
  responses: { 200: json(LoginResponseSchema, 'Signed in, or TOTP required'), ...errors(400, 413, 429) },
});

export const logoutRoute = defineRoute('public', {
  method: 'post',
  path: '/logout',
  tags,
  summary: 'End session',
  responses: { 200: json(LogoutResponseSchema, 'Signed out') },
});

export const totpVerifyRoute = defineRoute('public', {
  method: 'post',
  path: '/api/auth/totp/verify',
  tags,
  summary: 'Complete 2FA login',
  description: '`code` is the current 6-digit code or one of the recovery codes (each works once).',
  request: { body: jsonBody(TotpVerifyBodySchema) },
  responses: { 200: json(RedirectResponseSchema, 'Signed in'), ...errors(400, 429) },
});

export const meRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/auth/me',
  tags,
  summary: 'Current user info and permissions',
  responses: { 200: json(MeResponseSchema, 'The caller') },
});

export const changePasswordRoute = defineRoute('authenticated', {
  method: 'post',
  path: '/api/auth/change-password',
  tags,
  summary: 'Change own password',
  description: 'Needs the current password; the new one must have at least 10 characters. Ends every other session of the user.',
  request: { body: jsonBody(ChangePasswordBodySchema) },
  responses: { 200: json(AuthMessageResponseSchema, 'Changed'), ...errors(400, 429) },
});

export const listSessionsRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/auth/sessions',
  tags,
  summary: 'List own sessions',
  responses: { 200: json(z.array(SessionSchema), 'Live sessions, newest first') },
});

export const revokeSessionRoute = defineRoute('authenticated', {
  method: 'delete',
  path: '/api/auth/sessions/{token}',
  tags,
  summary: 'Revoke a session',
  description: '`{token}` is the session `id` from the list (`ses_…`), never the cookie value.',
  request: { params: z.object({ token: z.string().min(1).max(128) }) },
  responses: { 200: json(AuthMessageResponseSchema, 'Revoked'), ...errors(404) },
});

export const revokeOtherSessionsRoute = defineRoute('authenticated', {
  method: 'delete',
  path: '/api/auth/sessions',
  tags,
  summary: 'Revoke all other sessions',
  responses: { 200: json(RevokedResponseSchema, 'Revoked') },
});

export const createTokenRoute = defineRoute('authenticated', {
  method: 'post',
  path: '/api/auth/tokens',
  tags,
  summary: 'Create API bearer token',
  description: 'The plaintext token is returned only once. `permissions` narrows the token (each must be one the caller has).',
  request: { body: jsonBody(CreateTokenBodySchema) },
  responses: { 201: json(CreatedTokenSchema, 'Created; `token` is shown only here'), ...errors(400) },
});

export const listTokensRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/auth/tokens',
  tags,
  summary: 'List own API tokens (never their values)',
  responses: { 200: json(z.array(ApiTokenSchema), 'Live tokens, oldest first') },
});

export const deleteTokenRoute = defineRoute('authenticated', {
  method: 'delete',
  path: '/api/auth/tokens/{id}',
  tags,
  summary: 'Delete API token',
  request: { params: z.object({ id: z.string().min(1).max(128) }) },
  responses: { 200: json(AuthMessageResponseSchema, 'Deleted'), ...errors(404) },
});

export const totpSetupRoute = defineRoute('authenticated', {
  method: 'post',
  path: '/api/auth/totp/setup',
  tags,
  summary: 'Begin 2FA setup (returns secret + otpauth URI for the QR code)',
  responses: { 200: json(TotpSetupResponseSchema, 'Key to add to an authenticator app'), ...errors(409) },
});

export const totpConfirmRoute = defineRoute('authenticated', {
  method: 'post',
  path: '/api/auth/totp/confirm',
  tags,
  summary: 'Confirm 2FA (returns recovery codes)',
  request: { body: jsonBody(TotpCodeBodySchema) },
  responses: { 200: json(RecoveryCodesResponseSchema, 'Enabled; recovery codes are shown only here'), ...errors(400, 409) },
});

export const totpDisableRoute = defineRoute('authenticated', {
  method: 'post',
  path: '/api/auth/totp/disable',
  tags,
  summary: 'Disable 2FA (requires password)',
  request: { body: jsonBody(PasswordBodySchema) },
  responses: { 200: json(AuthMessageResponseSchema, 'Disabled'), ...errors(400, 409, 429) },
});

export const totpStatusRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/auth/totp/status',
  tags,
  summary: '2FA status',
  responses: { 200: json(TotpStatusResponseSchema, 'Status') },
});

export const authSettingsRoute = defineRoute('users.manage', {
  method: 'post',
  path: '/api/auth/settings',
  tags,
  summary: 'Toggle auth on/off',
  description:
    '`{"auth_enabled": false}` opens every endpoint to anyone. Turning it back on is refused (409) unless an admin can sign in; sessions, including the caller’s, are kept.',
  request: { body: jsonBody(AuthSettingsBodySchema) },
  responses: { 200: json(AuthSettingsResponseSchema, 'Changed'), ...errors(400, 409) },
});

/** The body of a JSON-or-form route, validated whichever way it came. */
function credentials(c: Context, fromJson: unknown, fromForm: unknown): CredentialsBody {
  const type = c.req.header('content-type') ?? '';
  const raw = /^application\/x-www-form-urlencoded|^multipart\/form-data/i.test(type) ? fromForm : fromJson;
  const parsed = CredentialsBodySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidError(formatValidationError(parsed.error));
  return parsed.data;
}

const sessionBody = (s: Session, currentId: string | undefined): SessionBody => ({
  id: s.id,
  created_at: s.createdAt,
  last_seen_at: s.lastSeenAt,
  expires_at: s.expiresAt,
  idle_expires_at: s.idleExpiresAt,
  ip: s.ip,
  user_agent: s.userAgent,
  method: s.method,
  current: s.id === currentId,
});

const tokenBody = (t: Credential): ApiToken => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  permissions: t.permissions ?? null,
  created_at: t.createdAt,
  last_used_at: t.lastUsedAt,
  expires_at: t.expiresAt,
});

const DAY_MS = 86_400_000;

export function registerAuthRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const { auth, logger, clock } = ctx;
  const trustProxy = (c: Context): boolean => authContext(c)?.trustProxy ?? false;
  const ip = (c: Context): string => clientIp(c, trustProxy(c));
  /** The session this request came with (cookie or bearer), if any. */
  const currentSessionId = (c: Context): string | undefined => {
    const p = getPrincipal(c);
    return p?.via === 'session' ? p.credentialId : undefined;
  };

  // `/api/*` has the app's body limit; these public forms live outside it and need no more than a few KiB.
  for (const path of ['/login', '/setup', '/logout']) {
    app.use(path, bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json({ error: 'request body too large (limit 16384 bytes)' }, 413) }));
  }

  ctx.onStart(async () => {
    if ((await auth.isEnabled()) && (await auth.setupRequired())) {
      logger.warn(`no users yet — ${SETUP_REQUIRED_MESSAGE}, e.g. curl -X POST -H 'Content-Type: application/json' -d '{"username":"admin","password":"<10+ characters>"}' http://<host>:<port>/setup`);
    }
  });

  app.openapi(setupStatusRoute, async (c) => {
    const required = await auth.setupRequired();
    const origin = new URL(c.req.url).origin;
    const message = required
      ? `No admin exists yet. Create one: curl -X POST -H 'Content-Type: application/json' -d '{"username":"admin","password":"<at least 10 characters>"}' ${origin}/setup`
      : 'Setup is complete: sign in with POST /login.';
    return c.json({ setup_required: required, message }, 200);
  });

  app.openapi(setupRoute, async (c) => {
    const body = credentials(c, c.req.valid('json'), c.req.valid('form'));
    const user = await auth.setup(body);
    await issueSession(c, auth, user.id, 'setup');
    return c.json({ id: user.id, username: user.username, role_id: user.role, redirect: '/' }, 201);
  });

  app.openapi(loginRoute, async (c) => {
    const body = credentials(c, c.req.valid('json'), c.req.valid('form'));
    const result = await withRetryAfter(c, () => auth.login({ username: body.username, password: body.password, ip: ip(c) }));
    if (result.status === 'totp_required') return c.json({ totp_required: true as const, totp_token: result.totpToken }, 200);
    await issueSession(c, auth, result.user.id, 'password');
    return c.json({ redirect: '/' }, 200);
  });

  app.openapi(logoutRoute, async (c) => {
    const sessionId = currentSessionId(c);
    if (sessionId !== undefined) await auth.sessions.revoke(sessionId);
    clearSessionCookies(c, { secure: isSecureRequest(c, trustProxy(c)) });
    return c.json({ message: 'signed out', redirect: '/login' }, 200);
  });

  app.openapi(totpVerifyRoute, async (c) => {
    const body = c.req.valid('json');
    const { user, method } = await withRetryAfter(c, () => auth.completeTotpLogin({ totpToken: body.totp_token, code: body.code, ip: ip(c) }));
    await issueSession(c, auth, user.id, method);
    return c.json({ redirect: '/' }, 200);
  });

  app.openapi(meRoute, async (c) => {
    const p = getPrincipal(c);
    const enabled = await auth.isEnabled();
    const user = p?.userId === undefined ? undefined : await auth.users.get(p.userId);
    return c.json(
      {
        id: p?.userId ?? (p?.credentialId ?? 'anonymous'),
        username: p?.username ?? (p?.kind === 'service' ? (p.credentialId ?? 'service') : 'anonymous'),
        role_id: p?.role ?? '',
        permissions: [...(p?.permissions ?? [])],
        auth_enabled: enabled,
        via: p?.via ?? 'anonymous',
        totp_enabled: user?.totpEnabled ?? false,
      },
      200,
    );
  });

  app.openapi(changePasswordRoute, async (c) => {
    const me = requireUser(c);
    const body = c.req.valid('json');
    const keep = currentSessionId(c);
    const { sessionsEnded } = await withRetryAfter(c, () =>
      auth.changePassword(me.userId, { currentPassword: body.current_password, newPassword: body.new_password, ip: ip(c), ...(keep === undefined ? {} : { keepSessionId: keep }) }),
    );
    return c.json({ message: `password changed; ${sessionsEnded} other session(s) ended` }, 200);
  });

  app.openapi(listSessionsRoute, async (c) => {
    const me = requireUser(c);
    const current = currentSessionId(c);
    return c.json((await auth.sessions.listForUser(me.userId)).map((s) => sessionBody(s, current)), 200);
  });

  app.openapi(revokeSessionRoute, async (c) => {
    const me = requireUser(c);
    const { token: id } = c.req.valid('param');
    const session = await auth.sessions.get(id);
    // Another user's session is answered exactly like an unknown one.
    if (session === undefined || session.userId !== me.userId) throw new NotFoundError(`session "${id}" not found`);
    await auth.sessions.revoke(id);
    if (id === currentSessionId(c) && authContext(c)?.presentedBy === 'cookie') clearSessionCookies(c, { secure: isSecureRequest(c, trustProxy(c)) });
    return c.json({ message: 'session revoked' }, 200);
  });

  app.openapi(revokeOtherSessionsRoute, async (c) => {
    const me = requireUser(c);
    const revoked = await auth.sessions.revokeForUser(me.userId, currentSessionId(c));
    return c.json({ message: `${revoked} other session(s) revoked`, revoked }, 200);
  });

  app.openapi(createTokenRoute, async (c) => {
    const me = requireUser(c);
    const body = c.req.valid('json');
    const { token, credential } = await auth.createApiToken(me, {
      name: body.name,
      ...(body.permissions === undefined ? {} : { permissions: body.permissions }),
      ...(body.expires_in_days === undefined ? {} : { expiresAt: clock.now() + body.expires_in_days * DAY_MS }),
    });
    return c.json({ ...tokenBody(credential), token }, 201);
  });

  app.openapi(listTokensRoute, async (c) => {
    const me = requireUser(c);
    return c.json((await auth.listApiTokens(me.userId)).map(tokenBody), 200);
  });

  app.openapi(deleteTokenRoute, async (c) => {
    const me = requireUser(c);
    await auth.revokeApiToken(me.userId, c.req.valid('param').id);
    return c.json({ message: 'token deleted' }, 200);
  });

  app.openapi(totpSetupRoute, async (c) => {
    const me = requireUser(c);
    return c.json(await auth.totp.begin(me.userId), 200);
  });

  app.openapi(totpConfirmRoute, async (c) => {
    const me = requireUser(c);
    const { recoveryCodes } = await auth.totp.confirm(me.userId, c.req.valid('json').code);
    return c.json({ recovery_codes: recoveryCodes }, 200);
  });

  app.openapi(totpDisableRoute, async (c) => {
    const me = requireUser(c);
    await withRetryAfter(c, () => auth.totp.disable(me.userId, c.req.valid('json').password, { ip: ip(c) }));
    return c.json({ message: 'two-factor authentication disabled' }, 200);
  });

  app.openapi(totpStatusRoute, async (c) => {
    const me = requireUser(c);
    const s = await auth.totp.status(me.userId);
    return c.json({ enabled: s.enabled, pending: s.pending, recovery_codes_remaining: s.recoveryCodesRemaining }, 200);
  });

  app.openapi(authSettingsRoute, async (c) => {
    const body = c.req.valid('json');
    const enabled = body.auth_enabled ?? body.enabled ?? true;
    await auth.setEnabled(enabled);
    return c.json({ auth_enabled: enabled, message: enabled ? 'authentication enabled' : 'authentication disabled: every endpoint is open without credentials' }, 200);
  });
}

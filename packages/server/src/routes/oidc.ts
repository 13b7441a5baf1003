import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { maskOidcSettings } from '@sentinel-kit/core';
import type { OidcSettings, OidcSettingsInput, Role } from '@sentinel-kit/core';
import { OidcAvailableSchema, OidcRedirectSchema, OidcSettingsSchema, OidcSettingsUpdateSchema } from '@sentinel-kit/core/contract';
import type { OidcSettingsBody, OidcSettingsUpdate } from '@sentinel-kit/core/contract';
import { authContext } from '../auth/context.js';
import { issueSession } from '../auth/issue-session.js';
import { createOidcService } from '../auth/oidc.js';
import type { OidcOptions, OidcService } from '../auth/oidc.js';
import { isSecureRequest } from '../auth/request-info.js';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Auth'];
const LOGIN_PATH = '/api/auth/oidc/login';
/** Binds a sign-in to the browser that started it (login CSRF): the callback's `state` must equal it. */
export const OIDC_STATE_COOKIE = 'sentinel_oidc_state';
const COOKIE_PATH = '/api/auth/oidc';

const redirectOrJson = (description: string) => ({
  302: { description: `${description} (browsers)`, headers: z.object({ location: z.string() }) },
  200: json(OidcRedirectSchema, `${description}, as JSON when the request accepts only application/json`),
});

export const oidcLoginRoute = defineRoute('public', {
  method: 'get',
  path: LOGIN_PATH,
  tags,
  summary: 'Initiate OIDC login flow',
  description:
    'Redirects (302) to the identity provider with `state`, `nonce` and a PKCE S256 challenge, and sets the short-lived `sentinel_oidc_state` cookie that binds the sign-in to this browser. `Accept: application/json` gets `{"redirect": "<provider URL>"}` instead. 404 when single sign-on is off; 502 when the provider cannot be reached.',
  responses: { ...redirectOrJson('To the identity provider'), ...errors(404, 502) },
});

export const oidcCallbackRoute = defineRoute('public', {
  method: 'get',
  path: '/api/auth/oidc/callback',
  tags,
  summary: 'OIDC callback handler',
  description:
    'The provider sends the browser here. Checks `state` against the browser’s sign-in, exchanges the code (with the PKCE verifier), verifies the ID token and its nonce, maps the identity to a user (linked `sub`; else, if allowed, the user named by the username claim; else, if allowed, a new user with the mapped role), sets the session cookies and redirects to `/` (`{"redirect": "/"}` for JSON callers). 400: missing, foreign or expired state; 401: the provider refused or the token did not verify; 403: no user for this identity.',
  request: { query: z.object({ state: z.string().max(512).optional(), code: z.string().max(4096).optional(), error: z.string().max(512).optional() }).loose() },
  responses: { ...redirectOrJson('Signed in, to /'), ...errors(400, 404, 502) },
});

export const oidcAvailableRoute = defineRoute('public', {
  method: 'get',
  path: '/api/auth/oidc/available',
  tags,
  summary: 'Check if OIDC is configured',
  responses: { 200: json(OidcAvailableSchema, 'Whether single sign-on can be offered, and where it starts') },
});

export const getOidcSettingsRoute = defineRoute('users.manage', {
  method: 'get',
  path: '/api/settings/oidc',
  tags,
  summary: 'Get OIDC settings',
  description: 'The client secret reads `****` when one is stored.',
  responses: { 200: json(OidcSettingsSchema, 'Single sign-on settings') },
});

export const saveOidcSettingsRoute = defineRoute('users.manage', {
  method: 'post',
  path: '/api/settings/oidc',
  tags,
  summary: 'Save OIDC settings',
  description:
    'Absent fields keep their value; `client_secret: "****"` keeps the stored secret and `""` removes it. When an issuer is set it is discovered (`/.well-known/openid-configuration`) before anything is saved: a failure answers 400 with the reason. Enabling needs `issuer_url` and `client_id`.',
  request: { body: { content: { 'application/json': { schema: OidcSettingsUpdateSchema } }, required: true } },
  responses: { 200: json(OidcSettingsSchema, 'Saved'), ...errors(400) },
});

const settingsBody = (s: OidcSettings, effectiveRedirectUrl: string): OidcSettingsBody => {
  const m = maskOidcSettings(s);
  return {
    enabled: m.enabled,
    issuer_url: m.issuerUrl,
    client_id: m.clientId,
    client_secret: m.clientSecret,
    redirect_url: m.redirectUrl,
    effective_redirect_url: effectiveRedirectUrl,
    scopes: m.scopes,
    username_claim: m.usernameClaim,
    role_claim: m.roleClaim,
    role_mapping: m.roleMapping,
    default_role: m.defaultRole,
    auto_provision: m.autoProvision,
    allow_linking: m.allowLinking,
    updated_at: m.updatedAt,
  };
};

const settingsInput = (b: OidcSettingsUpdate): OidcSettingsInput => ({
  ...(b.enabled === undefined ? {} : { enabled: b.enabled }),
  ...(b.issuer_url === undefined ? {} : { issuerUrl: b.issuer_url }),
  ...(b.client_id === undefined ? {} : { clientId: b.client_id }),
  ...(b.client_secret === undefined ? {} : { clientSecret: b.client_secret }),
  ...(b.redirect_url === undefined ? {} : { redirectUrl: b.redirect_url }),
  ...(b.scopes === undefined ? {} : { scopes: b.scopes }),
  ...(b.username_claim === undefined ? {} : { usernameClaim: b.username_claim }),
  ...(b.role_claim === undefined ? {} : { roleClaim: b.role_claim }),
  // Roles are checked by the settings model, with a message naming the bad entry.
  ...(b.role_mapping === undefined ? {} : { roleMapping: b.role_mapping as Record<string, Role> }),
  ...(b.default_role === undefined ? {} : { defaultRole: b.default_role as Role }),
  ...(b.auto_provision === undefined ? {} : { autoProvision: b.auto_provision }),
  ...(b.allow_linking === undefined ? {} : { allowLinking: b.allow_linking }),
});

/** Whether the caller asked for JSON and not a page (the client library, scripts). */
const wantsJson = (c: Context): boolean => {
  const accept = c.req.header('accept') ?? '';
  return /application\/json/i.test(accept) && !/text\/html/i.test(accept);
};

/** Register single sign-on: the public login/callback/available routes and the admin settings. */
export function registerOidcRoutes(app: OpenAPIHono, ctx: RouteContext, options: OidcOptions = {}): OidcService {
  const { auth, clock, logger } = ctx;
  const service = createOidcService({ ...options, auth, storage: ctx.sentinel.storage, clock, logger, fetch: ctx.fetch });
  const secure = (c: Context): boolean => isSecureRequest(c, authContext(c)?.trustProxy ?? false);
  const origin = (c: Context): string => `${secure(c) ? 'https' : 'http'}://${new URL(c.req.url).host}`;

  app.openapi(oidcLoginRoute, async (c) => {
    const start = await service.begin(origin(c));
    setCookie(c, OIDC_STATE_COOKIE, start.state, { path: COOKIE_PATH, httpOnly: true, sameSite: 'Lax', secure: secure(c), maxAge: start.maxAgeSeconds });
    if (wantsJson(c)) return c.json({ redirect: start.url }, 200);
    return c.body(null, 302, { Location: start.url });
  });

  app.openapi(oidcCallbackRoute, async (c) => {
    const bound = getCookie(c, OIDC_STATE_COOKIE);
    // Whatever happens, this sign-in is over: the state was consumed or refused.
    deleteCookie(c, OIDC_STATE_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: 'Lax', secure: secure(c) });
    const user = await service.complete({ query: new URL(c.req.url).searchParams, boundState: bound });
    await issueSession(c, auth, user.id, 'oidc');
    if (wantsJson(c)) return c.json({ redirect: '/' }, 200);
    return c.body(null, 302, { Location: '/' });
  });

  app.openapi(oidcAvailableRoute, async (c) => c.json({ available: await service.available(), login_url: LOGIN_PATH }, 200));

  app.openapi(getOidcSettingsRoute, async (c) => {
    const s = await service.settings();
    return c.json(settingsBody(s, service.redirectUrl(s, origin(c))), 200);
  });

  app.openapi(saveOidcSettingsRoute, async (c) => {
    const saved = await service.save(settingsInput(c.req.valid('json')));
    return c.json(settingsBody(saved, service.redirectUrl(saved, origin(c))), 200);
  });

  return service;
}

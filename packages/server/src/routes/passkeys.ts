import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Passkey } from '@sentinel-kit/core';
import {
  AuthMessageResponseSchema,
  PasskeyAuthenticationOptionsSchema,
  PasskeyLoginFinishBodySchema,
  PasskeyRegisterFinishBodySchema,
  PasskeyRegistrationOptionsSchema,
  PasskeySchema,
  PasskeysAvailableSchema,
  RedirectResponseSchema,
} from '@sentinel-kit/core/contract';
import type { PasskeyBody } from '@sentinel-kit/core/contract';
import { authContext, requireUser } from '../auth/context.js';
import { issueSession } from '../auth/issue-session.js';
import { createPasskeyService } from '../auth/passkeys.js';
import type { PasskeyOptions, PasskeyService } from '../auth/passkeys.js';
import { clientIp, isSecureRequest } from '../auth/request-info.js';
import { withRetryAfter } from '../auth/retry-after.js';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Auth'];
const jsonBody = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

export const passkeyLoginBeginRoute = defineRoute('public', {
  method: 'post',
  path: '/api/auth/passkeys/login/begin',
  tags,
  summary: 'Begin passkey login',
  description:
    'Answers `PublicKeyCredentialRequestOptionsJSON` for `navigator.credentials.get()`. No username is needed: passkeys are discoverable credentials. The challenge is single-use and expires after 5 minutes.',
  responses: { 200: json(PasskeyAuthenticationOptionsSchema, 'Options for navigator.credentials.get()') },
});

export const passkeyLoginFinishRoute = defineRoute('public', {
  method: 'post',
  path: '/api/auth/passkeys/login/finish',
  tags,
  summary: 'Finish passkey login',
  description:
    '`{"credential": AuthenticationResponseJSON}`. On success sets the session cookies, like `/login`. An unknown, used or expired challenge, an unregistered passkey, a bad signature or a counter that did not grow answer 401; failures count towards the login throttle (429 with `Retry-After`).',
  request: { body: jsonBody(PasskeyLoginFinishBodySchema) },
  responses: { 200: json(RedirectResponseSchema, 'Signed in'), ...errors(400, 429) },
});

export const passkeysAvailableRoute = defineRoute('public', {
  method: 'get',
  path: '/api/auth/passkeys/available',
  tags,
  summary: 'Check if passkeys are configured',
  description: '`available` is true once any user has registered a passkey: the login page should then offer passkey sign-in.',
  responses: { 200: json(PasskeysAvailableSchema, 'Whether passkey sign-in can be offered') },
});

export const passkeyRegisterBeginRoute = defineRoute('authenticated', {
  method: 'post',
  path: '/api/auth/passkeys/register/begin',
  tags,
  summary: 'Begin passkey registration',
  description: 'Answers `PublicKeyCredentialCreationOptionsJSON` for `navigator.credentials.create()`, excluding the passkeys you already have.',
  responses: { 200: json(PasskeyRegistrationOptionsSchema, 'Options for navigator.credentials.create()') },
});

export const passkeyRegisterFinishRoute = defineRoute('authenticated', {
  method: 'post',
  path: '/api/auth/passkeys/register/finish',
  tags,
  summary: 'Finish passkey registration',
  description: '`{"credential": RegistrationResponseJSON, "name": "…"}`. A response to another user’s or an expired challenge, or one that fails verification, answers 400; a passkey registered already, 409.',
  request: { body: jsonBody(PasskeyRegisterFinishBodySchema) },
  responses: { 201: json(PasskeySchema, 'Registered'), ...errors(400, 409) },
});

export const listPasskeysRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/auth/passkeys',
  tags,
  summary: 'List own passkeys',
  description: 'Id, name and dates only: never key material.',
  responses: { 200: json(z.array(PasskeySchema), 'Your passkeys, oldest first') },
});

export const deletePasskeyRoute = defineRoute('authenticated', {
  method: 'delete',
  path: '/api/auth/passkeys/{id}',
  tags,
  summary: 'Delete a passkey',
  description: 'Deleting the only way a user without a password can sign in answers 409.',
  request: { params: z.object({ id: z.string().min(1).max(128) }) },
  responses: { 200: json(AuthMessageResponseSchema, 'Deleted'), ...errors(404, 409) },
});

const passkeyBody = (p: Passkey): PasskeyBody => ({ id: p.id, name: p.name, created_at: p.createdAt, last_used_at: p.lastUsedAt });

/**
 * Register the passkey routes; returns the service (the passkey store, for
 * embedders that delete users). Relying party: `options.rpId` / `options.origin`
 * (`SENTINEL_RP_ID`, `SENTINEL_ORIGIN`), else the request's host.
 */
export function registerPasskeyRoutes(app: OpenAPIHono, ctx: RouteContext, options: PasskeyOptions = {}): PasskeyService {
  const { auth, clock, logger } = ctx;
  const passkeys = createPasskeyService({ ...options, auth, storage: ctx.sentinel.storage, clock, logger });
  const trustProxy = (c: Context): boolean => authContext(c)?.trustProxy ?? false;
  const relyingParty = (c: Context) => passkeys.relyingParty({ url: c.req.url, secure: isSecureRequest(c, trustProxy(c)) });

  app.openapi(passkeyLoginBeginRoute, async (c) => c.json(await passkeys.authenticationOptions(relyingParty(c)), 200));

  app.openapi(passkeyLoginFinishRoute, async (c) => {
    const { credential } = c.req.valid('json');
    const { user } = await withRetryAfter(c, () => passkeys.authenticate(credential, { ip: clientIp(c, trustProxy(c)) }));
    await issueSession(c, auth, user.id, 'passkey');
    return c.json({ redirect: '/' }, 200);
  });

  app.openapi(passkeysAvailableRoute, async (c) => c.json({ available: await passkeys.available() }, 200));

  app.openapi(passkeyRegisterBeginRoute, async (c) => {
    const me = requireUser(c);
    return c.json(await passkeys.registrationOptions(me.userId, relyingParty(c)), 200);
  });

  app.openapi(passkeyRegisterFinishRoute, async (c) => {
    const me = requireUser(c);
    const body = c.req.valid('json');
    return c.json(passkeyBody(await passkeys.register(me.userId, body.credential, body.name)), 201);
  });

  app.openapi(listPasskeysRoute, async (c) => {
    const me = requireUser(c);
    return c.json((await passkeys.list(me.userId)).map(passkeyBody), 200);
  });

  app.openapi(deletePasskeyRoute, async (c) => {
    const me = requireUser(c);
    await passkeys.remove(me.userId, c.req.valid('param').id);
    return c.json({ message: 'passkey deleted' }, 200);
  });

  return passkeys;
}

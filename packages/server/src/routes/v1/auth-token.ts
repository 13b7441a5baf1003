import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { InvalidError, UnauthenticatedError } from '@sentinel-kit/core';
import { TokenRequestSchema, TokenResponseSchema } from '@sentinel-kit/core/contract';
import type { TokenRequest } from '@sentinel-kit/core/contract';
import { authContext } from '../../auth/context.js';
import { clientIp } from '../../auth/request-info.js';
import { withRetryAfter } from '../../auth/retry-after.js';
import type { RouteContext } from '../../http/app-types.js';
import { defineRoute, json } from '../../http/route.js';
import { formatValidationError } from '../../http/validation.js';
import type { V1Services } from '../../v1/v1-services.js';
import { V1_TAGS, v1Errors } from './common.js';

export const tokenRoute = defineRoute('public', {
  method: 'post',
  path: '/api/v1/auth/token',
  tags: [V1_TAGS.auth],
  summary: 'Log in: a JWT for the audit & compliance API',
  description:
    'Takes a form (`username=…&password=…`) or JSON. Answers `{"access_token": "eyJ…", "token_type": "bearer", "expires_in": 86400}`: send it as `Authorization: Bearer <access_token>` on every `/api/v1` route. ' +
    'Users with two-factor authentication add `totp_code`. Wrong credentials answer 401 (the same for unknown users); repeated failures per address or username 429 with `Retry-After` (the login throttle of `POST /login`).',
  request: {
    body: {
      content: {
        'application/x-www-form-urlencoded': { schema: TokenRequestSchema },
        'application/json': { schema: TokenRequestSchema },
      },
    },
  },
  responses: { 200: json(TokenResponseSchema, 'The token'), ...v1Errors(400, 401, 413) },
});

function tokenBody(c: Context, fromJson: unknown, fromForm: unknown): TokenRequest {
  const type = c.req.header('content-type') ?? '';
  const raw = /^application\/x-www-form-urlencoded|^multipart\/form-data/i.test(type) ? fromForm : fromJson;
  const parsed = TokenRequestSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidError(formatValidationError(parsed.error));
  return parsed.data;
}

export function registerTokenRoutes(app: OpenAPIHono, ctx: RouteContext, services: V1Services): void {
  const { auth } = ctx;
  app.openapi(tokenRoute, async (c) => {
    const body = tokenBody(c, c.req.valid('json'), c.req.valid('form'));
    const ip = clientIp(c, authContext(c)?.trustProxy ?? false);
    const result = await withRetryAfter(c, () => auth.login({ username: body.username, password: body.password, ip }));
    let user;
    if (result.status === 'ok') user = result.user;
    else if (body.totp_code === undefined) throw new UnauthenticatedError('two-factor authentication is on for this user: send totp_code with the current code');
    else user = (await withRetryAfter(c, () => auth.completeTotpLogin({ totpToken: result.totpToken, code: body.totp_code as string, ip }))).user;
    const { token, expiresIn } = await services.tokens.issue(user);
    c.header('Cache-Control', 'no-store');
    return c.json({ access_token: token, token_type: 'bearer' as const, expires_in: expiresIn }, 200);
  });
}

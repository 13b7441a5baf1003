import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { NotFoundError } from '@sentinel-kit/core';
import type { Credential } from '@sentinel-kit/core';
import { ApiKeyListResponseSchema, CreateApiKeyBodySchema, CreatedApiKeySchema, V1DeletedSchema } from '@sentinel-kit/core/contract';
import type { ApiKey } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../../http/app-types.js';
import { defineRoute, json } from '../../http/route.js';
import { requireUser } from '../../auth/context.js';
import { V1_SECURITY, V1_TAGS, organizationId, organizationOf, success, v1ScopedErrors } from './common.js';

export const createApiKeyRoute = defineRoute('scope:api', {
  method: 'post',
  path: '/api/v1/api-keys',
  tags: [V1_TAGS.auth],
  security: V1_SECURITY,
  summary: 'Create an API key (shown once)',
  description:
    'Answers `{"id", "name", "key"}`: the key (`vp_…`) is shown this once; the server keeps only its SHA-256. Send it as `X-API-Key: vp_…` on every `/api/v1` route, or as `X-AUTH-TOKEN: <key>/<id>` on the image inventory API. ' +
    'Keys never expire; they act for the user who created them (with that user’s role) in the creator’s organization, until revoked or the user is deleted. Creating and listing keys needs a signed-in user (401 while authentication is off and no user signed in).',
  request: { body: { content: { 'application/json': { schema: CreateApiKeyBodySchema } }, required: true } },
  responses: { 201: json(CreatedApiKeySchema, 'The new key'), ...v1ScopedErrors(400, 413) },
});

export const listApiKeysRoute = defineRoute('scope:api', {
  method: 'get',
  path: '/api/v1/api-keys',
  tags: [V1_TAGS.auth],
  security: V1_SECURITY,
  summary: 'List your API keys (never their values)',
  responses: { 200: json(ApiKeyListResponseSchema, 'Live keys, oldest first'), ...v1ScopedErrors() },
});

export const deleteApiKeyRoute = defineRoute('scope:api', {
  method: 'delete',
  path: '/api/v1/api-keys/{id}',
  tags: [V1_TAGS.auth],
  security: V1_SECURITY,
  summary: 'Revoke an API key',
  description: 'Revoked at once, on every surface. Only your own keys (404 otherwise).',
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: { 200: json(V1DeletedSchema, 'Revoked'), ...v1ScopedErrors(404) },
});

const keyBody = (k: Credential): ApiKey => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  organization_id: organizationId(k.organization),
  created_at: k.createdAt,
  last_used_at: k.lastUsedAt,
});

export function registerApiKeyRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const { auth, logger } = ctx;

  // Keys act for a user, like API tokens: without a signed-in user (authentication off) there is nobody to own one.
  const ownKeys = (userId: string): Promise<Credential[]> => auth.credentials.list({ kind: 'api_key', ownerUserId: userId });

  app.openapi(createApiKeyRoute, async (c) => {
    const { name } = c.req.valid('json');
    const principal = requireUser(c);
    const issued = await auth.credentials.issue({ kind: 'api_key', name, scopes: ['api'], organization: String(organizationOf(principal)), ownerUserId: principal.userId });
    logger.info('API key created', { key_id: issued.credential.id, user: principal.username });
    return c.json({ id: issued.credential.id, name: issued.credential.name, key: issued.secret, prefix: issued.credential.prefix, created_at: issued.credential.createdAt }, 201);
  });

  app.openapi(listApiKeysRoute, async (c) => {
    const keys = (await ownKeys(requireUser(c).userId)).map(keyBody);
    return c.json(success({ api_keys: keys, total: keys.length }), 200);
  });

  app.openapi(deleteApiKeyRoute, async (c) => {
    const { id } = c.req.valid('param');
    const mine = (await ownKeys(requireUser(c).userId)).find((k) => k.id === id);
    if (mine === undefined) throw new NotFoundError(`API key ${id} not found`);
    await auth.credentials.revoke(id);
    logger.info('API key revoked', { key_id: id });
    return c.json(success({ id, deleted: true as const }), 200);
  });
}

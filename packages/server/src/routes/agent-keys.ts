import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { InvalidError, NotFoundError } from '@sentinel-kit/core';
import type { Credential } from '@sentinel-kit/core';
import { AgentKeySchema, CreateAgentKeyBodySchema, CreatedAgentKeySchema } from '@sentinel-kit/core/contract';
import type { AgentKey } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';
import { inventoryFor } from '../inventory/inventory-services.js';

const tags = ['Agent keys'];

/** The scope every agent key carries: what `POST /api/agent/report` (`scope:agent`) requires. */
export const AGENT_SCOPE = 'agent';

export const listAgentKeysRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/agent-keys',
  tags,
  summary: 'List agent keys (masked)',
  description: 'Live agent keys (`sk_agent_…`), including those issued by agent enrollment, oldest first. Keys are never shown again: only their first characters.',
  responses: { 200: json(z.array(AgentKeySchema), 'Agent keys') },
});

export const createAgentKeyRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/agent-keys',
  tags,
  summary: 'Create an agent key',
  description: 'Answers the key (`sk_agent_…`) once; only its SHA-256 is stored. The key carries the `agent` scope and reports into `organization_id` (default 1).',
  request: { body: { content: { 'application/json': { schema: CreateAgentKeyBodySchema } }, required: true } },
  responses: { 201: json(CreatedAgentKeySchema, 'Created; `key` is shown only here'), ...errors(400) },
});

export const deleteAgentKeyRoute = defineRoute('settings.modify', {
  method: 'delete',
  path: '/api/agent-keys/{id}',
  tags,
  summary: 'Revoke an agent key',
  description: 'The key stops working at once; reports it sent stay.',
  request: { params: z.object({ id: z.string().min(1).max(128) }) },
  responses: { 200: json(z.object({ message: z.string() }), 'Revoked'), ...errors(404) },
});

/** A key as listed; `organizations` resolves a key stored with an organization key (`default`) rather than an id. */
export function agentKeyBody(credential: Credential, organizations: ReadonlyArray<{ id: number; key: string }> = []): AgentKey {
  const organization = credential.organization;
  const agentId = credential.metadata?.agent_id;
  const organizationId =
    organization === undefined ? null : /^\d+$/.test(organization) ? Number(organization) : (organizations.find((o) => o.key === organization)?.id ?? null);
  return {
    id: credential.id,
    name: credential.name,
    prefix: `${credential.prefix}…`,
    organization_id: organizationId,
    agent_id: typeof agentId === 'string' ? agentId : null,
    created_at: credential.createdAt,
    last_used_at: credential.lastUsedAt,
  };
}

export function registerAgentKeyRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const { credentials } = ctx.auth;

  app.openapi(listAgentKeysRoute, async (c) => {
    const organizations = await inventoryFor(ctx).assets.organizations();
    return c.json((await credentials.list({ kind: 'agent_key' })).map((credential) => agentKeyBody(credential, organizations)), 200);
  });

  app.openapi(createAgentKeyRoute, async (c) => {
    const body = c.req.valid('json');
    const organizationId = body.organization_id ?? 1;
    if ((await inventoryFor(ctx).assets.organization(organizationId)) === undefined) {
      throw new InvalidError(`organization_id: no organization ${organizationId}`);
    }
    const { secret, credential } = await credentials.issue({ kind: 'agent_key', name: body.name, organization: String(organizationId), scopes: [AGENT_SCOPE] });
    ctx.logger.info('agent key created', { id: credential.id, name: credential.name });
    return c.json({ ...agentKeyBody(credential), key: secret }, 201);
  });

  app.openapi(deleteAgentKeyRoute, async (c) => {
    const { id } = c.req.valid('param');
    const credential = await credentials.get(id);
    if (credential === undefined || credential.kind !== 'agent_key' || credential.revokedAt !== null || !(await credentials.revoke(id))) {
      throw new NotFoundError(`agent key ${id} not found`);
    }
    ctx.logger.info('agent key revoked', { id });
    return c.json({ message: 'agent key revoked' }, 200);
  });
}

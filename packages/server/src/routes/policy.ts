import type { OpenAPIHono } from '@hono/zod-openapi';
import { BulkPolicyBodySchema, BulkPolicyResponseSchema, PolicyBodySchema, PolicyResponseSchema } from '@sentinel-kit/core/contract';
import { assertLocalHost } from '../http/app-types.js';
import type { RouteContext } from '../http/app-types.js';
import { ContainerNameParam, HostQuery } from '../http/params.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Policy'];

export const setPolicyRoute = defineRoute('containers.manage', {
  method: 'post',
  path: '/api/containers/{name}/policy',
  tags,
  summary: 'Set a policy override',
  request: {
    params: ContainerNameParam,
    query: HostQuery,
    body: { required: true, content: { 'application/json': { schema: PolicyBodySchema } } },
  },
  responses: { 200: json(PolicyResponseSchema, 'Policy set'), ...errors(400, 404, 413, 501, 503) },
});

export const deletePolicyRoute = defineRoute('containers.manage', {
  method: 'delete',
  path: '/api/containers/{name}/policy',
  tags,
  summary: 'Remove the policy override (revert to label or default)',
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(PolicyResponseSchema, 'Override removed; the effective policy'), ...errors(400, 404, 501, 503) },
});

export const bulkPolicyRoute = defineRoute('containers.manage', {
  method: 'post',
  path: '/api/bulk/policy',
  tags,
  summary: 'Bulk policy change: preview by default, `confirm: true` applies',
  request: { body: { required: true, content: { 'application/json': { schema: BulkPolicyBodySchema } } } },
  responses: { 200: json(BulkPolicyResponseSchema, 'Preview or result'), ...errors(400, 404, 413, 503) },
});

export function registerPolicyRoutes(app: OpenAPIHono, { sentinel }: RouteContext): void {
  app.openapi(setPolicyRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    return c.json(await sentinel.setPolicy(c.req.valid('param').name, c.req.valid('json').policy), 200);
  });
  app.openapi(deletePolicyRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    return c.json(await sentinel.clearPolicy(c.req.valid('param').name), 200);
  });
  app.openapi(bulkPolicyRoute, async (c) => c.json(await sentinel.bulkPolicy(c.req.valid('json')), 200));
}

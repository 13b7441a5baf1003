import type { OpenAPIHono } from '@hono/zod-openapi';
import { AgentIdParamSchema, SystemListQuerySchema, SystemListResponseSchema, SystemResponseSchema } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../../http/app-types.js';
import { defineRoute, json } from '../../http/route.js';
import type { V1Services } from '../../v1/v1-services.js';
import { V1_SECURITY, V1_TAGS, success, v1ScopedErrors } from './common.js';

export const listSystemsRoute = defineRoute('scope:api', {
  method: 'get',
  path: '/api/v1/systems',
  tags: [V1_TAGS.systems],
  security: V1_SECURITY,
  summary: 'List all registered agents/systems',
  description:
    'Enrolled agents (kind `host`) and the server’s own Docker host (kind `docker_host`, `agent_id` `local-docker`), paged with `page` (from 1) and `per_page` (default 50, at most 500); `status` (`online`/`offline`) and `kind` filter. ' +
    'A system is `online` when it reported (the Docker host: answered) within the offline threshold (15 minutes by default).',
  request: { query: SystemListQuerySchema },
  responses: { 200: json(SystemListResponseSchema, 'A page of systems'), ...v1ScopedErrors(400) },
});

export const getSystemRoute = defineRoute('scope:api', {
  method: 'get',
  path: '/api/v1/systems/{agent_id}',
  tags: [V1_TAGS.systems],
  security: V1_SECURITY,
  summary: 'Get details for a specific system',
  request: { params: AgentIdParamSchema },
  responses: { 200: json(SystemResponseSchema, 'The system'), ...v1ScopedErrors(400, 404) },
});

export function registerSystemRoutes(app: OpenAPIHono, _ctx: RouteContext, services: V1Services): void {
  const { systems } = services;

  app.openapi(listSystemsRoute, async (c) => {
    const query = c.req.valid('query');
    const all = (await systems.list()).filter((s) => (query.status === undefined || s.status === query.status) && (query.kind === undefined || s.kind === query.kind));
    const start = (query.page - 1) * query.per_page;
    return c.json(success({ systems: all.slice(start, start + query.per_page), total: all.length, page: query.page, per_page: query.per_page }), 200);
  });

  app.openapi(getSystemRoute, async (c) => {
    const { agent_id } = c.req.valid('param');
    return c.json(success(await systems.describe(await systems.asset(agent_id))), 200);
  });
}

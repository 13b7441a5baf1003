import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { DependencyGraphSchema, DependencyNodeSchema } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Dependencies'];

export const depsGraphRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/deps',
  tags,
  summary: 'Full dependency graph',
  description:
    'Built from `sentinel.depends-on` labels, compose `com.docker.compose.depends_on` labels (within one compose project), `network_mode: container:<name>` and links. `order` lists dependencies before dependents.',
  responses: { 200: json(DependencyGraphSchema, 'Graph'), ...errors(503) },
});

export const depsContainerRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/deps/{container}',
  tags,
  summary: 'Dependencies for one container',
  request: { params: z.object({ container: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/, 'invalid container name') }) },
  responses: { 200: json(DependencyNodeSchema, 'Dependencies and dependents'), ...errors(400, 404, 503) },
});

export function registerDepsRoutes(app: OpenAPIHono, { sentinel }: RouteContext): void {
  app.openapi(depsGraphRoute, async (c) => c.json(await sentinel.dependencies(), 200));
  app.openapi(depsContainerRoute, async (c) => c.json(await sentinel.dependenciesOf(c.req.valid('param').container), 200));
}

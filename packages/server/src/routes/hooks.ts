import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { HookBodySchema, HookListSchema, HookPhaseSchema, HookSchema, MessageResponseSchema } from '@sentinel-kit/core/contract';
import { assertLocalHost } from '../http/app-types.js';
import type { RouteContext } from '../http/app-types.js';
import { HostQuery } from '../http/params.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Hooks'];

const ContainerParam = z.object({ container: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/, 'invalid container name') });

export const listHooksRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/hooks/{container}',
  tags,
  summary: 'List hooks for a container',
  description: 'API-defined hooks and hooks from `sentinel.hook.pre-update` / `sentinel.hook.post-update` labels (`source`); an API hook wins over a label hook of the same phase.',
  request: { params: ContainerParam, query: HostQuery },
  responses: { 200: json(HookListSchema, 'Hooks'), ...errors(400, 404, 501, 503) },
});

export const setHookRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/hooks/{container}',
  tags,
  summary: 'Create or update a hook',
  description:
    'Hooks run inside the container with `docker exec` when hooks are enabled: `pre-update` before the old container is stopped (exit code 75 skips the update; any other failure aborts it), `post-update` in the new container once it is healthy.',
  request: { params: ContainerParam, query: HostQuery, body: { required: true, content: { 'application/json': { schema: HookBodySchema } } } },
  responses: { 200: json(HookSchema, 'The hook as stored'), ...errors(400, 404, 413, 501, 503) },
});

export const deleteHookRoute = defineRoute('settings.modify', {
  method: 'delete',
  path: '/api/hooks/{container}/{phase}',
  tags,
  summary: 'Delete a hook',
  request: { params: ContainerParam.extend({ phase: HookPhaseSchema }), query: HostQuery },
  responses: { 200: json(MessageResponseSchema, 'Deleted'), ...errors(400, 404, 501) },
});

export function registerHooksRoutes(app: OpenAPIHono, { sentinel }: RouteContext): void {
  app.openapi(listHooksRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    return c.json(await sentinel.listHooks(c.req.valid('param').container), 200);
  });
  app.openapi(setHookRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    const body = c.req.valid('json');
    const hook = await sentinel.setHook(c.req.valid('param').container, body);
    return c.json({ container_name: hook.container_name, phase: hook.phase, command: hook.command, timeout: hook.timeout }, 200);
  });
  app.openapi(deleteHookRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    const { container, phase } = c.req.valid('param');
    await sentinel.removeHook(container, phase);
    return c.json({ message: `${phase} hook deleted for ${container}` }, 200);
  });
}

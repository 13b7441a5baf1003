import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  ActionResponseSchema,
  CheckResponseSchema,
  MessageResponseSchema,
  UpdateToVersionBodySchema,
} from '@sentinel-kit/core/contract';
import type { Permission } from '@sentinel-kit/core';
import { assertLocalHost } from '../http/app-types.js';
import type { RouteContext } from '../http/app-types.js';
import { ContainerNameParam, HostQuery } from '../http/params.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Container Actions'];

const stateAction = (action: 'restart' | 'stop' | 'start') =>
  defineRoute('containers.manage' satisfies Permission, {
    method: 'post',
    path: `/api/containers/{name}/${action}`,
    tags,
    summary: `${action[0]?.toUpperCase()}${action.slice(1)} a container`,
    request: { params: ContainerNameParam, query: HostQuery },
    responses: { 200: json(ActionResponseSchema, 'Done'), ...errors(400, 404, 409, 501, 503) },
  });

export const restartRoute = stateAction('restart');
export const stopRoute = stateAction('stop');
export const startRoute = stateAction('start');

export const updateRoute = defineRoute('containers.update', {
  method: 'post',
  path: '/api/update/{name}',
  tags,
  summary: 'Trigger update (pull + recreate); runs asynchronously',
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(ActionResponseSchema, 'Update started'), ...errors(400, 404, 409, 501, 503) },
});

export const checkRoute = defineRoute('containers.update', {
  method: 'post',
  path: '/api/check/{name}',
  tags,
  summary: 'Check the registry for updates now',
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(CheckResponseSchema, 'Check result'), ...errors(400, 404, 501, 502, 503) },
});

export const rollbackRoute = defineRoute('containers.rollback', {
  method: 'post',
  path: '/api/containers/{name}/rollback',
  tags,
  summary: 'Roll back to the last snapshot; runs asynchronously',
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(ActionResponseSchema, 'Rollback started'), ...errors(400, 404, 409, 501, 503) },
});

export const updateToVersionRoute = defineRoute('containers.update', {
  method: 'post',
  path: '/api/containers/{name}/update-to-version',
  tags,
  summary: 'Update to a specific tag; runs asynchronously',
  request: {
    params: ContainerNameParam,
    query: HostQuery,
    body: { required: true, content: { 'application/json': { schema: UpdateToVersionBodySchema } } },
  },
  responses: { 200: json(ActionResponseSchema, 'Update started'), ...errors(400, 404, 409, 413, 501, 502, 503) },
});

export const scanRoute = defineRoute('containers.update', {
  method: 'post',
  path: '/api/scan',
  tags,
  summary: 'Trigger a full scan cycle; runs asynchronously',
  responses: { 200: json(MessageResponseSchema, 'Scan started (or joined the one running)') },
});

export function registerActionRoutes(app: OpenAPIHono, { sentinel }: RouteContext): void {
  for (const [route, action] of [
    [restartRoute, 'restart'],
    [stopRoute, 'stop'],
    [startRoute, 'start'],
  ] as const) {
    app.openapi(route, async (c) => {
      assertLocalHost(c.req.valid('query').host);
      return c.json(await sentinel.containerAction(c.req.valid('param').name, action), 200);
    });
  }
  app.openapi(updateRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    return c.json(await sentinel.startUpdate(c.req.valid('param').name), 200);
  });
  app.openapi(checkRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    return c.json(await sentinel.check(c.req.valid('param').name), 200);
  });
  app.openapi(rollbackRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    return c.json(await sentinel.startRollback(c.req.valid('param').name), 200);
  });
  app.openapi(updateToVersionRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    return c.json(await sentinel.startUpdateToVersion(c.req.valid('param').name, c.req.valid('json').tag), 200);
  });
  app.openapi(scanRoute, async (c) => {
    const { started } = sentinel.startScan();
    return c.json({ message: started ? 'Scan started' : 'Scan already in progress' }, 200);
  });
}

import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  ContainerDetailSchema,
  ContainerSchema,
  LastScanResponseSchema,
  LogsQuerySchema,
  LogsResponseSchema,
  StatsResponseSchema,
  TagsResponseSchema,
  VersionsResponseSchema,
} from '@sentinel-kit/core/contract';
import { assertLocalHost } from '../http/app-types.js';
import type { RouteContext } from '../http/app-types.js';
import { ContainerNameParam, HostQuery } from '../http/params.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Containers'];

export const listContainersRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/containers',
  tags,
  summary: 'List all containers',
  responses: { 200: json(z.array(ContainerSchema), 'Containers with their effective policy'), ...errors(503) },
});

export const getContainerRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/containers/{name}',
  tags,
  summary: 'Container detail (history, snapshots)',
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(ContainerDetailSchema, 'Container detail'), ...errors(400, 404, 501, 503) },
});

export const containerVersionsRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/containers/{name}/versions',
  tags,
  summary: 'Available newer versions from the registry',
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(VersionsResponseSchema, 'Newer compatible versions, newest first'), ...errors(400, 404, 501, 502, 503) },
});

export const containerTagsRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/containers/{name}/tags',
  tags,
  summary: "All tags of the container's image repository",
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(TagsResponseSchema, 'Repository tags'), ...errors(400, 404, 501, 502, 503) },
});

export const containerLogsRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/containers/{name}/logs',
  tags,
  summary: 'Container log output',
  request: { params: ContainerNameParam, query: LogsQuerySchema },
  responses: { 200: json(LogsResponseSchema, 'The last lines of output'), ...errors(400, 404, 501, 503) },
});

export const statsRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/stats',
  tags,
  summary: 'Dashboard stat card counts',
  responses: { 200: json(StatsResponseSchema, 'Counts'), ...errors(503) },
});

export const lastScanRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/last-scan',
  tags,
  summary: 'Timestamp of the last completed scan',
  responses: { 200: json(LastScanResponseSchema, 'Last scan time or null') },
});

export function registerContainerRoutes(app: OpenAPIHono, { sentinel }: RouteContext): void {
  app.openapi(listContainersRoute, async (c) => c.json(await sentinel.listContainers(), 200));
  app.openapi(getContainerRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    return c.json(await sentinel.getContainer(c.req.valid('param').name), 200);
  });
  app.openapi(containerVersionsRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    return c.json(await sentinel.versions(c.req.valid('param').name), 200);
  });
  app.openapi(containerTagsRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    return c.json(await sentinel.tags(c.req.valid('param').name), 200);
  });
  app.openapi(containerLogsRoute, async (c) => {
    const { lines, host } = c.req.valid('query');
    assertLocalHost(host);
    return c.json(await sentinel.logs(c.req.valid('param').name, lines), 200);
  });
  app.openapi(statsRoute, async (c) => c.json(await sentinel.stats(), 200));
  app.openapi(lastScanRoute, async (c) => c.json({ last_scan: await sentinel.lastScan() }, 200));
}

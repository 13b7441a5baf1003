import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ActionResponseSchema, IgnoreResponseSchema, QueueCountSchema, QueueItemSchema } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { QueueKeyParam } from '../http/params.js';
import { defineRoute, errors, json } from '../http/route.js';
import { queueReleaseNotes } from './release-sources.js';

const tags = ['Queue'];

export const listQueueRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/queue',
  tags,
  summary: 'List pending updates (with release notes URLs)',
  description: '`release_notes_url` is set on version updates whose GitHub release was found (see `/api/release-sources`); GitHub is waited for at most 1.5 s, later answers are cached for the next call.',
  responses: { 200: json(z.array(QueueItemSchema), 'Pending updates') },
});

export const queueCountRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/queue/count',
  tags,
  summary: 'Pending update count',
  responses: { 200: json(QueueCountSchema, 'Count') },
});

export const approveRoute = defineRoute('containers.approve', {
  method: 'post',
  path: '/api/approve/{key}',
  tags,
  summary: 'Approve and execute a pending update',
  request: { params: QueueKeyParam },
  responses: { 200: json(ActionResponseSchema, 'Approved; update started'), ...errors(400, 404, 409, 503) },
});

export const rejectRoute = defineRoute('containers.approve', {
  method: 'post',
  path: '/api/reject/{key}',
  tags,
  summary: 'Reject and remove a pending update',
  request: { params: QueueKeyParam },
  responses: { 200: json(ActionResponseSchema, 'Rejected'), ...errors(400, 404) },
});

export const ignoreRoute = defineRoute('containers.approve', {
  method: 'post',
  path: '/api/ignore/{key}',
  tags,
  summary: 'Ignore the top version of a pending update',
  request: { params: QueueKeyParam },
  responses: { 200: json(IgnoreResponseSchema, 'Ignored'), ...errors(400, 404, 502) },
});

export function registerQueueRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const { sentinel } = ctx;
  // Release-note URLs are added when GitHub answers in time (or from cache); the queue never waits long for them.
  const withReleaseNotes = queueReleaseNotes(ctx);
  app.openapi(listQueueRoute, async (c) => c.json(await withReleaseNotes(await sentinel.listQueue()), 200));
  app.openapi(queueCountRoute, async (c) => c.json({ count: await sentinel.queue.count() }, 200));
  app.openapi(approveRoute, async (c) => c.json(await sentinel.approve(c.req.valid('param').key), 200));
  app.openapi(rejectRoute, async (c) => c.json(await sentinel.reject(c.req.valid('param').key), 200));
  app.openapi(ignoreRoute, async (c) => c.json(await sentinel.ignore(c.req.valid('param').key), 200));
}

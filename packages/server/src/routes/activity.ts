import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { createActivityLog, errorMessage } from '@sentinel-kit/core';
import type { ActivityInput, ActivityLog, Sentinel } from '@sentinel-kit/core';
import { ActivityEntrySchema, ActivityQuerySchema } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';

export const activityLogRoute = defineRoute('logs.view', {
  method: 'get',
  path: '/api/logs',
  tags: ['History & Logs'],
  summary: 'Activity log entries, newest first',
  description:
    'What happened: scans, updates, rollbacks, queue, policy and settings changes, inbound webhooks. The last 1000 entries are kept. ' +
    '`limit` (1–1000, default 100) caps the answer; `type` keeps one kind (`scan`, `update`, `rollback`, `queue`, `policy`, `settings`, `webhook`, `container`…).',
  request: { query: ActivityQuerySchema },
  responses: { 200: json(z.array(ActivityEntrySchema), 'Activity entries, newest first'), ...errors(400) },
});

const logs = new WeakMap<Sentinel, ActivityLog>();
const following = new WeakMap<ActivityLog, () => void>();

/**
 * The activity log of this server's engine, one per Sentinel. Route modules
 * record their own significant actions with `recordActivity(ctx, ...)`; the
 * engine's events are followed once the app starts (`registerActivityRoutes`).
 */
export function activityLogFor(ctx: RouteContext): ActivityLog {
  let log = logs.get(ctx.sentinel);
  if (log === undefined) {
    log = createActivityLog({
      storage: ctx.sentinel.storage,
      clock: ctx.clock,
      onError: (error) => ctx.logger.warn('activity log write failed', { error: errorMessage(error) }),
    });
    logs.set(ctx.sentinel, log);
  }
  return log;
}

/** Record an entry without making the caller wait for (or fail on) storage. */
export function recordActivity(ctx: RouteContext, input: ActivityInput): void {
  activityLogFor(ctx)
    .record(input)
    .catch((error: unknown) => ctx.logger.warn('activity log write failed', { error: errorMessage(error) }));
}

export function registerActivityRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const log = activityLogFor(ctx);
  // Events are followed while the app runs, from start() to close(); once per log even if several apps share an engine.
  ctx.onStart(() => {
    if (!following.has(log)) following.set(log, log.follow(ctx.sentinel.events));
  });
  ctx.onClose(async () => {
    following.get(log)?.();
    following.delete(log);
    await log.flush();
  });
  app.openapi(activityLogRoute, async (c) => {
    const { limit, type } = c.req.valid('query');
    return c.json(await log.list({ limit, type }), 200);
  });
}

import type { OpenAPIHono } from '@hono/zod-openapi';
import { HealthResponseSchema } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, json } from '../http/route.js';

export const healthRoute = defineRoute('public', {
  method: 'get',
  path: '/api/health',
  tags: ['Health'],
  summary: 'Liveness and dependency status (public)',
  description: '`status` is `degraded` while the Docker engine is unreachable; the server keeps retrying.',
  responses: { 200: json(HealthResponseSchema, 'Health') },
});

export function registerHealthRoutes(app: OpenAPIHono, { sentinel }: RouteContext, meta: { version: string; startedAt: number }): void {
  app.openapi(healthRoute, (c) => {
    const docker = sentinel.engineStatus();
    const next = sentinel.scheduler.nextRunAt();
    return c.json(
      {
        status: docker.connected ? ('ok' as const) : docker.checked_at === null ? ('starting' as const) : ('degraded' as const),
        version: meta.version,
        started_at: new Date(meta.startedAt).toISOString(),
        uptime_seconds: Math.round((Date.now() - meta.startedAt) / 1000),
        docker,
        scan_in_progress: sentinel.scanInProgress(),
        next_scan_at: next === undefined ? null : new Date(next).toISOString(),
      },
      200,
    );
  });
}

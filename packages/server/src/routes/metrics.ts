import type { OpenAPIHono } from '@hono/zod-openapi';
import { NotFoundError } from '@sentinel-kit/core';
import { GrafanaDashboardSchema } from '@sentinel-kit/core/contract';
import { z } from 'zod';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';
import { grafanaDashboard, releaseServerMetrics, serverMetricsFor } from '../metrics/index.js';
import { SERVER_VERSION } from '../version.js';

export const metricsRoute = defineRoute('public', {
  method: 'get',
  path: '/metrics',
  tags: ['Metrics'],
  summary: 'Prometheus metrics (when SENTINEL_METRICS=true)',
  description: 'Prometheus text exposition format. Answers 404 unless the server was started with `SENTINEL_METRICS=true` (`--metrics`).',
  responses: {
    200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } },
    ...errors(404),
  },
});

export const grafanaDashboardRoute = defineRoute('settings.modify', {
  method: 'get',
  path: '/api/grafana-dashboard',
  tags: ['Config'],
  summary: 'Download a Grafana dashboard for the served metrics',
  description: 'Import it in Grafana and choose the Prometheus data source that scrapes `/metrics`. Every panel queries a metric this server serves.',
  responses: { 200: json(GrafanaDashboardSchema, 'Grafana dashboard model') },
});

export function registerMetricsRoutes(app: OpenAPIHono, ctx: RouteContext, options: { enabled: boolean }): void {
  const metrics = options.enabled ? serverMetricsFor(ctx.sentinel, { version: SERVER_VERSION, logger: ctx.logger }) : undefined;
  if (metrics !== undefined) {
    ctx.onStart(() => metrics.start());
    ctx.onClose(() => releaseServerMetrics(ctx.sentinel));
  }

  app.openapi(metricsRoute, async (c) => {
    if (metrics === undefined) throw new NotFoundError('metrics are disabled; start the server with SENTINEL_METRICS=true');
    return c.text(await metrics.render(), 200, { 'Content-Type': metrics.contentType });
  });

  app.openapi(grafanaDashboardRoute, (c) => {
    c.header('Content-Disposition', 'attachment; filename="sentinel-kit-grafana-dashboard.json"');
    return c.json(grafanaDashboard(SERVER_VERSION), 200);
  });
}

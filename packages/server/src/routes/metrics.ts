import type { OpenAPIHono } from '@hono/zod-openapi';
import { NotFoundError, NotImplementedError } from '@sentinel-kit/core';
import { z } from 'zod';
import { defineRoute, errors } from '../http/route.js';

export const metricsRoute = defineRoute('public', {
  method: 'get',
  path: '/metrics',
  tags: ['Metrics'],
  summary: 'Prometheus metrics (when SENTINEL_METRICS=true)',
  responses: {
    200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } },
    ...errors(404, 501),
  },
});

export function registerMetricsRoutes(app: OpenAPIHono, options: { enabled: boolean }): void {
  app.openapi(metricsRoute, () => {
    if (!options.enabled) throw new NotFoundError('metrics are disabled; start the server with SENTINEL_METRICS=true');
    throw new NotImplementedError('Prometheus metrics are not available in this version of the server yet');
  });
}

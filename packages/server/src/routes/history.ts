import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { HistoryExportFormatSchema, HistoryQuerySchema, HistoryRecordSchema } from '@sentinel-kit/core/contract';
import { historyToCsv } from '@sentinel-kit/core';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['History & Logs'];

export const historyRoute = defineRoute('history.view', {
  method: 'get',
  path: '/api/history',
  tags,
  summary: 'Recent update history, newest first',
  request: { query: HistoryQuerySchema },
  responses: { 200: json(z.array(HistoryRecordSchema), 'History records'), ...errors(400) },
});

export const historyExportRoute = defineRoute('history.view', {
  method: 'get',
  path: '/api/history/export',
  tags,
  summary: 'Export all history as JSON or CSV',
  request: { query: z.object({ format: HistoryExportFormatSchema.default('json') }) },
  responses: {
    200: {
      description: 'All history (oldest first) as a download',
      content: { 'application/json': { schema: z.array(HistoryRecordSchema) }, 'text/csv': { schema: z.string() } },
    },
    ...errors(400),
  },
});

export function registerHistoryRoutes(app: OpenAPIHono, { sentinel }: RouteContext): void {
  app.openapi(historyRoute, async (c) => {
    const { limit, before } = c.req.valid('query');
    return c.json(await sentinel.listHistory({ limit, before }), 200);
  });
  app.openapi(historyExportRoute, async (c) => {
    const { format } = c.req.valid('query');
    const records = await sentinel.exportHistory();
    const stamp = new Date().toISOString().slice(0, 10);
    if (format === 'csv') {
      c.header('Content-Disposition', `attachment; filename="sentinel-history-${stamp}.csv"`);
      return c.body(historyToCsv(records), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    }
    c.header('Content-Disposition', `attachment; filename="sentinel-history-${stamp}.json"`);
    return c.json(records, 200);
  });
}

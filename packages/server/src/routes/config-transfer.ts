import type { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { createConfigTransfer, createReleaseSourceStore, createWebhookConfigStore } from '@sentinel-kit/core';
import type { ConfigSection } from '@sentinel-kit/core';
import { ConfigBackupSchema, ConfigExportQuerySchema, ConfigImportBodySchema, ConfigImportResponseSchema } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';
import { notifierFor } from '../notify/server-notifier.js';
import { notificationsConfigSection } from './notifications-config-section.js';

/** The seed's import limit. */
export const CONFIG_IMPORT_LIMIT_BYTES = 5 * 1024 * 1024;
export const CONFIG_IMPORT_PATH = '/api/config/import';

const tags = ['Config'];

export const configExportRoute = defineRoute('settings.modify', {
  method: 'get',
  path: '/api/config/export',
  tags,
  summary: 'Download a full configuration backup',
  description:
    'Every setting, notification channels, registry credentials, release-note sources and whether webhooks are on. ' +
    'Secrets read `***REDACTED***` unless `?secrets=true`. The webhook secret is never exported (only its hash is kept).',
  request: { query: ConfigExportQuerySchema },
  responses: { 200: json(ConfigBackupSchema, 'The backup (as a download)'), ...errors(400) },
});

export const configImportRoute = defineRoute('settings.modify', {
  method: 'post',
  path: CONFIG_IMPORT_PATH,
  tags,
  summary: 'Import a configuration backup (max 5 MB)',
  description:
    'Any subset of an export. Every section is validated before anything is written: an unknown setting key or a bad value answers 400 and changes nothing. ' +
    '`***REDACTED***` values are skipped and counted in `redacted_skipped`.',
  request: { body: { content: { 'application/json': { schema: ConfigImportBodySchema } }, required: true } },
  responses: { 200: json(ConfigImportResponseSchema, 'What was imported'), ...errors(400, 413) },
});

export interface ConfigTransferRouteOptions {
  /** The `registries` section (`registryCredentialsConfigSection(store)`). */
  registries?: ConfigSection | undefined;
  /** The `notifications` section. @default the app's notifier (`notifierFor(ctx)`) */
  notifications?: ConfigSection | undefined;
}

export function registerConfigTransferRoutes(app: OpenAPIHono, ctx: RouteContext, options: ConfigTransferRouteOptions = {}): void {
  const { sentinel } = ctx;
  const transfer = createConfigTransfer({
    settings: sentinel.settings,
    applySettings: (changes) => sentinel.changeSettings(changes),
    releaseSources: createReleaseSourceStore(sentinel.storage),
    webhook: createWebhookConfigStore(sentinel.storage),
    registries: options.registries,
    notifications: options.notifications ?? notificationsConfigSection(notifierFor(ctx), sentinel.storage),
    clock: ctx.clock,
  });

  app.use(
    CONFIG_IMPORT_PATH,
    bodyLimit({
      maxSize: CONFIG_IMPORT_LIMIT_BYTES,
      onError: (c) => c.json({ error: `backup too large (limit ${CONFIG_IMPORT_LIMIT_BYTES} bytes)` }, 413),
    }),
  );

  app.openapi(configExportRoute, async (c) => {
    const secrets = c.req.valid('query').secrets === 'true';
    const backup = await transfer.export({ secrets });
    c.header('Content-Disposition', `attachment; filename="sentinel-config-${backup.exported_at.slice(0, 10)}.json"`);
    // A backup with secrets must not linger in caches.
    c.header('Cache-Control', 'no-store');
    if (secrets) ctx.logger.info('configuration exported with secrets');
    return c.json(backup, 200);
  });

  app.openapi(configImportRoute, async (c) => {
    const result = await transfer.import(c.req.valid('json'));
    sentinel.events.publish({
      type: 'settings_change',
      message: `Configuration imported: ${result.settings_imported} settings, ${result.notifications_imported} notification channels, ${result.registries_imported} registry credentials`,
      data: { key: 'config_import' },
    });
    return c.json(result, 200);
  });
}

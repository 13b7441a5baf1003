import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { NotFoundError } from '@sentinel-kit/core';
import {
  ContainerNotifyPrefsSchema,
  NotificationChannelListSchema,
  NotificationEventTypeInfoSchema,
  NotificationTemplatesSchema,
  NotificationTestBodySchema,
  NotifyPrefBodySchema,
  NotifyPrefSavedSchema,
  NotifyPrefSchema,
  NotifyStatesClearedSchema,
  StatusMessageSchema,
  TemplateBodySchema,
  TemplatePreviewBodySchema,
  TemplatePreviewSchema,
  TemplateTypeParam,
} from '@sentinel-kit/core/contract';
import type { NotificationChannel } from '@sentinel-kit/core/contract';
import { assertLocalHost } from '../http/app-types.js';
import type { RouteContext } from '../http/app-types.js';
import { ContainerNameParam, HostQuery } from '../http/params.js';
import { defineRoute, errors, json } from '../http/route.js';
import { notifierFor } from '../notify/server-notifier.js';

const tags = ['Notifications'];
const body = <T>(schema: T, required = true) => ({ required, content: { 'application/json': { schema } } });

export const listChannelsRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/settings/notifications',
  tags,
  summary: 'List channels (secrets masked)',
  description: 'Secrets show at most their first 4 characters (`abc1****`; `****` when shorter than 12), webhook URLs of Slack and Discord only their host (`https://hooks.slack.com/****`).',
  responses: { 200: json(NotificationChannelListSchema, 'Channels, secrets masked') },
});

export const saveChannelsRoute = defineRoute('settings.modify', {
  method: 'put',
  path: '/api/settings/notifications',
  tags,
  summary: 'Save channels (the full list)',
  description: 'Replaces every channel. A secret sent back exactly as listed (masked) keeps the saved value. Each channel’s settings are validated for its type; a 400 names the field.',
  request: { body: body(NotificationChannelListSchema) },
  responses: { 200: json(StatusMessageSchema, 'Saved'), ...errors(400, 413) },
});

export const testChannelsRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/settings/notifications/test',
  tags,
  summary: 'Send a test notification',
  description: 'To the channel `id` (even a disabled one), or to every enabled channel without a body. Really sends; a 502 carries the service’s error.',
  request: { body: body(NotificationTestBodySchema, false) },
  responses: { 200: json(StatusMessageSchema, 'Sent'), ...errors(400, 404, 413, 502) },
});

export const eventTypesRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/settings/notifications/event-types',
  tags,
  summary: 'Available event types for filtering',
  responses: { 200: json(z.array(NotificationEventTypeInfoSchema), 'Event types') },
});

export const listTemplatesRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/settings/notifications/templates',
  tags,
  summary: 'Custom notification templates (with the defaults and the variables)',
  responses: { 200: json(NotificationTemplatesSchema, 'Templates') },
});

export const saveTemplateRoute = defineRoute('settings.modify', {
  method: 'put',
  path: '/api/settings/notifications/templates',
  tags,
  summary: 'Save a custom template',
  description: 'Syntax: `{{.Variable}}`, `{{if .Variable}}…{{else}}…{{end}}`, `{{-`/`-}}` trim. Unknown variables or actions are refused with 400.',
  request: { body: body(TemplateBodySchema) },
  responses: { 200: json(StatusMessageSchema, 'Saved'), ...errors(400, 413) },
});

export const deleteTemplateRoute = defineRoute('settings.modify', {
  method: 'delete',
  path: '/api/settings/notifications/templates/{type}',
  tags,
  summary: 'Delete template (revert to default)',
  request: { params: TemplateTypeParam },
  responses: { 200: json(StatusMessageSchema, 'Reverted'), ...errors(400, 404) },
});

export const previewTemplateRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/settings/notifications/templates/preview',
  tags,
  summary: 'Preview template with sample data',
  description: 'Renders `template` (or the saved/default template of `event_type` when absent) with sample data (container `sentinel-test`).',
  request: { body: body(TemplatePreviewBodySchema) },
  responses: { 200: json(TemplatePreviewSchema, 'Rendered'), ...errors(400, 413) },
});

export const getNotifyPrefRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/containers/{name}/notify-pref',
  tags,
  summary: 'Get notification mode',
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(NotifyPrefSchema, 'Mode'), ...errors(400, 404, 501, 503) },
});

export const setNotifyPrefRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/containers/{name}/notify-pref',
  tags,
  summary: 'Set notification mode',
  description: '`default` (each new version announced once), `every_scan` (announced on every scan that sees it), `digest_only` (only in the digest), `muted` (never).',
  request: { params: ContainerNameParam, query: HostQuery, body: body(NotifyPrefBodySchema) },
  responses: { 200: json(NotifyPrefSavedSchema, 'Saved'), ...errors(400, 404, 413, 501, 503) },
});

export const listNotifyPrefsRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/settings/container-notify-prefs',
  tags,
  summary: 'All per-container preferences',
  responses: { 200: json(ContainerNotifyPrefsSchema, 'Modes other than default, by container') },
});

export const clearNotifyStatesRoute = defineRoute('settings.modify', {
  method: 'delete',
  path: '/api/notify-states',
  tags,
  summary: 'Clear all notification dedup states',
  description: 'The next scan announces every pending update again (per each container’s mode).',
  responses: { 200: json(NotifyStatesClearedSchema, 'Cleared') },
});

export function registerNotificationRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const notifier = notifierFor(ctx);

  /** Notification modes are kept for containers this server manages: unknown names are refused. */
  const containerKey = async (name: string, host: string | undefined): Promise<string> => {
    assertLocalHost(host);
    const all = await ctx.sentinel.docker.listContainers();
    if (!all.some((c) => c.name === name)) throw new NotFoundError(`container ${name} not found`);
    return name;
  };

  app.openapi(listChannelsRoute, async (c) => c.json(await notifier.listChannels(), 200));
  app.openapi(saveChannelsRoute, async (c) => {
    await notifier.saveChannels(c.req.valid('json') as NotificationChannel[]);
    return c.json({ status: 'ok' as const, message: 'notification settings saved' }, 200);
  });
  app.openapi(testChannelsRoute, async (c) => {
    const sent = await notifier.test(c.req.valid('json').id);
    return c.json({ status: 'ok' as const, message: `test notification sent to ${sent.join(', ')}` }, 200);
  });
  app.openapi(eventTypesRoute, (c) => c.json(notifier.eventTypes(), 200));
  app.openapi(listTemplatesRoute, async (c) => c.json(await notifier.templates(), 200));
  app.openapi(saveTemplateRoute, async (c) => {
    const { event_type, template } = c.req.valid('json');
    await notifier.saveTemplate(event_type, template);
    return c.json({ status: 'ok' as const, message: `template for ${event_type} saved` }, 200);
  });
  app.openapi(deleteTemplateRoute, async (c) => {
    const { type } = c.req.valid('param');
    await notifier.deleteTemplate(type);
    return c.json({ status: 'ok' as const, message: `template for ${type} reverted to the default` }, 200);
  });
  app.openapi(previewTemplateRoute, async (c) => {
    const { event_type, template } = c.req.valid('json');
    return c.json({ preview: await notifier.previewTemplate(event_type, template) }, 200);
  });
  app.openapi(getNotifyPrefRoute, async (c) => {
    const { name } = c.req.valid('param');
    const key = await containerKey(name, c.req.valid('query').host);
    return c.json({ name, mode: await notifier.getMode(key) }, 200);
  });
  app.openapi(setNotifyPrefRoute, async (c) => {
    const { name } = c.req.valid('param');
    const key = await containerKey(name, c.req.valid('query').host);
    const { mode } = c.req.valid('json');
    await notifier.setMode(key, mode);
    return c.json({ status: 'ok' as const, mode }, 200);
  });
  app.openapi(listNotifyPrefsRoute, async (c) => c.json(await notifier.allModes(), 200));
  app.openapi(clearNotifyStatesRoute, async (c) => c.json({ status: 'ok' as const, cleared: await notifier.clearStates() }, 200));
}

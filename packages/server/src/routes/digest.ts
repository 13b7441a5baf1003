import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  DigestBannerDismissedSchema,
  DigestBannerSchema,
  DigestSettingsBodySchema,
  DigestSettingsSavedSchema,
  DigestSettingsSchema,
  DigestTriggerSchema,
} from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';
import { notifierFor } from '../notify/server-notifier.js';

const tags = ['Digest'];

export const getDigestSettingsRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/settings/digest',
  tags,
  summary: 'Get digest settings',
  responses: { 200: json(DigestSettingsSchema, 'Digest settings and schedule') },
});

export const saveDigestSettingsRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/settings/digest',
  tags,
  summary: 'Save digest settings',
  description:
    'All fields are optional; only provided fields are updated. The digest is sent at `digest_time` (HH:MM, server time zone) and then every `digest_interval` (15m to 168h).',
  request: { body: { required: true, content: { 'application/json': { schema: DigestSettingsBodySchema } } } },
  responses: { 200: json(DigestSettingsSavedSchema, 'Saved; the new schedule'), ...errors(400, 413) },
});

export const triggerDigestRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/digest/trigger',
  tags,
  summary: 'Trigger immediate digest',
  description: 'Sends the digest of pending updates now (nothing is sent when none is pending) and emits `digest_ready`.',
  responses: { 200: json(DigestTriggerSchema, 'Digest sent') },
});

export const digestBannerRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/digest/banner',
  tags,
  summary: 'Pending digest banner info',
  description: 'Pending updates (muted containers excepted) not dismissed since the banner was last dismissed.',
  responses: { 200: json(DigestBannerSchema, 'Banner') },
});

export const dismissDigestBannerRoute = defineRoute('containers.view', {
  method: 'post',
  path: '/api/digest/banner/dismiss',
  tags,
  summary: 'Dismiss the banner',
  description: 'Hides the updates pending now; a newer version or another pending update shows the banner again.',
  responses: { 200: json(DigestBannerDismissedSchema, 'Dismissed') },
});

export function registerDigestRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const notifier = notifierFor(ctx);
  app.openapi(getDigestSettingsRoute, async (c) => c.json(await notifier.digestSettings(), 200));
  app.openapi(saveDigestSettingsRoute, async (c) => {
    const settings = await notifier.saveDigestSettings(c.req.valid('json'));
    return c.json({ status: 'ok' as const, message: 'digest settings saved', ...settings }, 200);
  });
  app.openapi(triggerDigestRoute, async (c) => {
    const result = await notifier.triggerDigest();
    const message =
      result.count === 0
        ? 'no pending updates; digest not sent'
        : result.sent.length === 0 && result.failed.length === 0
          ? `digest of ${result.count} pending update(s) ready; no channel subscribes to digests`
          : `digest of ${result.count} pending update(s) sent to ${result.sent.length} channel(s)${result.failed.length > 0 ? `; ${result.failed.length} failed and will be retried` : ''}`;
    return c.json({ status: 'ok' as const, message, ...result }, 200);
  });
  app.openapi(digestBannerRoute, async (c) => c.json(await notifier.banner(), 200));
  app.openapi(dismissDigestBannerRoute, async (c) => c.json({ status: 'ok' as const, message: 'banner dismissed', dismissed: await notifier.dismissBanner() }, 200));
}

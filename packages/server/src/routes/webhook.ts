import type { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { containersForPush, createWebhookConfigStore, errorMessage, InvalidError, NotFoundError, parseWebhookPayload, SentinelError } from '@sentinel-kit/core';
import type { WebhookConfigStore, WebhookPush } from '@sentinel-kit/core';
import {
  WebhookAcceptedSchema,
  WebhookEnabledBodySchema,
  WebhookEnabledResponseSchema,
  WebhookInfoSchema,
  WebhookSecretResponseSchema,
} from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';
import { recordActivity } from './activity.js';

/** Largest inbound webhook payload: registries send a few KiB. */
export const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;
export const WEBHOOK_PATH = '/api/webhook';

const tags = ['Webhooks'];

export const webhookRoute = defineRoute('webhook-secret', {
  method: 'post',
  path: WEBHOOK_PATH,
  tags,
  summary: 'Receive a push event from a registry or CI (webhook secret auth)',
  description: [
    'Authenticated by the webhook secret, not by a session or token: send it in `X-Webhook-Secret` or as `?secret=`.',
    'Answers 404 while webhooks are disabled, 401 for a missing or wrong secret, 413 above 64 KiB, 400 for malformed JSON.',
    'Payloads: Docker Hub `{"push_data":{"tag"},"repository":{"repo_name"}}`; GHCR: GitHub `package` / `registry_package` events of container packages;',
    'generic `{"image":"app","tag":"1.2"}` or `{"image":"app:1.2"}`. Containers running the pushed repository are checked now (updates are queued);',
    'any other payload (or an empty body) starts a full scan.',
  ].join(' '),
  request: { query: z.object({ secret: z.string().max(512).optional() }) },
  responses: { 200: json(WebhookAcceptedSchema, 'Accepted'), ...errors(400, 404, 413) },
});

export const webhookEnabledRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/settings/webhook-enabled',
  tags,
  summary: 'Turn inbound webhooks on or off',
  description: 'Turning them on for the first time generates a secret, returned in `secret` this once; later, use `POST /api/settings/webhook-secret`.',
  request: { body: { content: { 'application/json': { schema: WebhookEnabledBodySchema } }, required: true } },
  responses: { 200: json(WebhookEnabledResponseSchema, 'Saved'), ...errors(400) },
});

export const webhookSecretRoute = defineRoute('settings.modify', {
  method: 'post',
  path: '/api/settings/webhook-secret',
  tags,
  summary: 'Regenerate the webhook secret (shown once)',
  description: 'The new secret is in the answer and nowhere else: only its hash is stored. The previous secret stops working at once.',
  responses: { 200: json(WebhookSecretResponseSchema, 'The new secret') },
});

export const webhookInfoRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/settings/webhook-info',
  tags,
  summary: 'Webhook configuration (secret masked)',
  responses: { 200: json(WebhookInfoSchema, 'Webhook configuration') },
});

export function registerWebhookRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const { sentinel, logger } = ctx;
  const store: WebhookConfigStore = createWebhookConfigStore(sentinel.storage);
  const background = new Set<Promise<unknown>>();
  ctx.onClose(async () => {
    await Promise.allSettled([...background]);
  });

  const inBackground = (work: Promise<unknown>): void => {
    const p = work.finally(() => background.delete(p));
    background.add(p);
  };

  /** Check the matching containers (or scan everything) without making the sender wait. */
  const act = async (push: WebhookPush): Promise<{ checked: string[]; fullScan: boolean }> => {
    if (push.source === 'unknown' || push.image === '') {
      sentinel.startScan();
      return { checked: [], fullScan: true };
    }
    const containers = await sentinel.docker.listContainers();
    const checked = containersForPush(push, containers);
    if (checked.length > 0) {
      // A scan of just these containers: each is decided by its policy, so an `auto` one is updated.
      inBackground(sentinel.scan({ only: checked }).catch((error: unknown) => logger.warn('webhook scan failed', { containers: checked, error: errorMessage(error) })));
    }
    return { checked, fullScan: false };
  };

  app.use(
    WEBHOOK_PATH,
    bodyLimit({
      maxSize: WEBHOOK_BODY_LIMIT_BYTES,
      onError: (c) => c.json({ error: `webhook payload too large (limit ${WEBHOOK_BODY_LIMIT_BYTES} bytes)` }, 413),
    }),
  );

  app.openapi(webhookRoute, async (c) => {
    if (!(await store.get()).enabled) throw new NotFoundError('inbound webhooks are disabled; enable them with POST /api/settings/webhook-enabled');
    const secret = c.req.header('x-webhook-secret') ?? c.req.valid('query').secret;
    if (!(await store.verify(secret))) {
      // Never log what was sent: it may be a near-miss of the real secret.
      logger.warn('webhook refused: missing or invalid secret', { secret_sent: secret !== undefined && secret !== '' });
      throw new SentinelError('UNAUTHENTICATED', 'invalid or missing webhook secret');
    }
    const text = await c.req.text();
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        throw new InvalidError('invalid JSON in request body');
      }
    }
    const push = parseWebhookPayload(body);
    const { checked, fullScan } = await act(push);
    const ref = push.image === '' ? '' : push.tag === '' ? push.image : `${push.image}:${push.tag}`;
    const what = fullScan ? 'starting a full scan' : checked.length === 0 ? 'no container uses it' : `checking ${checked.join(', ')}`;
    const message = push.source === 'unknown' ? `Webhook received (unrecognised payload), ${what}` : `Webhook received from ${push.source}: ${ref}; ${what}`;
    recordActivity(ctx, { type: 'webhook', message });
    logger.info('webhook received', { source: push.source, image: push.image, tag: push.tag, checked: checked.length, full_scan: fullScan });
    return c.json({ status: 'accepted' as const, image: push.image, tag: push.tag, source: push.source, checked, full_scan: fullScan }, 200);
  });

  app.openapi(webhookEnabledRoute, async (c) => {
    const { enabled } = c.req.valid('json');
    const { generatedSecret } = await store.setEnabled(enabled);
    const message = `inbound webhooks ${enabled ? 'enabled' : 'disabled'}`;
    sentinel.events.publish({ type: 'settings_change', message: `Inbound webhooks ${enabled ? 'enabled' : 'disabled'}`, data: { key: 'webhook_enabled', value: String(enabled) } });
    return c.json({ status: 'ok' as const, enabled, message, ...(generatedSecret === undefined ? {} : { secret: generatedSecret }) }, 200);
  });

  app.openapi(webhookSecretRoute, async (c) => {
    const secret = await store.regenerateSecret();
    sentinel.events.publish({ type: 'settings_change', message: 'Webhook secret regenerated', data: { key: 'webhook_secret' } });
    return c.json({ secret, message: 'webhook secret regenerated; it is shown only this once' }, 200);
  });

  app.openapi(webhookInfoRoute, async (c) => {
    const info = await store.get();
    return c.json({ enabled: info.enabled, path: WEBHOOK_PATH, secret: info.maskedSecret, secret_set: info.secretSet }, 200);
  });
}

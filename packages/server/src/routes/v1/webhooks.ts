import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  CreateWebhookBodySchema,
  V1DeletedSchema,
  WebhookDeliveryListResponseSchema,
  WebhookIdParamSchema,
  WebhookListResponseSchema,
  WebhookResponseSchema,
} from '@sentinel-kit/core/contract';
import type { RouteContext } from '../../http/app-types.js';
import { defineRoute, json } from '../../http/route.js';
import type { V1Services } from '../../v1/v1-services.js';
import { V1_SECURITY, V1_TAGS, principalOf, success, v1ScopedErrors } from './common.js';

export const createWebhookRoute = defineRoute('scope:api', {
  method: 'post',
  path: '/api/v1/webhooks',
  tags: [V1_TAGS.webhooks],
  security: V1_SECURITY,
  summary: 'Create a webhook',
  description:
    '`{"url", "events", "secret"}` with events among `audit.completed`, `vulnerability.critical`, `agent.offline`, `compliance.failed`. Every delivery is a JSON `POST` of `{"id", "event", "created_at", "data"}` signed with ' +
    '`X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the secret>` (plus `X-Webhook-Event`, `X-Webhook-Delivery`); a non-2xx answer or no answer within 10 s is retried after 10 s, 1 min, 5 min and 30 min. The secret is never shown again.',
  request: { body: { content: { 'application/json': { schema: CreateWebhookBodySchema } }, required: true } },
  responses: { 201: json(WebhookResponseSchema, 'The webhook (secret masked)'), ...v1ScopedErrors(400, 413) },
});

export const listWebhooksRoute = defineRoute('scope:api', {
  method: 'get',
  path: '/api/v1/webhooks',
  tags: [V1_TAGS.webhooks],
  security: V1_SECURITY,
  summary: 'List webhooks (secrets masked)',
  responses: { 200: json(WebhookListResponseSchema, 'Webhooks, oldest first'), ...v1ScopedErrors() },
});

export const deleteWebhookRoute = defineRoute('scope:api', {
  method: 'delete',
  path: '/api/v1/webhooks/{id}',
  tags: [V1_TAGS.webhooks],
  security: V1_SECURITY,
  summary: 'Delete a webhook and its delivery log',
  request: { params: WebhookIdParamSchema },
  responses: { 200: json(V1DeletedSchema, 'Deleted'), ...v1ScopedErrors(404) },
});

export const webhookDeliveriesRoute = defineRoute('scope:api', {
  method: 'get',
  path: '/api/v1/webhooks/{id}/deliveries',
  tags: [V1_TAGS.webhooks],
  security: V1_SECURITY,
  summary: 'The delivery log of a webhook',
  description: 'Newest first, the last 100: each delivery with its payload, status (`pending`, `retrying`, `delivered`, `failed`), every attempt (time, HTTP status or error, duration) and when the next attempt is due.',
  request: { params: WebhookIdParamSchema },
  responses: { 200: json(WebhookDeliveryListResponseSchema, 'Deliveries'), ...v1ScopedErrors(404) },
});

export function registerWebhookRoutesV1(app: OpenAPIHono, ctx: RouteContext, services: V1Services): void {
  const { webhooks } = services;

  app.openapi(createWebhookRoute, async (c) => {
    const body = c.req.valid('json');
    const hook = await webhooks.create({ ...body, created_by: principalOf(c)?.userId });
    ctx.logger.info('webhook created', { id: hook.id, events: hook.events.join(',') });
    return c.json(success(hook), 201);
  });

  app.openapi(listWebhooksRoute, async (c) => {
    const list = await webhooks.list();
    return c.json(success({ webhooks: list, total: list.length }), 200);
  });

  app.openapi(deleteWebhookRoute, async (c) => {
    const { id } = c.req.valid('param');
    await webhooks.remove(id);
    ctx.logger.info('webhook deleted', { id });
    return c.json(success({ id, deleted: true as const }), 200);
  });

  app.openapi(webhookDeliveriesRoute, async (c) => {
    const { id } = c.req.valid('param');
    const deliveries = await webhooks.deliveries(id);
    return c.json(success({ deliveries, total: deliveries.length }), 200);
  });
}

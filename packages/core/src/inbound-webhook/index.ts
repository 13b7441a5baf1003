export { parseWebhookPayload, containersForPush } from './webhook-payload.js';
export type { WebhookPush } from './webhook-payload.js';
export { createWebhookConfigStore } from './webhook-config.js';
export type { WebhookConfigStore, WebhookConfigView } from './webhook-config.js';

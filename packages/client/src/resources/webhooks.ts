import type { WebhookAccepted, WebhookEnabledResponse, WebhookInfo, WebhookSecretResponse } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';

/** How `receive` sends the webhook secret. */
export interface WebhookSendOptions {
  secret: string;
  /** `header` sends `X-Webhook-Secret` (kept out of access logs); `query` sends `?secret=`. @default 'header' */
  via?: 'header' | 'query';
}

/** `/api/webhook` and `/api/settings/webhook-*`: inbound webhooks from registries and CI. */
export class WebhooksResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `POST /api/webhook`: deliver a push payload (Docker Hub, GHCR, generic `{image, tag}`, or anything: a full scan). */
  receive(payload: unknown, options: WebhookSendOptions): Promise<WebhookAccepted> {
    const via = options.via ?? 'header';
    return this.#http.json({
      method: 'POST',
      path: '/api/webhook',
      json: payload ?? {},
      ...(via === 'query' ? { query: { secret: options.secret } } : { headers: { 'x-webhook-secret': options.secret } }),
    });
  }

  /** `POST /api/settings/webhook-enabled`: turn webhooks on or off; the first enable returns the generated `secret` once. */
  setEnabled(enabled: boolean): Promise<WebhookEnabledResponse> {
    return this.#http.json({ method: 'POST', path: '/api/settings/webhook-enabled', json: { enabled } });
  }

  /** `POST /api/settings/webhook-secret`: replace the secret; the answer is the only time it is readable. */
  regenerateSecret(): Promise<WebhookSecretResponse> {
    return this.#http.json({ method: 'POST', path: '/api/settings/webhook-secret' });
  }

  /** `GET /api/settings/webhook-info`: on/off, the path to post to, the secret masked. */
  info(): Promise<WebhookInfo> {
    return this.#http.json({ method: 'GET', path: '/api/settings/webhook-info' });
  }
}

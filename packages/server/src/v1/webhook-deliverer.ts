import { createHmac, randomBytes } from 'node:crypto';
import { NotFoundError, errorMessage } from '@sentinel-kit/core';
import type { Clock, FetchLike, Logger, StoragePort, TimerHandle } from '@sentinel-kit/core';
import type { Webhook, WebhookDelivery, WebhookEvent, WebhookPayload } from '@sentinel-kit/core/contract';

const WEBHOOKS = 'v1_webhooks';
const DELIVERIES = 'v1_webhook_deliveries';
const MASK = '********';

interface StoredWebhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  /** Kept as given: it signs every delivery. Never leaves the server. */
  secret: string;
  created_at: string;
  created_by: string | null;
}

type StoredDelivery = WebhookDelivery;

export interface WebhookDelivererOptions {
  storage: StoragePort;
  clock: Clock;
  fetch: FetchLike;
  logger: Logger;
  /** Waits before the 2nd, 3rd… attempt; attempts stop after the last. @default [10 s, 60 s, 5 min, 30 min] (5 attempts) */
  retryDelaysMs?: readonly number[];
  /** Time allowed per attempt. @default 10 s */
  timeoutMs?: number;
  /** Deliveries kept per webhook. @default 100 */
  keepDeliveries?: number;
  /** `User-Agent` of deliveries. */
  userAgent?: string;
}

/** Outbound webhooks of the audit & compliance API: their configuration, signed deliveries with retries, and the delivery log. */
export interface WebhookDeliverer {
  create(input: { url: string; events: WebhookEvent[]; secret: string; created_by?: string | undefined }): Promise<Webhook>;
  /** Oldest first, secrets masked. */
  list(): Promise<Webhook[]>;
  /** `NotFoundError` when unknown. Its delivery log goes with it. */
  remove(id: string): Promise<void>;
  /** Newest first; `NotFoundError` when the webhook is unknown. */
  deliveries(id: string): Promise<WebhookDelivery[]>;
  /**
   * Send `event` to every webhook subscribed to it, in the background: a
   * first attempt now, then retries with back-off until a 2xx answer or the
   * attempts run out. Resolves once the deliveries are recorded.
   */
  emit(event: WebhookEvent, data: Record<string, unknown>): Promise<number>;
  /** Pick up deliveries a restart interrupted (status `pending` or `retrying`). */
  resume(): Promise<void>;
  /** Resolves when no attempt is running (scheduled retries may remain). */
  idle(): Promise<void>;
  /** Cancel scheduled retries and wait for running attempts. */
  close(): Promise<void>;
}

/** `sha256=<hex HMAC-SHA256 of the raw body with the webhook's secret>`: the `X-Signature-256` header. */
export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const view = (w: StoredWebhook): Webhook => ({ id: w.id, url: w.url, events: [...w.events], secret: MASK, created_at: w.created_at });

export function createWebhookDeliverer(options: WebhookDelivererOptions): WebhookDeliverer {
  const { storage, clock, logger } = options;
  const delays = options.retryDelaysMs ?? [10_000, 60_000, 300_000, 1_800_000];
  const timeoutMs = options.timeoutMs ?? 10_000;
  const keep = Math.max(1, options.keepDeliveries ?? 100);
  const userAgent = options.userAgent ?? 'SentinelKit-Webhooks';
  const timers = new Map<string, TimerHandle>();
  const running = new Set<Promise<void>>();
  let closed = false;
  let seq = 0;

  const iso = (ms: number = clock.now()): string => new Date(ms).toISOString();
  const deliveryKey = (d: Pick<StoredDelivery, 'webhook_id' | 'id'>): string => `${d.webhook_id}/${d.id}`;
  // Ids sort by creation: time, then a per-process counter, then randomness.
  const newDeliveryId = (): string => `dlv_${String(clock.now()).padStart(15, '0')}${String(++seq % 1_000_000).padStart(6, '0')}${randomBytes(4).toString('hex')}`;

  const track = (work: Promise<void>): void => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };

  const prune = async (webhookId: string): Promise<void> => {
    const entries = await storage.list<StoredDelivery>(DELIVERIES, { prefix: `${webhookId}/`, reverse: true });
    const old = entries.slice(keep);
    if (old.length > 0) await storage.batch(old.map((e) => ({ op: 'delete' as const, collection: DELIVERIES, key: e.key })));
  };

  const attempt = async (webhookId: string, deliveryId: string): Promise<void> => {
    const key = `${webhookId}/${deliveryId}`;
    timers.delete(key);
    const hook = await storage.get<StoredWebhook>(WEBHOOKS, webhookId);
    const delivery = await storage.get<StoredDelivery>(DELIVERIES, key);
    if (hook === undefined || delivery === undefined || delivery.status === 'delivered' || delivery.status === 'failed') return;
    const body = JSON.stringify(delivery.payload);
    const started = clock.now();
    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await options.fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': userAgent,
          'x-signature-256': signatureOf(hook.secret, body),
          'x-webhook-event': delivery.event,
          'x-webhook-delivery': delivery.id,
        },
        body,
        signal: controller.signal,
        redirect: 'manual',
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (statusCode < 200 || statusCode >= 300) error = `receiver answered ${statusCode}`;
    } catch (caught) {
      error = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : errorMessage(caught);
    } finally {
      clock.clearTimeout(timer);
    }
    const attempts = [...delivery.attempts, { at: iso(started), status_code: statusCode, error, duration_ms: Math.max(0, clock.now() - started) }];
    const delay = delays[attempts.length - 1];
    // A retry that falls due after a restart is picked up by resume().
    const next: StoredDelivery =
      error === null
        ? { ...delivery, attempts, status: 'delivered', next_attempt_at: null }
        : delay === undefined
          ? { ...delivery, attempts, status: 'failed', next_attempt_at: null }
          : { ...delivery, attempts, status: 'retrying', next_attempt_at: iso(clock.now() + delay) };
    // The webhook may have been deleted while the attempt ran: its log went with it.
    if ((await storage.get(WEBHOOKS, webhookId)) === undefined) return;
    await storage.put(DELIVERIES, key, next);
    if (error !== null) {
      const host = safeHost(hook.url);
      if (next.status === 'failed') logger.warn('webhook delivery failed; no attempts left', { webhook_id: webhookId, event: delivery.event, host, attempts: attempts.length, error });
      else logger.info('webhook delivery failed; will retry', { webhook_id: webhookId, event: delivery.event, host, attempt: attempts.length, error });
    }
    if (next.status === 'retrying' && delay !== undefined && !closed) schedule(webhookId, deliveryId, delay);
  };

  const run = (webhookId: string, deliveryId: string): void =>
    track(attempt(webhookId, deliveryId).catch((e: unknown) => logger.error('webhook delivery crashed', { error: errorMessage(e) })));

  const schedule = (webhookId: string, deliveryId: string, delayMs: number): void => {
    const key = `${webhookId}/${deliveryId}`;
    if (timers.has(key) || closed) return;
    timers.set(key, clock.setTimeout(() => run(webhookId, deliveryId), Math.max(0, delayMs)));
  };

  const must = async (id: string): Promise<StoredWebhook> => {
    const hook = await storage.get<StoredWebhook>(WEBHOOKS, id);
    if (hook === undefined) throw new NotFoundError(`webhook ${id} not found`);
    return hook;
  };

  return {
    async create(input) {
      const hook: StoredWebhook = {
        id: `whk_${randomBytes(8).toString('hex')}`,
        url: input.url,
        events: [...new Set(input.events)],
        secret: input.secret,
        created_at: iso(),
        created_by: input.created_by ?? null,
      };
      await storage.put(WEBHOOKS, hook.id, hook);
      return view(hook);
    },

    async list() {
      return (await storage.list<StoredWebhook>(WEBHOOKS)).map((e) => e.value).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id)).map(view);
    },

    async remove(id) {
      await must(id);
      const logged = await storage.list(DELIVERIES, { prefix: `${id}/` });
      for (const [key, timer] of timers) {
        if (key.startsWith(`${id}/`)) {
          clock.clearTimeout(timer);
          timers.delete(key);
        }
      }
      await storage.batch([{ op: 'delete', collection: WEBHOOKS, key: id }, ...logged.map((e) => ({ op: 'delete' as const, collection: DELIVERIES, key: e.key }))]);
    },

    async deliveries(id) {
      await must(id);
      return (await storage.list<StoredDelivery>(DELIVERIES, { prefix: `${id}/`, reverse: true })).map((e) => e.value);
    },

    async emit(event, data) {
      if (closed) return 0;
      const hooks = (await storage.list<StoredWebhook>(WEBHOOKS)).map((e) => e.value).filter((w) => w.events.includes(event));
      for (const hook of hooks) {
        const payload: WebhookPayload = { id: `evt_${randomBytes(8).toString('hex')}`, event, created_at: iso(), data };
        const delivery: StoredDelivery = {
          id: newDeliveryId(),
          webhook_id: hook.id,
          event,
          status: 'pending',
          created_at: payload.created_at,
          next_attempt_at: null,
          attempts: [],
          payload: payload as unknown as Record<string, unknown>,
        };
        await storage.put(DELIVERIES, deliveryKey(delivery), delivery);
        await prune(hook.id);
        // The first attempt goes out now; only retries wait on the clock.
        run(hook.id, delivery.id);
      }
      return hooks.length;
    },

    async resume() {
      for (const { value } of await storage.list<StoredDelivery>(DELIVERIES)) {
        if (value.status !== 'pending' && value.status !== 'retrying') continue;
        const at = value.next_attempt_at === null ? clock.now() : Date.parse(value.next_attempt_at);
        schedule(value.webhook_id, value.id, at - clock.now());
      }
    },

    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },

    async close() {
      closed = true;
      for (const timer of timers.values()) clock.clearTimeout(timer);
      timers.clear();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

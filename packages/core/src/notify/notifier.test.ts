import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationChannel } from '../contract/notify.js';
import type { QueueItem } from '../contract/native.js';
import { InvalidError, NotFoundError, UpstreamError } from '../errors/index.js';
import { createEventBus } from '../events/event-bus.js';
import type { SentinelEvent } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import { createManualClock } from '../ports/clock.js';
import type { ManualClock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import { createUpdateQueue } from '../queue/queue.js';
import { createMemoryStorage } from '../storage/memory-storage.js';
import { createNotifier } from './notifier.js';
import type { Notifier, NotifierOptions } from './notifier.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const mswFetch: FetchLike = (input, init) => globalThis.fetch(input, init);
const HOOK = 'https://hooks.example.com/sentinel';
const GOTIFY_TOKEN = 'AbCdEfGh.SecretToken';

interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

interface Harness {
  notifier: Notifier;
  clock: ManualClock;
  events: ReturnType<typeof createEventBus>;
  queue: ReturnType<typeof createUpdateQueue>;
  logs: LogLine[];
  published: SentinelEvent[];
}

const open: Notifier[] = [];
afterEach(async () => {
  for (const n of open.splice(0)) await n.close();
});

async function harness(extra: Partial<NotifierOptions> = {}): Promise<Harness> {
  const clock = createManualClock(Date.UTC(2025, 0, 15, 0, 0));
  const storage = createMemoryStorage();
  const events = createEventBus({ clock });
  const queue = createUpdateQueue(storage);
  const logs: LogLine[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void logs.push({ level, message, fields });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const notifier = createNotifier({ storage, events, queue, clock, fetch: mswFetch, logger, hostName: 'docker-1', ...extra });
  open.push(notifier);
  const published: SentinelEvent[] = [];
  events.subscribe((e) => void published.push(e));
  await notifier.start();
  return { notifier, clock, events, queue, logs, published };
}

/** Record every webhook payload. */
function webhookReceiver(url = HOOK): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  server.use(
    http.post(url, async ({ request }) => {
      seen.push((await request.json()) as Record<string, unknown>);
      return HttpResponse.json({});
    }),
  );
  return seen;
}

const webhook = (over: Partial<NotificationChannel> = {}): NotificationChannel => ({ id: 'hook', name: 'Hook', type: 'webhook', settings: { url: HOOK }, ...over }) as NotificationChannel;

const item = (name: string, from: string, to: string, newer: string[] = [to]): QueueItem => ({
  container_name: name,
  current_image: `${name}:${from}`,
  newer_versions: newer,
  resolved_current_version: from,
  resolved_target_version: to,
  key: name,
  host_id: '',
  target_image: `${name}:${to}`,
  kind: 'version',
  detected_at: '2025-01-15T00:00:00.000Z',
});

/** What the engine publishes when a scan queues an update. */
async function updateFound(h: Harness, it: QueueItem): Promise<void> {
  await h.queue.upsert(it);
  h.events.publish({ type: 'container_update', container_name: it.container_name, message: `Update available for ${it.container_name}`, data: { newer_versions: it.newer_versions, target_image: it.target_image } });
}

describe('delivery', () => {
  it('retries a failed send with back-off on the clock, using the channel as saved at retry time', async () => {
    const h = await harness();
    const tokens: string[] = [];
    let calls = 0;
    server.use(
      http.post('http://gotify:8080/message', ({ request }) => {
        calls++;
        tokens.push(new URL(request.url).searchParams.get('token') ?? '');
        return calls < 3 ? HttpResponse.json({ error: 'Internal Server Error', errorCode: 500, errorDescription: 'database locked' }, { status: 500 }) : HttpResponse.json({ id: 1 });
      }),
    );
    await h.notifier.saveChannels([{ id: 'g', name: 'Gotify', type: 'gotify', settings: { url: 'http://gotify:8080', token: GOTIFY_TOKEN } }]);
    await updateFound(h, item('web', '1.0.0', '1.1.0'));
    await h.notifier.idle();
    expect(calls).toBe(1);

    await h.clock.advance(29_000);
    await h.notifier.idle();
    expect(calls).toBe(1);
    await h.clock.advance(1_000);
    await h.notifier.idle();
    expect(calls).toBe(2);

    // A token fixed meanwhile is what the next retry uses.
    await h.notifier.saveChannels([{ id: 'g', name: 'Gotify', type: 'gotify', settings: { url: 'http://gotify:8080', token: 'FixedToken.123456' } }]);
    await h.clock.advance(120_000);
    await h.notifier.idle();
    expect(calls).toBe(3);
    expect(tokens).toEqual([GOTIFY_TOKEN, GOTIFY_TOKEN, 'FixedToken.123456']);
    expect(h.logs.filter((l) => l.message === 'notification failed; retrying').map((l) => l.fields?.retry_in_ms)).toEqual([30_000, 120_000]);
    expect(h.logs.some((l) => l.message === 'notification delivered after retrying')).toBe(true);
  });

  it('drops a send after the last retry, logs why, reports it, and never logs the secret', async () => {
    const givenUp: string[] = [];
    const h = await harness({ onDeliveryFailed: (channel, message, error) => void givenUp.push(`${channel.type}/${message.event_type}: ${error}`) });
    let calls = 0;
    server.use(
      http.post('http://gotify:8080/message', () => {
        calls++;
        return HttpResponse.json({ error: 'Unauthorized', errorDescription: 'bad token' }, { status: 401 });
      }),
    );
    await h.notifier.saveChannels([{ id: 'g', name: 'Gotify', type: 'gotify', settings: { url: 'http://gotify:8080', token: GOTIFY_TOKEN } }]);
    await updateFound(h, item('web', '1.0.0', '1.1.0'));
    for (const step of [0, 30_000, 120_000, 600_000, 3_600_000]) {
      await h.clock.advance(step);
      await h.notifier.idle();
    }
    expect(calls).toBe(4);
    const dropped = h.logs.find((l) => l.level === 'error');
    expect(dropped?.message).toBe('notification dropped after 4 attempt(s)');
    expect(dropped?.fields).toMatchObject({ channel: 'Gotify', event_type: 'update_available', error: 'Gotify answered 401: Unauthorized: bad token' });
    expect(JSON.stringify(h.logs)).not.toContain(GOTIFY_TOKEN);
    expect(givenUp).toEqual(['gotify/update_available: Gotify answered 401: Unauthorized: bad token']);
  });

  it('stops retrying when the channel is disabled', async () => {
    const h = await harness();
    let calls = 0;
    server.use(
      http.post(HOOK, () => {
        calls++;
        return new HttpResponse(null, { status: 502 });
      }),
    );
    await h.notifier.saveChannels([webhook()]);
    await updateFound(h, item('web', '1.0.0', '1.1.0'));
    await h.notifier.idle();
    await h.notifier.saveChannels([webhook({ enabled: false })]);
    await h.clock.advance(30_000);
    await h.notifier.idle();
    expect(calls).toBe(1);
  });

  it('sends each event type only to the channels that subscribe to it', async () => {
    const h = await harness();
    const all = webhookReceiver('https://a.example.com/all');
    const failuresOnly = webhookReceiver('https://b.example.com/failures');
    await h.notifier.saveChannels([
      webhook({ id: 'a', name: 'All', settings: { url: 'https://a.example.com/all' } }),
      webhook({ id: 'b', name: 'Failures', events: ['update_failed', 'rollback_failed'], settings: { url: 'https://b.example.com/failures' } }),
      webhook({ id: 'c', name: 'Off', enabled: false, settings: { url: 'https://c.example.com/never' } }),
    ]);
    await updateFound(h, item('web', '1.0.0', '1.1.0'));
    h.events.publish({ type: 'container_update', container_name: 'web', message: 'update started for web', data: { phase: 'started', old_image: 'web:1.0.0', new_image: 'web:1.1.0' } });
    h.events.publish({ type: 'container_update', container_name: 'web', message: 'update failed for web', data: { outcome: 'failed', error: 'pull of web:1.1.0 failed: manifest unknown' } });
    await h.notifier.idle();
    expect(all.map((p) => p.event_type)).toEqual(['update_available', 'update_started', 'update_failed']);
    expect(failuresOnly.map((p) => p.event_type)).toEqual(['update_failed']);
    expect(failuresOnly[0]).toMatchObject({ container_name: 'web', old_image: 'web:1.0.0', new_image: 'web:1.1.0', error: 'pull of web:1.1.0 failed: manifest unknown', severity: 'failure' });
  });
});

describe('engine events', () => {
  it('turns update outcomes into succeeded, rolled back and rollback notifications with the images of the operation', async () => {
    const h = await harness();
    const seen = webhookReceiver();
    await h.notifier.saveChannels([webhook()]);
    const publish = (message: string, data: Record<string, unknown>): void => void h.events.publish({ type: 'container_update', container_name: 'web', message, data });
    publish('update started for web', { phase: 'started', old_image: 'web:1.0.0', new_image: 'web:1.1.0' });
    publish('web updated to web:1.1.0', { outcome: 'success', old_image: 'web:1.0.0', new_image: 'web:1.1.0' });
    publish('update started for web', { phase: 'started', old_image: 'web:1.1.0', new_image: 'web:1.2.0' });
    publish('update of web failed; rolled back to web:1.1.0', { outcome: 'rolled_back', error: 'new container reported unhealthy', image: 'web:1.1.0' });
    publish('rollback started for web', { phase: 'started', old_image: 'web:1.1.0', new_image: 'web:1.0.0' });
    publish('web rolled back to web:1.0.0', { outcome: 'success', old_image: 'web:1.1.0', new_image: 'web:1.0.0' });
    publish('web already runs the newest image', { outcome: 'identical' });
    await h.notifier.idle();
    expect(seen.map((p) => [p.event_type, p.old_image, p.new_image])).toEqual([
      ['update_started', 'web:1.0.0', 'web:1.1.0'],
      ['update_succeeded', 'web:1.0.0', 'web:1.1.0'],
      ['update_started', 'web:1.1.0', 'web:1.2.0'],
      ['update_rolled_back', 'web:1.1.0', 'web:1.2.0'],
      ['rollback_succeeded', 'web:1.1.0', 'web:1.0.0'],
    ]);
    expect(seen[3]?.message).toBe('Update of web to web:1.2.0 failed and was rolled back to web:1.1.0: new container reported unhealthy');
  });

  it('announces a failing registry check once, and again only after a scan where it succeeded', async () => {
    const h = await harness();
    const seen = webhookReceiver();
    await h.notifier.saveChannels([webhook()]);
    const fail = (): void => void h.events.publish({ type: 'container_update', container_name: 'db', message: 'Check failed for db', data: { error: 'registry answered 503' } });
    const scanDone = (failed: string[]): void =>
      void h.events.publish({ type: 'scan_complete', message: 'Scan complete', data: { started_at: new Date(h.clock.now()).toISOString(), errors: failed.map((name) => ({ name, error: 'x' })) } });
    fail();
    scanDone(['db']);
    fail();
    scanDone(['db']);
    scanDone([]);
    fail();
    await h.notifier.idle();
    expect(seen.map((p) => p.event_type)).toEqual(['check_failed', 'check_failed']);
  });

  it('renders real sends with the saved template', async () => {
    const h = await harness();
    const seen = webhookReceiver();
    await h.notifier.saveChannels([webhook()]);
    await h.notifier.saveTemplate('update_available', '{{.ContainerName}} on {{.HostName}}: {{.OldVersion}} -> {{.NewVersion}} ({{.NewerVersions}})');
    await updateFound(h, item('web', '1.0.0', '1.2.0', ['1.2.0', '1.1.0']));
    await h.notifier.idle();
    expect(seen[0]?.message).toBe('web on docker-1: 1.0.0 -> 1.2.0 (1.2.0, 1.1.0)');
    expect(seen[0]?.title).toBe('Update available: web');
  });
});

describe('channels', () => {
  it('lists channels with secrets masked and keeps a secret sent back masked', async () => {
    const h = await harness();
    await h.notifier.saveChannels([{ id: 'g', name: 'Gotify', type: 'gotify', settings: { url: 'http://gotify:8080', token: GOTIFY_TOKEN } }]);
    const [listed] = await h.notifier.listChannels();
    expect(listed).toEqual({ id: 'g', name: 'Gotify', type: 'gotify', enabled: true, events: [], settings: { url: 'http://gotify:8080', token: 'AbCd****' } });
    await h.notifier.saveChannels([{ ...(listed as NotificationChannel), name: 'Phone' }]);
    let token = '';
    server.use(
      http.post('http://gotify:8080/message', ({ request }) => {
        token = new URL(request.url).searchParams.get('token') ?? '';
        return HttpResponse.json({ id: 1 });
      }),
    );
    expect(await h.notifier.test('g')).toEqual(['Phone']);
    expect(token).toBe(GOTIFY_TOKEN);
  });

  it('refuses invalid settings naming the field, and duplicate ids', async () => {
    const h = await harness();
    await expect(h.notifier.saveChannels([{ name: 'G', type: 'gotify', settings: { url: 'gotify:8080', token: 't' } } as NotificationChannel])).rejects.toThrow(/0\.settings\.url/);
    await expect(h.notifier.saveChannels([webhook(), webhook()])).rejects.toThrow(InvalidError);
    expect(await h.notifier.listChannels()).toEqual([]);
  });

  it('test() reports unknown channels, no channels, and the service error', async () => {
    const h = await harness();
    await expect(h.notifier.test('nope')).rejects.toThrow(NotFoundError);
    await expect(h.notifier.test()).rejects.toThrow(InvalidError);
    server.use(http.post(HOOK, () => new HttpResponse('nope', { status: 404 })));
    await h.notifier.saveChannels([webhook()]);
    await expect(h.notifier.test()).rejects.toThrow(new UpstreamError('test notification failed for Hook: Webhook answered 404: nope'));
  });
});

describe('digest schedule', () => {
  it('sends the digest at digest_time on the clock, publishes digest_ready, then schedules the next one', async () => {
    const h = await harness();
    const seen = webhookReceiver();
    await h.notifier.saveChannels([webhook()]);
    await h.queue.upsert(item('web', '1.0.0', '1.1.0'));
    await h.queue.upsert(item('db', '16.3', '16.4'));
    const inTwoHours = new Date(h.clock.now() + 2 * 3_600_000);
    const time = `${String(inTwoHours.getHours()).padStart(2, '0')}:${String(inTwoHours.getMinutes()).padStart(2, '0')}`;
    const saved = await h.notifier.saveDigestSettings({ digest_time: time, digest_interval: '24h' });
    expect(saved.next_digest_at).toBe(inTwoHours.toISOString());

    await h.clock.advance(2 * 3_600_000 - 1);
    await h.notifier.idle();
    expect(seen).toEqual([]);
    await h.clock.advance(1);
    await h.notifier.idle();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ event_type: 'digest', message: '2 pending update(s) on docker-1:\n- db: db:16.3 → db:16.4\n- web: web:1.0.0 → web:1.1.0' });
    expect(h.published.filter((e) => e.type === 'digest_ready').map((e) => e.data)).toEqual([
      { count: 2, containers: ['db', 'web'], reason: 'scheduled', sent: 1, failed: 0 },
    ]);
    expect((await h.notifier.digestSettings()).next_digest_at).toBe(new Date(inTwoHours.getTime() + 24 * 3_600_000).toISOString());

    await h.notifier.saveDigestSettings({ digest_enabled: false });
    expect((await h.notifier.digestSettings()).next_digest_at).toBeNull();
    await h.clock.advance(48 * 3_600_000);
    await h.notifier.idle();
    expect(seen).toHaveLength(1);
  });

  it('validates digest settings before saving any of them', async () => {
    const h = await harness();
    await expect(h.notifier.saveDigestSettings({ digest_time: '09:00', digest_interval: '1m' })).rejects.toThrow(/digest_interval/);
    await expect(h.notifier.saveDigestSettings({ digest_interval: 'daily' })).rejects.toThrow(InvalidError);
    expect(await h.notifier.digestSettings()).toMatchObject({ digest_enabled: true, digest_time: '09:00', digest_interval: '24h' });
  });
});

describe('close', () => {
  it('stops listening and cancels pending retries', async () => {
    const h = await harness();
    let calls = 0;
    server.use(
      http.post(HOOK, () => {
        calls++;
        return new HttpResponse(null, { status: 500 });
      }),
    );
    await h.notifier.saveChannels([webhook()]);
    await updateFound(h, item('web', '1.0.0', '1.1.0'));
    await h.notifier.idle();
    await h.notifier.close();
    await updateFound(h, item('api', '1.0.0', '1.1.0'));
    await h.clock.advance(3_600_000);
    expect(calls).toBe(1);
    expect(h.clock.pending()).toBe(0);
  });
});

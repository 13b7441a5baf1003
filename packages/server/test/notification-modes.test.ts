import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '@sentinel-kit/core';
import type { ManualClock } from '@sentinel-kit/core';
import type { NotificationEventType } from '@sentinel-kit/core/contract';
import { eventually, seedWithVersions, setup } from './client/client-fixture.js';
import type { ClientFixture } from './client/client-fixture.js';

/**
 * Notifications driven by real scans of the engine (memory Docker, fake
 * registry): per-container modes, dedup, retries, and the guarantee that a
 * failing channel never breaks a scan.
 */

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const UPDATES = 'https://hooks.example.com/updates';
const DIGESTS = 'https://hooks.example.com/digests';

type Payload = Record<string, unknown> & { event_type: string; container_name: string };

interface Harness extends ClientFixture {
  clock: ManualClock;
  received: Payload[];
  digests: Payload[];
  /** Wait until every event so far is handled: a triggered digest runs after them. */
  settle(): Promise<void>;
  announced(name: string): string[];
}

async function app(options: { updates?: (attempt: number) => Response; events?: NotificationEventType[] } = {}): Promise<Harness> {
  const clock = createManualClock();
  const f = setup({ fixture: { app: { clock, fetch: (input, init) => globalThis.fetch(input, init) } } });
  const received: Payload[] = [];
  const digests: Payload[] = [];
  let attempts = 0;
  server.use(
    http.post(UPDATES, async ({ request }) => {
      attempts++;
      const payload = (await request.json()) as Payload;
      const reply = options.updates?.(attempts) ?? HttpResponse.json({});
      if (reply.ok) received.push(payload);
      return reply;
    }),
    http.post(DIGESTS, async ({ request }) => {
      digests.push((await request.json()) as Payload);
      return HttpResponse.json({});
    }),
  );
  await f.app.start();
  await f.client.notifications.save([
    { id: 'updates', name: 'Updates', type: 'webhook', enabled: true, events: options.events ?? ['update_available'], settings: { url: UPDATES } },
    { id: 'digests', name: 'Digests', type: 'webhook', enabled: true, events: ['digest'], settings: { url: DIGESTS } },
  ]);
  return {
    ...f,
    clock,
    received,
    digests,
    settle: async () => void (await f.client.digest.trigger()),
    announced: (name) => received.filter((p) => p.container_name === name && p.event_type === 'update_available').map((p) => p.new_image as string),
  };
}

async function scan(f: ClientFixture): Promise<void> {
  await f.client.scan();
  await f.sentinel.idle();
}

describe('per-container notification modes', () => {
  it('default announces once, every_scan on every scan, digest_only only in the digest, muted never', async () => {
    const f = await app();
    for (const name of ['plain', 'chatty', 'quiet', 'silent']) seedWithVersions(f, name, name, ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    await f.client.notifications.setMode('chatty', 'every_scan');
    await f.client.notifications.setMode('quiet', 'digest_only');
    await f.client.notifications.setMode('silent', 'muted');

    await scan(f);
    await scan(f);
    await scan(f);
    await f.settle();

    const target = (name: string): string => f.ref(name, '1.1.0');
    expect(f.announced('plain')).toEqual([target('plain')]);
    expect(f.announced('chatty')).toEqual([target('chatty'), target('chatty'), target('chatty')]);
    expect(f.announced('quiet')).toEqual([]);
    expect(f.announced('silent')).toEqual([]);

    // The digests (one per settle) list every pending update except the muted one.
    const listed = f.digests.map((d) => (d.updates as Array<{ container_name: string }>).map((u) => u.container_name));
    expect(listed).toEqual([['chatty', 'plain', 'quiet']]);
  });

  it('announces what the update is about, from the queue entry', async () => {
    const f = await app();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.0.1', '1.1.0'], { 'sentinel.policy': 'manual' });
    await f.client.notifications.saveTemplate('update_available', '{{.ContainerName}}: {{.OldVersion}} -> {{.NewVersion}} (all: {{.NewerVersions}})');
    await scan(f);
    await f.settle();
    expect(f.received).toEqual([
      expect.objectContaining({
        event_type: 'update_available',
        title: 'Update available: web',
        message: 'web: 1.0.0 -> 1.1.0 (all: 1.1.0, 1.0.1)',
        container_name: 'web',
        old_image: f.ref('web', '1.0.0'),
        new_image: f.ref('web', '1.1.0'),
        newer_versions: ['1.1.0', '1.0.1'],
      }),
    ]);
  });

  it('default: a newer version is announced again; clearing the dedup states re-announces on the next scan', async () => {
    const f = await app();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    await scan(f);
    await scan(f);
    await f.settle();
    expect(f.announced('web')).toEqual([f.ref('web', '1.1.0')]);

    f.publish('web', '1.2.0');
    await scan(f);
    await f.settle();
    expect(f.announced('web')).toEqual([f.ref('web', '1.1.0'), f.ref('web', '1.2.0')]);

    // Rejected and found again by the next scan: the same update, not announced twice.
    const [item] = await f.client.queue.list();
    await f.client.queue.reject(item?.key ?? '');
    await scan(f);
    await f.settle();
    expect(f.announced('web')).toHaveLength(2);

    expect(await f.client.notifications.clearStates()).toEqual({ status: 'ok', cleared: 1 });
    await scan(f);
    await f.settle();
    expect(f.announced('web')).toEqual([f.ref('web', '1.1.0'), f.ref('web', '1.2.0'), f.ref('web', '1.2.0')]);
  });
});

describe('delivery never gets in the way of the engine', () => {
  it('a failing channel does not break the scan and is retried on the app clock until it succeeds', async () => {
    const f = await app({ updates: (attempt) => (attempt === 1 ? new HttpResponse('busy', { status: 503 }) : HttpResponse.json({})) });
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    const summary = await f.sentinel.scan();
    expect(summary).toMatchObject({ checked: 1, updates_available: 1, queued: 1 });
    expect((await f.client.queue.list()).map((i) => i.container_name)).toEqual(['web']);
    await f.settle();
    expect(f.received).toEqual([]);

    await f.clock.advance(30_000);
    await eventually(() => f.received.length === 1, 'the retried notification');
    expect(f.received[0]).toMatchObject({ event_type: 'update_available', container_name: 'web' });
  });

  it('announces an automatic update: started, then succeeded with both images', async () => {
    const f = await app({ events: ['update_started', 'update_succeeded', 'update_failed', 'update_rolled_back'] });
    seedWithVersions(f, 'api', 'api', ['1.0.0', '1.0.1'], { 'sentinel.policy': 'auto' });
    await scan(f);
    await eventually(() => f.received.length >= 2, 'update notifications');
    await f.settle();
    expect(f.received.map((p) => [p.event_type, p.old_image, p.new_image])).toEqual([
      ['update_started', f.ref('api', '1.0.0'), f.ref('api', '1.0.1')],
      ['update_succeeded', f.ref('api', '1.0.0'), f.ref('api', '1.0.1')],
    ]);
  });

  it('announces a rolled-back update with the reason', async () => {
    const f = await app({ events: ['update_succeeded', 'update_failed', 'update_rolled_back'] });
    f.publish('api', '1.0.0');
    f.publish('api', '1.0.1', 'exits');
    f.docker.seedContainer({ name: 'api', image: f.ref('api', '1.0.0'), labels: { 'sentinel.policy': 'auto' } });
    await scan(f);
    await eventually(() => f.received.length >= 1, 'the rollback notification');
    expect(f.received).toEqual([
      expect.objectContaining({ event_type: 'update_rolled_back', severity: 'warning', old_image: f.ref('api', '1.0.0'), new_image: f.ref('api', '1.0.1'), error: expect.stringContaining('stopped') }),
    ]);
  });
});

import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError } from '@sentinel-kit/client';
import type { ApiError } from '@sentinel-kit/client';
import { createManualClock, nextDigestAt } from '@sentinel-kit/core';
import type { ManualClock, SentinelEvent } from '@sentinel-kit/core';
import { eventually, seedWithVersions, setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const HOOK = 'https://hooks.example.com/digest';

interface Harness extends ClientFixture {
  clock: ManualClock;
  digests: Array<Record<string, unknown>>;
  events: SentinelEvent[];
}

/** A started app on a manual clock with one webhook channel that only takes digests. */
async function app(): Promise<Harness> {
  const clock = createManualClock(Date.UTC(2025, 0, 15, 12, 0));
  const f = setup({ fixture: { app: { clock, fetch: (input, init) => globalThis.fetch(input, init) } } });
  const digests: Array<Record<string, unknown>> = [];
  server.use(
    http.post(HOOK, async ({ request }) => {
      digests.push((await request.json()) as Record<string, unknown>);
      return HttpResponse.json({});
    }),
  );
  const events: SentinelEvent[] = [];
  f.sentinel.events.subscribe((e) => void events.push(e));
  await f.app.start();
  await f.client.notifications.save([{ id: 'd', name: 'Digest hook', type: 'webhook', enabled: true, events: ['digest'], settings: { url: HOOK } }]);
  return { ...f, clock, digests, events };
}

async function scan(f: ClientFixture): Promise<void> {
  await f.client.scan();
  await f.sentinel.idle();
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

const HOUR = 3_600_000;
const hhmm = (ms: number): string => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

describe('client.digest settings', () => {
  it('reads the defaults and the schedule computed on the app clock', async () => {
    const f = await app();
    expect(await f.client.digest.settings()).toEqual({
      digest_enabled: true,
      digest_time: '09:00',
      digest_interval: '24h',
      next_digest_at: new Date(nextDigestAt(f.clock.now(), '09:00', 24 * HOUR)).toISOString(),
      last_digest_at: null,
    });
  });

  it('updates only the fields given, as the seed shows', async () => {
    const f = await app();
    const saved = await f.client.digest.saveSettings({ digest_enabled: true, digest_time: '18:30', digest_interval: '12h' });
    expect(saved).toMatchObject({ status: 'ok', message: 'digest settings saved', digest_enabled: true, digest_time: '18:30', digest_interval: '12h' });
    expect(saved.next_digest_at).toBe(new Date(nextDigestAt(f.clock.now(), '18:30', 12 * HOUR)).toISOString());
    expect(await f.client.digest.saveSettings({ digest_enabled: false })).toMatchObject({ digest_enabled: false, digest_time: '18:30', digest_interval: '12h', next_digest_at: null });
  });

  it('answers 400 naming the field for bad values or unknown fields, and changes nothing', async () => {
    const f = await app();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ digest_time: '25:00' }, 'digest_time'],
      [{ digest_time: '9am' }, 'digest_time'],
      [{ digest_interval: 'daily' }, 'invalid duration'],
      [{ digest_interval: '1m' }, 'digest_interval must be between'],
      [{ digest_time: '10:00', digest_interval: '720h' }, 'digest_interval must be between'],
      [{ digest_enabled: 'yes' }, 'digest_enabled'],
      [{ digest_enable: true }, 'digest_enable'],
    ];
    for (const [body, field] of cases) {
      const error = await rejection(f.client.digest.saveSettings(body as never));
      expect(error, JSON.stringify(body)).toBeInstanceOf(BadRequestError);
      expect((error.body as { error: string }).error).toContain(field);
    }
    expect(await f.client.digest.settings()).toMatchObject({ digest_enabled: true, digest_time: '09:00', digest_interval: '24h' });
  });
});

describe('client.digest trigger and schedule', () => {
  it('trigger() with nothing pending sends nothing', async () => {
    const f = await app();
    expect(await f.client.digest.trigger()).toEqual({ status: 'ok', message: 'no pending updates; digest not sent', count: 0, sent: [], failed: [] });
    expect(f.digests).toEqual([]);
    expect(f.events.filter((e) => e.type === 'digest_ready')).toEqual([]);
  });

  it('trigger() sends the pending updates to the channels that take digests and emits digest_ready', async () => {
    const f = await app();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    await scan(f);
    expect(await f.client.digest.trigger()).toEqual({
      status: 'ok',
      message: 'digest of 1 pending update(s) sent to 1 channel(s)',
      count: 1,
      sent: ['Digest hook'],
      failed: [],
    });
    expect(f.digests).toHaveLength(1);
    expect(f.digests[0]).toMatchObject({
      event_type: 'digest',
      title: 'Sentinel digest: pending updates',
      updates: [{ container_name: 'web', current_image: f.ref('web', '1.0.0'), target_image: f.ref('web', '1.1.0'), newer_versions: ['1.1.0'] }],
    });
    expect(f.digests[0]?.message).toContain(`- web: ${f.ref('web', '1.0.0')} → ${f.ref('web', '1.1.0')}`);
    const ready = f.events.filter((e) => e.type === 'digest_ready');
    expect(ready).toHaveLength(1);
    expect(ready[0]).toMatchObject({ message: 'Digest ready: 1 pending update(s)', data: { count: 1, containers: ['web'], reason: 'triggered' } });
    expect((await f.client.digest.settings()).last_digest_at).toBe(new Date(f.clock.now()).toISOString());
  });

  it('sends the digest by itself when digest_time comes on the app clock', async () => {
    const f = await app();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    await scan(f);
    const due = f.clock.now() + 2 * HOUR;
    await f.client.digest.saveSettings({ digest_time: hhmm(due), digest_interval: '24h' });
    await f.clock.advance(2 * HOUR - 60_000);
    expect(await f.client.digest.settings()).toMatchObject({ next_digest_at: new Date(due).toISOString(), last_digest_at: null });
    expect(f.digests).toEqual([]);
    await f.clock.advance(60_000);
    await eventually(() => f.digests.length === 1, 'the scheduled digest');
    expect(f.events.filter((e) => e.type === 'digest_ready').map((e) => e.data?.reason)).toEqual(['scheduled']);
    expect((await f.client.digest.settings()).next_digest_at).toBe(new Date(due + 24 * HOUR).toISOString());
  });
});

describe('client.digest banner', () => {
  it('shows pending updates until dismissed, and again for a newer version', async () => {
    const f = await app();
    expect(await f.client.digest.banner()).toEqual({ pending: [], count: 0, updates: [] });
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    seedWithVersions(f, 'db', 'db', ['16.3', '16.4'], { 'sentinel.policy': 'manual' });
    await scan(f);
    const banner = await f.client.digest.banner();
    expect(banner.pending).toEqual(['db', 'web']);
    expect(banner.count).toBe(2);
    expect(banner.updates[1]).toMatchObject({ key: 'web', container_name: 'web', target_image: f.ref('web', '1.1.0') });

    expect(await f.client.digest.dismissBanner()).toEqual({ status: 'ok', message: 'banner dismissed', dismissed: 2 });
    expect(await f.client.digest.banner()).toEqual({ pending: [], count: 0, updates: [] });

    f.publish('web', '1.2.0');
    await scan(f);
    expect((await f.client.digest.banner()).pending).toEqual(['web']);
  });

  it('leaves muted containers out of the banner and the digest', async () => {
    const f = await app();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    await f.client.notifications.setMode('web', 'muted');
    await scan(f);
    expect((await f.client.digest.banner()).count).toBe(0);
    expect((await f.client.digest.trigger()).count).toBe(0);
    expect(f.digests).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError } from '@sentinel-kit/client';
import { HISTORY_CSV_COLUMNS } from '@sentinel-kit/core/contract';
import { seedWithVersions, setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

/** A manual container `web` on 1.0.0 with 1.0.1 and 1.1.0 published, queued by a scan started through the client. */
async function queuedWeb(): Promise<ClientFixture> {
  const f = setup();
  seedWithVersions(f, 'web', 'web', ['1.0.0', '1.0.1', '1.1.0'], { 'sentinel.policy': 'manual' });
  await f.client.scan();
  await f.sentinel.idle();
  return f;
}

describe('client scan, stats, lastScan, health', () => {
  it('scan() starts a scan that queues a manual container with its newer versions', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.0.1', '1.1.0'], { 'sentinel.policy': 'manual' });
    expect(await f.client.scan()).toEqual({ message: 'Scan started' });
    await f.sentinel.idle();
    const [item, ...rest] = await f.client.queue.list();
    expect(rest).toEqual([]);
    expect(item).toMatchObject({ container_name: 'web', key: 'web', newer_versions: ['1.1.0', '1.0.1'], resolved_target_version: '1.1.0' });
    // A manual container is only queued, never touched by the scan.
    expect((await f.client.containers.get('web')).image).toBe(f.ref('web', '1.0.0'));
  });

  it('stats() counts containers, running ones and pending updates', async () => {
    const f = await queuedWeb();
    f.publish('db', '1.0.0');
    f.docker.seedContainer({ name: 'db', image: f.ref('db', '1.0.0'), state: 'exited' });
    expect(await f.client.stats()).toEqual({ total: 2, running: 1, pending: 1 });
  });

  it('lastScan() is null before the first scan and the finish time after it', async () => {
    const f = setup();
    expect(await f.client.lastScan()).toEqual({ last_scan: null });
    const before = Date.now();
    await f.client.scan();
    await f.sentinel.idle();
    const { last_scan } = await f.client.lastScan();
    expect(last_scan).not.toBeNull();
    expect(Date.parse(last_scan ?? '')).toBeGreaterThanOrEqual(before - 1000);
  });

  it('health() reports the engine connected, then degraded while it is unreachable', async () => {
    const f = setup();
    await f.sentinel.probeEngine();
    expect(await f.client.health()).toMatchObject({ status: 'ok', docker: { connected: true, version: '0.0.0-memory' }, scan_in_progress: false });
    f.docker.setReachable(false);
    await f.sentinel.probeEngine();
    const health = await f.client.health();
    expect(health.status).toBe('degraded');
    expect(health.docker.connected).toBe(false);
    expect(health.docker.error).toBeTruthy();
  });
});

describe('client.queue', () => {
  it('list() shows the pending update with its newer versions and target', async () => {
    const f = await queuedWeb();
    expect(await f.client.queue.list()).toMatchObject([
      {
        container_name: 'web',
        current_image: f.ref('web', '1.0.0'),
        newer_versions: ['1.1.0', '1.0.1'],
        resolved_current_version: '1.0.0',
        resolved_target_version: '1.1.0',
        target_image: f.ref('web', '1.1.0'),
        kind: 'version',
        key: 'web',
      },
    ]);
  });

  it('count() is the number of pending updates', async () => {
    const f = await queuedWeb();
    expect(await f.client.queue.count()).toBe(1);
    await f.client.queue.reject('web');
    expect(await f.client.queue.count()).toBe(0);
  });

  it('approve(key) applies the update: new image, empty queue, a success record in history', async () => {
    const f = await queuedWeb();
    expect(await f.client.queue.approve('web')).toEqual({ status: 'approved', name: 'web', message: 'update started for web' });
    await f.sentinel.idle();
    expect((await f.client.containers.get('web')).image).toBe(f.ref('web', '1.1.0'));
    expect(await f.client.queue.list()).toEqual([]);
    expect(await f.client.history.list()).toMatchObject([
      { container_name: 'web', type: 'update', outcome: 'success', old_image: f.ref('web', '1.0.0'), new_image: f.ref('web', '1.1.0'), host_id: '', host_name: '' },
    ]);
  });

  it('reject(key) drops the entry without ignoring the version: the next scan queues it again', async () => {
    const f = await queuedWeb();
    expect(await f.client.queue.reject('web')).toEqual({ status: 'rejected', name: 'web', message: 'update rejected for web' });
    expect(await f.client.queue.list()).toEqual([]);
    await f.client.scan();
    await f.sentinel.idle();
    expect((await f.client.queue.list()).map((q) => q.newer_versions)).toEqual([['1.1.0', '1.0.1']]);
  });

  it('ignore(key) ignores the top version for good', async () => {
    const f = await queuedWeb();
    expect(await f.client.queue.ignore('web')).toEqual({ status: 'ignored', name: 'web', version: '1.1.0', message: 'version 1.1.0 ignored for web' });
    expect((await f.client.containers.versions('web')).versions).toEqual(['1.0.1']);
    await f.client.scan();
    await f.sentinel.idle();
    expect((await f.client.queue.list()).map((q) => q.newer_versions)).toEqual([['1.0.1']]);
  });

  it('keys travel intact: a hostID::name key reaches the server as one segment', async () => {
    const f = await queuedWeb();
    const error = await f.client.queue.approve('edge-1::web').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toBe('no pending update for edge-1::web');
    await expect(f.client.queue.ignore('web/../../x')).rejects.toMatchObject({ name: 'BadRequestError', message: 'key: invalid queue key' });
    // The local entry was untouched by either call.
    expect(await f.client.queue.count()).toBe(1);
  });
});

describe('client.policy.bulk', () => {
  it('previews without changing anything, then applies with confirm: true', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0'], { 'sentinel.policy': 'auto' });
    seedWithVersions(f, 'db', 'db', ['1.0.0'], { 'sentinel.policy': 'pinned' });
    seedWithVersions(f, 'sentinel', 'sentinel', ['1.0.0'], { 'sentinel.self': 'true' });
    const containers = ['web', 'db', 'sentinel'];

    const preview = await f.client.policy.bulk({ containers, policy: 'pinned' });
    expect(preview).toEqual({
      mode: 'preview',
      changes: [{ name: 'web', from: 'auto', to: 'pinned' }],
      blocked: [{ name: 'sentinel', reason: expect.any(String) }],
      unchanged: [{ name: 'db', reason: 'already pinned' }],
    });
    expect((await f.client.containers.get('web')).policy).toBe('auto');

    const executed = await f.client.policy.bulk({ containers, policy: 'pinned', confirm: true });
    expect(executed).toEqual({ mode: 'executed', applied: 1, blocked: 1, unchanged: 1 });
    expect(await f.client.containers.get('web')).toMatchObject({ policy: 'pinned', policy_source: 'override' });
  });

  it('returns the discriminated union when confirm is only known at run time', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    const confirm = Math.random() > 2; // false, but typed boolean
    const result = await f.client.policy.bulk({ containers: ['web'], policy: 'auto', confirm });
    if (result.mode !== 'preview') throw new Error(`expected a preview, got ${result.mode}`);
    expect(result.changes).toEqual([{ name: 'web', from: 'manual', to: 'auto' }]);
  });

  it('rejects unknown containers (404) and an empty list (400) with the server message', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    await expect(f.client.policy.bulk({ containers: ['web', 'ghost'], policy: 'manual', confirm: true })).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'container(s) not found: ghost',
    });
    const empty = await f.client.policy.bulk({ containers: [], policy: 'manual' }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(BadRequestError);
    expect((empty as BadRequestError).message).toMatch(/^containers: /);
  });
});

describe('client.history', () => {
  /** Two updates, of `api` then of `db`. */
  async function twoUpdates(): Promise<ClientFixture> {
    const f = setup();
    seedWithVersions(f, 'api', 'api', ['1.0.0', '1.1.0']);
    seedWithVersions(f, 'db', 'db', ['2.0.0', '2.1.0']);
    await f.client.containers.updateToVersion('api', '1.1.0');
    await f.sentinel.idle();
    await f.client.containers.updateToVersion('db', '2.1.0');
    await f.sentinel.idle();
    return f;
  }

  it('list({ limit, before }) pages newest first', async () => {
    const f = await twoUpdates();
    const all = await f.client.history.list();
    expect(all.map((r) => r.container_name)).toEqual(['db', 'api']);
    const [newest, ...restOfFirstPage] = await f.client.history.list({ limit: 1 });
    expect(restOfFirstPage).toEqual([]);
    expect(newest?.container_name).toBe('db');
    const next = await f.client.history.list({ limit: 1, before: newest?.timestamp ?? '' });
    expect(next.map((r) => r.container_name)).toEqual(['api']);
  });

  it('list rejects limit=0, limit=201 and a malformed before with BadRequestError', async () => {
    const f = setup();
    for (const options of [{ limit: 0 }, { limit: 201 }, { before: 'yesterday' }]) {
      const error = await f.client.history.list(options).catch((e: unknown) => e);
      expect(error, JSON.stringify(options)).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).message).toMatch(new RegExp(`^${Object.keys(options)[0]}: `));
    }
  });

  it("export('json') returns every record oldest first", async () => {
    const f = await twoUpdates();
    const records = await f.client.history.export('json');
    expect(records.map((r) => [r.container_name, r.outcome, r.new_image])).toEqual([
      ['api', 'success', f.ref('api', '1.1.0')],
      ['db', 'success', f.ref('db', '2.1.0')],
    ]);
    expect(await f.client.history.export()).toEqual(records);
  });

  it("export('csv') returns the documented header line and one row per record", async () => {
    const f = await twoUpdates();
    const csv = await f.client.history.export('csv');
    const lines = csv.trimEnd().split(/\r\n/);
    expect(lines[0]).toBe('timestamp,container,type,old_image,new_image,outcome,duration_s,error,host_id,host_name');
    expect(lines[0]).toBe(HISTORY_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(3);
    const cells = lines[1]?.split(',') ?? [];
    expect(cells.slice(1, 6)).toEqual(['api', 'update', f.ref('api', '1.0.0'), f.ref('api', '1.1.0'), 'success']);
    expect(Number(cells[6])).toBeGreaterThan(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryDocker } from '../docker/index.js';
import type { ImageBehavior, MemoryDocker } from '../docker/index.js';
import type { SentinelEvent } from '../events/index.js';
import { createManualClock } from '../ports/clock.js';
import type { ManualClock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import type { SettingKey, SettingValues } from '../settings/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { createFakeRegistry } from '../testing/fake-registry.js';
import type { FakeRegistry } from '../testing/fake-registry.js';
import { createSentinel } from './sentinel.js';
import type { Sentinel } from './sentinel.js';

/**
 * Runtime settings change what scans and updates do. Each test sets a
 * setting through `changeSettings` (what the API calls) and checks the
 * effect a user would see: containers, images, history, queue, events.
 */
const HOST = 'registry.test';

interface Fixture {
  sentinel: Sentinel;
  docker: MemoryDocker;
  registry: FakeRegistry;
  events: SentinelEvent[];
  publish(repo: string, tag: string, behavior?: ImageBehavior): string;
  set(changes: Partial<Record<SettingKey, string>>): Promise<unknown>;
}

const running: Sentinel[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

function setup(options: { settings?: Partial<SettingValues>; clock?: ManualClock; fetch?: (inner: FetchLike) => FetchLike } = {}): Fixture {
  const clock = options.clock;
  const docker = createMemoryDocker({ ...(clock === undefined ? {} : { clock }), timing: { exitAfterMs: 20, healthyAfterMs: 30, unhealthyAfterMs: 60 } });
  const registry = createFakeRegistry({ host: HOST });
  const sentinel = createSentinel({
    storage: createMemoryStorage(),
    docker,
    fetch: options.fetch === undefined ? registry.fetch : options.fetch(registry.fetch),
    ...(clock === undefined ? {} : { clock }),
    // With a manual clock the health gate must not wait: grace 0 and images without healthchecks.
    settings: { grace_period: clock === undefined ? 100 : 0, health_timeout: 1000, poll_interval: 24 * 3_600_000, ...options.settings },
    healthPollMs: 10,
  });
  running.push(sentinel);
  const events: SentinelEvent[] = [];
  sentinel.events.subscribe((e) => events.push(e));
  return {
    sentinel,
    docker,
    registry,
    events,
    publish(repo, tag, behavior = 'runs') {
      const digest = registry.push(repo, tag);
      docker.publishImage(`${HOST}/${repo}:${tag}`, { digest, behavior });
      return `${HOST}/${repo}:${tag}`;
    },
    set: (changes) => sentinel.changeSettings(changes),
  };
}

/** Publish `tags` of `repo` and run container `name` on the first. */
function seed(f: Fixture, name: string, repo: string, tags: string[], labels: Record<string, string> = {}, behavior: ImageBehavior = 'runs'): void {
  for (const t of tags) f.publish(repo, t, behavior);
  f.docker.seedContainer({ name, image: `${HOST}/${repo}:${tags[0] ?? ''}`, labels });
}

const image = async (f: Fixture, name: string): Promise<string> => (await f.docker.inspectContainer(name)).image;

describe('settings: reading and changing', () => {
  it('shows env keys with the configured value next to runtime keys with the effective value, and emits settings_change', async () => {
    const f = setup({ settings: { poll_interval: 6 * 3_600_000 } });
    let view = await f.sentinel.settingsView();
    expect(view).toMatchObject({ SENTINEL_POLL_INTERVAL: '6h', poll_interval: '6h', default_policy: 'manual', paused: 'false' });
    expect(Object.values(view).every((v) => typeof v === 'string')).toBe(true);

    await f.set({ poll_interval: '4h', paused: 'true' });
    view = await f.sentinel.settingsView();
    expect(view).toMatchObject({ SENTINEL_POLL_INTERVAL: '6h', poll_interval: '4h0m0s', SENTINEL_PAUSED: 'false', paused: 'true' });
    const change = f.events.find((e) => e.type === 'settings_change');
    expect(change?.data).toMatchObject({ changes: { poll_interval: '4h0m0s', paused: 'true' } });
  });

  it('refuses out-of-range values and changes nothing when one value of a batch is bad', async () => {
    const f = setup();
    await expect(f.set({ poll_interval: '4m' })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(f.set({ poll_interval: '25h' })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(f.set({ grace_period: '11m' })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(f.set({ scan_concurrency: '0' })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(f.set({ schedule: '61 * * * *' })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(f.set({ maintenance_window: 'Caturday 02:00-03:00' })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(f.set({ timezone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(f.set({ paused: 'true', poll_interval: 'soon' })).rejects.toMatchObject({ code: 'INVALID' });
    expect(await f.sentinel.settings.get('paused')).toBe(false);
    expect(f.events.filter((e) => e.type === 'settings_change')).toHaveLength(0);
  });
});

describe('scan path', () => {
  it('filters leave matching containers out of scans; "!" includes again', async () => {
    const f = setup();
    for (const name of ['test-a', 'test-keep', 'web']) seed(f, name, name, ['1.0.0', '1.0.1']);
    await f.set({ filters: 'test-*,!test-keep' });
    const summary = await f.sentinel.scan();
    expect(summary).toMatchObject({ checked: 2, excluded: 1 });
    expect((await f.sentinel.listQueue()).map((q) => q.container_name).sort()).toEqual(['test-keep', 'web']);
    // A manual check still works on an excluded container.
    expect(await f.sentinel.check('test-a')).toMatchObject({ status: 'update_available' });
  });

  it('scan concurrency bounds how many registry checks run at once', async () => {
    let inFlight = 0;
    let most = 0;
    const f = setup({
      fetch: (inner) => async (input, init) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
        if (!url.includes('/tags/list')) return inner(input, init);
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          await new Promise((r) => setTimeout(r, 5));
          return await inner(input, init);
        } finally {
          inFlight--;
        }
      },
    });
    for (let i = 0; i < 6; i++) seed(f, `c${i}`, `repo${i}`, ['1.0.0', '1.0.1']);
    await f.set({ scan_concurrency: '1' });
    await f.sentinel.scan();
    expect(most).toBe(1);
    most = 0;
    await f.set({ scan_concurrency: '3' });
    await f.sentinel.scan();
    expect(most).toBe(3);
  });

  it('default policy, version scope and latest-auto-update changed at runtime decide what a scan applies', async () => {
    const f = setup();
    seed(f, 'api', 'api', ['1.2.0', '1.2.1', '1.3.0', '2.0.0']);
    await f.set({ default_policy: 'auto', version_scope: 'patch' });
    await f.sentinel.scan();
    expect(await image(f, 'api')).toBe(`${HOST}/api:1.2.1`);
    await f.set({ version_scope: 'minor' });
    await f.sentinel.scan();
    expect(await image(f, 'api')).toBe(`${HOST}/api:1.3.0`);

    const d1 = f.registry.push('edge', 'latest');
    f.docker.publishImage(`${HOST}/edge:latest`, { digest: d1 });
    f.docker.seedContainer({ name: 'edge', image: `${HOST}/edge:latest`, labels: { 'sentinel.policy': 'manual' } });
    expect((await f.sentinel.getContainer('edge')).policy).toBe('manual');
    f.docker.seedContainer({ name: 'edge2', image: `${HOST}/edge:latest` });
    await f.set({ default_policy: 'manual', latest_auto_update: 'true' });
    expect((await f.sentinel.getContainer('edge2')).policy_source).toBe('latest_auto_update');
  });

  it('dry-run detects and queues an auto update but never applies it, and refuses approvals', async () => {
    const f = setup();
    seed(f, 'app', 'app', ['1.0.0', '1.0.1'], { 'sentinel.policy': 'auto' });
    await f.set({ dry_run: 'true' });
    f.docker.clearCalls();
    const summary = await f.sentinel.scan();
    expect(summary).toMatchObject({ updates_available: 1, updated: 0, held: 1, queued: 1 });
    expect(f.docker.calls('pullImage')).toHaveLength(0);
    expect(await image(f, 'app')).toBe(`${HOST}/app:1.0.0`);
    expect(f.events.some((e) => e.type === 'container_update' && e.data?.held === 'dry_run')).toBe(true);
    await expect(f.sentinel.approve('app')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(f.sentinel.startUpdate('app')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await f.sentinel.queue.count()).toBe(1);
    await f.set({ dry_run: 'false' });
    await f.sentinel.scan();
    expect(await image(f, 'app')).toBe(`${HOST}/app:1.0.1`);
  });

  it('pull-only pulls the new image but never recreates, records it once, and keeps the update pending', async () => {
    const f = setup();
    seed(f, 'po', 'po', ['1.0.0', '1.0.1'], { 'sentinel.policy': 'auto' });
    await f.set({ pull_only: 'true' });
    const before = await f.docker.inspectContainer('po');
    await f.sentinel.scan();
    expect(await f.docker.inspectImage(`${HOST}/po:1.0.1`)).toBeDefined();
    const after = await f.docker.inspectContainer('po');
    expect(after.id).toBe(before.id);
    expect(after.image).toBe(`${HOST}/po:1.0.0`);
    const [rec] = await f.sentinel.listHistory({ limit: 5 });
    expect(rec).toMatchObject({ type: 'update', outcome: 'skipped', new_image: `${HOST}/po:1.0.1` });
    expect(rec?.error).toMatch(/pull-only/);
    expect(await f.sentinel.queue.count()).toBe(1);
    f.docker.clearCalls();
    await f.sentinel.scan();
    expect(f.docker.calls('pullImage')).toHaveLength(0);
    expect(await f.sentinel.listHistory({ limit: 5 })).toHaveLength(1);
    // An approval in pull-only mode also only pulls.
    await f.sentinel.approve('po');
    await f.sentinel.idle();
    expect((await f.docker.inspectContainer('po')).id).toBe(before.id);
  });
});

describe('timing: update delay, maintenance window, schedule', () => {
  it('update delay holds an auto update until its version has been seen that long, then applies it', async () => {
    const clock = createManualClock(Date.UTC(2025, 0, 1));
    const f = setup({ clock });
    seed(f, 'slow', 'slow', ['1.0.0', '1.0.1'], { 'sentinel.policy': 'auto' });
    await f.set({ update_delay: '1h' });
    await f.sentinel.start();
    await clock.advance(1);
    await f.sentinel.idle();
    expect(await image(f, 'slow')).toBe(`${HOST}/slow:1.0.0`);
    expect(await f.sentinel.queue.count()).toBe(1);
    const held = f.events.find((e) => e.data?.held === 'update_delay');
    expect(held?.data?.until).toBe('2025-01-01T01:00:00.000Z');
    // A scan before the delay ends still holds it.
    await clock.advance(30 * 60_000);
    await f.sentinel.scan();
    expect(await image(f, 'slow')).toBe(`${HOST}/slow:1.0.0`);
    // At the end of the delay a scan runs by itself and applies it.
    await clock.advance(30 * 60_000);
    await f.sentinel.idle();
    expect(await image(f, 'slow')).toBe(`${HOST}/slow:1.0.1`);
    expect(await f.sentinel.queue.count()).toBe(0);
  });

  it('a maintenance window in a configured time zone restricts when auto updates run', async () => {
    // 2025-01-01T00:00Z; Europe/Berlin is UTC+1 in January, so "daily 03:00-04:00" opens at 02:00Z.
    const clock = createManualClock(Date.UTC(2025, 0, 1));
    const f = setup({ clock });
    seed(f, 'mw', 'mw', ['1.0.0', '1.0.1'], { 'sentinel.policy': 'auto' });
    await f.set({ maintenance_window: 'daily 03:00-04:00', timezone: 'Europe/Berlin' });
    await f.sentinel.start();
    await clock.advance(1);
    await f.sentinel.idle();
    expect(await image(f, 'mw')).toBe(`${HOST}/mw:1.0.0`);
    expect(f.events.find((e) => e.data?.held === 'maintenance_window')?.data?.until).toBe('2025-01-01T02:00:00.000Z');
    await clock.advance(2 * 3_600_000 - 60_000);
    await f.sentinel.idle();
    expect(await image(f, 'mw')).toBe(`${HOST}/mw:1.0.0`);
    await clock.advance(60_000);
    await f.sentinel.idle();
    expect(await image(f, 'mw')).toBe(`${HOST}/mw:1.0.1`);
    // Manual approvals are not bound by the window.
    f.publish('mw', '1.0.2');
    await f.set({ maintenance_window: 'Sat 02:00-03:00' });
    await f.sentinel.scan();
    expect(await image(f, 'mw')).toBe(`${HOST}/mw:1.0.1`);
    await f.sentinel.approve('mw');
    await f.sentinel.idle();
    expect(await image(f, 'mw')).toBe(`${HOST}/mw:1.0.2`);
  });

  it('a cron schedule replaces the poll interval, seconds are optional, pause skips it, and clearing it restores the interval', async () => {
    const clock = createManualClock(Date.UTC(2025, 0, 1));
    const f = setup({ clock, settings: { poll_interval: 3_600_000 } });
    const scans = (): number => f.events.filter((e) => e.type === 'scan_complete').length;
    await f.set({ schedule: '30 1 * * *' });
    await f.sentinel.start();
    await clock.advance(1);
    await f.sentinel.idle();
    expect(scans()).toBe(1);
    expect(new Date(f.sentinel.scheduler.nextRunAt() ?? 0).toISOString()).toBe('2025-01-01T01:30:00.000Z');
    await clock.advance(3_600_000);
    await f.sentinel.idle();
    expect(scans()).toBe(1);
    await clock.advance(30 * 60_000);
    await f.sentinel.idle();
    expect(scans()).toBe(2);

    await f.set({ schedule: '*/20 * * * * *' });
    expect(new Date(f.sentinel.scheduler.nextRunAt() ?? 0).toISOString()).toBe('2025-01-01T01:30:20.000Z');
    await clock.advance(60_000);
    await f.sentinel.idle();
    expect(scans()).toBe(5);
    await f.set({ paused: 'true' });
    await clock.advance(60_000);
    await f.sentinel.idle();
    expect(scans()).toBe(5);
    await f.set({ paused: 'false', schedule: '' });
    expect(f.sentinel.scheduler.nextRunAt()).toBe(clock.now() + 3_600_000);
  });
});

describe('update path', () => {
  it('image backup retags the old image before the update and keeps it even with cleanup on', async () => {
    const f = setup();
    seed(f, 'bk', 'bk', ['1.0.0', '1.0.1']);
    const oldImageId = (await f.docker.inspectContainer('bk')).imageId;
    await f.set({ image_backup: 'true', image_cleanup: 'true' });
    await f.sentinel.startUpdateToVersion('bk', '1.0.1');
    await f.sentinel.idle();
    expect(await image(f, 'bk')).toBe(`${HOST}/bk:1.0.1`);
    const backup = await f.docker.inspectImage(`${HOST}/bk:sentinel-backup-1.0.0`);
    expect(backup?.id).toBe(oldImageId);
  });

  it('image cleanup removes the old image after a successful update, unless another container uses it', async () => {
    const f = setup();
    seed(f, 'cl', 'cl', ['1.0.0', '1.0.1']);
    const oldImageId = (await f.docker.inspectContainer('cl')).imageId;
    f.docker.seedContainer({ name: 'cl-twin', image: `${HOST}/cl:1.0.0` });
    await f.set({ image_cleanup: 'true' });
    await f.sentinel.startUpdateToVersion('cl', '1.0.1');
    await f.sentinel.idle();
    expect(await f.docker.inspectImage(oldImageId)).toBeDefined();
    await f.sentinel.startUpdateToVersion('cl-twin', '1.0.1');
    await f.sentinel.idle();
    expect(await f.docker.inspectImage(oldImageId)).toBeUndefined();
    expect(await image(f, 'cl-twin')).toBe(`${HOST}/cl:1.0.1`);
  });

  it('remove-volumes removes the old container with its anonymous volumes', async () => {
    const f = setup();
    seed(f, 'vol', 'vol', ['1.0.0', '1.0.1', '1.0.2']);
    const first = (await f.docker.inspectContainer('vol')).id;
    await f.sentinel.startUpdateToVersion('vol', '1.0.1');
    await f.sentinel.idle();
    const removeOf = (id: string) => f.docker.calls('removeContainer').find((c) => c.args[0] === id);
    expect(removeOf(first)?.args[1]).toEqual({ force: true });
    const second = (await f.docker.inspectContainer('vol')).id;
    await f.set({ remove_volumes: 'true' });
    await f.sentinel.startUpdateToVersion('vol', '1.0.2');
    await f.sentinel.idle();
    expect(removeOf(second)?.args[1]).toEqual({ force: true, volumes: true });
  });

  it('rollback policy pins a container after an automatic rollback so the next scan does not retry', async () => {
    const f = setup();
    f.publish('rb', '1.0.0', 'runs');
    f.publish('rb', '1.1.0', 'exits');
    f.docker.seedContainer({ name: 'rb', image: `${HOST}/rb:1.0.0`, labels: { 'sentinel.policy': 'auto' } });
    await f.set({ rollback_policy: 'pinned' });
    expect((await f.sentinel.scan()).rolled_back).toBe(1);
    expect(await f.sentinel.getContainer('rb')).toMatchObject({ policy: 'pinned', policy_source: 'override' });
    expect(f.events.some((e) => e.type === 'policy_change' && e.container_name === 'rb')).toBe(true);
    f.docker.clearCalls();
    await f.sentinel.scan();
    expect(f.docker.calls('pullImage')).toHaveLength(0);
    expect(await f.sentinel.queue.count()).toBe(0);
  });

  it('rollback policy "manual" applies after a manual rollback; "none" leaves the policy alone', async () => {
    const f = setup();
    seed(f, 'mr', 'mr', ['1.0.0', '2.0.0'], { 'sentinel.policy': 'auto' });
    await f.set({ rollback_policy: 'none', version_scope: 'patch' });
    await f.sentinel.startUpdateToVersion('mr', '2.0.0');
    await f.sentinel.idle();
    await f.sentinel.startRollback('mr');
    await f.sentinel.idle();
    expect((await f.sentinel.getContainer('mr')).policy).toBe('auto');
    await f.sentinel.startUpdateToVersion('mr', '2.0.0');
    await f.sentinel.idle();
    await f.set({ rollback_policy: 'manual' });
    await f.sentinel.startRollback('mr');
    await f.sentinel.idle();
    expect(await image(f, 'mr')).toBe(`${HOST}/mr:1.0.0`);
    expect(await f.sentinel.getContainer('mr')).toMatchObject({ policy: 'manual', policy_source: 'override' });
  });
});

describe('hooks', () => {
  it('a pre-update hook exiting 75 skips the update: nothing stopped, history "skipped", update still pending', async () => {
    const f = setup();
    seed(f, 'pg', 'pg', ['1.0.0', '1.0.1'], { 'sentinel.policy': 'auto' });
    await f.sentinel.setHook('pg', { phase: 'pre-update', command: ['sh', '-c', 'echo not now; exit 75'], timeout: 30 });
    await f.set({ hooks_enabled: 'true' });
    f.docker.clearCalls();
    const summary = await f.sentinel.scan();
    expect(summary).toMatchObject({ updated: 0, held: 1 });
    expect(f.docker.calls('stopContainer')).toHaveLength(0);
    expect(f.docker.calls('exec')[0]?.args[1]).toEqual(['sh', '-c', 'echo not now; exit 75']);
    expect(await image(f, 'pg')).toBe(`${HOST}/pg:1.0.0`);
    const [rec] = await f.sentinel.listHistory({ limit: 1 });
    expect(rec).toMatchObject({ type: 'update', outcome: 'skipped' });
    expect(rec?.error).toMatch(/75/);
    expect(await f.sentinel.queue.count()).toBe(1);
  });

  it('hooks do not run while hooks are disabled', async () => {
    const f = setup();
    seed(f, 'off', 'off', ['1.0.0', '1.0.1'], { 'sentinel.policy': 'auto' });
    await f.sentinel.setHook('off', { phase: 'pre-update', command: ['sh', '-c', 'exit 75'] });
    await f.sentinel.scan();
    expect(f.docker.calls('exec')).toHaveLength(0);
    expect(await image(f, 'off')).toBe(`${HOST}/off:1.0.1`);
  });

  it('a failing pre-update hook fails the update before anything is stopped; a failing post-update hook is recorded on the update', async () => {
    const f = setup();
    seed(f, 'hk', 'hk', ['1.0.0', '1.0.1', '1.0.2']);
    await f.set({ hooks_enabled: 'true' });
    await f.sentinel.setHook('hk', { phase: 'pre-update', command: ['sh', '-c', 'echo disk full; exit 3'] });
    f.docker.clearCalls();
    await f.sentinel.startUpdateToVersion('hk', '1.0.1');
    await f.sentinel.idle();
    expect(f.docker.calls('stopContainer')).toHaveLength(0);
    let [rec] = await f.sentinel.listHistory({ limit: 1 });
    expect(rec).toMatchObject({ outcome: 'failed' });
    expect(rec?.error).toMatch(/pre-update hook exited with code 3: disk full/);

    await f.sentinel.removeHook('hk', 'pre-update');
    await f.sentinel.setHook('hk', { phase: 'post-update', command: ['sh', '-c', 'exit 4'] });
    await f.sentinel.startUpdateToVersion('hk', '1.0.2');
    await f.sentinel.idle();
    const now = await f.docker.inspectContainer('hk');
    expect(now.image).toBe(`${HOST}/hk:1.0.2`);
    // The post-update hook ran in the new container.
    expect(f.docker.calls('exec').at(-1)?.args[0]).toBe(now.id);
    [rec] = await f.sentinel.listHistory({ limit: 1 });
    expect(rec).toMatchObject({ type: 'update', outcome: 'success' });
    expect(rec?.error).toMatch(/post-update hook exited with code 4/);
  });

  it('reads hooks from labels, lets API hooks win, and writes API hooks as labels on the recreated container when asked', async () => {
    const f = setup();
    seed(f, 'lb', 'lb', ['1.0.0', '1.0.1', '1.0.2'], { 'sentinel.hook.pre-update': 'exit 75' });
    await f.set({ hooks_enabled: 'true' });
    expect(await f.sentinel.listHooks('lb')).toEqual([{ container_name: 'lb', phase: 'pre-update', command: ['sh', '-c', 'exit 75'], timeout: 60, source: 'label' }]);
    await f.sentinel.startUpdateToVersion('lb', '1.0.1');
    await f.sentinel.idle();
    expect(await image(f, 'lb')).toBe(`${HOST}/lb:1.0.0`);

    await f.sentinel.setHook('lb', { phase: 'pre-update', command: ['true'], timeout: 5 });
    await f.sentinel.setHook('lb', { phase: 'post-update', command: ['sh', '-c', 'echo done'], timeout: 10 });
    expect((await f.sentinel.listHooks('lb')).map((h) => h.source)).toEqual(['api', 'api']);
    await f.set({ hooks_write_labels: 'true' });
    await f.sentinel.startUpdateToVersion('lb', '1.0.1');
    await f.sentinel.idle();
    const after = await f.docker.inspectContainer('lb');
    expect(after.image).toBe(`${HOST}/lb:1.0.1`);
    expect(after.labels).toMatchObject({
      'sentinel.hook.pre-update': '["true"]',
      'sentinel.hook.pre-update.timeout': '5',
      'sentinel.hook.post-update': 'echo done',
      'sentinel.hook.post-update.timeout': '10',
    });
  });

  it('validates hooks and answers NotFound for unknown containers and missing hooks', async () => {
    const f = setup();
    seed(f, 'vv', 'vv', ['1.0.0']);
    await expect(f.sentinel.setHook('vv', { phase: 'pre-update', command: [] })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(f.sentinel.setHook('vv', { phase: 'pre-update', command: ['x'], timeout: 0 })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(f.sentinel.setHook('nope', { phase: 'pre-update', command: ['x'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(f.sentinel.removeHook('vv', 'post-update')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await f.sentinel.listHooks('vv')).toEqual([]);
  });
});

describe('dependencies', () => {
  it('orders auto updates dependencies first', async () => {
    const f = setup();
    // "app" sorts before "db": without dependency ordering it would go first.
    seed(f, 'db', 'db', ['1.0.0', '1.0.1'], { 'sentinel.policy': 'auto' });
    seed(f, 'app', 'app', ['1.0.0', '1.0.1'], { 'sentinel.policy': 'auto', 'sentinel.depends-on': 'db' });
    await f.sentinel.scan();
    const updates = (await f.sentinel.exportHistory()).filter((r) => r.type === 'update').map((r) => r.container_name);
    expect(updates).toEqual(['db', 'app']);
  });

  it('stops dependents before a dependency is replaced and starts them after it is healthy', async () => {
    const f = setup();
    seed(f, 'db', 'db', ['1.0.0', '1.0.1']);
    seed(f, 'api', 'api', ['1.0.0'], { 'sentinel.depends-on': 'db' });
    f.docker.seedContainer({ name: 'web', image: `${HOST}/api:1.0.0`, native: { HostConfig: { Links: ['/api:/web/api'] } } });
    const oldDb = (await f.docker.inspectContainer('db')).id;
    f.docker.clearCalls();
    await f.sentinel.startUpdateToVersion('db', '1.0.1');
    await f.sentinel.idle();
    const calls = f.docker.calls().filter((c) => ['stopContainer', 'startContainer', 'createContainer'].includes(c.method));
    const seq = calls.map((c) => `${c.method}:${c.method === 'createContainer' ? String(c.args[0]) : String(c.args[0]) === oldDb ? 'db-old' : String(c.args[0])}`);
    const webId = (await f.docker.inspectContainer('web')).id;
    const apiId = (await f.docker.inspectContainer('api')).id;
    const named = seq.map((x) => x.replace(webId, 'web').replace(apiId, 'api'));
    expect(named.slice(0, 3)).toEqual(['stopContainer:web', 'stopContainer:api', 'stopContainer:db-old']);
    expect(named.slice(-2)).toEqual(['startContainer:api', 'startContainer:web']);
    for (const name of ['db', 'api', 'web']) expect((await f.docker.inspectContainer(name)).runtime.running).toBe(true);
    expect(f.events.some((e) => e.type === 'container_state' && e.container_name === 'web' && e.data?.reason === 'dependency')).toBe(true);
  });

  it('leaves dependents alone when dependency-aware updates are off', async () => {
    const f = setup();
    seed(f, 'db', 'db', ['1.0.0', '1.0.1']);
    seed(f, 'api', 'api', ['1.0.0'], { 'sentinel.depends-on': 'db' });
    await f.set({ dependency_aware: 'false' });
    const apiId = (await f.docker.inspectContainer('api')).id;
    f.docker.clearCalls();
    await f.sentinel.startUpdateToVersion('db', '1.0.1');
    await f.sentinel.idle();
    expect(f.docker.calls('stopContainer').some((c) => c.args[0] === apiId || c.args[0] === 'api')).toBe(false);
  });

  it('answers the graph with a topological order and each container its neighbours', async () => {
    const f = setup();
    seed(f, 'db', 'db', ['1.0.0']);
    seed(f, 'app', 'app', ['1.0.0'], { 'sentinel.depends-on': 'db' });
    expect(await f.sentinel.dependencies()).toEqual({
      containers: [
        { name: 'app', dependencies: ['db'], dependents: [] },
        { name: 'db', dependencies: [], dependents: ['app'] },
      ],
      order: ['db', 'app'],
      has_cycles: false,
    });
    expect(await f.sentinel.dependenciesOf('app')).toEqual({ name: 'app', dependencies: ['db'], dependents: [] });
    await expect(f.sentinel.dependenciesOf('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

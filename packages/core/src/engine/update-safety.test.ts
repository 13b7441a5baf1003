import { describe, expect, it } from 'vitest';
import { createMemoryDocker } from '../docker/index.js';
import type { ImageBehavior, MemoryDocker } from '../docker/index.js';
import type { SentinelEvent } from '../events/index.js';
import { isAsideName } from '../journal/aside-name.js';
import { createManualClock } from '../ports/clock.js';
import type { ManualClock } from '../ports/clock.js';
import { createMemoryStorage } from '../storage/index.js';
import { createFakeRegistry } from '../testing/fake-registry.js';
import type { SettingValues } from '../settings/index.js';
import { createSentinel } from './sentinel.js';
import type { Sentinel } from './sentinel.js';

const HOST = 'registry.test';

interface Fixture {
  clock: ManualClock;
  docker: MemoryDocker;
  sentinel: Sentinel;
  events: SentinelEvent[];
  publish(tag: string, behavior?: ImageBehavior): void;
  /** Advance virtual time until `work` settles (bounded). */
  settle<T>(work: Promise<T>): Promise<T>;
}

function setup(settings: Partial<SettingValues> = {}): Fixture {
  const clock = createManualClock();
  const docker = createMemoryDocker({ clock, timing: { exitAfterMs: 300, healthyAfterMs: 200, unhealthyAfterMs: 400, restartDelayMs: 100 } });
  const registry = createFakeRegistry({ host: HOST });
  const sentinel = createSentinel({
    storage: createMemoryStorage(),
    docker,
    clock,
    fetch: registry.fetch,
    settings: { grace_period: 1000, health_timeout: 2000, stop_timeout: 1, ...settings },
    healthPollMs: 100,
    engineRetryMs: 500,
    engineCheckMs: 1000,
  });
  const events: SentinelEvent[] = [];
  sentinel.events.subscribe((e) => events.push(e));
  const publish = (tag: string, behavior: ImageBehavior = 'healthy'): void => {
    docker.publishImage(`${HOST}/app:${tag}`, { digest: registry.push('app', tag), behavior });
  };
  const settle = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    const out = work.finally(() => {
      done = true;
    });
    for (let i = 0; i < 600 && !done; i++) await clock.advance(50);
    if (!done) throw new Error('did not settle within 30 s of virtual time');
    return out;
  };
  return { clock, docker, sentinel, events, publish, settle };
}

const names = async (docker: MemoryDocker): Promise<string[]> => (await docker.listContainers()).map((c) => c.name);

describe('a scan during an update', () => {
  for (const target of ['healthy', 'exits', 'unhealthy'] as const) {
    it(`(${target} target) skips the locked container, says so, and leaves exactly one container on a safe version`, async () => {
      const f = setup();
      f.publish('1.0.0');
      f.publish('2.0.0', target);
      f.docker.seedContainer({ name: 'app', image: `${HOST}/app:1.0.0`, labels: { 'sentinel.policy': 'auto' }, env: ['A=1'] });
      await f.sentinel.startUpdateToVersion('app', '2.0.0');
      // Into the health gate: the old container is set aside now.
      await f.clock.advance(100);
      const raw = await names(f.docker);
      expect(raw.some(isAsideName)).toBe(true);
      expect((await f.sentinel.listContainers()).map((c) => c.name)).toEqual(['app']);
      const summary = await f.settle(f.sentinel.scan());
      expect(summary).toMatchObject({ locked: 1, locked_containers: ['app'], checked: 0, updated: 0 });
      await f.settle(f.sentinel.idle());
      expect(await names(f.docker)).toEqual(['app']);
      const app = await f.docker.inspectContainer('app');
      expect(app.runtime.running).toBe(true);
      expect(app.image).toBe(`${HOST}/app:${target === 'healthy' ? '2.0.0' : '1.0.0'}`);
      expect(app.spec.env).toContain('A=1');
      expect((await f.sentinel.listQueue()).filter((q) => isAsideName(q.container_name))).toEqual([]);
      expect(await f.sentinel.listHistory({ limit: 10 })).toHaveLength(1);
    });
  }

  it('refuses start/stop/restart and a second update while the container is locked', async () => {
    const f = setup();
    f.publish('1.0.0');
    f.publish('2.0.0');
    f.docker.seedContainer({ name: 'app', image: `${HOST}/app:1.0.0` });
    await f.sentinel.startUpdateToVersion('app', '2.0.0');
    await f.clock.advance(100);
    await expect(f.sentinel.containerAction('app', 'stop')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(f.sentinel.startUpdate('app')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(f.sentinel.startRollback('app')).rejects.toMatchObject({ code: 'CONFLICT' });
    await f.settle(f.sentinel.idle());
    await expect(f.sentinel.containerAction('app', 'restart')).resolves.toMatchObject({ status: 'restarted' });
  });
});

describe('a failed version is remembered', () => {
  it('is not retried by later scans until a newer version appears, and the container and the queue say why', async () => {
    const f = setup();
    f.publish('1.0.0');
    f.publish('2.0.0', 'exits');
    f.docker.seedContainer({ name: 'app', image: `${HOST}/app:1.0.0`, labels: { 'sentinel.policy': 'auto' } });
    const first = await f.settle(f.sentinel.scan());
    expect(first).toMatchObject({ updates_available: 1, rolled_back: 1, updated: 0 });
    for (let i = 0; i < 3; i++) {
      const again = await f.settle(f.sentinel.scan());
      expect(again).toMatchObject({ updates_available: 1, rolled_back: 0, updated: 0, held: 1 });
    }
    // One attempt only: the version was not recreated and rolled back on every scan.
    expect((await f.sentinel.listHistory({ limit: 20 })).filter((r) => r.type === 'rollback')).toHaveLength(1);
    const container = (await f.sentinel.listContainers())[0];
    expect(container).toMatchObject({ name: 'app', image: `${HOST}/app:1.0.0`, update_available: true, failed_update: { target_image: `${HOST}/app:2.0.0` } });
    expect(container?.failed_update?.error).toMatch(/stopped during the health check/);
    const [item] = await f.sentinel.listQueue();
    expect(item).toMatchObject({ target_image: `${HOST}/app:2.0.0`, failed_update: { target_image: `${HOST}/app:2.0.0` } });
    expect(f.events.some((e) => e.data?.['held'] === 'previously_failed')).toBe(true);

    // A newer version is tried automatically; success forgets the failure.
    f.publish('2.0.1');
    const next = await f.settle(f.sentinel.scan());
    expect(next).toMatchObject({ updated: 1 });
    const after = (await f.sentinel.listContainers())[0];
    expect(after).toMatchObject({ image: `${HOST}/app:2.0.1` });
    expect(after?.failed_update).toBeUndefined();
  });

  it('is retried when a user approves it', async () => {
    const f = setup();
    f.publish('1.0.0');
    f.publish('2.0.0', 'unhealthy');
    f.docker.seedContainer({ name: 'app', image: `${HOST}/app:1.0.0`, labels: { 'sentinel.policy': 'auto' } });
    await f.settle(f.sentinel.scan());
    await f.settle(f.sentinel.scan());
    // The registry now serves a fixed 2.0.0; the user retries it from the queue.
    f.publish('2.0.0', 'healthy');
    await f.sentinel.approve('app');
    await f.settle(f.sentinel.idle());
    const app = (await f.sentinel.listContainers())[0];
    expect(app).toMatchObject({ image: `${HOST}/app:2.0.0`, update_available: false });
    expect(app?.failed_update).toBeUndefined();
  });
});

describe('queue hygiene', () => {
  it('drops entries of containers that no longer exist on the next scan; approving one answers 404 and removes it', async () => {
    const f = setup();
    f.publish('1.0.0');
    f.publish('2.0.0');
    f.docker.seedContainer({ name: 'web', image: `${HOST}/app:1.0.0` });
    f.docker.seedContainer({ name: 'db', image: `${HOST}/app:1.0.0` });
    await f.settle(f.sentinel.scan());
    expect((await f.sentinel.listQueue()).map((q) => q.key)).toEqual(['db', 'web']);
    await f.docker.removeContainer('web', { force: true });
    await expect(f.sentinel.approve('web')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await f.sentinel.listQueue()).map((q) => q.key)).toEqual(['db']);
    await f.docker.removeContainer('db', { force: true });
    await f.settle(f.sentinel.scan());
    expect(await f.sentinel.listQueue()).toEqual([]);
  });
});

describe('progress', () => {
  it('emits every phase of an update, with pull progress, before the outcome', async () => {
    const f = setup();
    f.publish('1.0.0');
    f.publish('2.0.0');
    f.docker.seedContainer({ name: 'app', image: `${HOST}/app:1.0.0` });
    await f.sentinel.startUpdateToVersion('app', '2.0.0');
    await f.settle(f.sentinel.idle());
    const phases = f.events.filter((e) => e.type === 'container_update' && e.container_name === 'app').map((e) => e.data?.['phase'] ?? `outcome:${String(e.data?.['outcome'])}`);
    // Pull progress comes as several `pulling` events (throttled to one a second, the last line always sent).
    expect(phases.filter((p, i) => p !== phases[i - 1])).toEqual(['started', 'pulling', 'pulled', 'stopping', 'starting', 'health_check', 'outcome:success']);
    expect(phases.filter((p) => p === 'pulling').length).toBeGreaterThan(1);
    const progress = f.events.filter((e) => e.data?.['phase'] === 'pulling' && e.data['layers_total'] !== undefined).at(-1);
    expect(progress?.data).toMatchObject({ layers_total: 1, layers_done: 1, bytes_total: 1_000_000 });
  });
});

describe('engine status', () => {
  it('turns degraded within seconds when the engine goes away, and ok again when it returns', async () => {
    const f = setup();
    await f.sentinel.start();
    await f.settle(f.sentinel.idle());
    expect(f.sentinel.engineStatus().connected).toBe(true);
    f.docker.setReachable(false);
    await f.clock.advance(1100);
    expect(f.sentinel.engineStatus()).toMatchObject({ connected: false });
    f.docker.setReachable(true);
    await f.clock.advance(600);
    expect(f.sentinel.engineStatus().connected).toBe(true);
    await f.sentinel.stop();
  });

  it('marks the engine down at once when a call meets an unreachable engine', async () => {
    const f = setup();
    await f.sentinel.start();
    await f.settle(f.sentinel.idle());
    f.docker.setReachable(false);
    await expect(f.sentinel.listContainers()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(f.sentinel.engineStatus().connected).toBe(false);
    f.docker.setReachable(true);
    await f.sentinel.stop();
  });

  it('counts a ping that does not answer in time as a failure', async () => {
    const f = setup();
    await f.sentinel.start();
    await f.settle(f.sentinel.idle());
    const hang = f.docker.failOperation('ping', new Error('unused'), { when: () => false });
    hang();
    // A frozen engine: ping never answers.
    const original = f.docker.ping;
    f.docker.ping = () => new Promise(() => undefined);
    await f.clock.advance(1000 + 3100);
    expect(f.sentinel.engineStatus()).toMatchObject({ connected: false, error: expect.stringMatching(/did not answer a ping within 3000 ms/) });
    f.docker.ping = original;
    await f.sentinel.stop();
  });
});

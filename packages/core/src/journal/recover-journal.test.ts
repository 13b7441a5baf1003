import { describe, expect, it } from 'vitest';
import { createMemoryDocker } from '../docker/index.js';
import type { SentinelEvent } from '../events/index.js';
import type { ImageBehavior, MemoryDocker } from '../docker/index.js';
import { createSentinel } from '../engine/sentinel.js';
import type { Sentinel } from '../engine/sentinel.js';
import { createManualClock } from '../ports/clock.js';
import type { ManualClock } from '../ports/clock.js';
import type { DockerPort } from '../ports/docker.js';
import type { StoragePort } from '../ports/storage.js';
import { createMemoryStorage } from '../storage/index.js';
import { createFakeRegistry } from '../testing/fake-registry.js';
import type { FakeRegistry } from '../testing/fake-registry.js';
import { isAsideName } from './aside-name.js';
import { JOURNAL_STEPS } from './journal.js';
import type { JournalEntry, JournalStep } from './journal.js';

const HOST = 'registry.test';
const never = new Promise<never>(() => undefined);

/** Where the "process" dies: right after a journal step is durable, or right after a Docker call returned. */
type CrashPoint = { after: 'journal'; step: JournalStep } | { after: 'docker'; method: keyof DockerPort; nth?: number };

/**
 * A process that can die: once the crash point is reached, every later call of
 * the old engine through these ports never returns, as after `kill -9`. What was
 * written or done before stays (storage and the engine outlive the process).
 */
function crashable(docker: MemoryDocker, storage: StoragePort, point: CrashPoint): { docker: DockerPort; storage: StoragePort; crashed: () => boolean } {
  let dead = false;
  let seen = 0;
  const wrap = <T extends object>(target: T, hit: (key: string, args: unknown[]) => boolean): T =>
    new Proxy(target, {
      get(t, key) {
        const value: unknown = Reflect.get(t, key);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (dead) return never;
          const result: unknown = await (value as (...a: unknown[]) => unknown).apply(t, args);
          if (dead) return never;
          if (hit(String(key), args)) {
            dead = true;
            return never;
          }
          return result;
        };
      },
    });
  const journalHit = (key: string, args: unknown[]): boolean => {
    if (point.after !== 'journal' || key !== 'put' || args[0] !== 'update_journal') return false;
    const entry = args[2] as JournalEntry;
    return entry.steps[entry.steps.length - 1]?.step === point.step;
  };
  const dockerHit = (key: string): boolean => point.after === 'docker' && key === point.method && ++seen === (point.nth ?? 1);
  return { docker: wrap(docker as DockerPort, dockerHit), storage: wrap(storage, journalHit), crashed: () => dead };
}

interface Scene {
  clock: ManualClock;
  docker: MemoryDocker;
  registry: FakeRegistry;
  storage: StoragePort;
  engine(ports?: { docker: DockerPort; storage: StoragePort }): Sentinel;
}

function scene(target: ImageBehavior): Scene {
  const clock = createManualClock();
  const docker = createMemoryDocker({ clock, timing: { exitAfterMs: 300, healthyAfterMs: 200, unhealthyAfterMs: 400, restartDelayMs: 100 } });
  const registry = createFakeRegistry({ host: HOST });
  const storage = createMemoryStorage();
  const publish = (tag: string, behavior: ImageBehavior): void => {
    docker.publishImage(`${HOST}/app:${tag}`, { digest: registry.push('app', tag), behavior });
  };
  publish('1.0.0', 'healthy');
  publish('2.0.0', target);
  docker.seedContainer({
    name: 'app',
    image: `${HOST}/app:1.0.0`,
    labels: { 'sentinel.policy': 'manual', team: 'core' },
    env: ['MODE=prod'],
    restartPolicy: 'unless-stopped',
    mounts: [{ type: 'volume', source: 'app-data', destination: '/data' }],
  });
  return {
    clock,
    docker,
    registry,
    storage,
    engine: (ports = { docker, storage }) =>
      createSentinel({ ...ports, clock, fetch: registry.fetch, settings: { grace_period: 1000, health_timeout: 2000, stop_timeout: 1 }, healthPollMs: 100, engineRetryMs: 500, engineCheckMs: 60_000 }),
  };
}

/** Move virtual time until `done()` holds (bounded). */
async function advanceUntil(clock: ManualClock, done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await clock.advance(50);
  if (!done()) throw new Error(`${what} did not happen within 20 s of virtual time`);
}

async function settled(clock: ManualClock, work: Promise<unknown>): Promise<void> {
  let finished = false;
  void work.finally(() => {
    finished = true;
  });
  await advanceUntil(clock, () => finished, 'settling');
}

/** Interrupt an update to 2.0.0 at `point`, restart the engine on the same storage and engine, let recovery run. */
async function interruptAndRecover(target: ImageBehavior, point: CrashPoint): Promise<{ s: Scene; reached: boolean; second: Sentinel }> {
  const s = scene(target);
  const dying = crashable(s.docker, s.storage, point);
  const first = s.engine(dying);
  await first.startUpdateToVersion('app', '2.0.0');
  let finished = false;
  void first.idle().then(() => {
    finished = true;
  });
  await advanceUntil(s.clock, () => dying.crashed() || finished, 'the crash point or the end of the update');
  const second = s.engine();
  await second.start();
  await settled(s.clock, second.idle());
  return { s, reached: dying.crashed(), second };
}

const DOCKER_POINTS: CrashPoint[] = (['pullImage', 'stopContainer', 'renameContainer', 'createContainer', 'startContainer', 'removeContainer'] as const).map((method) => ({ after: 'docker', method }));
const JOURNAL_POINTS: CrashPoint[] = JOURNAL_STEPS.map((step) => ({ after: 'journal', step }));
const label = (p: CrashPoint): string => (p.after === 'journal' ? `journal step ${p.step}` : `docker ${p.method}`);

describe('journal recovery after a crash at every step', () => {
  for (const target of ['healthy', 'exits', 'unhealthy'] as const) {
    for (const point of [...JOURNAL_POINTS, ...DOCKER_POINTS]) {
      it(`${target} target, killed after ${label(point)}: one container, running, safe version, config kept, nothing aside`, async () => {
        const { s, second, reached } = await interruptAndRecover(target, point);
        // A failing version never passes the gate, so it never reaches the steps after it.
        const unreachable = target !== 'healthy' && point.after === 'journal' && (point.step === 'health_passed' || point.step === 'old_removed');
        expect(reached).toBe(!unreachable);
        const all = await s.docker.listContainers();
        expect(all.filter((c) => isAsideName(c.name))).toEqual([]);
        expect(all.map((c) => c.name)).toEqual(['app']);
        const app = await s.docker.inspectContainer('app');
        expect(app.runtime.running).toBe(true);
        if (target !== 'healthy') expect(app.image).toBe(`${HOST}/app:1.0.0`);
        expect(app.spec.env).toContain('MODE=prod');
        expect(app.labels).toMatchObject({ 'sentinel.policy': 'manual', team: 'core' });
        expect(app.restartPolicy).toBe('unless-stopped');
        expect(app.mounts).toEqual([expect.objectContaining({ source: 'app-data', destination: '/data' })]);
        expect(await second.journal.open()).toEqual([]);
        // One attempt, one record, whether the first process wrote it or recovery did.
        const records = await second.listHistory({ limit: 10 });
        expect(records).toHaveLength(1);
        await second.stop();
      });
    }
  }

  it('says in the record that the attempt was interrupted and where, and emits its events', async () => {
    const s = scene('unhealthy');
    const dying = crashable(s.docker, s.storage, { after: 'journal', step: 'new_started' });
    const first = s.engine(dying);
    await first.startUpdateToVersion('app', '2.0.0');
    await advanceUntil(s.clock, dying.crashed, 'the crash');
    const second = s.engine();
    const events: SentinelEvent[] = [];
    second.events.subscribe((e) => events.push(e));
    await second.start();
    await settled(s.clock, second.idle());
    const [record] = await second.listHistory({ limit: 1 });
    expect(record).toMatchObject({ type: 'rollback', outcome: 'success', old_image: `${HOST}/app:2.0.0`, new_image: `${HOST}/app:1.0.0` });
    expect(record?.error).toMatch(/interrupted.*last step: new started.*rolled back/);
    expect(events.map((e) => e.data?.['phase'] ?? e.data?.['outcome'])).toEqual(expect.arrayContaining(['recovering', 'health_check', 'rolling_back', 'rolled_back']));
    // Not retried automatically: the container shows the failed version.
    expect((await second.getContainer('app')).failed_update).toMatchObject({ target_image: `${HOST}/app:2.0.0` });
    await second.stop();
  });

  it('completes an interrupted update whose new container passed the health gate', async () => {
    const { s, second } = await interruptAndRecover('healthy', { after: 'journal', step: 'health_passed' });
    expect((await s.docker.inspectContainer('app')).image).toBe(`${HOST}/app:2.0.0`);
    const [record] = await second.listHistory({ limit: 1 });
    expect(record).toMatchObject({ type: 'update', outcome: 'success' });
    expect(record?.error).toMatch(/completed on recovery/);
    await second.stop();
  });

  it('recreates the container from the snapshot when the set-aside container is gone as well', async () => {
    const s = scene('exits');
    const dying = crashable(s.docker, s.storage, { after: 'journal', step: 'new_started' });
    const first = s.engine(dying);
    await first.startUpdateToVersion('app', '2.0.0');
    await advanceUntil(s.clock, dying.crashed, 'the crash');
    // Someone removed the set-aside container meanwhile.
    const aside = (await s.docker.listContainers()).find((c) => isAsideName(c.name));
    expect(aside).toBeDefined();
    await s.docker.removeContainer(aside?.id ?? '', { force: true });
    const second = s.engine();
    await second.start();
    await settled(s.clock, second.idle());
    const app = await s.docker.inspectContainer('app');
    expect(app).toMatchObject({ image: `${HOST}/app:1.0.0`, restartPolicy: 'unless-stopped' });
    expect(app.runtime.running).toBe(true);
    expect(app.spec.env).toContain('MODE=prod');
    const [record] = await second.listHistory({ limit: 1 });
    expect(record?.error).toMatch(/recreated from the snapshot/);
    await second.stop();
  });

  it('waits for an unreachable engine and recovers when it comes back', async () => {
    const s = scene('healthy');
    const dying = crashable(s.docker, s.storage, { after: 'journal', step: 'old_set_aside' });
    const first = s.engine(dying);
    await first.startUpdateToVersion('app', '2.0.0');
    await advanceUntil(s.clock, dying.crashed, 'the crash');
    s.docker.setReachable(false);
    const second = s.engine();
    await second.start();
    await s.clock.advance(2000);
    expect(await second.journal.open()).toHaveLength(1);
    expect(second.engineStatus().connected).toBe(false);
    s.docker.setReachable(true);
    await advanceUntil(s.clock, () => second.engineStatus().connected, 'reconnection');
    await settled(s.clock, second.idle());
    expect(await second.journal.open()).toEqual([]);
    expect((await s.docker.inspectContainer('app')).runtime.running).toBe(true);
    await second.stop();
  });

  for (const step of ['old_set_aside', 'new_started'] as const) {
    it(`recovers a manual rollback killed after ${step}: the container runs, on one of its two versions, nothing aside`, async () => {
      const s = scene('healthy');
      const first = s.engine();
      await first.startUpdateToVersion('app', '2.0.0');
      await settled(s.clock, first.idle());
      expect((await s.docker.inspectContainer('app')).image).toBe(`${HOST}/app:2.0.0`);
      const dying = crashable(s.docker, s.storage, { after: 'journal', step });
      const rolling = s.engine(dying);
      await rolling.startRollback('app');
      await advanceUntil(s.clock, dying.crashed, 'the crash');
      const second = s.engine();
      await second.start();
      await settled(s.clock, second.idle());
      expect((await s.docker.listContainers()).map((c) => c.name)).toEqual(['app']);
      const app = await s.docker.inspectContainer('app');
      expect(app.runtime.running).toBe(true);
      expect([`${HOST}/app:1.0.0`, `${HOST}/app:2.0.0`]).toContain(app.image);
      expect(app.spec.env).toContain('MODE=prod');
      expect(await second.journal.open()).toEqual([]);
      // The update's record and the interrupted rollback's.
      expect(await second.listHistory({ limit: 10 })).toHaveLength(2);
      await second.stop();
    });
  }

  it('puts back a set-aside container that no journal entry owns when nothing has its name', async () => {
    const s = scene('healthy');
    const id = (await s.docker.inspectContainer('app')).id;
    await s.docker.stopContainer(id);
    await s.docker.renameContainer(id, 'app-sentinel-old-lq2x9k3a');
    const engine = s.engine();
    // Listed under its own name even before recovery: it is the only body the container has.
    expect((await engine.listContainers()).map((c) => c.name)).toEqual(['app']);
    await engine.start();
    await settled(s.clock, engine.idle());
    const app = await s.docker.inspectContainer('app');
    expect(app.id).toBe(id);
    expect(app.runtime.running).toBe(true);
    await engine.stop();
  });
});

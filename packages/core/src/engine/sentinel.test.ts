import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryDocker } from '../docker/index.js';
import type { ImageBehavior, MemoryDocker } from '../docker/index.js';
import { createManualClock } from '../ports/clock.js';
import { createMemoryStorage } from '../storage/index.js';
import { createFakeRegistry } from '../testing/fake-registry.js';
import type { FakeRegistry } from '../testing/fake-registry.js';
import type { SentinelEvent } from '../events/index.js';
import { createSentinel } from './sentinel.js';
import type { Sentinel } from './sentinel.js';
import type { SettingValues } from '../settings/index.js';

const HOST = 'registry.test';

interface Fixture {
  sentinel: Sentinel;
  docker: MemoryDocker;
  registry: FakeRegistry;
  events: SentinelEvent[];
  publish(repo: string, tag: string, behavior?: ImageBehavior): string;
}

const running: Sentinel[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

function setup(settings: Partial<SettingValues> = {}): Fixture {
  const docker = createMemoryDocker({ timing: { exitAfterMs: 20, healthyAfterMs: 30, unhealthyAfterMs: 60 } });
  const registry = createFakeRegistry({ host: HOST });
  const sentinel = createSentinel({
    storage: createMemoryStorage(),
    docker,
    fetch: registry.fetch,
    settings: { grace_period: 150, health_timeout: 1000, ...settings },
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
      return digest;
    },
  };
}

describe('scan and queue', () => {
  it('queues a manual container with every newer compatible version, and approval recreates it on the target with its config intact', async () => {
    const f = setup();
    f.publish('web', '1.0.0');
    for (const t of ['1.0.1', '1.1.0', '2.0.0', '2.0.0-rc1', '1.1.0-alpine', 'latest']) f.publish('web', t);
    f.docker.seedContainer({ name: 'web', image: `${HOST}/web:1.0.0`, labels: { 'sentinel.policy': 'manual', team: 'a' }, env: ['MODE=prod'] });

    const summary = await f.sentinel.scan();
    expect(summary).toMatchObject({ checked: 1, updates_available: 1, queued: 1, updated: 0 });
    const [item] = await f.sentinel.listQueue();
    expect(item).toMatchObject({
      container_name: 'web',
      current_image: `${HOST}/web:1.0.0`,
      newer_versions: ['2.0.0', '1.1.0', '1.0.1'],
      resolved_current_version: '1.0.0',
      resolved_target_version: '2.0.0',
      target_image: `${HOST}/web:2.0.0`,
    });
    expect(f.events.map((e) => e.type)).toEqual(expect.arrayContaining(['container_update', 'queue_change', 'scan_complete']));

    await f.sentinel.approve('web');
    await f.sentinel.idle();
    const after = await f.docker.inspectContainer('web');
    expect(after.image).toBe(`${HOST}/web:2.0.0`);
    expect(after.runtime.running).toBe(true);
    expect(after.labels).toMatchObject({ 'sentinel.policy': 'manual', team: 'a' });
    expect(after.spec.env).toContain('MODE=prod');
    expect(await f.sentinel.queue.count()).toBe(0);
    const [rec] = await f.sentinel.listHistory({ limit: 10 });
    expect(rec).toMatchObject({ container_name: 'web', type: 'update', outcome: 'success', old_image: `${HOST}/web:1.0.0`, new_image: `${HOST}/web:2.0.0` });
    expect(rec?.duration).toBeGreaterThan(0);
    // Only one container named web remains: the old one was removed.
    expect((await f.docker.listContainers()).map((c) => c.name)).toEqual(['web']);
  });

  it('updates an auto container during the scan, within its version scope', async () => {
    const f = setup({ version_scope: 'minor' });
    f.publish('api', '1.2.0');
    f.publish('api', '1.3.0');
    f.publish('api', '2.0.0');
    f.docker.seedContainer({ name: 'api', image: `${HOST}/api:1.2.0`, labels: { 'sentinel.policy': 'auto' } });
    const summary = await f.sentinel.scan();
    expect(summary).toMatchObject({ updated: 1, queued: 0 });
    expect((await f.docker.inspectContainer('api')).image).toBe(`${HOST}/api:1.3.0`);
    // 2.0.0 is beyond the minor scope: the next scan queues it for a human instead.
    await f.sentinel.scan();
    expect(await f.sentinel.listQueue()).toMatchObject([{ container_name: 'api', newer_versions: ['2.0.0'] }]);
  });

  it('leaves pinned containers untouched and never updates digest-pinned references', async () => {
    const f = setup({ default_policy: 'auto' });
    const digest = f.publish('db', '1.0.0');
    f.publish('db', '1.0.1');
    f.docker.seedContainer({ name: 'pinned', image: `${HOST}/db:1.0.0`, labels: { 'sentinel.policy': 'pinned' } });
    f.docker.seedContainer({ name: 'bydigest', image: `${HOST}/db@${digest}` });
    f.registry.resetRequests();
    const summary = await f.sentinel.scan();
    expect(summary).toMatchObject({ checked: 2, skipped: 2, updated: 0, queued: 0 });
    expect((await f.docker.inspectContainer('pinned')).image).toBe(`${HOST}/db:1.0.0`);
    expect(f.registry.requests().tags).toBe(0);
  });

  it('marks a failing registry check as failed and goes on with the scan', async () => {
    const f = setup();
    f.publish('good', '1.0.0');
    f.publish('good', '1.1.0');
    f.publish('bad', '1.0.0');
    f.docker.seedContainer({ name: 'good', image: `${HOST}/good:1.0.0` });
    f.docker.seedContainer({ name: 'bad', image: `${HOST}/bad:1.0.0` });
    f.registry.fail('bad', 500);
    const summary = await f.sentinel.scan();
    expect(summary.failed).toBe(1);
    expect(summary.errors[0]?.name).toBe('bad');
    expect(summary.queued).toBe(1);
    expect(await f.sentinel.lastScan()).not.toBeNull();
  });

  it('fetches each repository tag list once per scan however many containers use it', async () => {
    const f = setup();
    f.publish('shared', '1.0.0');
    f.publish('shared', '1.0.1');
    for (let i = 0; i < 6; i++) f.docker.seedContainer({ name: `c${i}`, image: `${HOST}/shared:1.0.0` });
    f.registry.resetRequests();
    await f.sentinel.scan();
    expect(f.registry.requests().tags).toBe(1);
  });

  it('detects a re-pushed latest, resolves the versions it stands for, and applies it', async () => {
    const f = setup({ latest_auto_update: true });
    const d1 = f.publish('edge', '1.0.0');
    f.registry.push('edge', 'latest', d1);
    f.docker.publishImage(`${HOST}/edge:latest`, { digest: d1 });
    f.docker.seedContainer({ name: 'edge', image: `${HOST}/edge:latest` });
    expect((await f.sentinel.scan()).updates_available).toBe(0);

    const d2 = f.publish('edge', '1.1.0');
    f.registry.push('edge', 'latest', d2);
    f.docker.publishImage(`${HOST}/edge:latest`, { digest: d2 });
    const check = await f.sentinel.check('edge');
    expect(check).toMatchObject({ status: 'update_available', newer_versions: ['1.1.0'] });
    expect(await f.sentinel.listQueue()).toMatchObject([{ resolved_current_version: '1.0.0', resolved_target_version: '1.1.0', kind: 'digest' }]);

    const summary = await f.sentinel.scan();
    expect(summary.updated).toBe(1);
    const img = await f.docker.inspectImage((await f.docker.inspectContainer('edge')).imageId);
    expect(img?.repoDigests.some((d) => d.endsWith(d2))).toBe(true);
    expect(await f.sentinel.queue.count()).toBe(0);
  });

  it('ignore removes the entry and never offers that version again; reject lets it come back', async () => {
    const f = setup();
    f.publish('x', '1.0.0');
    f.publish('x', '1.0.1');
    f.docker.seedContainer({ name: 'xx', image: `${HOST}/x:1.0.0` });
    await f.sentinel.scan();
    await f.sentinel.reject('xx');
    expect(await f.sentinel.queue.count()).toBe(0);
    await f.sentinel.scan();
    expect(await f.sentinel.queue.count()).toBe(1);
    expect(await f.sentinel.ignore('xx')).toMatchObject({ status: 'ignored', version: '1.0.1' });
    await f.sentinel.scan();
    expect(await f.sentinel.queue.count()).toBe(0);
    f.publish('x', '1.0.2');
    await f.sentinel.scan();
    expect((await f.sentinel.listQueue())[0]?.newer_versions).toEqual(['1.0.2']);
  });

  it('joins a running scan instead of starting a second', async () => {
    const f = setup();
    f.publish('y', '1.0.0');
    f.docker.seedContainer({ name: 'yy', image: `${HOST}/y:1.0.0` });
    const a = f.sentinel.scan();
    const b = f.sentinel.scan();
    expect(b).toBe(a);
    await a;
    expect(f.events.filter((e) => e.type === 'scan_complete')).toHaveLength(1);
  });
});

describe('update transaction', () => {
  it('rolls back a version whose container exits, leaving the old one running under its name', async () => {
    const f = setup();
    f.publish('app', '1.0.0', 'runs');
    f.publish('app', '1.1.0', 'exits');
    f.docker.seedContainer({ name: 'app', image: `${HOST}/app:1.0.0`, labels: { 'sentinel.policy': 'auto' } });
    const before = await f.docker.inspectContainer('app');
    const summary = await f.sentinel.scan();
    expect(summary.rolled_back).toBe(1);
    const after = await f.docker.inspectContainer('app');
    expect(after.id).toBe(before.id);
    expect(after.image).toBe(`${HOST}/app:1.0.0`);
    expect(after.runtime.running).toBe(true);
    expect((await f.docker.listContainers()).map((c) => c.name)).toEqual(['app']);
    const [rec] = await f.sentinel.listHistory({ limit: 1 });
    expect(rec).toMatchObject({ type: 'rollback', outcome: 'success', old_image: `${HOST}/app:1.1.0`, new_image: `${HOST}/app:1.0.0` });
    expect(rec?.error).toMatch(/stopped|exit code/);
  });

  it('rolls back a version that never becomes healthy', async () => {
    const f = setup();
    f.publish('hc', '1.0.0', 'healthy');
    f.publish('hc', '1.1.0', 'unhealthy');
    f.docker.seedContainer({ name: 'hc', image: `${HOST}/hc:1.0.0`, labels: { 'sentinel.policy': 'auto' } });
    await f.sentinel.scan();
    const after = await f.docker.inspectContainer('hc');
    expect(after.image).toBe(`${HOST}/hc:1.0.0`);
    expect(after.runtime.running).toBe(true);
    const [rec] = await f.sentinel.listHistory({ limit: 1 });
    expect(rec).toMatchObject({ type: 'rollback', outcome: 'success' });
    expect(rec?.error).toMatch(/unhealthy/);
  });

  it('stops nothing when the pull fails', async () => {
    const f = setup();
    f.publish('p', '1.0.0');
    f.publish('p', '1.0.1');
    f.docker.seedContainer({ name: 'pp', image: `${HOST}/p:1.0.0` });
    await f.sentinel.scan();
    f.docker.failPulls(`${HOST}/p:1.0.1`);
    f.docker.clearCalls();
    await f.sentinel.approve('pp');
    await f.sentinel.idle();
    expect(f.docker.calls('stopContainer')).toHaveLength(0);
    expect((await f.docker.inspectContainer('pp')).runtime.running).toBe(true);
    const [rec] = await f.sentinel.listHistory({ limit: 1 });
    expect(rec).toMatchObject({ type: 'update', outcome: 'failed' });
    expect(rec?.error).toMatch(/pull/);
  });

  it('restores the latest snapshot on a manual rollback', async () => {
    const f = setup();
    f.publish('r', '1.0.0');
    f.publish('r', '2.0.0');
    f.docker.seedContainer({ name: 'rr', image: `${HOST}/r:1.0.0`, labels: { keep: 'me' } });
    await f.sentinel.startUpdateToVersion('rr', '2.0.0');
    await f.sentinel.idle();
    expect((await f.docker.inspectContainer('rr')).image).toBe(`${HOST}/r:2.0.0`);
    expect((await f.sentinel.getContainer('rr')).snapshots).toHaveLength(1);
    await f.sentinel.startRollback('rr');
    await f.sentinel.idle();
    const after = await f.docker.inspectContainer('rr');
    expect(after.image).toBe(`${HOST}/r:1.0.0`);
    expect(after.labels.keep).toBe('me');
    const [rec] = await f.sentinel.listHistory({ limit: 1 });
    expect(rec).toMatchObject({ type: 'rollback', outcome: 'success', new_image: `${HOST}/r:1.0.0` });
  });

  it('answers a second concurrent update of one container with a conflict', async () => {
    const f = setup();
    f.publish('c', '1.0.0');
    f.publish('c', '1.0.1');
    f.docker.seedContainer({ name: 'cc', image: `${HOST}/c:1.0.0` });
    await f.sentinel.startUpdate('cc');
    await expect(f.sentinel.startUpdate('cc')).rejects.toMatchObject({ code: 'CONFLICT' });
    await f.sentinel.idle();
  });

  it('refuses every action on the Sentinel container itself', async () => {
    const f = setup();
    f.publish('s', '1.0.0');
    f.docker.seedContainer({ name: 'sentinel', image: `${HOST}/s:1.0.0`, labels: { 'sentinel.self': 'true' } });
    for (const act of [
      () => f.sentinel.startUpdate('sentinel'),
      () => f.sentinel.containerAction('sentinel', 'stop'),
      () => f.sentinel.setPolicy('sentinel', 'auto'),
      () => f.sentinel.startRollback('sentinel'),
      () => f.sentinel.check('sentinel'),
    ]) {
      await expect(act()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await f.docker.inspectContainer('sentinel')).runtime.running).toBe(true);
  });

  it('refuses a tag that does not exist without touching the container', async () => {
    const f = setup();
    f.publish('t', '1.0.0');
    f.docker.seedContainer({ name: 'tt', image: `${HOST}/t:1.0.0` });
    await expect(f.sentinel.startUpdateToVersion('tt', '9.9.9')).rejects.toMatchObject({ code: 'INVALID' });
    await expect(f.sentinel.startUpdateToVersion('tt', 'bad tag!')).rejects.toMatchObject({ code: 'INVALID' });
    expect(await f.sentinel.listHistory({ limit: 5 })).toHaveLength(0);
  });
});

describe('policies', () => {
  it('bulk policy previews by default, executes on confirm, and blocks self-protected containers', async () => {
    const f = setup();
    f.publish('b', '1.0.0');
    f.docker.seedContainer({ name: 'one', image: `${HOST}/b:1.0.0` });
    f.docker.seedContainer({ name: 'two', image: `${HOST}/b:1.0.0`, labels: { 'sentinel.policy': 'pinned' } });
    f.docker.seedContainer({ name: 'me', image: `${HOST}/b:1.0.0`, labels: { 'sentinel.self': 'true' } });
    const preview = await f.sentinel.bulkPolicy({ containers: ['one', 'two', 'me'], policy: 'pinned' });
    expect(preview).toEqual({
      mode: 'preview',
      changes: [{ name: 'one', from: 'manual', to: 'pinned' }],
      blocked: [{ name: 'me', reason: expect.any(String) }],
      unchanged: [{ name: 'two', reason: 'already pinned' }],
    });
    expect((await f.sentinel.getContainer('one')).policy).toBe('manual');
    expect(await f.sentinel.bulkPolicy({ containers: ['one', 'two', 'me'], policy: 'pinned', confirm: true })).toEqual({ mode: 'executed', applied: 1, blocked: 1, unchanged: 1 });
    expect((await f.sentinel.getContainer('one')).policy).toBe('pinned');
    await expect(f.sentinel.bulkPolicy({ containers: ['nope'], policy: 'auto' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an override wins over the label and removing it reverts', async () => {
    const f = setup();
    f.publish('o', '1.0.0');
    f.docker.seedContainer({ name: 'oo', image: `${HOST}/o:1.0.0`, labels: { 'sentinel.policy': 'auto' } });
    expect((await f.sentinel.setPolicy('oo', 'pinned')).policy).toBe('pinned');
    expect((await f.sentinel.getContainer('oo')).policy_source).toBe('override');
    expect((await f.sentinel.clearPolicy('oo')).policy).toBe('auto');
    expect(f.events.filter((e) => e.type === 'policy_change')).toHaveLength(2);
  });
});

describe('events', () => {
  it('keeps event ids increasing across a restart of the engine', async () => {
    const clock = createManualClock();
    const storage = createMemoryStorage();
    const docker = createMemoryDocker({ clock });
    const first = createSentinel({ storage, docker, clock, fetch: createFakeRegistry({ host: HOST }).fetch });
    const a = first.events.publish({ type: 'scan_complete', message: 'one' });
    const b = first.events.publish({ type: 'scan_complete', message: 'two' });
    expect(b.id).toBeGreaterThan(a.id);
    await clock.advance(5);
    const second = createSentinel({ storage, docker, clock, fetch: createFakeRegistry({ host: HOST }).fetch });
    expect(second.events.publish({ type: 'scan_complete', message: 'three' }).id).toBeGreaterThan(b.id);
  });
});

describe('scheduler', () => {
  it('scans at start, then every poll interval, and not while paused', async () => {
    const clock = createManualClock();
    const docker = createMemoryDocker({ clock });
    const registry = createFakeRegistry({ host: HOST });
    const sentinel = createSentinel({ storage: createMemoryStorage(), docker, fetch: registry.fetch, clock, settings: { poll_interval: 3_600_000 } });
    const scans: SentinelEvent[] = [];
    sentinel.events.subscribe((e) => e.type === 'scan_complete' && scans.push(e));
    await sentinel.start();
    await clock.advance(1);
    await sentinel.idle();
    expect(scans).toHaveLength(1);
    await clock.advance(3_600_000);
    await sentinel.idle();
    expect(scans).toHaveLength(2);
    await sentinel.settings.set('paused', true);
    await clock.advance(3_600_000);
    await sentinel.idle();
    expect(scans).toHaveLength(2);
    await sentinel.settings.set('paused', false);
    await clock.advance(3_600_000);
    await sentinel.idle();
    expect(scans).toHaveLength(3);
    await sentinel.stop();
  });

  it('keeps retrying an unreachable engine and starts scanning once it answers', async () => {
    const clock = createManualClock();
    const docker = createMemoryDocker({ clock });
    docker.setReachable(false);
    const sentinel = createSentinel({ storage: createMemoryStorage(), docker, fetch: createFakeRegistry({ host: HOST }).fetch, clock, engineRetryMs: 1000 });
    await sentinel.start();
    expect(sentinel.engineStatus()).toMatchObject({ connected: false });
    expect(sentinel.engineStatus().error).toBeTruthy();
    docker.setReachable(true);
    await clock.advance(1000);
    await sentinel.idle();
    expect(sentinel.engineStatus().connected).toBe(true);
    expect(await sentinel.lastScan()).not.toBeNull();
    await sentinel.stop();
  });
});

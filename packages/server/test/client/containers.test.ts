import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, NotImplementedError } from '@sentinel-kit/client';
import { seedWithVersions, setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

/** Queue an update for `name` through the client and apply it, so that it has a snapshot and a history record. */
async function updateThroughQueue(f: ClientFixture, name: string): Promise<void> {
  await f.client.containers.check(name);
  await f.client.queue.approve(name);
  await f.sentinel.idle();
}

describe('client.containers (read)', () => {
  it('list() returns every container with its image, state and effective policy', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0'], { 'sentinel.policy': 'auto' });
    f.publish('db', '15.1');
    f.docker.seedContainer({ name: 'db', image: f.ref('db', '15.1'), state: 'exited' });

    const list = await f.client.containers.list();
    const byName = new Map(list.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(['db', 'web']);
    expect(byName.get('web')).toMatchObject({ image: f.ref('web', '1.0.0'), state: 'running', policy: 'auto', policy_source: 'label', maintenance: false });
    expect(byName.get('db')).toMatchObject({ image: f.ref('db', '15.1'), state: 'exited', policy: 'manual', policy_source: 'default' });
  });

  it('get(name) returns the detail, with the history and snapshot of an applied update', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0']);
    const before = await f.client.containers.get('web');
    expect(before).toMatchObject({ name: 'web', image: f.ref('web', '1.0.0'), history: [], snapshots: [] });

    await updateThroughQueue(f, 'web');
    const after = await f.client.containers.get('web');
    expect(after.image).toBe(f.ref('web', '1.1.0'));
    expect(after.history).toMatchObject([{ container_name: 'web', type: 'update', outcome: 'success', old_image: f.ref('web', '1.0.0'), new_image: f.ref('web', '1.1.0') }]);
    expect(after.snapshots).toHaveLength(1);
    expect(after.snapshots[0]?.container_name).toBe('web');
  });

  it('get(name, { host }) sends the host: this server answers 501 for remote hosts', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    const error = await f.client.containers.get('web', { host: 'edge-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotImplementedError);
    expect(error).toMatchObject({ status: 501, message: expect.stringContaining('remote host "edge-1"') });
  });

  it('versions(name) lists the newer compatible versions, newest first, and what the scope allows', async () => {
    const f = setup({ fixture: { settings: { version_scope: 'patch' } } });
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.0.1', '1.1.0', '2.0.0-rc1', 'latest']);
    const versions = await f.client.containers.versions('web');
    expect(versions).toMatchObject({ name: 'web', current: '1.0.0', versions: ['1.1.0', '1.0.1'], within_scope: '1.0.1', scope: 'patch' });
  });

  it("tags(name) lists every tag of the image's repository", async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0', 'latest']);
    const tags = await f.client.containers.tags('web');
    expect(tags.repository).toBe('registry.test/web');
    expect([...tags.tags].sort()).toEqual(['1.0.0', '1.1.0', 'latest']);
  });

  it('logs(name, { lines }) returns the last lines of output', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    f.docker.writeLogs('web', ['first line', 'second line', 'third line']);
    const logs = await f.client.containers.logs('web', { lines: 2 });
    expect(logs).toMatchObject({ lines: 2, remote: false });
    expect(logs.logs).toContain('second line');
    expect(logs.logs).toContain('third line');
    expect(logs.logs).not.toContain('first line');
    await expect(f.client.containers.logs('web', { lines: 501 })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('an unknown container is a NotFoundError carrying the server message', async () => {
    const f = setup();
    const error = await f.client.containers.get('ghost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ name: 'NotFoundError', status: 404, message: 'container ghost not found', body: { error: 'container ghost not found' } });
  });
});

describe('client.containers (actions)', () => {
  it('stop(name) and start(name) change the container state', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    expect(await f.client.containers.stop('web')).toMatchObject({ status: 'stopped', name: 'web' });
    expect((await f.client.containers.get('web')).state).toBe('exited');
    expect(await f.client.containers.start('web')).toMatchObject({ status: 'started', name: 'web' });
    expect((await f.client.containers.get('web')).state).toBe('running');
  });

  it('restart(name) restarts the container, which keeps running', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    expect(await f.client.containers.restart('web')).toMatchObject({ status: 'restarted', name: 'web', message: 'web restarted' });
    expect(f.docker.calls('restartContainer')).toHaveLength(1);
    expect((await f.client.containers.get('web')).state).toBe('running');
  });

  it('check(name) finds the newer versions and queues them; a current container is up to date', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.0.1', '1.1.0']);
    seedWithVersions(f, 'db', 'db', ['3.0.0']);
    expect(await f.client.containers.check('web')).toEqual({
      status: 'update_available',
      name: 'web',
      message: 'Update available for web',
      newer_versions: ['1.1.0', '1.0.1'],
    });
    expect(await f.client.containers.check('db')).toMatchObject({ status: 'up_to_date', name: 'db' });
    expect((await f.client.queue.list()).map((q) => q.key)).toEqual(['web']);
  });

  it('update(name) applies the queued target in the background', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0']);
    await f.client.containers.check('web');
    expect(await f.client.containers.update('web')).toEqual({ status: 'started', name: 'web', message: 'update started for web' });
    await f.sentinel.idle();
    expect((await f.client.containers.get('web')).image).toBe(f.ref('web', '1.1.0'));
    expect(await f.client.queue.count()).toBe(0);
  });

  it('updateToVersion(name, tag) recreates the container on that tag', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.0.1', '1.1.0']);
    const started = await f.client.containers.updateToVersion('web', '1.0.1');
    expect(started).toMatchObject({ status: 'started', name: 'web', message: `Updating web to ${f.ref('web', '1.0.1')}` });
    await f.sentinel.idle();
    expect((await f.client.containers.get('web')).image).toBe(f.ref('web', '1.0.1'));
  });

  it('updateToVersion rejects an invalid or unknown tag with BadRequestError and the server message', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    await expect(f.client.containers.updateToVersion('web', 'bad tag!')).rejects.toMatchObject({
      name: 'BadRequestError',
      status: 400,
      message: 'invalid tag "bad tag!"',
    });
    await expect(f.client.containers.updateToVersion('web', '9.9.9')).rejects.toMatchObject({
      name: 'BadRequestError',
      message: 'tag 9.9.9 does not exist in registry.test/web',
    });
    const empty = await f.client.containers.updateToVersion('web', '').catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(BadRequestError);
    expect((empty as BadRequestError).message).toMatch(/^tag: /);
    expect((await f.client.containers.get('web')).image).toBe(f.ref('web', '1.0.0'));
  });

  it('rollback(name) restores the snapshot taken before the last update', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0']);
    await expect(f.client.containers.rollback('web')).rejects.toMatchObject({ name: 'NotFoundError', message: 'no snapshot to roll back to for web' });

    await updateThroughQueue(f, 'web');
    expect(await f.client.containers.rollback('web')).toEqual({ status: 'started', name: 'web', message: 'rollback started for web' });
    await f.sentinel.idle();
    const detail = await f.client.containers.get('web');
    expect(detail.image).toBe(f.ref('web', '1.0.0'));
    expect(detail.history.map((h) => h.type)).toEqual(['rollback', 'update']);
  });
});

describe('client.containers (policy)', () => {
  it('setPolicy(name, policy) overrides the label; clearPolicy(name) reverts to it', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0'], { 'sentinel.policy': 'auto' });
    expect(await f.client.containers.setPolicy('web', 'pinned')).toEqual({ status: 'ok', name: 'web', policy: 'pinned', message: 'policy set to pinned for web' });
    expect(await f.client.containers.get('web')).toMatchObject({ policy: 'pinned', policy_source: 'override' });

    expect(await f.client.containers.clearPolicy('web')).toMatchObject({ status: 'ok', name: 'web', policy: 'auto' });
    expect(await f.client.containers.get('web')).toMatchObject({ policy: 'auto', policy_source: 'label' });
  });

  it('setPolicy with an invalid policy is a BadRequestError naming the field', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    // A caller without types (or with a stale cast) can still send this.
    const error = await f.client.containers.setPolicy('web', 'sometimes' as 'auto').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toMatch(/^policy: /);
    expect((await f.client.containers.get('web')).policy_source).toBe('default');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { silentLogger } from '@sentinel-kit/core';
import { createDockerodeEngine } from '../../src/adapters/dockerode-engine.js';
import { startServer } from '../../src/start-server.js';
import type { RunningServer } from '../../src/start-server.js';
import { setupAdminToken } from './support/first-run.js';
import { buildTestImage } from './support/images.js';
import { dockerCli, removeContainers, waitFor } from './support/wait.js';

/**
 * Settings that change behaviour, proven against a real Docker Engine and a
 * real registry through the real server: a pre-update hook that exits 75
 * skips the update, image backup retags the old image, and the rollback
 * policy pins a container after a rollback.
 */
const dockerHost = inject('dockerHost');
const registryAddr = inject('registryAddr');
const engine = createDockerodeEngine({ dockerHost });
const docker = dockerCli(dockerHost);
const repo = (name: string) => `${registryAddr}/e2e-behaviour/${name}`;
const CONTAINERS = ['hooked-app', 'backup-app', 'fragile-app'];

let server: RunningServer;
let client: SentinelClient;
let dataDir: string;


/** Wait until the container has more than `count` history records and return the newest (the update finished one way or another). */
async function nextRecord(name: string, count: number) {
  // The history endpoint, not the container: while an update runs, the container is briefly set aside.
  return waitFor(`history of ${name}`, async () => {
    const history = (await client.history.list({ limit: 200 })).filter((r) => r.container_name === name);
    return history.length > count ? history[0] : undefined;
  });
}

beforeAll(async () => {
  await Promise.all([
    buildTestImage({ repository: 'e2e-behaviour/hooked', tag: '1.0.0', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e-behaviour/hooked', tag: '1.0.1', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e-behaviour/backup', tag: '1.0.0', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e-behaviour/backup', tag: '1.0.1', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e-behaviour/fragile', tag: '1.0.0', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e-behaviour/fragile', tag: '1.0.1', behavior: 'exits' }),
  ]);
  for (const [name, image] of [
    ['hooked-app', 'hooked'],
    ['backup-app', 'backup'],
    ['fragile-app', 'fragile'],
  ] as const) {
    await docker(['run', '-d', '--name', name, '--network', 'none', '--label', 'sentinel.policy=manual', `${repo(image)}:1.0.0`]);
  }
  dataDir = await mkdtemp(join(tmpdir(), 'sk-e2e-behaviour-'));
  server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      dockerHost,
      metrics: false,
      logLevel: 'warn',
      settings: { poll_interval: 24 * 3_600_000, grace_period: 3000, health_timeout: 30_000 },
    },
    { logger: silentLogger },
  );
  // A fresh server wants its first admin: create it, sign in and use an API token, as a script would.
  const token = await setupAdminToken(server.url, { password: 'behaviour-e2e-password' });
  client = createSentinelClient({ baseUrl: server.url, timeoutMs: 60_000, token });
  await waitFor('initial scan', async () => (await client.lastScan()).last_scan ?? undefined);
}, 600_000);

afterAll(async () => {
  await server?.close();
  await removeContainers(dockerHost, CONTAINERS);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('settings change what updates do, against a real engine', () => {
  it('a pre-update hook that exits 75 skips the update: the container keeps running untouched', async () => {
    const before = await engine.inspectContainer('hooked-app');
    expect((await client.settings.setHooksEnabled(true)).enabled).toBe(true);
    expect(await client.hooks.set('hooked-app', { phase: 'pre-update', command: ['sh', '-c', 'echo not now; exit 75'], timeout: 30 })).toEqual({
      container_name: 'hooked-app',
      phase: 'pre-update',
      command: ['sh', '-c', 'echo not now; exit 75'],
      timeout: 30,
    });
    expect(await client.containers.check('hooked-app')).toMatchObject({ status: 'update_available', newer_versions: ['1.0.1'] });
    await client.queue.approve('hooked-app');
    const record = await nextRecord('hooked-app', 0);
    expect(record).toMatchObject({ type: 'update', outcome: 'skipped', new_image: `${repo('hooked')}:1.0.1` });
    expect(record?.error).toMatch(/75/);
    const after = await engine.inspectContainer('hooked-app');
    expect(after.id).toBe(before.id);
    expect(after.image).toBe(`${repo('hooked')}:1.0.0`);
    expect(after.runtime.running).toBe(true);
    // Without the hook the same update goes through.
    await client.hooks.remove('hooked-app', 'pre-update');
    await client.containers.updateToVersion('hooked-app', '1.0.1');
    expect(await nextRecord('hooked-app', 1)).toMatchObject({ outcome: 'success' });
    expect((await engine.inspectContainer('hooked-app')).image).toBe(`${repo('hooked')}:1.0.1`);
  });

  it('image backup keeps the old image as <repo>:sentinel-backup-<tag>', async () => {
    const oldImageId = (await engine.inspectContainer('backup-app')).imageId;
    await client.settings.setImageBackup(true);
    await client.settings.setImageCleanup(true);
    await client.containers.updateToVersion('backup-app', '1.0.1');
    expect(await nextRecord('backup-app', 0)).toMatchObject({ type: 'update', outcome: 'success' });
    expect((await engine.inspectContainer('backup-app')).image).toBe(`${repo('backup')}:1.0.1`);
    const backup = await engine.inspectImage(`${repo('backup')}:sentinel-backup-1.0.0`);
    expect(backup?.id).toBe(oldImageId);
  });

  it('rollback policy "pinned" pins a container after a failed update rolled back', async () => {
    expect(await client.settings.setRollbackPolicy('pinned')).toMatchObject({ policy: 'pinned' });
    await client.containers.updateToVersion('fragile-app', '1.0.1');
    const record = await nextRecord('fragile-app', 0);
    expect(record).toMatchObject({ type: 'rollback', outcome: 'success', new_image: `${repo('fragile')}:1.0.0` });
    const c = await waitFor('policy pinned', async () => {
      const detail = await client.containers.get('fragile-app');
      return detail.policy === 'pinned' ? detail : undefined;
    });
    expect(c.policy_source).toBe('override');
    expect(c.state).toBe('running');
    // The next check leaves a pinned container out of the queue.
    await client.containers.check('fragile-app');
    expect((await client.queue.list()).find((q) => q.container_name === 'fragile-app')).toBeUndefined();
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { createDockerodeEngine } from '../../src/adapters/dockerode-engine.js';
import { startServer } from '../../src/start-server.js';
import type { RunningServer } from '../../src/start-server.js';
import { silentLogger } from '@sentinel-kit/core';
import { setupAdminToken } from './support/first-run.js';
import { buildTestImage } from './support/images.js';
import { dockerCli, removeContainers, waitFor } from './support/wait.js';

/**
 * The whole update spine against a real Docker Engine and a real registry,
 * driven through the typed client against the real server.
 */
const dockerHost = inject('dockerHost');
const registryAddr = inject('registryAddr');
const engine = createDockerodeEngine({ dockerHost });
const docker = dockerCli(dockerHost);

let server: RunningServer;
let client: SentinelClient;
let dataDir: string;
const events: Array<{ event: string; data: Record<string, unknown>; id: number | undefined }> = [];
const streamAbort = new AbortController();
let streamDone: Promise<void>;
const repo = (name: string) => `${registryAddr}/e2e/${name}`;


/** Run a scan through the API and wait for its scan_complete event. */
async function scan(): Promise<Record<string, unknown>> {
  const before = events.filter((e) => e.event === 'scan_complete').length;
  expect(await client.scan()).toEqual({ message: expect.stringMatching(/Scan/) });
  const done = await waitFor('scan_complete', () => events.filter((e) => e.event === 'scan_complete')[before]);
  // The event payload is the seed's shape; the scan's counts are in its `data`.
  return done.data.data as Record<string, unknown>;
}

async function run(name: string, image: string, labels: Record<string, string>, extra: string[] = []): Promise<void> {
  const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  await docker(['run', '-d', '--name', name, '--network', 'none', ...labelArgs, ...extra, image]);
}

beforeAll(async () => {
  // Images: each repository gets the versions its scenario needs.
  await Promise.all([
    buildTestImage({ repository: 'e2e/manual', tag: '1.0.0', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e/manual', tag: '1.1.0', behavior: 'healthy' }),
    buildTestImage({ repository: 'e2e/manual', tag: '1.2.0-rc1', behavior: 'healthy' }),
    buildTestImage({ repository: 'e2e/auto', tag: '1.0.0', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e/auto', tag: '1.0.1', behavior: 'healthy' }),
    buildTestImage({ repository: 'e2e/broken', tag: '1.0.0', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e/broken', tag: '1.0.1', behavior: 'exits' }),
    buildTestImage({ repository: 'e2e/sick', tag: '1.0.0', behavior: 'healthy' }),
    buildTestImage({ repository: 'e2e/sick', tag: '1.0.1', behavior: 'unhealthy' }),
    buildTestImage({ repository: 'e2e/pinned', tag: '1.0.0', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e/pinned', tag: '1.0.1', behavior: 'runs' }),
    buildTestImage({ repository: 'e2e/edge', tag: '1.0.0', behavior: 'runs', files: { '/etc/edge-version': '1.0.0' } }),
  ]);
  // `latest` of e2e/edge is the same image as 1.0.0.
  await docker(['pull', `${repo('edge')}:1.0.0`]);
  await docker(['tag', `${repo('edge')}:1.0.0`, `${repo('edge')}:latest`]);
  await docker(['push', `${repo('edge')}:latest`]);
  await docker(['rmi', `${repo('edge')}:latest`, `${repo('edge')}:1.0.0`]);

  await run('manual-app', `${repo('manual')}:1.0.0`, { 'sentinel.policy': 'manual', team: 'blue' }, ['-e', 'GREETING=hello', '--restart', 'unless-stopped']);
  await run('auto-app', `${repo('auto')}:1.0.0`, { 'sentinel.policy': 'auto' });
  await run('broken-app', `${repo('broken')}:1.0.0`, { 'sentinel.policy': 'auto' });
  await run('sick-app', `${repo('sick')}:1.0.0`, { 'sentinel.policy': 'auto' });
  await run('pinned-app', `${repo('pinned')}:1.0.0`, { 'sentinel.policy': 'pinned' });
  await run('edge-app', `${repo('edge')}:latest`, { 'sentinel.policy': 'auto' });

  dataDir = await mkdtemp(join(tmpdir(), 'sk-e2e-data-'));
  server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      dockerHost,
      metrics: false,
      logLevel: 'warn',
      // A long poll interval: the test triggers every scan itself.
      settings: { poll_interval: 24 * 3_600_000, grace_period: 3000, health_timeout: 30_000, scan_concurrency: 4 },
    },
    { logger: silentLogger },
  );
  // First run with authentication on: nothing is served until the admin exists; create it, sign in and use an API token.
  const anonymous = createSentinelClient({ baseUrl: server.url, timeoutMs: 60_000, retry: 0 });
  expect(await anonymous.auth.setupStatus()).toMatchObject({ setup_required: true });
  await expect(anonymous.containers.list()).rejects.toMatchObject({ status: 503 });
  const token = await setupAdminToken(server.url);
  await expect(anonymous.containers.list()).rejects.toMatchObject({ status: 401 });
  client = createSentinelClient({ baseUrl: server.url, timeoutMs: 60_000, token });
  await waitFor('engine connected', async () => (await client.health()).docker.connected || undefined);
  // The initial scan runs at start; wait for it before following events.
  await waitFor('initial scan', async () => (await client.lastScan()).last_scan ?? undefined);
  const stream = client.events.stream({ signal: streamAbort.signal });
  streamDone = (async () => {
    try {
      for await (const e of stream) events.push({ event: e.event, data: e.data as Record<string, unknown>, id: e.id });
    } catch {
      // aborted at the end
    }
  })();
  await waitFor('SSE connected', () => events.find((e) => e.event === 'connected'));
}, 600_000);

afterAll(async () => {
  streamAbort.abort();
  await streamDone;
  await server?.close();
  await removeContainers(dockerHost, ['manual-app', 'auto-app', 'broken-app', 'sick-app', 'pinned-app', 'edge-app']);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('update spine against a real engine and registry', () => {
  it('queued the manual container with the right newer_versions and left it alone', async () => {
    const queue = await client.queue.list();
    const item = queue.find((q) => q.container_name === 'manual-app');
    expect(item).toMatchObject({
      current_image: `${repo('manual')}:1.0.0`,
      newer_versions: ['1.1.0'],
      resolved_current_version: '1.0.0',
      resolved_target_version: '1.1.0',
    });
    expect((await client.containers.get('manual-app')).image).toBe(`${repo('manual')}:1.0.0`);
    expect(queue.find((q) => q.container_name === 'pinned-app')).toBeUndefined();
  });

  it('updated the auto container during the initial scan', async () => {
    const c = await client.containers.get('auto-app');
    expect(c.image).toBe(`${repo('auto')}:1.0.1`);
    expect(c.state).toBe('running');
    expect(c.history[0]).toMatchObject({ type: 'update', outcome: 'success', old_image: `${repo('auto')}:1.0.0`, new_image: `${repo('auto')}:1.0.1` });
  });

  it('rolled back the version that exits, with the old container running and history rollback', async () => {
    const c = await client.containers.get('broken-app');
    expect(c.image).toBe(`${repo('broken')}:1.0.0`);
    expect(c.state).toBe('running');
    expect(c.history[0]).toMatchObject({ type: 'rollback', outcome: 'success', old_image: `${repo('broken')}:1.0.1`, new_image: `${repo('broken')}:1.0.0` });
    expect(c.history[0]?.error).toMatch(/stopped|exit|restart/);
  });

  it('rolled back the version that never becomes healthy', async () => {
    const c = await client.containers.get('sick-app');
    expect(c.image).toBe(`${repo('sick')}:1.0.0`);
    expect(c.state).toBe('running');
    expect(c.history[0]).toMatchObject({ type: 'rollback', outcome: 'success' });
    expect(c.history[0]?.error).toMatch(/unhealthy|healthy within/);
  });

  it('left the pinned container untouched', async () => {
    const c = await client.containers.get('pinned-app');
    expect(c.image).toBe(`${repo('pinned')}:1.0.0`);
    expect(c.policy).toBe('pinned');
    expect(c.history).toEqual([]);
  });

  it('approving the manual update recreates it on the new version with its configuration intact', async () => {
    const before = await engine.inspectContainer('manual-app');
    expect(await client.queue.approve('manual-app')).toMatchObject({ status: 'approved', name: 'manual-app' });
    const after = await waitFor('manual-app updated', async () => {
      const d = await engine.inspectContainer('manual-app').catch(() => undefined);
      return d !== undefined && d.image.endsWith(':1.1.0') && d.runtime.running && (await client.containers.get('manual-app')).history.length > 0 ? d : undefined;
    });
    expect(after.id).not.toBe(before.id);
    expect(after.labels).toMatchObject({ 'sentinel.policy': 'manual', team: 'blue' });
    expect(after.spec.env).toContain('GREETING=hello');
    expect(after.restartPolicy).toBe(before.restartPolicy);
    expect(after.restartPolicy).toBe('unless-stopped');
    expect(after.networks).toEqual(before.networks);
    expect((await client.history.list({ limit: 5 }))[0]).toMatchObject({ container_name: 'manual-app', type: 'update', outcome: 'success' });
    expect(await client.queue.count()).toBe(0);
    const names = (await engine.listContainers()).map((c) => c.name);
    expect(names.filter((n) => n.startsWith('manual-app'))).toEqual(['manual-app']);
  });

  it('a manual rollback restores the snapshot', async () => {
    expect(await client.containers.rollback('manual-app')).toMatchObject({ status: 'started' });
    await waitFor('manual-app rolled back', async () => {
      const d = await engine.inspectContainer('manual-app').catch(() => undefined);
      return d !== undefined && d.image.endsWith(':1.0.0') && d.runtime.running ? d : undefined;
    });
    const c = await client.containers.get('manual-app');
    await waitFor('rollback recorded', async () => ((await client.containers.get('manual-app')).history[0]?.type === 'rollback' ? true : undefined));
    expect(c.labels).toMatchObject({ team: 'blue' });
  });

  it('detects a re-pushed latest, names its versions, and applies it', async () => {
    await buildTestImage({ repository: 'e2e/edge', tag: '1.1.0', behavior: 'runs', files: { '/etc/edge-version': '1.1.0' } });
    await docker(['pull', `${repo('edge')}:1.1.0`]);
    await docker(['tag', `${repo('edge')}:1.1.0`, `${repo('edge')}:latest`]);
    await docker(['push', `${repo('edge')}:latest`]);
    const imageBefore = (await engine.inspectContainer('edge-app')).imageId;
    // Pin it for a moment so `check` only queues, to look at what it found.
    await client.containers.setPolicy('edge-app', 'manual');
    expect(await client.containers.check('edge-app')).toMatchObject({ status: 'update_available', newer_versions: ['1.1.0'] });
    expect((await client.queue.list()).find((q) => q.container_name === 'edge-app')).toMatchObject({
      resolved_current_version: '1.0.0',
      resolved_target_version: '1.1.0',
    });
    await client.containers.clearPolicy('edge-app');
    const summary = await scan();
    expect(summary).toMatchObject({ updated: 1 });
    const after = await engine.inspectContainer('edge-app');
    expect(after.image).toBe(`${repo('edge')}:latest`);
    expect(after.imageId).not.toBe(imageBefore);
    expect(after.runtime.running).toBe(true);
  });

  it('streamed the events of all of it over SSE, with increasing ids', async () => {
    const types = new Set(events.map((e) => e.event));
    for (const t of ['connected', 'container_update', 'queue_change', 'scan_complete', 'policy_change']) expect(types).toContain(t);
    const ids = events.filter((e) => e.event !== 'connected').map((e) => e.id as number);
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] as number))).toBe(true);
    const messages = events.filter((e) => e.event === 'container_update').map((e) => String(e.data.container_name));
    expect(messages).toEqual(expect.arrayContaining(['manual-app', 'edge-app']));
  });

  it('exports the history as CSV with the documented columns', async () => {
    const csv = await client.history.export('csv');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header).toBe('timestamp,container,type,old_image,new_image,outcome,duration_s,error,host_id,host_name');
    expect(rows.some((r) => r.includes('broken-app') && r.includes('rollback'))).toBe(true);
  });
});

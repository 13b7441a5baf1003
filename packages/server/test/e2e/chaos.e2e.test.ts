import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { setupAdminToken } from './support/first-run.js';
import { buildTestImage } from './support/images.js';
import type { TestImageBehavior } from './support/images.js';
import { freePort } from './stack.js';
import { dockerCli, removeContainers, waitFor } from './support/wait.js';

/**
 * Chaos: updates interrupted by `kill -9` of a real server process at random
 * points and at chosen phases (between stop and rename, during the health gate),
 * against the real engine and registry. After each restart on the same data,
 * every container must exist under its name, run, be on its old version or a
 * good target, keep its configuration, and nothing may be left set aside; the
 * history holds one record per attempt.
 */
const dockerHost = inject('dockerHost');
const registryAddr = inject('registryAddr');
const docker = dockerCli(dockerHost);
const CYCLES = Number(process.env['SK_CHAOS_CYCLES'] ?? 12);

const SUBJECTS: Array<{ name: string; target: TestImageBehavior }> = [
  { name: 'chaos-good', target: 'healthy' },
  { name: 'chaos-exit', target: 'exits' },
  { name: 'chaos-sick', target: 'unhealthy' },
];
const image = (name: string, tag: string): string => `${registryAddr}/chaos/${name}:${tag}`;

type KillMode = 'random' | 'stopping' | 'starting' | 'health_check';
const MODES: KillMode[] = ['random', 'stopping', 'health_check', 'random', 'starting', 'random'];

let dataDir: string;
let port: number;
let child: ChildProcess | undefined;
let token: string | undefined;

/** Start `sentinel-server` as its own process (the CLI from source), wait until it answers. */
async function startProcess(): Promise<SentinelClient> {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--conditions=@sentinel-kit/source', 'packages/server/src/cli.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SENTINEL_DATA_DIR: dataDir,
      DOCKER_HOST: dockerHost,
      SENTINEL_GRACE_PERIOD: '3s',
      SENTINEL_HEALTH_TIMEOUT: '8s',
      SENTINEL_STOP_TIMEOUT: '2',
      SENTINEL_POLL_INTERVAL: '24h',
      SENTINEL_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child = proc;
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    'the server process to answer',
    async () => {
      if (proc.exitCode !== null) throw new Error(`sentinel-server exited with ${proc.exitCode}: ${stderr}`);
      const res = await fetch(`${baseUrl}/api/health`).catch(() => undefined);
      return res?.ok === true;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  token ??= await setupAdminToken(baseUrl);
  return createSentinelClient({ baseUrl, token, retry: 0 });
}

function kill9(): Promise<void> {
  const proc = child;
  child = undefined;
  if (proc === undefined || proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

async function recreateSubjects(): Promise<void> {
  await removeContainers(dockerHost, SUBJECTS.map((s) => s.name));
  for (const s of SUBJECTS) {
    await docker([
      'run', '-d', '--name', s.name, '--network', 'none', '--restart', 'unless-stopped',
      '-e', `SUBJECT=${s.name}`, '--label', 'sentinel.policy=manual', '--label', `chaos.subject=${s.name}`,
      '-v', `${s.name}-data:/data`, image(s.name, '1.0.0'),
    ]);
  }
}

interface Inspected {
  Name: string;
  State: { Running: boolean };
  Config: { Image: string; Env: string[]; Labels: Record<string, string> };
  HostConfig: { RestartPolicy: { Name: string } };
  Mounts: Array<{ Name?: string; Destination: string }>;
}

async function inspect(name: string): Promise<Inspected | undefined> {
  const out = await docker(['inspect', name]).catch(() => undefined);
  if (out === undefined) return undefined;
  return (JSON.parse(out.stdout) as Inspected[])[0];
}

async function asideLeft(): Promise<string[]> {
  const out = await docker(['ps', '-a', '--format', '{{.Names}}', '--filter', 'name=sentinel-old']);
  return out.stdout.split('\n').filter((n) => n.trim() !== '');
}

const totals = { cycles: 0, attempts: 0, lost: 0, stopped: 0, left_over: 0, bad_version_running: 0, config_drift: 0, history_mismatch: 0, recovered: 0 };

beforeAll(async () => {
  await Promise.all(
    SUBJECTS.flatMap((s) => [
      buildTestImage({ repository: `chaos/${s.name}`, tag: '1.0.0', behavior: 'healthy' }),
      buildTestImage({ repository: `chaos/${s.name}`, tag: '2.0.0', behavior: s.target }),
    ]),
  );
  dataDir = await mkdtemp(join(tmpdir(), 'sk-chaos-'));
  port = await freePort();
}, 300_000);

afterAll(async () => {
  await kill9();
  await removeContainers(dockerHost, SUBJECTS.map((s) => s.name));
  for (const s of SUBJECTS) await docker(['volume', 'rm', '-f', `${s.name}-data`]).catch(() => undefined);
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  // The table a user reads: every column must be 0 (cycles and attempts aside).
  process.stdout.write('\nchaos: kill -9 during updates against the real engine\n');
  console.table([totals]);
});

describe('kill -9 during updates', () => {
  it(`${CYCLES} cycles: every container survives, on a safe version, with its config, nothing set aside`, async () => {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const mode = MODES[cycle % MODES.length] ?? 'random';
      await recreateSubjects();
      const client = await startProcess();
      const before = new Map<string, number>();
      for (const s of SUBJECTS) before.set(s.name, (await client.containers.get(s.name)).history.length);

      // Watch the phases, so that a kill can land exactly between stop and rename or during the gate.
      const phaseSeen = new Promise<void>((resolve) => {
        if (mode === 'random') return;
        const abort = new AbortController();
        void (async () => {
          try {
            for await (const e of client.events.stream({ signal: abort.signal })) {
              const data = (e.data as { data?: { phase?: string } }).data;
              if (data?.phase === mode) {
                abort.abort();
                resolve();
                return;
              }
            }
          } catch {
            resolve();
          }
        })();
        setTimeout(() => {
          abort.abort();
          resolve();
        }, 20_000);
      });
      await new Promise((r) => setTimeout(r, 200));
      for (const s of SUBJECTS) await client.containers.updateToVersion(s.name, '2.0.0');
      if (mode === 'random') await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 4500)));
      else await phaseSeen;
      await kill9();
      totals.cycles++;
      totals.attempts += SUBJECTS.length;

      const after = await startProcess();
      // Recovery writes the one record of each interrupted attempt; wait for all of them and for nothing aside.
      await waitFor(
        `recovery after cycle ${cycle} (${mode})`,
        async () => {
          if ((await asideLeft()).length > 0) return false;
          for (const s of SUBJECTS) {
            const detail = await after.containers.get(s.name).catch(() => undefined);
            if (detail === undefined || detail.history.length <= (before.get(s.name) ?? 0)) return false;
          }
          return true;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      ).catch(() => undefined);

      totals.left_over += (await asideLeft()).length;
      for (const s of SUBJECTS) {
        const c = await inspect(s.name);
        if (c === undefined) {
          totals.lost++;
          continue;
        }
        if (!c.State.Running) totals.stopped++;
        const onTarget = c.Config.Image === image(s.name, '2.0.0');
        if (onTarget && s.target !== 'healthy') totals.bad_version_running++;
        if (!onTarget && c.Config.Image !== image(s.name, '1.0.0')) totals.bad_version_running++;
        const drift =
          !c.Config.Env.includes(`SUBJECT=${s.name}`) ||
          c.Config.Labels['chaos.subject'] !== s.name ||
          c.Config.Labels['sentinel.policy'] !== 'manual' ||
          c.HostConfig.RestartPolicy.Name !== 'unless-stopped' ||
          !c.Mounts.some((m) => m.Name === `${s.name}-data` && m.Destination === '/data');
        if (drift) totals.config_drift++;
        const history = (await after.containers.get(s.name)).history;
        const added = history.length - (before.get(s.name) ?? 0);
        if (added !== 1) totals.history_mismatch++;
        if (history[0]?.error?.includes('interrupted') === true) totals.recovered++;
      }
      await kill9();
    }
    expect({ ...totals, cycles: 0, attempts: 0, recovered: 0 }).toEqual({ cycles: 0, attempts: 0, lost: 0, stopped: 0, left_over: 0, bad_version_running: 0, config_drift: 0, history_mismatch: 0, recovered: 0 });
    // The kills did land: most attempts were interrupted and recovered, not finished before the kill.
    expect(totals.recovered).toBeGreaterThan(totals.attempts / 2);
  }, 30 * 60_000);

  it('a scan started during an update (good and failing targets) leaves one container each, on a safe version, and queues nothing set aside', async () => {
    await recreateSubjects();
    for (const subject of SUBJECTS) await docker(['update', '--restart', 'no', subject.name]);
    const client = await startProcess();
    for (const subject of SUBJECTS) await client.containers.setPolicy(subject.name, 'auto');
    const before = new Map<string, number>();
    for (const subject of SUBJECTS) before.set(subject.name, (await client.containers.get(subject.name)).history.length);
    for (const subject of SUBJECTS) await client.containers.updateToVersion(subject.name, '2.0.0');
    await new Promise((r) => setTimeout(r, 500));
    await client.scan();
    await waitFor(
      'every update to end',
      async () => {
        for (const subject of SUBJECTS) {
          if ((await client.containers.get(subject.name)).history.length <= (before.get(subject.name) ?? 0)) return false;
        }
        return (await asideLeft()).length === 0;
      },
      { timeoutMs: 90_000 },
    );
    // Let the scan that met the locked containers (and any follow-up) finish too.
    await waitFor('the scan to finish', async () => !(await client.health()).scan_in_progress, { timeoutMs: 60_000 });
    const listed = await client.containers.list();
    for (const subject of SUBJECTS) {
      expect(listed.filter((c) => c.name === subject.name)).toHaveLength(1);
      const c = await inspect(subject.name);
      expect(c?.State.Running).toBe(true);
      expect(c?.Config.Image).toBe(image(subject.name, subject.target === 'healthy' ? '2.0.0' : '1.0.0'));
    }
    expect(listed.filter((c) => c.name.includes('sentinel-old'))).toEqual([]);
    expect((await client.queue.list()).filter((q) => q.container_name.includes('sentinel-old'))).toEqual([]);
    // The failed versions are remembered, not retried by the next scan.
    await client.scan();
    await waitFor('the second scan to finish', async () => !(await client.health()).scan_in_progress, { timeoutMs: 60_000 });
    for (const subject of SUBJECTS.filter((x) => x.target !== 'healthy')) {
      const detail = await client.containers.get(subject.name);
      expect(detail.history.length - (before.get(subject.name) ?? 0)).toBe(1);
      expect(detail.failed_update?.target_image).toBe(image(subject.name, '2.0.0'));
    }
    await kill9();
  }, 300_000);
});

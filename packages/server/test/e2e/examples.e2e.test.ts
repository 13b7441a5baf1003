import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSentinelClient } from '@sentinel-kit/client';
import { silentLogger } from '@sentinel-kit/core';
import { startServer } from '../../src/start-server.js';
import type { RunningServer } from '../../src/start-server.js';
import { runCommand } from './stack.js';
import { buildTestImage } from './support/images.js';

/** The examples, run as a user runs them, against the real engine and registry. */
const root = fileURLToPath(new URL('../../../..', import.meta.url));
const dockerHost = inject('dockerHost');
const registryAddr = inject('registryAddr');
let dir: string;
const ADMIN_PASSWORD = 'examples-admin-password';
let server: RunningServer;

function runExample(file: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@sentinel-kit/source', join(root, 'examples', file), ...args],
      { cwd: root, env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sk-examples-'));
  const v1 = await buildTestImage({ repository: 'examples/web', tag: '2.0.0', behavior: 'runs' });
  await buildTestImage({ repository: 'examples/web', tag: '2.1.0', behavior: 'runs' });
  await runCommand('docker', ['-H', dockerHost, 'run', '-d', '--name', 'example-web', '--network', 'none', '--label', 'sentinel.policy=manual', v1], { timeoutMs: 120_000 });
  server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), dockerHost, metrics: false, logLevel: 'warn', settings: { poll_interval: 86_400_000, grace_period: 2000 } },
    { logger: silentLogger },
  );
}, 300_000);

afterAll(async () => {
  await server?.close();
  await runCommand('docker', ['-H', dockerHost, 'rm', '-f', 'example-web'], { timeoutMs: 60_000 }).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('examples', () => {
  it('embedded-service scans the real engine with its own storage, without the HTTP server', async () => {
    const res = await runExample('embedded-service.ts', ['--once', '--state', join(dir, 'embedded.json')], { DOCKER_HOST: dockerHost });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/scan complete: \d+ checked, \d+ update\(s\) available/);
    expect(res.stdout).toContain(`pending example-web: ${registryAddr}/examples/web:2.0.0 → ${registryAddr}/examples/web:2.1.0`);
    const state = JSON.parse(await readFile(join(dir, 'embedded.json'), 'utf8')) as { collections: Record<string, Record<string, unknown>> };
    expect(Object.keys(state.collections.queue ?? {})).toContain('example-web');
  });

  it('client-tour performs first-run setup itself with a username and password, and signs in with a token', async () => {
    const res = await runExample('client-tour.ts', ['--no-approve', '--max-events', '1'], { SENTINEL_URL: server.url, SENTINEL_USERNAME: 'admin', SENTINEL_PASSWORD: ADMIN_PASSWORD });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('first run: created the admin "admin"');
    expect(res.stdout).toMatch(/signed in as admin; using a new API token sntkn_/);
    expect(res.stdout).toMatch(/done after 1 event\(s\)/);
  });

  it('client-tour lists containers, approves the queue and follows the event stream', async () => {
    // The server's initial scan queues example-web.
    const deadline = Date.now() + 60_000;
    while ((await server.sentinel.queue.count()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // Sign in through the client (creating the admin if this test runs alone) and hand the tour an API token.
    const script = createSentinelClient({ baseUrl: server.url });
    if ((await script.auth.setupStatus()).setup_required) await script.auth.setup('admin', ADMIN_PASSWORD);
    else expect(await script.auth.login('admin', ADMIN_PASSWORD)).toEqual({ redirect: '/' });
    const { token } = await script.auth.createToken('client-tour e2e');
    const res = await runExample('client-tour.ts', ['--max-events', '2'], { SENTINEL_URL: server.url, SENTINEL_TOKEN: token });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Docker connected/);
    expect(res.stdout).toMatch(/example-web\s+running\s+manual/);
    expect(res.stdout).toContain('example-web: update started for example-web');
    expect(res.stdout).toMatch(/\] connected \{\}/);
    expect(res.stdout).toMatch(/done after 2 event\(s\)/);
    await server.sentinel.idle();
    expect((await server.sentinel.getContainer('example-web')).image).toBe(`${registryAddr}/examples/web:2.1.0`);
  });
});

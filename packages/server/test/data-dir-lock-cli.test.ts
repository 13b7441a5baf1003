import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_DIR_LOCK_FILE } from '../src/data-dir-lock.js';
import type { DataDirLockOwner } from '../src/data-dir-lock.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const KEV_FIXTURE = fileURLToPath(new URL('../../core/src/inventory/fixtures/kev-catalog.json', import.meta.url));

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `sentinel-server …` as its own node process (the pid is the server's own, not a wrapper's). */
function cli(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--conditions=@sentinel-kit/source', '--import', 'tsx', CLI, ...args], {
    env: { ...process.env, SENTINEL_URL: '', DOCKER_HOST: 'unix:///nonexistent/sk-no-engine.sock', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function until(check: () => boolean, what: string, run?: Run): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${run === undefined ? '' : `; output:\n${run.output()}`}`);
}

describe('one owner per data directory, across processes', () => {
  let dir = '';
  const running = new Set<Run>();

  function server(): Run {
    const run = cli(['--port', '0', '--host', '127.0.0.1', '--data-dir', dir]);
    running.add(run);
    void run.exited.then(() => running.delete(run));
    return run;
  }

  // Logged last in startServer (no engine in these tests), right before the CLI installs its SIGTERM handler.
  const listening = (run: Run): Promise<void> => until(() => run.output().includes('the API is up'), 'the server to start', run);
  const lockOwner = (): DataDirLockOwner => JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8')) as DataDirLockOwner;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sk-lock-cli-'));
  });

  afterEach(async () => {
    for (const run of running) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second server and an offline import while a server runs, and admits them once it stopped', async () => {
    const first = server();
    await listening(first);
    expect(lockOwner()).toMatchObject({ pid: first.child.pid, command: 'sentinel-server' });

    const second = cli(['--port', '0', '--host', '127.0.0.1', '--data-dir', dir]);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`in use by sentinel-server (pid ${first.child.pid}`);
    expect(second.output()).not.toContain('listening on');

    const refused = cli(['import', '--source', 'kev', '--data-dir', dir, KEV_FIXTURE]);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain(`refused: the data directory ${dir} is in use by sentinel-server (pid ${first.child.pid}`);
    expect(refused.output()).toContain('sentinel-server import --server http://<host>:<port> --token');
    expect(refused.output()).not.toMatch(/added/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);

    const imported = cli(['import', '--source', 'kev', '--data-dir', dir, KEV_FIXTURE]);
    expect({ code: await imported.exited, output: imported.output() }).toEqual({ code: 0, output: expect.stringContaining('3 added') as unknown as string });
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
  }, 90_000);

  it('lets the next server take over the lock of one killed with SIGKILL, with a log line', async () => {
    const killed = server();
    await listening(killed);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(lockOwner().pid).toBe(killed.child.pid);

    const next = server();
    await listening(next);
    expect(next.output()).toContain(`took over the stale lock of ${dir}: pid ${killed.child.pid} (sentinel-server`);
    expect(lockOwner().pid).toBe(next.child.pid);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  }, 90_000);
});

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DATA_DIR_LOCK_FILE, isDataDirLockedError } from './data-dir-lock.js';
import type { DataDirLockOwner } from './data-dir-lock.js';

/** The pid of a process that ran and has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid;
  await new Promise((resolve) => child.once('exit', resolve));
  if (pid === undefined) throw new Error('no pid');
  return pid;
}

function writeLock(dir: string, owner: Partial<DataDirLockOwner>): void {
  writeFileSync(join(dir, DATA_DIR_LOCK_FILE), JSON.stringify({ host: hostname(), started_at: '2026-01-01T00:00:00.000Z', command: 'sentinel-server', token: 'old', ...owner }));
}

async function refusal(promise: Promise<unknown>): Promise<Error & { owner?: DataDirLockOwner }> {
  return promise.then(
    () => {
      throw new Error('expected the lock to be refused');
    },
    (error: unknown) => error as Error & { owner?: DataDirLockOwner },
  );
}

describe('acquireDataDirLock', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sk-lock-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the holder into the lock file and removes it on release', async () => {
    const lock = await acquireDataDirLock(dir, { command: 'sentinel-server' });
    const written = JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8')) as DataDirLockOwner;
    expect(written).toMatchObject({ pid: process.pid, host: hostname(), command: 'sentinel-server' });
    expect(new Date(written.started_at).getTime()).not.toBeNaN();
    expect(lock.tookOver).toBe(false);
    await lock.release();
    await lock.release();
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
    // Nothing else is left in the directory (the copy written aside is gone too).
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a second holder while the first holds it, naming the pid, and admits it after release', async () => {
    const first = await acquireDataDirLock(dir, { command: 'sentinel-server' });
    const error = await refusal(acquireDataDirLock(dir, { command: 'sentinel-server import' }));
    expect(isDataDirLockedError(error)).toBe(true);
    expect(error.message).toContain(`pid ${process.pid}`);
    expect(error.message).toContain('sentinel-server');
    expect(error.owner?.pid).toBe(process.pid);
    await first.release();
    const second = await acquireDataDirLock(dir, { command: 'sentinel-server import' });
    await second.release();
  });

  it('takes over the stale lock of a process that no longer runs and says so', async () => {
    const pid = await deadPid();
    writeLock(dir, { pid });
    const told: Array<DataDirLockOwner | undefined> = [];
    const lock = await acquireDataDirLock(dir, { command: 'sentinel-server', onStaleLock: (previous) => told.push(previous) });
    expect(lock.tookOver).toBe(true);
    expect(lock.replaced?.pid).toBe(pid);
    expect(told.map((o) => o?.pid)).toEqual([pid]);
    expect((JSON.parse(readFileSync(lock.path, 'utf8')) as DataDirLockOwner).pid).toBe(process.pid);
    await lock.release();
  });

  it('treats a live pid that started after the lock was written as a reused pid (stale)', async () => {
    writeLock(dir, { pid: 4242, process_start: '1000' });
    const lock = await acquireDataDirLock(dir, {
      command: 'sentinel-server',
      isAlive: (pid) => pid === 4242,
      processStart: (pid) => (pid === 4242 ? '2000' : '5'),
    });
    expect(lock.replaced?.pid).toBe(4242);
    await lock.release();
  });

  it('refuses a lock whose live holder is the same process as written', async () => {
    writeLock(dir, { pid: 4242, process_start: '1000' });
    const error = await refusal(acquireDataDirLock(dir, { command: 'x', isAlive: () => true, processStart: (pid) => (pid === 4242 ? '1000' : '5') }));
    expect(error.message).toContain('pid 4242');
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(true);
  });

  it('takes over a lock left by an earlier process with this very pid (a container restarted: pid 1 again)', async () => {
    writeLock(dir, { pid: 1, process_start: '100' });
    const lock = await acquireDataDirLock(dir, { command: 'sentinel-server', pid: 1, isAlive: () => true, processStart: () => '900' });
    expect(lock.tookOver).toBe(true);
    await lock.release();
  });

  it('refuses a lock held from another host, which it cannot check', async () => {
    writeLock(dir, { pid: await deadPid(), host: 'elsewhere.example' });
    const error = await refusal(acquireDataDirLock(dir, { command: 'sentinel-server' }));
    expect(error.message).toContain('elsewhere.example');
  });

  it('leaves an unreadable lock alone while it may be one being written, and takes over an old one', async () => {
    writeFileSync(join(dir, DATA_DIR_LOCK_FILE), '');
    await refusal(acquireDataDirLock(dir, { command: 'sentinel-server' }));
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, DATA_DIR_LOCK_FILE), old, old);
    const lock = await acquireDataDirLock(dir, { command: 'sentinel-server' });
    expect(lock.tookOver).toBe(true);
    expect(lock.replaced).toBeUndefined();
    await lock.release();
  });

  it('never removes a lock that is no longer its own', async () => {
    const lock = await acquireDataDirLock(dir, { command: 'sentinel-server' });
    writeLock(dir, { pid: 777, token: 'someone-else' });
    await lock.release();
    expect((JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8')) as DataDirLockOwner).pid).toBe(777);
  });

  it('admits exactly one of many processes racing for a free directory, and one of many racing for a stale one', async () => {
    for (const stale of [false, true]) {
      if (stale) writeLock(dir, { pid: 99_999_999 });
      const alive = (pid: number): boolean => pid >= 1000 && pid < 1020;
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => acquireDataDirLock(dir, { command: `racer ${i}`, pid: 1000 + i, isAlive: alive, processStart: () => undefined })),
      );
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(isDataDirLockedError(r.reason)).toBe(true);
      const winner = (winners[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireDataDirLock>>>).value;
      expect((JSON.parse(readFileSync(winner.path, 'utf8')) as DataDirLockOwner).pid).toBe(winner.owner.pid);
      await winner.release();
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('is released when the holding process exits', async () => {
    const script = `import(${JSON.stringify(new URL('./data-dir-lock.ts', import.meta.url).pathname)}).then(async (m) => { await m.acquireDataDirLock(${JSON.stringify(dir)}, { command: 'child' }); process.stdout.write('locked'); })`;
    const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
    const child = spawn(tsx, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect({ code, out }).toEqual({ code: 0, out: 'locked' });
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
  });
});

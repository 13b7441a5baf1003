import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSONFile } from 'lowdb/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStorageContract } from '@sentinel-kit/core/testing';
import { createLowdbStorage } from './lowdb-storage.js';
import type { LowdbStorageOptions, LowdbWriteInfo } from './lowdb-storage.js';

type FileAdapter = NonNullable<LowdbStorageOptions['adapter']>;
type StorageSnapshot = Parameters<FileAdapter['write']>[0];

const serverRoot = fileURLToPath(new URL('../..', import.meta.url));
const writerScript = fileURLToPath(new URL('./fixtures/storage-writer.ts', import.meta.url));

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'sentinel-lowdb-'));
}

describeStorageContract('lowdb', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'db.json');
  return {
    storage: await createLowdbStorage(file),
    reopen: () => createLowdbStorage(file),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('createLowdbStorage', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates missing directories and the file itself on open', async () => {
    const file = path.join(dir, 'a', 'b', 'db.json');
    const storage = await createLowdbStorage(file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, collections: {} });
    await storage.close();
  });

  it('keeps the documented file shape', async () => {
    const file = path.join(dir, 'db.json');
    const storage = await createLowdbStorage(file);
    await storage.put('users', 'alice', { role: 'admin' });
    await storage.put('__proto__', 'k', [1, 2]);
    await storage.put('queue', 'web', { image: 'nginx:1.27' });
    await storage.delete('queue', 'web');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      version: 1,
      collections: { users: { alice: { role: 'admin' } }, ['__proto__']: { k: [1, 2] } },
    });
    await storage.close();
  });

  it('reads a file written by hand', async () => {
    const file = path.join(dir, 'db.json');
    await writeFile(file, JSON.stringify({ version: 1, collections: { users: { bob: { role: 'viewer' }, alice: { role: 'admin' } } } }));
    const storage = await createLowdbStorage(file);
    expect(await storage.list('users')).toEqual([
      { key: 'alice', value: { role: 'admin' } },
      { key: 'bob', value: { role: 'viewer' } },
    ]);
    await storage.close();
  });

  it.each([
    ['truncated JSON', '{"version": 1, "collections": {"users": {"al'],
    ['an empty file', ''],
    ['null', 'null'],
    ['an array', '[]'],
    ['another version', '{"version": 2, "collections": {}}'],
    ['no collections', '{"version": 1}'],
    ['a collection that is not an object', '{"version": 1, "collections": {"users": 3}}'],
  ])('refuses to open a file holding %s, names it, and leaves it untouched', async (_label, content) => {
    const file = path.join(dir, 'db.json');
    await writeFile(file, content);
    const opening = createLowdbStorage(file);
    await expect(opening).rejects.toMatchObject({ name: 'UnavailableError', details: { file } });
    await expect(opening).rejects.toThrow(file);
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('resolves a write only after the file write containing it has landed', async () => {
    const gated = gatedAdapter(path.join(dir, 'db.json'));
    const storage = await createLowdbStorage(path.join(dir, 'db.json'), { adapter: gated.adapter });
    const acks: string[] = [];
    const first = storage.put('c', 'first', 1).then(() => acks.push('first'));
    await gated.writeStarted(1);
    // These arrive while the first write is in flight: they must wait for the next one.
    const second = storage.put('c', 'second', 2).then(() => acks.push('second'));
    const third = storage.delete('c', 'first').then(() => acks.push('third'));
    gated.release();
    await first;
    expect(acks).toEqual(['first']);
    await gated.writeStarted(2);
    expect(gated.written.at(-1)).toEqual({ version: 1, collections: { c: { second: 2 } } });
    expect(acks).toEqual(['first']);
    gated.release();
    await Promise.all([second, third]);
    expect(acks).toHaveLength(3);
    expect(acks[0]).toBe('first');
    expect(gated.written).toHaveLength(3); // the file created on open, then two coalesced writes
    await storage.close();
  });

  it('coalesces a burst of 1000 concurrent puts into far fewer file writes, all durable', async () => {
    const file = path.join(dir, 'db.json');
    const writes: LowdbWriteInfo[] = [];
    const storage = await createLowdbStorage(file, { onWrite: (info) => writes.push(info) });
    writes.length = 0; // forget the write that created the file
    const keys = Array.from({ length: 1000 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    await Promise.all(keys.map((key, i) => storage.put('burst', key, { i })));
    expect(writes.length).toBeLessThan(10);
    expect(writes.reduce((sum, info) => sum + info.commits, 0)).toBe(1000);
    const again = await createLowdbStorage(file);
    expect(await again.count('burst')).toBe(1000);
    expect(await again.get('burst', 'k0999')).toEqual({ i: 999 });
    await Promise.all([storage.close(), again.close()]);
  });

  it('writes once per acknowledged write when writes come one at a time', async () => {
    const writes: LowdbWriteInfo[] = [];
    const storage = await createLowdbStorage(path.join(dir, 'db.json'), { onWrite: (info) => writes.push(info) });
    writes.length = 0;
    for (let i = 0; i < 5; i++) await storage.put('seq', `k${i}`, i);
    expect(writes.map((info) => info.commits)).toEqual([1, 1, 1, 1, 1]);
    await storage.close();
  });

  it('rejects a write whose file write failed, and a later flush persists it', async () => {
    const file = path.join(dir, 'db.json');
    const inner = new JSONFile<StorageSnapshot>(file);
    let failNext = false;
    const adapter: FileAdapter = {
      read: () => inner.read(),
      write: async (data) => {
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        }
        await inner.write(data);
      },
    };
    const storage = await createLowdbStorage(file, { adapter });
    failNext = true;
    const put = storage.put('users', 'alice', { role: 'admin' });
    await expect(put).rejects.toMatchObject({ name: 'UnavailableError', code: 'UNAVAILABLE' });
    await expect(put).rejects.toThrow(`Cannot write storage file ${file}: ENOSPC`);
    // Applied in memory all the same; flush retries the write.
    expect(await storage.get('users', 'alice')).toEqual({ role: 'admin' });
    await storage.flush();
    const again = await createLowdbStorage(file);
    expect(await again.get('users', 'alice')).toEqual({ role: 'admin' });
    await Promise.all([storage.close(), again.close()]);
  });

  it(
    'loses no acknowledged write when the writing process is killed (SIGKILL at three different moments)',
    async () => {
      const file = path.join(dir, 'data', 'db.json');
      const acknowledged: Array<{ run: string; i: number; key: string }> = [];
      for (const [run, killAfter] of [
        ['r1', 150],
        ['r2', 420],
        ['r3', 280],
      ] as const) {
        const result = await runWriterUntilKilled(file, run, killAfter);
        expect(result.signal, result.stderr).toBe('SIGKILL');
        expect(result.keys.length).toBeGreaterThanOrEqual(killAfter);
        for (const key of result.keys) acknowledged.push({ run, i: Number(key.slice(run.length + 1)), key });

        // The same file is reopened by the next run too: a crash must leave it loadable.
        const storage = await createLowdbStorage(file);
        const missing: string[] = [];
        for (const { run: runId, i, key } of acknowledged) {
          const value = await storage.get('items', key);
          if (value === undefined) missing.push(key);
          else expect(value, key).toEqual(documentFor(runId, i));
        }
        expect(missing).toEqual([]);
        expect(await storage.count('items')).toBeGreaterThanOrEqual(acknowledged.length);
        await storage.close();
      }
    },
    120_000,
  );
});

/** Kept in step with documentFor() in fixtures/storage-writer.ts. */
function documentFor(run: string, i: number): { run: string; i: number; payload: string } {
  return { run, i, payload: `${run}:${i}:${'x'.repeat(100)}` };
}

/** Runs the writer child, SIGKILLs it once it has acknowledged `killAfter` puts, and collects every key it printed. */
function runWriterUntilKilled(file: string, run: string, killAfter: number): Promise<{ keys: string[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@sentinel-kit/source', writerScript, file, run, '8'], {
      cwd: serverRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keys: string[] = [];
    let partial = '';
    let stderr = '';
    // Bounded: if the child never gets far enough, stop it and let the assertions report why.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line !== '') keys.push(line);
      if (keys.length >= killAfter && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      // A line cut short by the kill was never fully acknowledged on stdout; ignore it.
      resolve({ keys, signal, stderr });
    });
  });
}

/** A JSONFile whose writes wait for `release()`, to observe what happens while a write is in flight. */
function gatedAdapter(file: string): {
  adapter: FileAdapter;
  written: StorageSnapshot[];
  release: () => void;
  writeStarted: (n: number) => Promise<void>;
} {
  const inner = new JSONFile<StorageSnapshot>(file);
  const written: StorageSnapshot[] = [];
  const gates: Array<() => void> = [];
  let opened = false;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  return {
    written,
    adapter: {
      read: () => inner.read(),
      write: async (data) => {
        written.push(structuredClone(data));
        // The file created on open goes straight through; later writes wait for release().
        if (opened) {
          const count = written.length - 1;
          for (const waiter of waiters.filter((w) => w.n <= count)) waiter.resolve();
          await new Promise<void>((resolve) => gates.push(resolve));
        }
        opened = true;
        await inner.write(data);
      },
    },
    release: () => gates.shift()?.(),
    writeStarted: (n) =>
      new Promise<void>((resolve) => {
        if (written.length - 1 >= n) resolve();
        else waiters.push({ n, resolve });
      }),
  };
}

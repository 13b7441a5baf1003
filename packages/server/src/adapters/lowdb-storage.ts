import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { createMemoryStorage, errorMessage, isSentinelError, UnavailableError } from '@sentinel-kit/core';
import type { MemoryStorage, MemoryStorageOptions, StoragePort } from '@sentinel-kit/core';

// Derived rather than imported so this file needs only the core exports that
// every caller of createMemoryStorage needs anyway.
/** The file's content: `{ version: 1, collections: { [name]: { [key]: value } } }`. */
type StorageSnapshot = ReturnType<MemoryStorage['snapshot']>;
type StoragePersistence = NonNullable<MemoryStorageOptions['persistence']>;

/** What one file write carried, reported to `onWrite`. */
export interface LowdbWriteInfo {
  /** How many storage writes (put, delete, batch, clear) this one file write made durable. */
  commits: number;
  /** Wall time of the file write, fsync included. */
  durationMs: number;
}

export interface LowdbStorageOptions {
  /** Called after each file write lands; for metrics, and for tests of coalescing. @default none */
  onWrite?: (info: LowdbWriteInfo) => void;
  /**
   * fsync the file and its directory after each write, so that an acknowledged
   * write survives a power loss and not only a crash of the process.
   * @default true (false when a custom `adapter` is given)
   */
  fsync?: boolean;
  /**
   * Where the data is read from and written to.
   * @default new JSONFile(file) from lowdb/node: atomic writes (temp file, then rename) through steno
   */
  adapter?: Adapter<StorageSnapshot>;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded default `StoragePort`: every document in one JSON file,
 * `{ version: 1, collections: { [name]: { [key]: value } } }`.
 *
 * Writes apply to memory at once and are then persisted by whole-file atomic
 * writes, one at a time; writes that arrive while one is in flight are
 * coalesced into the next one, and each resolves only after the file write
 * that contains it has landed (and was fsynced), so an acknowledged write is
 * never lost. A file that cannot be parsed is never overwritten: opening fails
 * with an `UnavailableError` naming it. Open a file from one process at a time
 * (not enforced: there is no lock file).
 *
 * @example
 * const storage = await createLowdbStorage('/var/lib/sentinel/db.json');
 */
export async function createLowdbStorage(file: string, options: LowdbStorageOptions = {}): Promise<StoragePort> {
  const filePath = path.resolve(file);
  const directory = path.dirname(filePath);
  const adapter = options.adapter ?? new JSONFile<StorageSnapshot>(filePath);
  const fsync = options.fsync ?? options.adapter === undefined;

  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw new UnavailableError(`Cannot create the directory of storage file ${filePath}: ${errorMessage(error)}`, {
      cause: error,
      details: { file: filePath },
    });
  }

  const initial = await readExisting(filePath, adapter, options.adapter === undefined);

  const coalescer = createWriteCoalescer(async (snapshot) => {
    const started = performance.now();
    try {
      await adapter.write(snapshot.state);
      if (fsync) await syncToDisk(filePath, directory);
    } catch (error) {
      throw new UnavailableError(`Cannot write storage file ${filePath}: ${errorMessage(error)}`, {
        cause: error,
        details: { file: filePath },
      });
    }
    options.onWrite?.({ commits: snapshot.commits, durationMs: performance.now() - started });
  });

  const storage = openMemory(filePath, initial, coalescer.persistence);
  if (initial === undefined) {
    // Create the file now so that an unwritable location fails at startup, not on the first write.
    await coalescer.writeNow(() => ({ version: 1, collections: {} }));
  }
  return storage;
}

function openMemory(filePath: string, initial: StorageSnapshot | undefined, persistence: StoragePersistence): StoragePort {
  try {
    return createMemoryStorage({ ...(initial === undefined ? {} : { initial }), persistence });
  } catch (error) {
    throw new UnavailableError(
      `Storage file ${filePath} is not a Sentinel Kit storage file (${errorMessage(error)}); it was left untouched. Restore it from a backup or move it aside to start empty.`,
      { cause: error, details: { file: filePath } },
    );
  }
}

async function readExisting(filePath: string, adapter: Adapter<StorageSnapshot>, isDefaultAdapter: boolean): Promise<StorageSnapshot | undefined> {
  if (isDefaultAdapter) {
    // JSONFile answers null both for a missing file and for a file holding
    // `null`; only the first may be started afresh.
    try {
      await stat(filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new UnavailableError(`Cannot read storage file ${filePath}: ${errorMessage(error)}`, { cause: error, details: { file: filePath } });
    }
  }
  let data: unknown;
  try {
    data = await adapter.read();
  } catch (error) {
    const problem = error instanceof SyntaxError ? `is not valid JSON (${error.message})` : `cannot be read (${errorMessage(error)})`;
    throw new UnavailableError(
      `Storage file ${filePath} ${problem}; it was left untouched. Restore it from a backup or move it aside to start empty.`,
      { cause: error, details: { file: filePath } },
    );
  }
  if (data === null && !isDefaultAdapter) return undefined;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UnavailableError(
      `Storage file ${filePath} does not hold a JSON object; it was left untouched. Restore it from a backup or move it aside to start empty.`,
      { details: { file: filePath } },
    );
  }
  return data as StorageSnapshot;
}

/** Makes the renamed file's content and the rename itself durable. */
async function syncToDisk(filePath: string, directory: string): Promise<void> {
  const handle = await open(filePath, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  let dir;
  try {
    dir = await open(directory, 'r');
    await dir.sync();
  } catch (error) {
    // Some platforms (Windows) cannot open or fsync a directory; the file sync above is the best they offer.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await dir?.close();
  }
}

interface PendingWrite {
  state: StorageSnapshot;
  commits: number;
}

/**
 * One file write in flight at a time. Commits that arrive meanwhile share the
 * next write, which captures the state when it starts, so it covers them all.
 */
function createWriteCoalescer(write: (pending: PendingWrite) => Promise<void>): {
  persistence: StoragePersistence;
  writeNow: (state: () => StorageSnapshot) => Promise<void>;
} {
  let latestState: (() => StorageSnapshot) | undefined;
  let committed = 0;
  let captured = 0;
  let durable = 0;
  let writing = false;
  let inFlight: { upTo: number; promise: Promise<void> } | undefined;
  let next: Deferred | undefined;

  function schedule(): Promise<void> {
    if (next === undefined) {
      next = deferred();
      if (!writing) void run();
    }
    return next.promise;
  }

  async function run(): Promise<void> {
    writing = true;
    // Let the rest of a synchronous burst of writes join the first file write.
    await Promise.resolve();
    while (next !== undefined) {
      const batch = next;
      next = undefined;
      const upTo = committed;
      const commits = upTo - captured;
      captured = upTo;
      const state = latestState;
      const promise = state === undefined ? Promise.resolve() : write({ state: state(), commits });
      inFlight = { upTo, promise };
      try {
        await promise;
        durable = Math.max(durable, upTo);
        batch.resolve();
      } catch (error) {
        batch.reject(isSentinelError(error) ? error : new UnavailableError(errorMessage(error), { cause: error }));
      }
      inFlight = undefined;
    }
    writing = false;
  }

  return {
    persistence: {
      commit(state) {
        latestState = state;
        committed++;
        return schedule();
      },
      flush() {
        if (durable >= committed) return Promise.resolve();
        if (next !== undefined) return next.promise;
        // Everything is already in the write in flight: wait for it rather than write again.
        if (inFlight !== undefined && inFlight.upTo >= committed) return inFlight.promise;
        // An earlier write failed: try again with everything.
        return schedule();
      },
    },
    writeNow(state) {
      latestState ??= state;
      return schedule();
    },
  };
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejected write nobody awaited (a coalesced flush) must not crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

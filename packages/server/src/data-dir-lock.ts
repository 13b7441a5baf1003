import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Name of the lock file inside a data directory. */
export const DATA_DIR_LOCK_FILE = 'sentinel.lock';

/** Who holds a data directory, as written in its lock file. */
export interface DataDirLockOwner {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO 8601). */
  started_at: string;
  /** What holds it: `sentinel-server`, `sentinel-server import`… */
  command: string;
  /** The holder's start time as the kernel counts it (Linux `/proc/<pid>/stat`), to tell a reused pid from the holder. */
  process_start?: string;
  /** Unique per acquisition: release removes the file only while it is still ours. */
  token: string;
}

/** An exclusive hold on a data directory; released by `release()` or, at the latest, when the process exits. */
export interface DataDirLock {
  /** Path of the lock file. */
  readonly path: string;
  readonly owner: DataDirLockOwner;
  /** Whether a stale lock (its process gone, or unreadable and old) was taken over. */
  readonly tookOver: boolean;
  /** The holder named by the stale lock this one replaced, when it was readable. */
  readonly replaced: DataDirLockOwner | undefined;
  /** Remove the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

/** A data directory some other live process holds. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError' as const;
  constructor(
    readonly dataDir: string,
    readonly owner: DataDirLockOwner | undefined,
    readonly lockPath: string,
  ) {
    super(
      owner === undefined
        ? `the data directory ${dataDir} is locked (${lockPath})`
        : `the data directory ${dataDir} is in use by ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.started_at}); ` +
            `stop that process first, or remove ${lockPath} if it is certain that no process uses the directory any more`,
    );
  }
}

/** Type guard that also works across module copies. */
export function isDataDirLockedError(error: unknown): error is DataDirLockedError {
  return error instanceof DataDirLockedError || (error instanceof Error && error.name === 'DataDirLockedError');
}

export interface AcquireDataDirLockOptions {
  /** What takes the lock, shown to whoever is refused. */
  command: string;
  /** Told when a stale lock (its process gone) is taken over. */
  onStaleLock?: (previous: DataDirLockOwner | undefined) => void;
  /** @default process.pid */
  pid?: number;
  /** @default os.hostname() */
  host?: string;
  /** Whether a process runs. @default signal 0 through `process.kill` */
  isAlive?: (pid: number) => boolean;
  /** The kernel's start time of a process (`undefined` where unknown). @default from /proc on Linux */
  processStart?: (pid: number) => string | undefined;
  /** @default () => new Date() */
  now?: () => Date;
}

function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); the name field may hold spaces and parentheses. */
function defaultProcessStart(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function parseOwner(text: string): DataDirLockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<DataDirLockOwner>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.token !== 'string') return undefined;
    return {
      pid: value.pid,
      host: value.host,
      started_at: typeof value.started_at === 'string' ? value.started_at : '',
      command: typeof value.command === 'string' ? value.command : 'another process',
      ...(typeof value.process_start === 'string' ? { process_start: value.process_start } : {}),
      token: value.token,
    };
  } catch {
    return undefined;
  }
}

async function readOwner(path: string): Promise<{ exists: boolean; owner: DataDirLockOwner | undefined; text: string; ageMs: number }> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { exists: true, owner: parseOwner(text), text, ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, owner: undefined, text: '', ageMs: 0 };
    throw error;
  }
}

/** File systems without hard links: the lock is then created in place (`wx`), its content a moment later. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** How old an unreadable lock file must be before it counts as a leftover rather than one being written. */
const UNREADABLE_STALE_MS = 2_000;

const exists = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'EEXIST';

/** How long a takeover marker may stand before it is itself considered left behind by a crash. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Take the exclusive lock of a data directory: `<dataDir>/sentinel.lock`, holding
 * the pid, host, start time and command of the holder. The file appears atomically
 * with its whole content (written aside, then hard-linked into place, which fails
 * if it exists), so two processes starting together never both win. A lock whose
 * process is gone (or whose pid now belongs to a younger process) is stale and is
 * taken over; a lock held by a live process, or by another host, is refused with a
 * `DataDirLockedError` naming the holder. The lock is released by `release()` and,
 * failing that, when the process exits normally (a `kill -9` leaves a stale lock,
 * which the next start takes over).
 *
 * @example
 * const lock = await acquireDataDirLock('/var/lib/sentinel', { command: 'sentinel-server' });
 * try { ... } finally { await lock.release(); }
 */
export async function acquireDataDirLock(dataDir: string, options: AcquireDataDirLockOptions): Promise<DataDirLock> {
  const pid = options.pid ?? process.pid;
  const host = options.host ?? hostname();
  const isAlive = options.isAlive ?? defaultIsAlive;
  const processStart = options.processStart ?? defaultProcessStart;
  const now = options.now ?? (() => new Date());
  const path = join(dataDir, DATA_DIR_LOCK_FILE);
  await mkdir(dataDir, { recursive: true });

  const start = processStart(pid);
  const owner: DataDirLockOwner = {
    pid,
    host,
    started_at: now().toISOString(),
    command: options.command,
    ...(start === undefined ? {} : { process_start: start }),
    token: randomUUID(),
  };
  const content = `${JSON.stringify(owner, null, 2)}\n`;

  const isStale = (holder: DataDirLockOwner | undefined, ageMs: number): boolean => {
    // Unreadable content is a leftover of something else, unless it is a lock still being written (no hard links).
    if (holder === undefined) return ageMs > UNREADABLE_STALE_MS;
    // Another host's processes cannot be checked from here.
    if (holder.host !== host) return false;
    if (holder.pid === pid && holder.token !== owner.token) {
      // Our own pid: either this very process holds it (refuse) or a previous process with our pid left it.
      return holder.process_start !== undefined && start !== undefined && holder.process_start !== start;
    }
    if (!isAlive(holder.pid)) return true;
    const running = holder.process_start === undefined ? undefined : processStart(holder.pid);
    return running !== undefined && running !== holder.process_start;
  };

  let replaced: DataDirLockOwner | undefined;
  let tookOver = false;
  const aside = join(dataDir, `.${DATA_DIR_LOCK_FILE}.${owner.token}`);
  await writeFile(aside, content, { flag: 'wx' });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(aside, path).catch(async (error: unknown) => {
          if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
          await writeFile(path, content, { flag: 'wx' });
        });
        break;
      } catch (error) {
        if (!exists(error)) throw error;
      }
      const current = await readOwner(path);
      if (!current.exists) continue;
      if (!isStale(current.owner, current.ageMs) || attempt >= 50) throw new DataDirLockedError(dataDir, current.owner, path);
      // Only one process removes a stale lock, and only the one it examined: a fresh lock
      // linked in the meantime by someone else must survive.
      if (await takeOver(path, current.text)) {
        replaced = current.owner;
        tookOver = true;
        options.onStaleLock?.(current.owner);
      }
    }
  } finally {
    await unlink(aside).catch(() => undefined);
  }

  let released = false;
  const releaseSync = (): void => {
    if (released) return;
    released = true;
    try {
      if (parseOwner(readFileSync(path, 'utf8'))?.token === owner.token) unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
  process.once('exit', releaseSync);
  return {
    path,
    owner,
    tookOver,
    replaced,
    release: async () => {
      process.removeListener('exit', releaseSync);
      if (released) return;
      released = true;
      const current = await readOwner(path).catch(() => undefined);
      if (current?.owner?.token === owner.token) await unlink(path).catch(() => undefined);
    },
  };
}

/** Remove the stale lock whose content is `staleText`, under a short-lived takeover marker. */
async function takeOver(path: string, staleText: string): Promise<boolean> {
  const marker = `${path}.takeover`;
  try {
    await writeFile(marker, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if (!exists(error)) throw error;
    // A taker that crashed inside the few milliseconds it holds the marker leaves it behind.
    const age = await stat(marker).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > TAKEOVER_STALE_MS) await unlink(marker).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return false;
  }
  try {
    const again = await readOwner(path);
    if (!again.exists || again.text !== staleText) return false;
    await unlink(path);
    return true;
  } finally {
    await unlink(marker).catch(() => undefined);
  }
}

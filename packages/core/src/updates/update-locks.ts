import { ConflictError } from '../errors/index.js';

/**
 * One lock per container (by queue key), shared by scan decisions, every update
 * path, rollback, approve, start/stop/restart, dependents stopped around an
 * update and recovery: one actor per container at a time; a second gets `ConflictError`.
 */
export interface UpdateLocks {
  /** Take the lock or throw `ConflictError`; returns the release function. */
  acquire(key: string, what: string): () => void;
  /** Take the lock if it is free; `undefined` when it is held. */
  tryAcquire(key: string, what: string): (() => void) | undefined;
  isLocked(key: string): boolean;
  /** Keys currently being updated (containers in maintenance). */
  active(): string[];
}

export function createUpdateLocks(): UpdateLocks {
  const held = new Map<string, string>();
  const acquire = (key: string, what: string): (() => void) => {
      const current = held.get(key);
      if (current !== undefined) throw new ConflictError(`${current} already in progress for ${key}`);
      held.set(key, what);
      let released = false;
      return () => {
        if (!released) {
          released = true;
          held.delete(key);
        }
      };
  };
  return {
    acquire,
    tryAcquire: (key, what) => (held.has(key) ? undefined : acquire(key, what)),
    isLocked: (key) => held.has(key),
    active: () => [...held.keys()],
  };
}

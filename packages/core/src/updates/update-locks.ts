import { ConflictError } from '../errors/index.js';

/** One update (or rollback) per container at a time; a second attempt gets `ConflictError`. */
export interface UpdateLocks {
  /** Take the lock or throw `ConflictError`; returns the release function. */
  acquire(key: string, what: string): () => void;
  isLocked(key: string): boolean;
  /** Keys currently being updated (containers in maintenance). */
  active(): string[];
}

export function createUpdateLocks(): UpdateLocks {
  const held = new Map<string, string>();
  return {
    acquire(key, what) {
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
    },
    isLocked: (key) => held.has(key),
    active: () => [...held.keys()],
  };
}

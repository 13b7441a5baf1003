/** A counting semaphore whose waiters are served first come, first served. */
export interface Semaphore {
  /** Wait for a slot; call the returned function exactly once to give it back. */
  acquire(): Promise<() => void>;
  /** Slots in use. */
  readonly active: number;
  /** Callers waiting for a slot. */
  readonly waiting: number;
}

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  let active = 0;
  const queue: Array<() => void> = [];

  const release = (): void => {
    const next = queue.shift();
    // Hand the slot straight to the next waiter so nobody can jump the queue.
    if (next !== undefined) next();
    else active--;
  };
  const makeRelease = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };

  return {
    acquire() {
      if (active < limit) {
        active++;
        return Promise.resolve(makeRelease());
      }
      return new Promise((resolve) => queue.push(() => resolve(makeRelease())));
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}

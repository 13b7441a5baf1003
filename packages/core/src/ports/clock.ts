/**
 * Time and timers, injected so that schedules, grace periods, token expiry and
 * back-off can be tested in virtual time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `fn` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Resolve after `ms` milliseconds (rejects with the signal's reason when aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type TimerHandle = { readonly __timer: unique symbol } | object;

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending timer must never keep the process alive on its own.
    if (typeof t === 'object' && t !== null && 'unref' in t) (t as { unref(): void }).unref();
    return t as unknown as TimerHandle;
  },
  clearTimeout: (handle) => clearTimeout(handle as unknown as ReturnType<typeof setTimeout>),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that only moves when told to: `advance(ms)` fires due timers in order. */
export interface ManualClock extends Clock {
  /** Move time forward, firing every timer that falls due (awaiting microtasks between them). */
  advance(ms: number): Promise<void>;
  /** Set the current time without firing timers (only forward moves are allowed). */
  set(epochMs: number): void;
  /** Number of timers waiting. */
  pending(): number;
}

/** Create a manual clock starting at `start` (default 2025-01-01T00:00:00Z). */
export function createManualClock(start: number = Date.UTC(2025, 0, 1)): ManualClock {
  let current = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();

  const flushMicrotasks = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
    await new Promise<void>((r) => setImmediate(r));
  };

  const clock: ManualClock = {
    now: () => current,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: current + Math.max(0, ms), fn });
      return { id } as unknown as TimerHandle;
    },
    clearTimeout(handle) {
      const id = (handle as unknown as { id?: number }).id;
      if (typeof id === 'number') timers.delete(id);
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const h = clock.setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = (): void => {
          clock.clearTimeout(h);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    async advance(ms) {
      const target = current + ms;
      await flushMicrotasks();
      for (;;) {
        let nextId: number | undefined;
        let next: { at: number; fn: () => void } | undefined;
        for (const [id, t] of timers) {
          if (t.at <= target && (next === undefined || t.at < next.at || (t.at === next.at && id < (nextId ?? Infinity)))) {
            next = t;
            nextId = id;
          }
        }
        if (next === undefined || nextId === undefined) break;
        timers.delete(nextId);
        current = Math.max(current, next.at);
        next.fn();
        await flushMicrotasks();
      }
      current = target;
      await flushMicrotasks();
    },
    set(epochMs) {
      if (epochMs < current) throw new Error('a manual clock only moves forward');
      current = epochMs;
    },
    pending: () => timers.size,
  };
  return clock;
}

import type { Clock } from '../ports/clock.js';

/**
 * Brute-force protection for everything that checks a password or a
 * second factor: failures are counted per client IP and per username (known
 * or not, so a lock-out never tells whether a user exists). Once a key has
 * `maxFailures` failures within `windowMs`, it is locked for `lockoutMs`; the
 * lock ends by itself. Counters live in memory (a restart clears them).
 */
export interface ThrottleLimit {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

export interface LoginThrottleOptions {
  /** @default 5 failures in 15 min lock the username for 15 min */
  perUser: ThrottleLimit;
  /** @default 20 failures in 15 min lock the IP for 15 min */
  perIp: ThrottleLimit;
  /** Most keys tracked at once; the oldest are forgotten first. @default 10000 */
  maxKeys: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  perUser: { maxFailures: 5, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000 },
  perIp: { maxFailures: 20, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000 },
  maxKeys: 10_000,
};

/** Who is trying: the client address and the username typed (either may be unknown). */
export interface AttemptSource {
  ip?: string | undefined;
  username?: string | undefined;
}

export interface LoginThrottle {
  /** How long the caller must wait (ms) before trying again, or `undefined` when it may try now. */
  retryAfter(source: AttemptSource): number | undefined;
  /** Count one failure against the IP and the username. */
  recordFailure(source: AttemptSource): void;
  /** A successful login clears the username's failures (never the IP's: one good account must not reset guessing at others). */
  recordSuccess(source: AttemptSource): void;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

export function createLoginThrottle(clock: Clock, options: Partial<LoginThrottleOptions> = {}): LoginThrottle {
  const opts: LoginThrottleOptions = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  const entries = new Map<string, Entry>();
  const keys = (s: AttemptSource): Array<[string, ThrottleLimit]> => {
    const out: Array<[string, ThrottleLimit]> = [];
    if (s.ip !== undefined && s.ip !== '') out.push([`ip:${s.ip}`, opts.perIp]);
    if (s.username !== undefined && s.username !== '') out.push([`user:${s.username.trim().toLowerCase()}`, opts.perUser]);
    return out;
  };
  const evict = (): void => {
    if (entries.size <= opts.maxKeys) return;
    const now = clock.now();
    for (const [key, e] of entries) {
      if (e.lockedUntil <= now) entries.delete(key);
      if (entries.size <= opts.maxKeys / 2) return;
    }
    // Still full of live locks: drop the oldest keys (Map keeps insertion order).
    for (const key of entries.keys()) {
      if (entries.size <= opts.maxKeys) return;
      entries.delete(key);
    }
  };

  return {
    retryAfter(source) {
      const now = clock.now();
      let wait = 0;
      for (const [key] of keys(source)) {
        const e = entries.get(key);
        if (e !== undefined && e.lockedUntil > now) wait = Math.max(wait, e.lockedUntil - now);
      }
      return wait > 0 ? wait : undefined;
    },
    recordFailure(source) {
      const now = clock.now();
      for (const [key, limit] of keys(source)) {
        const e = entries.get(key) ?? { failures: [], lockedUntil: 0 };
        e.failures = e.failures.filter((t) => now - t < limit.windowMs);
        e.failures.push(now);
        if (e.failures.length >= limit.maxFailures) {
          e.lockedUntil = now + limit.lockoutMs;
          e.failures = [];
        }
        entries.delete(key);
        entries.set(key, e);
      }
      evict();
    },
    recordSuccess(source) {
      if (source.username !== undefined) entries.delete(`user:${source.username.trim().toLowerCase()}`);
    },
  };
}

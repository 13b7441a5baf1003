import type { MiddlewareHandler } from 'hono';
import type { AuthService, Clock } from '@sentinel-kit/core';
import { authContext } from '../auth/context.js';
import { resolvePrincipal } from '../auth/authorizer.js';
import { clientIp } from '../auth/request-info.js';
import { errorResponse } from '../http/error-handler.js';

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitOptions {
  /** Requests per client address per minute. `0` turns the limit off. @default 100 */
  perIpPerMinute?: number;
  /** Requests per user (or service key) per hour. `0` turns the limit off. @default 1000 */
  perUserPerHour?: number;
}

/** Where one counter stands after a request. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the window ends. */
  resetAt: number;
  allowed: boolean;
}

/** Fixed-window request counters per key, on an injected clock, with a bounded table. */
export interface RateCounter {
  /** Count a request for `key` (unless the window is used up) and say where the counter stands. */
  hit(key: string): RateLimitState;
}

const MAX_KEYS = 50_000;

export function createRateCounter(rule: RateLimit, clock: Clock): RateCounter {
  const windows = new Map<string, { start: number; count: number }>();
  const sweep = (now: number): void => {
    for (const [key, w] of windows) if (now - w.start >= rule.windowMs) windows.delete(key);
    // Still full of live windows (a flood of distinct keys): forget the oldest rather than grow without bound.
    while (windows.size >= MAX_KEYS) {
      const oldest = windows.keys().next();
      if (oldest.done === true) break;
      windows.delete(oldest.value);
    }
  };
  return {
    hit(key) {
      const now = clock.now();
      let w = windows.get(key);
      if (w === undefined || now - w.start >= rule.windowMs) {
        if (w === undefined && windows.size >= MAX_KEYS) sweep(now);
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      const allowed = w.count < rule.limit;
      if (allowed) w.count++;
      return { limit: rule.limit, remaining: Math.max(0, rule.limit - w.count), resetAt: w.start + rule.windowMs, allowed };
    },
  };
}

/**
 * The `/api/v1` rate limits: per client address per minute and per user per
 * hour (seed 004: 100 and 1000 by default). Every answer carries
 * `X-RateLimit-Limit`, `-Remaining` and `-Reset` (epoch seconds) of the
 * tighter of the limits that apply; past a limit the answer is 429 with
 * `Retry-After`. A request whose client address the runtime does not tell
 * (an in-process `app.request()`) is limited per user only.
 */
export function rateLimitMiddleware(options: { auth: AuthService; clock: Clock; limits?: RateLimitOptions }): MiddlewareHandler {
  const perIp = options.limits?.perIpPerMinute ?? 100;
  const perUser = options.limits?.perUserPerHour ?? 1000;
  const ipCounter = perIp > 0 ? createRateCounter({ limit: perIp, windowMs: 60_000 }, options.clock) : undefined;
  const userCounter = perUser > 0 ? createRateCounter({ limit: perUser, windowMs: 3_600_000 }, options.clock) : undefined;

  return async (c, next) => {
    const states: Array<RateLimitState & { what: string }> = [];
    const ip = clientIp(c, authContext(c)?.trustProxy ?? false);
    if (ipCounter !== undefined && ip !== 'unknown') states.push({ ...ipCounter.hit(`ip:${ip}`), what: `${perIp} requests per minute per client address` });
    if (userCounter !== undefined) {
      const { principal } = await resolvePrincipal(c, options.auth);
      const who = principal?.userId ?? principal?.credentialId;
      if (who !== undefined) states.push({ ...userCounter.hit(`user:${who}`), what: `${perUser} requests per hour per user` });
    }
    if (states.length === 0) return next();
    // A refused counter decides; otherwise the one with the fewest requests left.
    const shown = states.find((s) => !s.allowed) ?? states.reduce((a, b) => (b.remaining < a.remaining ? b : a));
    const setHeaders = (): void => {
      c.header('X-RateLimit-Limit', String(shown.limit));
      c.header('X-RateLimit-Remaining', String(shown.remaining));
      c.header('X-RateLimit-Reset', String(Math.ceil(shown.resetAt / 1000)));
    };
    if (!shown.allowed) {
      const wait = Math.max(1, Math.ceil((shown.resetAt - options.clock.now()) / 1000));
      setHeaders();
      c.header('Retry-After', String(wait));
      return errorResponse(c, 429, `rate limit exceeded (${shown.what}); retry in ${wait} s`);
    }
    await next();
    setHeaders();
  };
}

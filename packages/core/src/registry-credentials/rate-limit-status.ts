import type { RateLimitEntryBody } from '../contract/registries.js';
import type { RateLimitInfo } from '../registry/rate-limit.js';

/**
 * How much of a registry's request budget is left:
 * - `exhausted`: the registry said no requests remain and the window has not reset yet;
 * - `low`: at most `LOW_FRACTION` of the limit remains (at most `LOW_REMAINING` when the limit is unknown);
 * - `ok`: anything else, including a budget whose window has passed since the headers were seen.
 */
export type RateLimitHealth = 'ok' | 'low' | 'exhausted';

/** A budget at or below this fraction of its limit is `low`. */
export const LOW_FRACTION = 0.1;
/** Without a known limit, this many remaining requests or fewer is `low`. */
export const LOW_REMAINING = 10;

/** One registry's budget as the API reports it (`GET /api/ratelimits`). */
export type RateLimitEntry = RateLimitEntryBody;

const ORDER: Record<RateLimitHealth, number> = { ok: 0, low: 1, exhausted: 2 };

/** The status of one registry's last reported budget at time `now`. */
export function rateLimitStatus(info: RateLimitInfo, now: number): RateLimitHealth {
  if (info.remaining === undefined) return 'ok';
  // A budget whose reset time (or a whole window since we saw it) has passed is full again.
  if (info.reset !== undefined && info.reset <= now) return 'ok';
  if (info.reset === undefined && info.windowSeconds !== undefined && info.updatedAt + info.windowSeconds * 1000 <= now) return 'ok';
  if (info.remaining <= 0) return 'exhausted';
  if (info.limit !== undefined && info.limit > 0) return info.remaining <= info.limit * LOW_FRACTION ? 'low' : 'ok';
  return info.remaining <= LOW_REMAINING ? 'low' : 'ok';
}

/** The worst status over every registry (`ok` when none reported a budget). */
export function rateLimitHealth(infos: readonly RateLimitInfo[], now: number): RateLimitHealth {
  let worst: RateLimitHealth = 'ok';
  for (const info of infos) {
    const s = rateLimitStatus(info, now);
    if (ORDER[s] > ORDER[worst]) worst = s;
  }
  return worst;
}

/** Budgets as the API reports them, sorted by registry. */
export function rateLimitEntries(infos: readonly RateLimitInfo[], now: number): RateLimitEntry[] {
  return [...infos]
    .sort((a, b) => (a.registry < b.registry ? -1 : a.registry > b.registry ? 1 : 0))
    .map((info) => ({
      registry: info.registry,
      remaining: info.remaining ?? null,
      limit: info.limit ?? null,
      reset: info.reset === undefined ? null : new Date(info.reset).toISOString(),
      window_seconds: info.windowSeconds ?? null,
      updated_at: new Date(info.updatedAt).toISOString(),
      status: rateLimitStatus(info, now),
    }));
}

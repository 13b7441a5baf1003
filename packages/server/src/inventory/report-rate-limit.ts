import type { Clock } from '@sentinel-kit/core';

/** What `take` decided: go ahead, or wait `retryAfterMs`. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface ReportRateLimiter {
  /** Count one report for `key` (an agent key's id). */
  take(key: string): RateDecision;
  readonly limit: number;
}

// Beyond this many tracked keys, buckets that have refilled completely are dropped.
const PRUNE_ABOVE = 10_000;

/**
 * A token bucket per key: `limit` reports at once, refilled at `limit` per
 * `windowMs`, so a steady agent is never refused and a burst is cut at the
 * limit. Time comes from the injected clock.
 */
export function createReportRateLimiter(options: { limit: number; windowMs?: number; clock: Clock }): ReportRateLimiter {
  const { limit, clock } = options;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('the report rate limit must be a positive integer');
  const windowMs = options.windowMs ?? 60_000;
  const perMs = limit / windowMs;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const refill = (bucket: { tokens: number; at: number }, now: number): void => {
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
  };

  return {
    limit,
    take(key) {
      const now = clock.now();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= PRUNE_ABOVE) {
          for (const [k, b] of buckets) {
            refill(b, now);
            if (b.tokens >= limit) buckets.delete(k);
          }
        }
        bucket = { tokens: limit, at: now };
        buckets.set(key, bucket);
      }
      refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
    },
  };
}

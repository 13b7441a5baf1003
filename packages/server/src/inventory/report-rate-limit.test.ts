import { describe, expect, it } from 'vitest';
import { createManualClock } from '@sentinel-kit/core';
import { createReportRateLimiter } from './report-rate-limit.js';

describe('createReportRateLimiter', () => {
  it('lets `limit` reports through at once, then one more per refilled slot, per key', async () => {
    const clock = createManualClock(0);
    const limiter = createReportRateLimiter({ limit: 3, clock });
    for (let i = 0; i < 3; i++) expect(limiter.take('k')).toEqual({ allowed: true });
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterMs: 20_000 });
    expect(limiter.take('other')).toEqual({ allowed: true });
    await clock.advance(19_999);
    expect(limiter.take('k').allowed).toBe(false);
    await clock.advance(1);
    expect(limiter.take('k')).toEqual({ allowed: true });
    expect(limiter.take('k').allowed).toBe(false);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => createReportRateLimiter({ limit: 0, clock: createManualClock(0) })).toThrow(RangeError);
  });
});

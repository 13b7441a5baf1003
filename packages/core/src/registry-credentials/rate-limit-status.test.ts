import { describe, expect, it } from 'vitest';
import type { RateLimitInfo } from '../registry/rate-limit.js';
import { rateLimitEntries, rateLimitHealth, rateLimitStatus } from './rate-limit-status.js';

const NOW = Date.UTC(2025, 0, 15, 14, 0, 0);
const info = (fields: Partial<RateLimitInfo>): RateLimitInfo => ({
  registry: 'docker.io',
  limit: 100,
  remaining: 95,
  windowSeconds: 21600,
  updatedAt: NOW - 60_000,
  ...fields,
});

describe('rate-limit status', () => {
  it('is ok with budget left, low at 10% or less, exhausted at zero', () => {
    expect(rateLimitStatus(info({ remaining: 95 }), NOW)).toBe('ok');
    expect(rateLimitStatus(info({ remaining: 11 }), NOW)).toBe('ok');
    expect(rateLimitStatus(info({ remaining: 10 }), NOW)).toBe('low');
    expect(rateLimitStatus(info({ remaining: 0 }), NOW)).toBe('exhausted');
  });

  it('without a known limit, 10 or fewer remaining is low', () => {
    expect(rateLimitStatus(info({ limit: undefined, remaining: 10 }), NOW)).toBe('low');
    expect(rateLimitStatus(info({ limit: undefined, remaining: 500 }), NOW)).toBe('ok');
    expect(rateLimitStatus(info({ remaining: undefined }), NOW)).toBe('ok');
  });

  it('a budget whose reset time or window has passed is full again', () => {
    expect(rateLimitStatus(info({ remaining: 0, reset: NOW - 1 }), NOW)).toBe('ok');
    expect(rateLimitStatus(info({ remaining: 0, reset: NOW + 60_000 }), NOW)).toBe('exhausted');
    expect(rateLimitStatus(info({ remaining: 0, windowSeconds: 3600, updatedAt: NOW - 3_600_000 }), NOW)).toBe('ok');
  });

  it('health is the worst status over every registry', () => {
    expect(rateLimitHealth([], NOW)).toBe('ok');
    expect(rateLimitHealth([info({}), info({ registry: 'ghcr.io', remaining: 5 })], NOW)).toBe('low');
    expect(rateLimitHealth([info({ remaining: 0 }), info({ registry: 'ghcr.io', remaining: 5 })], NOW)).toBe('exhausted');
  });

  it('entries carry the seed fields, with RFC 3339 times and nulls for what the registry did not say', () => {
    const entries = rateLimitEntries([info({ registry: 'ghcr.io', limit: undefined, remaining: 3, windowSeconds: undefined }), info({ reset: NOW + 3_600_000 })], NOW);
    expect(entries).toEqual([
      { registry: 'docker.io', remaining: 95, limit: 100, reset: '2025-01-15T15:00:00.000Z', window_seconds: 21600, updated_at: '2025-01-15T13:59:00.000Z', status: 'ok' },
      { registry: 'ghcr.io', remaining: 3, limit: null, reset: null, window_seconds: null, updated_at: '2025-01-15T13:59:00.000Z', status: 'low' },
    ]);
  });
});

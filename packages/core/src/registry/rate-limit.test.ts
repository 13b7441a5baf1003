import { describe, expect, it } from 'vitest';
import { parseRateLimitValue, parseRetryAfter, readRateLimit } from './rate-limit.js';

describe('rate-limit headers', () => {
  it('reads Docker Hub values with a window', () => {
    expect(parseRateLimitValue('100;w=21600')).toEqual({ count: 100, windowSeconds: 21600 });
    expect(parseRateLimitValue('42')).toEqual({ count: 42, windowSeconds: undefined });
    expect(parseRateLimitValue('x;w=1')).toBeUndefined();
    expect(parseRateLimitValue(null)).toBeUndefined();
  });

  it('records limit, remaining, window and reset against the given time', () => {
    const headers = new Headers({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '7;w=21600', 'ratelimit-reset': '30' });
    expect(readRateLimit('docker.io', headers, 1000)).toEqual({ registry: 'docker.io', limit: 100, remaining: 7, windowSeconds: 21600, reset: 31_000, updatedAt: 1000 });
    expect(readRateLimit('docker.io', new Headers(), 1000)).toBeUndefined();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2025, 0, 1);
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter(new Date(now + 12_000).toUTCString(), now)).toBe(12_000);
    expect(parseRetryAfter(new Date(now - 12_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

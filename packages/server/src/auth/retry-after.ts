import type { Context } from 'hono';
import { RateLimitedError } from '@sentinel-kit/core';

/**
 * Run `work`; when it is refused for too many attempts, add `Retry-After`
 * (whole seconds) to the 429 the error handler will answer.
 */
export async function withRetryAfter<T>(c: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
      c.header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    }
    throw error;
  }
}

/** The rate-limit budget a registry last reported, e.g. Docker Hub's `ratelimit-*` headers. */
export interface RateLimitInfo {
  /** Registry name (`docker.io`). */
  readonly registry: string;
  /** Requests allowed per window (`100` from `ratelimit-limit: 100;w=21600`). */
  readonly limit: number | undefined;
  /** Requests left in the current window. */
  readonly remaining: number | undefined;
  /** Window length in seconds when the registry says (`w=21600`). */
  readonly windowSeconds: number | undefined;
  /** Epoch ms when the budget resets, when the registry sends `ratelimit-reset`. */
  readonly reset?: number;
  /** Epoch ms (on the injected clock) when these headers were seen. */
  readonly updatedAt: number;
}

/** Parse `100;w=21600` (Docker Hub) or a bare `100` into a count and an optional window. */
export function parseRateLimitValue(value: string | null): { count: number; windowSeconds: number | undefined } | undefined {
  if (value === null) return undefined;
  const parts = value.split(';').map((p) => p.trim());
  const count = Number(parts[0]);
  if (parts[0] === '' || !Number.isFinite(count) || count < 0) return undefined;
  let windowSeconds: number | undefined;
  for (const part of parts.slice(1)) {
    const m = /^w\s*=\s*(\d+)$/i.exec(part);
    if (m?.[1] !== undefined) windowSeconds = Number(m[1]);
  }
  return { count, windowSeconds };
}

/** Rate-limit information from response headers, or `undefined` when the registry sent none. */
export function readRateLimit(registry: string, headers: Headers, now: number): RateLimitInfo | undefined {
  const limit = parseRateLimitValue(headers.get('ratelimit-limit'));
  const remaining = parseRateLimitValue(headers.get('ratelimit-remaining'));
  if (limit === undefined && remaining === undefined) return undefined;
  // `ratelimit-reset` (IETF draft) is delta-seconds until the window resets.
  const resetSeconds = parseRateLimitValue(headers.get('ratelimit-reset'));
  return {
    registry,
    limit: limit?.count,
    remaining: remaining?.count,
    windowSeconds: limit?.windowSeconds ?? remaining?.windowSeconds,
    ...(resetSeconds === undefined ? {} : { reset: now + resetSeconds.count * 1000 }),
    updatedAt: now,
  };
}

/**
 * Milliseconds to wait according to a `Retry-After` header: delta-seconds or an
 * HTTP date (measured against `now`). `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

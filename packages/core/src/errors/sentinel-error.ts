/**
 * Every failure the domain reports is a `SentinelError` with a string `code`.
 * The domain never knows about HTTP: each server surface maps codes to statuses
 * in one table.
 */
export type SentinelErrorCode =
  | 'INVALID'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED'
  | 'UPSTREAM'
  | 'UNAVAILABLE'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL';

export class SentinelError extends Error {
  override name = 'SentinelError' as string;
  readonly code: SentinelErrorCode;
  /** Extra machine-readable detail safe to show to a caller (never a secret). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: SentinelErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }
}

export class InvalidError extends SentinelError {
  override name = 'InvalidError' as const;
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('INVALID', message, options);
  }
}

export class NotFoundError extends SentinelError {
  override name = 'NotFoundError' as const;
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('NOT_FOUND', message, options);
  }
}

export class ConflictError extends SentinelError {
  override name = 'ConflictError' as const;
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('CONFLICT', message, options);
  }
}

export class ForbiddenError extends SentinelError {
  override name = 'ForbiddenError' as const;
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('FORBIDDEN', message, options);
  }
}

/** A registry, engine or other upstream service failed or answered unexpectedly. */
export class UpstreamError extends SentinelError {
  override name = 'UpstreamError' as const;
  /** HTTP status the upstream answered with, when there was one. */
  readonly status: number | undefined;
  constructor(message: string, options?: { cause?: unknown; status?: number; details?: Record<string, unknown> }) {
    super('UPSTREAM', message, options);
    this.status = options?.status;
  }
}

/** The upstream asked us to slow down (HTTP 429); `retryAfterMs` says for how long. */
export class RateLimitedError extends SentinelError {
  override name = 'RateLimitedError' as const;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super('RATE_LIMITED', message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** A dependency (Docker engine, storage) is not reachable right now. */
export class UnavailableError extends SentinelError {
  override name = 'UnavailableError' as const;
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('UNAVAILABLE', message, options);
  }
}

/** The operation exists in the API but this deployment cannot perform it (answered 501 with the reason). */
export class NotImplementedError extends SentinelError {
  override name = 'NotImplementedError' as const;
  constructor(message: string) {
    super('NOT_IMPLEMENTED', message);
  }
}

export function isSentinelError(value: unknown): value is SentinelError {
  return value instanceof SentinelError || (value instanceof Error && typeof (value as { code?: unknown }).code === 'string' && 'details' in value);
}

/** A message safe to record in history or show to a user, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

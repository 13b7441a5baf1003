import { redactHeaders } from './internal/redact.js';

/**
 * What a client error remembers about the request that failed. Secrets are
 * redacted before they are stored: errors get logged, serialised and sent to
 * error trackers, so they must never carry a bearer token or CSRF token.
 */
export interface RequestDescription {
  method: string;
  /** The URL with credential-looking query parameters redacted. */
  url: string;
  /** Request headers with `authorization`, `cookie`, `x-csrf-token` and other secrets replaced by `[REDACTED]`. */
  headers: Record<string, string>;
}

export type ApiErrorName =
  | 'ApiError'
  | 'BadRequestError'
  | 'AuthenticationError'
  | 'PermissionDeniedError'
  | 'NotFoundError'
  | 'ConflictError'
  | 'PayloadTooLargeError'
  | 'RateLimitError'
  | 'InternalServerError'
  | 'NotImplementedError';

const API_ERROR_NAMES: ReadonlySet<string> = new Set<ApiErrorName>([
  'ApiError',
  'BadRequestError',
  'AuthenticationError',
  'PermissionDeniedError',
  'NotFoundError',
  'ConflictError',
  'PayloadTooLargeError',
  'RateLimitError',
  'InternalServerError',
  'NotImplementedError',
]);

export interface ApiErrorInit {
  /** Response headers (cookies are dropped). */
  headers?: Headers | Record<string, string>;
  request?: RequestDescription;
}

/** The `error` field of the native API's `{"error": "..."}` envelope, when the body has one. */
/** The server's message: `{"error"}` (native API), `{"detail"}` (/api/v1) or `{"message"}` (EDR integration API). */
function serverMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  for (const field of ['error', 'detail', 'message'] as const) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function responseHeaders(headers: ApiErrorInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    // A response cookie is a credential too.
    if (name.toLowerCase() !== 'set-cookie') out[name.toLowerCase()] = value;
  }
  return out;
}

/**
 * The server answered with an error status. `message` is the server's own
 * explanation (the `error` field of the body); `body` is the parsed body.
 * Use {@link ApiError.generate} to get the subclass matching a status.
 */
export class ApiError extends Error {
  override name: ApiErrorName = 'ApiError';
  readonly status: number;
  /** The response body: parsed JSON when it was JSON, else its text. */
  readonly body: unknown;
  readonly headers: Record<string, string>;
  readonly request: RequestDescription | undefined;

  constructor(status: number, body: unknown, message?: string, init: ApiErrorInit = {}) {
    super(message ?? serverMessage(body) ?? `request failed with status ${status}`);
    this.status = status;
    this.body = body;
    this.headers = responseHeaders(init.headers);
    this.request = init.request === undefined ? undefined : { ...init.request, headers: redactHeaders(init.request.headers) };
  }

  /** The error class for `status`: 400 → `BadRequestError`, 404 → `NotFoundError`, 5xx → `InternalServerError`… */
  static generate(status: number, body: unknown, init: ApiErrorInit = {}): ApiError {
    const message = serverMessage(body);
    switch (status) {
      case 400:
        return new BadRequestError(status, body, message, init);
      case 401:
        return new AuthenticationError(status, body, message, init);
      case 403:
        return new PermissionDeniedError(status, body, message, init);
      case 404:
        return new NotFoundError(status, body, message, init);
      case 409:
        return new ConflictError(status, body, message, init);
      case 413:
        return new PayloadTooLargeError(status, body, message, init);
      case 429:
        return new RateLimitError(status, body, message, init);
      case 501:
        return new NotImplementedError(status, body, message, init);
      default:
        return status >= 500 ? new InternalServerError(status, body, message, init) : new ApiError(status, body, message, init);
    }
  }
}

/** 400: the request was malformed or failed validation; `message` says which field. */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError' as const;
}

/** 401: no valid credentials (missing or expired token or session). */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError' as const;
}

/** 403: the credentials lack the permission, or the target is self-protected. */
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError' as const;
}

/** 404: no such container, queue entry, snapshot or route. */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError' as const;
}

/** 409: the operation collides with one in progress (e.g. a second update of the same container). */
export class ConflictError extends ApiError {
  override name = 'ConflictError' as const;
}

/** 413: the request body exceeds the server's limit. */
export class PayloadTooLargeError extends ApiError {
  override name = 'PayloadTooLargeError' as const;
}

/** 429: slow down; `retryAfter` is how many seconds the server asked to wait, when it said. */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError' as const;
  readonly retryAfter: number | undefined;

  constructor(status: number, body: unknown, message?: string, init: ApiErrorInit = {}) {
    super(status, body, message, init);
    this.retryAfter = parseRetryAfter(this.headers['retry-after']);
  }
}

/** 5xx other than 501: the server, the Docker engine (503) or a registry (502) failed. */
export class InternalServerError extends ApiError {
  override name = 'InternalServerError' as const;
}

/** 501: the server does not offer this (e.g. a remote `host` on a server that manages only its local engine). */
export class NotImplementedError extends ApiError {
  override name = 'NotImplementedError' as const;
}

/** No response arrived: DNS, refused connection, reset, or a stream cut mid-body. */
export class NetworkError extends Error {
  override name = 'NetworkError' as const;
  readonly request: RequestDescription | undefined;

  constructor(message: string, options: { cause?: unknown; request?: RequestDescription } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.request = options.request === undefined ? undefined : { ...options.request, headers: redactHeaders(options.request.headers) };
  }
}

/** No response headers arrived within `timeoutMs`. */
export class TimeoutError extends Error {
  override name = 'TimeoutError' as const;
  readonly timeoutMs: number;
  readonly request: RequestDescription | undefined;

  constructor(message: string, options: { timeoutMs: number; request?: RequestDescription }) {
    super(message);
    this.timeoutMs = options.timeoutMs;
    this.request = options.request === undefined ? undefined : { ...options.request, headers: redactHeaders(options.request.headers) };
  }
}

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date). */
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

const nameOf = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined);

/**
 * Whether `error` is an {@link ApiError} (any status). Checks the name as well
 * as `instanceof`, so it holds across duplicated copies of this package.
 */
export function isApiError(error: unknown): error is ApiError {
  if (error instanceof ApiError) return true;
  const name = nameOf(error);
  return typeof name === 'string' && API_ERROR_NAMES.has(name) && typeof (error as { status?: unknown }).status === 'number';
}

/** Whether `error` is a {@link NetworkError}. */
export function isNetworkError(error: unknown): error is NetworkError {
  return error instanceof NetworkError || nameOf(error) === 'NetworkError';
}

/** Whether `error` is this client's {@link TimeoutError}. */
export function isTimeoutError(error: unknown): error is TimeoutError {
  return error instanceof TimeoutError || (nameOf(error) === 'TimeoutError' && typeof (error as { timeoutMs?: unknown }).timeoutMs === 'number');
}

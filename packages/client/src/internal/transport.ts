import ky, { isHTTPError, isTimeoutError as isKyTimeoutError } from 'ky';
import type { KyInstance } from 'ky';
import { ApiError, NetworkError, TimeoutError } from '../errors.js';
import { CookieJar } from './cookie-jar.js';
import type { RequestDescription } from '../errors.js';
import { redactHeaders, redactUrl } from './redact.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue = string | number | boolean | undefined;

/** One request, as the resource classes describe it. */
export interface RequestSpec {
  method: HttpMethod;
  /** Path below the base URL, already encoded (build it with the `path` tag). */
  path: string;
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, QueryValue>;
  /** JSON body. */
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Retries for this request; only GETs are ever retried. */
  retry?: number;
}

export interface TransportOptions {
  baseUrl: string;
  token: string | undefined;
  fetch: FetchLike;
  timeoutMs: number;
  headers: Record<string, string>;
  retry: number;
  csrfToken: string | (() => string | undefined) | undefined;
  /** Session cookies of browser-less logins. @default a new, empty jar */
  cookies?: CookieJar;
}

/** The CSRF cookie the server sets with a session (seed 001); echoed in `X-CSRF-Token`. */
const CSRF_COOKIE = 'sentinel_csrf';

// Methods a CSRF defence must cover (RFC 9110 "unsafe" methods).
const UNSAFE = new Set<HttpMethod>(['POST', 'PUT', 'PATCH', 'DELETE']);
// Error bodies are kept on the error; a runaway proxy page must not be kept whole.
const MAX_ERROR_BODY_CHARS = 64 * 1024;

/**
 * The one place that talks HTTP: builds URLs and headers, runs ky, and turns
 * every failure into `ApiError` / `NetworkError` / `TimeoutError` with the
 * request described without its secrets.
 */
export class Transport {
  readonly #ky: KyInstance;
  readonly #options: TransportOptions;
  readonly #base: string;
  /** Cookies set by the server (`client.auth.login()`), sent back on every request. */
  readonly cookies: CookieJar;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.cookies = options.cookies ?? new CookieJar();
    // Validate once so a typo fails at construction, not at the first call.
    const base = new URL(options.baseUrl);
    this.#base = base.toString().replace(/\/+$/, '');
    this.#ky = ky.create({ fetch: options.fetch, timeout: options.timeoutMs, throwHttpErrors: true });
  }

  /** Send and parse a JSON response. */
  async json<T>(spec: RequestSpec): Promise<T> {
    const response = await this.send({ ...spec, headers: { accept: 'application/json', ...spec.headers } });
    const text = await this.#readBody(response, spec);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(response.status, text.slice(0, MAX_ERROR_BODY_CHARS), `expected a JSON response from ${spec.method} ${spec.path}`, {
        headers: response.headers,
        request: this.#describe(spec),
      });
    }
  }

  /** Send and return the response body as text. */
  async text(spec: RequestSpec): Promise<string> {
    return this.#readBody(await this.send(spec), spec);
  }

  /** Send and return the response with its body unread (streams). The caller owns the body. */
  async send(spec: RequestSpec): Promise<Response> {
    const url = this.#url(spec);
    const headers = this.#headers(spec);
    const limit = spec.method === 'GET' ? (spec.retry ?? this.#options.retry) : 0;
    try {
      const response = await this.#ky(url, {
        method: spec.method,
        headers,
        ...(spec.json === undefined ? {} : { json: spec.json }),
        ...(spec.signal === undefined ? {} : { signal: spec.signal }),
        retry: { limit, methods: ['get'] },
      });
      this.cookies.capture(response.headers);
      return response;
    } catch (error) {
      throw await this.#toClientError(error, spec);
    }
  }

  #url(spec: RequestSpec): string {
    const url = new URL(this.#base + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  #headers(spec: RequestSpec): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.#options.headers)) headers[name.toLowerCase()] = value;
    if (this.#options.token !== undefined) headers.authorization = `Bearer ${this.#options.token}`;
    const cookie = this.cookies.header();
    if (cookie !== undefined) headers.cookie = cookie;
    if (UNSAFE.has(spec.method)) {
      const csrf = (typeof this.#options.csrfToken === 'function' ? this.#options.csrfToken() : this.#options.csrfToken) ?? this.cookies.get(CSRF_COOKIE);
      if (csrf !== undefined && csrf !== '') headers['x-csrf-token'] = csrf;
    }
    for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = value;
    return headers;
  }

  #describe(spec: RequestSpec): RequestDescription {
    return { method: spec.method, url: redactUrl(this.#url(spec)), headers: redactHeaders(this.#headers(spec)) };
  }

  async #readBody(response: Response, spec: RequestSpec): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw await this.#toClientError(error, spec);
    }
  }

  async #toClientError(error: unknown, spec: RequestSpec): Promise<unknown> {
    // A caller's own abort is not a failure of the server: hand back its reason untouched.
    if (spec.signal?.aborted === true) return spec.signal.reason ?? error;
    const request = this.#describe(spec);
    if (isHTTPError(error)) {
      // ky's HTTPError holds the live Request (with its Authorization header): keep only what we need.
      const response = error.response;
      this.cookies.capture(response.headers);
      let text = '';
      try {
        text = await response.text();
      } catch {
        // The status is the information; a body we cannot read adds none.
      }
      let body: unknown = text.slice(0, MAX_ERROR_BODY_CHARS);
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        // Not JSON (e.g. a proxy's HTML page): keep the text.
      }
      return ApiError.generate(response.status, body, { headers: response.headers, request });
    }
    if (isKyTimeoutError(error)) {
      return new TimeoutError(`${spec.method} ${request.url} timed out after ${this.#options.timeoutMs} ms`, { timeoutMs: this.#options.timeoutMs, request });
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new NetworkError(`${spec.method} ${request.url} failed: ${reason}`, { cause: error, request });
  }
}

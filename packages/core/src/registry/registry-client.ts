import { InvalidError, NotFoundError, RateLimitedError, UpstreamError } from '../errors/index.js';
import type { Clock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import { sha256Digest } from './content-digest.js';
import { parseImageReference } from './image-reference.js';
import type { ImageReference } from './image-reference.js';
import { classifyManifest, MANIFEST_MEDIA_TYPES } from './media-types.js';
import type { ImageIndex, ImageManifest } from './media-types.js';
import { parseRetryAfter, readRateLimit } from './rate-limit.js';
import type { RateLimitInfo } from './rate-limit.js';
import { createSemaphore } from './semaphore.js';
import type { Semaphore } from './semaphore.js';
import { parseWwwAuthenticate } from './www-authenticate.js';

/** Username and password (or access token) for one registry. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

export interface RegistryClientOptions {
  /** Every HTTP request goes through this. */
  readonly fetch: FetchLike;
  /** Token expiry, `Retry-After` waits and request timeouts run on this clock. */
  readonly clock: Clock;
  /** Credentials for a registry (`docker.io`, `ghcr.io`, `localhost:5000`), or `undefined` for anonymous access. */
  readonly credentials?: (registry: string) => RegistryCredentials | undefined;
  /**
   * Requests in flight at once per registry; further requests queue in FIFO order.
   * @default 4
   */
  readonly concurrencyPerRegistry?: number;
  /** @default 'sentinel-kit' */
  readonly userAgent?: string;
  /** Registries (name with port, e.g. `registry.lan:5000`) spoken to over plain HTTP. */
  readonly insecureRegistries?: readonly string[];
  /**
   * Decide the scheme per registry; overrides `insecureRegistries` and the default
   * rule (http for `localhost`, `127.0.0.0/8` and `::1`, https for everything else).
   */
  readonly scheme?: (registry: string) => 'http' | 'https';
  /**
   * How many times a 429 answer is retried (after waiting `Retry-After`) before
   * `RateLimitedError` is thrown.
   * @default 2
   */
  readonly maxRetries?: number;
  /**
   * A `Retry-After` longer than this is not waited out: `RateLimitedError` is
   * thrown at once (Docker Hub asks for hours when a pull budget is spent).
   * @default 60_000
   */
  readonly maxRetryAfterMs?: number;
  /**
   * `n` sent with tag-list requests; registries that page follow up with `Link` headers.
   * @default 1000
   */
  readonly tagsPageSize?: number;
  /**
   * Abort a request whose response headers have not arrived after this long.
   * @default 30_000
   */
  readonly requestTimeoutMs?: number;
}

/** Either a reference string (`nginx:1.27`) or an already parsed reference. */
export type ReferenceInput = string | ImageReference;

/** The kinds of HTTP request the client makes, as counted by `stats()`. */
export type RegistryRequestKind = 'token' | 'tags' | 'manifest_head' | 'manifest_get' | 'blob';

export type RegistryRequestCounts = Record<RegistryRequestKind, number>;

export interface RegistryStats {
  /** Every HTTP request sent since creation or `resetStats()`, retries included. */
  readonly requests: RegistryRequestCounts;
  /** The same counts per registry name. */
  readonly byRegistry: Readonly<Record<string, RegistryRequestCounts>>;
}

/** What a tag or digest currently points at. */
export interface ManifestDigest {
  /** `sha256:<hex>` of the manifest bytes, as `docker pull` reports it. */
  readonly digest: string;
  /** Media type of that manifest (one of `MANIFEST_MEDIA_TYPES` for current registries). */
  readonly mediaType: string;
}

interface ManifestCommon extends ManifestDigest {
  /** The raw manifest bytes; their sha256 is `digest`. */
  readonly bytes: Uint8Array;
}

/** A fetched manifest: a multi-platform index or a single-platform image manifest. */
export type ManifestResult =
  | (ManifestCommon & { readonly kind: 'index'; readonly manifest: ImageIndex })
  | (ManifestCommon & { readonly kind: 'image'; readonly manifest: ImageManifest });

export interface RegistryClient {
  /** Every tag of the repository, following `Link` pages; in the registry's order. */
  listTags(ref: ReferenceInput): Promise<string[]>;
  /**
   * The digest and media type the reference's tag points at now (a HEAD request,
   * which Docker Hub does not count against pull limits). A digest-only reference
   * is resolved by its digest.
   * @throws NotFoundError when the tag does not exist.
   */
  getDigest(ref: ReferenceInput): Promise<ManifestDigest>;
  /** Fetch and parse the manifest; by digest when the reference pins one, by tag otherwise. */
  getManifest(ref: ReferenceInput): Promise<ManifestResult>;
  /**
   * Fetch a blob; redirects (to a CDN, say) are followed. The body is not read:
   * consume `response.body` as a stream or call `arrayBuffer()`. The concurrency
   * slot is released once headers arrive, so a long download does not hold up
   * tag and digest checks.
   */
  getBlob(ref: ReferenceInput, digest: string): Promise<Response>;
  /** Fetch a small blob (an image config) whole and check it against its digest. */
  getBlobBytes(ref: ReferenceInput, digest: string): Promise<Uint8Array>;
  /** The last rate-limit headers seen from each registry. */
  rateLimits(): RateLimitInfo[];
  stats(): RegistryStats;
  resetStats(): void;
}

interface Target {
  readonly registry: string;
  readonly apiHost: string;
  readonly repository: string;
  readonly familiarName: string;
}

type AuthState = { readonly kind: 'basic' } | { readonly kind: 'bearer'; readonly realm: string; readonly service: string | undefined };

interface CachedToken {
  readonly token: string;
  /** Clock time after which a fresh token is fetched. */
  readonly refreshAt: number;
}

interface SendOptions {
  readonly method: 'GET' | 'HEAD';
  readonly kind: Exclude<RegistryRequestKind, 'token'>;
  readonly url: URL;
  readonly accept?: string;
}

const REQUEST_KINDS: readonly RegistryRequestKind[] = ['token', 'tags', 'manifest_head', 'manifest_get', 'blob'];
const DIGEST_RE = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
const ACCEPT_MANIFESTS = MANIFEST_MEDIA_TYPES.join(', ');
// The distribution token spec: a token without `expires_in` lives 60 seconds.
const DEFAULT_TOKEN_LIFETIME_S = 60;
// Without Retry-After we back off 1 s, 2 s, 4 s…
const DEFAULT_BACKOFF_MS = 1000;
// A registry whose Link pages never end must not keep us looping forever.
const MAX_TAG_PAGES = 10_000;

/**
 * Create an OCI distribution client: anonymous first, then bearer or basic auth
 * as the registry's challenge asks, with a client-wide token cache, 429 back-off,
 * rate-limit bookkeeping and a per-registry concurrency bound.
 *
 * @example
 * const registry = createRegistryClient({ fetch: globalThis.fetch, clock: systemClock });
 * const tags = await registry.listTags('nginx');
 * const { digest } = await registry.getDigest('nginx:1.27');
 */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const fetchFn = options.fetch;
  const clock = options.clock;
  const concurrency = options.concurrencyPerRegistry ?? 4;
  const userAgent = options.userAgent ?? 'sentinel-kit';
  const insecure = new Set(options.insecureRegistries ?? []);
  const maxRetries = options.maxRetries ?? 2;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const pageSize = options.tagsPageSize ?? 1000;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidError('concurrencyPerRegistry must be a positive integer');
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new InvalidError('maxRetries must be a non-negative integer');
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new InvalidError('tagsPageSize must be a positive integer');

  const semaphores = new Map<string, Semaphore>();
  const authStates = new Map<string, AuthState>();
  const tokens = new Map<string, CachedToken>();
  const tokensInFlight = new Map<string, Promise<string>>();
  const rateLimitByRegistry = new Map<string, RateLimitInfo>();
  let totals = emptyCounts();
  let byRegistry = new Map<string, RegistryRequestCounts>();

  const count = (registry: string, kind: RegistryRequestKind): void => {
    totals[kind]++;
    let counts = byRegistry.get(registry);
    if (counts === undefined) {
      counts = emptyCounts();
      byRegistry.set(registry, counts);
    }
    counts[kind]++;
  };

  const semaphoreFor = (registry: string): Semaphore => {
    let s = semaphores.get(registry);
    if (s === undefined) {
      s = createSemaphore(concurrency);
      semaphores.set(registry, s);
    }
    return s;
  };

  const baseUrl = (target: Target): string => `${schemeFor(target.registry)}://${target.apiHost}`;
  const schemeFor = (registry: string): 'http' | 'https' => {
    if (options.scheme !== undefined) return options.scheme(registry);
    if (insecure.has(registry)) return 'http';
    return isLoopbackRegistry(registry) ? 'http' : 'https';
  };

  /** One HTTP exchange with a timeout on the injected clock; network failures become UpstreamError. */
  const exchange = async (registry: string, kind: RegistryRequestKind, url: URL, init: RequestInit, what: string): Promise<Response> => {
    count(registry, kind);
    const controller = new AbortController();
    let timedOut = false;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      return await fetchFn(url.toString(), { ...init, redirect: 'follow', signal: controller.signal });
    } catch (error) {
      const reason = timedOut ? `timed out after ${timeoutMs} ms` : `failed${networkCode(error)}`;
      throw new UpstreamError(`request to ${registry} for ${what} ${reason}`, { cause: error, details: { registry } });
    } finally {
      clock.clearTimeout(timer);
    }
  };

  const authorizationHeader = async (target: Target, scope: string): Promise<string | undefined> => {
    const state = authStates.get(target.registry);
    if (state === undefined) return undefined;
    if (state.kind === 'basic') {
      const creds = options.credentials?.(target.registry);
      return creds === undefined ? undefined : basicHeader(creds);
    }
    return `Bearer ${await bearerToken(target, state, scope, undefined)}`;
  };

  /** A valid token for `scope`, from the cache or the realm; concurrent callers share one fetch. */
  const bearerToken = (target: Target, state: Extract<AuthState, { kind: 'bearer' }>, scope: string, challengeScope: string | undefined): Promise<string> => {
    const key = `${target.registry} ${scope}`;
    const cached = tokens.get(key);
    if (cached !== undefined && clock.now() < cached.refreshAt) return Promise.resolve(cached.token);
    const pending = tokensInFlight.get(key);
    if (pending !== undefined) return pending;
    const promise = fetchToken(target, state, challengeScope ?? scope)
      .then((t) => {
        tokens.set(key, t);
        return t.token;
      })
      .finally(() => tokensInFlight.delete(key));
    tokensInFlight.set(key, promise);
    return promise;
  };

  const fetchToken = async (target: Target, state: Extract<AuthState, { kind: 'bearer' }>, scope: string): Promise<CachedToken> => {
    let url: URL;
    try {
      url = new URL(state.realm);
    } catch (error) {
      throw new UpstreamError(`${target.registry} announced an invalid token realm`, { cause: error, details: { registry: target.registry } });
    }
    if (state.service !== undefined) url.searchParams.set('service', state.service);
    for (const s of scope.split(' ').filter((x) => x.length > 0)) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { 'User-Agent': userAgent, Accept: 'application/json' };
    const creds = options.credentials?.(target.registry);
    if (creds !== undefined && url.protocol !== 'https:' && schemeFor(target.registry) === 'https') {
      // An https registry pointing at a plain-http realm would expose the password on the wire.
      throw new UpstreamError(`${target.registry} asked for credentials over plain HTTP; refusing to send them`, { details: { registry: target.registry } });
    }
    if (creds !== undefined) {
      headers['Authorization'] = basicHeader(creds);
      url.searchParams.set('account', creds.username);
    }
    const obtainedAt = clock.now();
    const res = await exchange(target.registry, 'token', url, { method: 'GET', headers }, target.familiarName);
    if (res.status === 401 || res.status === 403) {
      discardBody(res);
      throw authFailed(target.registry, res.status);
    }
    if (!res.ok) {
      discardBody(res);
      throw new UpstreamError(`token request for ${target.registry} (${target.familiarName}) failed with status ${res.status}`, {
        status: res.status,
        details: { registry: target.registry },
      });
    }
    const body = (await readJson(res, target, 'token response')) as Record<string, unknown> | null;
    const token = typeof body?.['token'] === 'string' ? body['token'] : typeof body?.['access_token'] === 'string' ? body['access_token'] : undefined;
    if (token === undefined || token.length === 0) {
      throw new UpstreamError(`token response from ${target.registry} has no token`, { details: { registry: target.registry } });
    }
    const expiresIn = typeof body?.['expires_in'] === 'number' && body['expires_in'] > 0 ? body['expires_in'] : DEFAULT_TOKEN_LIFETIME_S;
    const lifetimeMs = expiresIn * 1000;
    // Refresh a little early so a token never expires between our check and the registry's.
    return { token, refreshAt: obtainedAt + lifetimeMs - Math.min(5000, lifetimeMs / 10) };
  };

  /**
   * Send a request to the registry inside its concurrency slot, answering auth
   * challenges (retrying once) and 429s (retrying `maxRetries` times), then let
   * `read` consume the response while the slot is still held.
   */
  const send = async <T>(target: Target, request: SendOptions, read: (res: Response) => Promise<T>): Promise<T> => {
    const release = await semaphoreFor(target.registry).acquire();
    try {
      const scope = `repository:${target.repository}:pull`;
      const what = target.familiarName;
      let authRetried = false;
      let rateRetries = 0;
      for (;;) {
        const headers: Record<string, string> = { 'User-Agent': userAgent };
        if (request.accept !== undefined) headers['Accept'] = request.accept;
        const authorization = await authorizationHeader(target, scope);
        if (authorization !== undefined) headers['Authorization'] = authorization;

        const res = await exchange(target.registry, request.kind, request.url, { method: request.method, headers }, what);
        const limits = readRateLimit(target.registry, res.headers, clock.now());
        if (limits !== undefined) rateLimitByRegistry.set(target.registry, limits);

        if (res.status === 401) {
          discardBody(res);
          if (authRetried) throw authFailed(target.registry, 401);
          authRetried = true;
          const challenges = parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '');
          const bearer = challenges.find((c) => c.scheme === 'bearer' && (c.params['realm'] ?? '') !== '');
          const basic = challenges.find((c) => c.scheme === 'basic');
          if (bearer !== undefined) {
            const state = { kind: 'bearer', realm: bearer.params['realm'] ?? '', service: bearer.params['service'] } as const;
            authStates.set(target.registry, state);
            // The token we sent (if any) was refused: fetch a fresh one for the scope the registry named.
            tokens.delete(`${target.registry} ${scope}`);
            await bearerToken(target, state, scope, bearer.params['scope']);
            continue;
          }
          if (basic !== undefined && options.credentials?.(target.registry) !== undefined) {
            authStates.set(target.registry, { kind: 'basic' });
            continue;
          }
          throw authFailed(target.registry, 401);
        }

        if (res.status === 429) {
          discardBody(res);
          const waitMs = parseRetryAfter(res.headers.get('retry-after'), clock.now()) ?? DEFAULT_BACKOFF_MS * 2 ** rateRetries;
          if (rateRetries >= maxRetries || waitMs > maxRetryAfterMs) {
            throw new RateLimitedError(`${target.registry} is rate limiting requests (${what})`, { retryAfterMs: waitMs });
          }
          rateRetries++;
          await clock.sleep(waitMs);
          continue;
        }

        return await read(res);
      }
    } finally {
      release();
    }
  };

  const manifestUrl = (target: Target, reference: string): URL => new URL(`${baseUrl(target)}/v2/${target.repository}/manifests/${reference}`);

  const fetchManifest = (target: Target, reference: string, display: string): Promise<ManifestCommon> =>
    send(target, { method: 'GET', kind: 'manifest_get', url: manifestUrl(target, reference), accept: ACCEPT_MANIFESTS }, async (res) => {
      if (!res.ok) throw await failure(res, target, `manifest ${display}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const digest = await sha256Digest(bytes);
      if (DIGEST_RE.test(reference) && reference.startsWith('sha256:') && reference !== digest) {
        throw new UpstreamError(`${target.registry} returned a manifest for ${display} whose content does not match its digest`, {
          details: { registry: target.registry },
        });
      }
      let mediaType = contentType(res.headers);
      if (mediaType === '' || mediaType === 'application/json') {
        const declared = mediaTypeInBody(bytes);
        if (declared !== undefined) mediaType = declared;
      }
      return { digest, mediaType, bytes };
    });

  const client: RegistryClient = {
    async listTags(ref) {
      const target = toTarget(ref);
      const first = new URL(`${baseUrl(target)}/v2/${target.repository}/tags/list`);
      first.searchParams.set('n', String(pageSize));
      const tags: string[] = [];
      const seenTags = new Set<string>();
      const seenUrls = new Set<string>();
      let url: URL | undefined = first;
      for (let page = 0; url !== undefined; page++) {
        if (page >= MAX_TAG_PAGES || seenUrls.has(url.toString())) {
          throw new UpstreamError(`${target.registry} keeps paging the tags of ${target.familiarName}`, { details: { registry: target.registry } });
        }
        seenUrls.add(url.toString());
        const pageUrl: URL = url;
        const { pageTags, next } = await send(target, { method: 'GET', kind: 'tags', url: pageUrl, accept: 'application/json' }, async (res) => {
          if (!res.ok) throw await failure(res, target, 'tags');
          const body = await readJson(res, target, 'tag list');
          return { pageTags: tagsOf(body, target), next: nextLink(res.headers.get('link'), pageUrl) };
        });
        for (const tag of pageTags) {
          if (!seenTags.has(tag)) {
            seenTags.add(tag);
            tags.push(tag);
          }
        }
        if (next !== undefined && next.origin !== pageUrl.origin) {
          // Following it would send our token to another host.
          throw new UpstreamError(`${target.registry} sent a tag page link to another host`, { details: { registry: target.registry } });
        }
        url = next;
      }
      return tags;
    },

    async getDigest(ref) {
      const parsed = toReference(ref);
      const target = targetOf(parsed);
      const reference = parsed.tag ?? parsed.digest ?? 'latest';
      const display = `${target.familiarName}${parsed.tag === undefined ? '@' : ':'}${reference}`;
      const head = await send(target, { method: 'HEAD', kind: 'manifest_head', url: manifestUrl(target, reference), accept: ACCEPT_MANIFESTS }, async (res) => {
        // Some registries do not implement HEAD on manifests; the GET below still works.
        if (res.status === 405) return undefined;
        if (!res.ok) throw await failure(res, target, `manifest ${display}`);
        discardBody(res);
        const digest = res.headers.get('docker-content-digest')?.trim() ?? '';
        return DIGEST_RE.test(digest) ? { digest, mediaType: contentType(res.headers) } : undefined;
      });
      if (head !== undefined && head.mediaType !== '' && head.mediaType !== 'application/json') return head;
      // No Docker-Content-Digest (or no usable media type): the digest is the sha256 of the body.
      const got = await fetchManifest(target, reference, display);
      return { digest: head?.digest ?? got.digest, mediaType: got.mediaType };
    },

    async getManifest(ref) {
      const parsed = toReference(ref);
      const target = targetOf(parsed);
      const reference = parsed.digest ?? parsed.tag ?? 'latest';
      const display = `${target.familiarName}${parsed.digest === undefined ? ':' : '@'}${reference}`;
      const got = await fetchManifest(target, reference, display);
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(got.bytes));
      } catch (error) {
        throw new UpstreamError(`${target.registry} returned a manifest for ${display} that is not JSON`, { cause: error, details: { registry: target.registry } });
      }
      const classified = classifyManifest(got.mediaType, body);
      if (classified === undefined) {
        throw new UpstreamError(`${target.registry} returned an unsupported manifest (${got.mediaType || 'no media type'}) for ${display}`, {
          details: { registry: target.registry, mediaType: got.mediaType },
        });
      }
      return classified.kind === 'index' ? { ...got, kind: 'index', manifest: classified.manifest } : { ...got, kind: 'image', manifest: classified.manifest };
    },

    async getBlob(ref, digest) {
      const target = toTarget(ref);
      if (!DIGEST_RE.test(digest)) throw new InvalidError(`invalid blob digest "${digest.slice(0, 140)}"`);
      const url = new URL(`${baseUrl(target)}/v2/${target.repository}/blobs/${digest}`);
      return send(target, { method: 'GET', kind: 'blob', url }, async (res) => {
        if (!res.ok) throw await failure(res, target, `blob ${digest}`);
        return res;
      });
    },

    async getBlobBytes(ref, digest) {
      const res = await client.getBlob(ref, digest);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (digest.startsWith('sha256:') && (await sha256Digest(bytes)) !== digest) {
        const target = toTarget(ref);
        throw new UpstreamError(`${target.registry} returned blob ${digest} of ${target.familiarName} with content that does not match its digest`, {
          details: { registry: target.registry },
        });
      }
      return bytes;
    },

    rateLimits() {
      return [...rateLimitByRegistry.values()];
    },

    stats() {
      const copy: Record<string, RegistryRequestCounts> = {};
      for (const [registry, counts] of byRegistry) copy[registry] = { ...counts };
      return { requests: { ...totals }, byRegistry: copy };
    },

    resetStats() {
      totals = emptyCounts();
      byRegistry = new Map();
    },
  };
  return client;
}

function toReference(ref: ReferenceInput): ImageReference {
  return typeof ref === 'string' ? parseImageReference(ref) : ref;
}

function targetOf(ref: ImageReference): Target {
  return { registry: ref.registry, apiHost: ref.apiHost, repository: ref.repository, familiarName: ref.familiarName };
}

function toTarget(ref: ReferenceInput): Target {
  return targetOf(toReference(ref));
}

function emptyCounts(): RegistryRequestCounts {
  const counts = {} as RegistryRequestCounts;
  for (const kind of REQUEST_KINDS) counts[kind] = 0;
  return counts;
}

/** True for registries on loopback hosts, which conventionally serve plain HTTP. */
export function isLoopbackRegistry(registry: string): boolean {
  let host: string;
  if (registry.startsWith('[')) host = registry.slice(1, registry.indexOf(']'));
  else host = registry.split(':')[0] ?? registry;
  host = host.toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

function basicHeader(creds: RegistryCredentials): string {
  // btoa only takes Latin-1, so encode UTF-8 bytes first (passwords may be any text).
  const bytes = new TextEncoder().encode(`${creds.username}:${creds.password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

function authFailed(registry: string, status: number): UpstreamError {
  return new UpstreamError(`authentication failed for ${registry}`, { status, details: { registry } });
}

/** Map a non-2xx registry answer to a domain error; never echoes request headers. */
async function failure(res: Response, target: Target, what: string): Promise<Error> {
  const code = await registryErrorCode(res);
  const details: Record<string, unknown> = { registry: target.registry, repository: target.repository };
  if (code !== undefined) details['registryError'] = code;
  if (res.status === 404) {
    return new NotFoundError(`${what} of ${target.familiarName} not found on ${target.registry}${code === undefined ? '' : ` (${code})`}`, { details });
  }
  return new UpstreamError(`${target.registry} answered ${res.status} for ${what} of ${target.familiarName}${code === undefined ? '' : ` (${code})`}`, {
    status: res.status,
    details,
  });
}

/** The `errors[0].code` of a distribution error body (`MANIFEST_UNKNOWN`), if any. */
async function registryErrorCode(res: Response): Promise<string | undefined> {
  try {
    const text = await res.text();
    const body = JSON.parse(text) as { errors?: Array<{ code?: unknown }> };
    const code = body.errors?.[0]?.code;
    return typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

async function readJson(res: Response, target: Target, what: string): Promise<unknown> {
  try {
    return await res.json();
  } catch (error) {
    throw new UpstreamError(`${target.registry} returned an unreadable ${what} for ${target.familiarName}`, { cause: error, details: { registry: target.registry } });
  }
}

function tagsOf(body: unknown, target: Target): string[] {
  if (typeof body !== 'object' || body === null) {
    throw new UpstreamError(`${target.registry} returned a malformed tag list for ${target.familiarName}`, { details: { registry: target.registry } });
  }
  const tags = (body as { tags?: unknown }).tags;
  // The distribution registry answers `"tags": null` for a repository without tags.
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((t): t is string => typeof t === 'string')) {
    throw new UpstreamError(`${target.registry} returned a malformed tag list for ${target.familiarName}`, { details: { registry: target.registry } });
  }
  return tags;
}

/** The `rel="next"` target of a `Link` header (RFC 8288), resolved against the request URL. */
export function nextLink(header: string | null, base: URL): URL | undefined {
  if (header === null) return undefined;
  for (const m of header.matchAll(/<([^>]*)>([^,]*)/g)) {
    const target = m[1];
    if (target === undefined) continue;
    const rels = (m[2] ?? '')
      .split(';')
      .map((p) => /^\s*rel\s*=\s*(?:"([^"]*)"|([^\s"]+))\s*$/i.exec(p))
      .flatMap((r) => (r === null ? [] : (r[1] ?? r[2] ?? '').toLowerCase().split(/\s+/)));
    if (!rels.includes('next')) continue;
    try {
      return new URL(target, base);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function contentType(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function mediaTypeInBody(bytes: Uint8Array): string | undefined {
  try {
    const body = JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: unknown };
    return typeof body.mediaType === 'string' ? body.mediaType : undefined;
  } catch {
    return undefined;
  }
}

/** Release a response we will not read, so its connection can be reused. */
function discardBody(res: Response): void {
  // Not awaited: cancelling only frees resources, and some fetch implementations
  // (msw's mocked bodies among them) never settle the cancel promise.
  res.body?.cancel().catch(() => undefined);
}

/** ` (ECONNREFUSED)` for a network error that carries a system code; never the cause's message. */
function networkCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = cause?.code ?? (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? ` (${code})` : '';
}

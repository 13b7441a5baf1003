import type { QueueItem } from '../contract/native.js';
import type { ReleaseSource } from '../contract/ops.js';
import { errorMessage } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import { createSemaphore } from '../registry/semaphore.js';
import { releaseRepoFor } from './release-sources.js';

export interface ReleaseNotesOptions {
  fetch: FetchLike;
  /** @default systemClock */
  clock?: Clock;
  logger?: Logger;
  /** @default 'https://api.github.com' */
  apiBaseUrl?: string;
  /** GitHub token, for the higher API rate limit. Never logged. */
  token?: string;
  /** How long a found release URL is remembered. @default 24 h */
  ttlMs?: number;
  /** How long "this version has no release" is remembered. @default 1 h */
  missingTtlMs?: number;
  /** How long a failed lookup (rate limit, 5xx, network) is remembered before retrying. @default 5 min */
  failureTtlMs?: number;
  /** A GitHub request is abandoned after this long. @default 10 s */
  requestTimeoutMs?: number;
  /** GitHub requests in flight at once. @default 4 */
  concurrency?: number;
  /** Cached answers kept (oldest dropped). @default 1000 */
  maxEntries?: number;
}

export interface ReleaseNotesResolver {
  /**
   * URL of the GitHub release of `version` in `repo` (tag `version`, else
   * `v<version>`), verified through the GitHub API; `undefined` when there is
   * none or GitHub could not be asked. Never rejects; concurrent lookups of
   * the same release share one request.
   */
  lookup(repo: string, version: string): Promise<string | undefined>;
  /** The cached answer: a URL, `null` when known to be absent, `undefined` when not cached. */
  cached(repo: string, version: string): string | null | undefined;
  /** Resolve when every lookup started so far has settled (tests, shutdown). */
  idle(): Promise<void>;
}

interface CacheEntry {
  url: string | null;
  expires: number;
}

type Outcome = { kind: 'found'; url: string } | { kind: 'missing' } | { kind: 'failed' };

/** Tags a version's release may be published under: as written, then with or without a `v` prefix. */
export function releaseTagCandidates(version: string): string[] {
  const v = version.trim();
  if (v === '') return [];
  const alt = /^v\d/i.test(v) ? v.slice(1) : `v${v}`;
  return [v, alt];
}

/**
 * Find release-note URLs on GitHub with a cache, so that the queue asks GitHub
 * at most once per release per TTL and never more than `concurrency` at once.
 */
export function createReleaseNotesResolver(options: ReleaseNotesOptions): ReleaseNotesResolver {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const api = (options.apiBaseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const ttl = options.ttlMs ?? 24 * 3_600_000;
  const missingTtl = options.missingTtlMs ?? 3_600_000;
  const failureTtl = options.failureTtlMs ?? 5 * 60_000;
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const maxEntries = Math.max(1, options.maxEntries ?? 1000);
  const slots = createSemaphore(Math.max(1, options.concurrency ?? 4));
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<string | undefined>>();

  const keyOf = (repo: string, version: string): string => `${repo.toLowerCase()}@${version}`;

  const remember = (key: string, url: string | null, forMs: number): void => {
    cache.delete(key);
    cache.set(key, { url, expires: clock.now() + forMs });
    // Map keeps insertion order: the first key is the oldest.
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  };

  const askGithub = async (repo: string, tag: string): Promise<Outcome> => {
    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(new Error(`GitHub did not answer within ${requestTimeout} ms`)), requestTimeout);
    try {
      const headers: Record<string, string> = {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'sentinel-kit',
      };
      if (options.token !== undefined && options.token !== '') headers.authorization = `Bearer ${options.token}`;
      const [owner, name] = repo.split('/') as [string, string];
      const url = `${api}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/releases/tags/${encodeURIComponent(tag)}`;
      const response = await options.fetch(url, { headers, signal: controller.signal });
      if (response.status === 404) {
        await response.text().catch(() => undefined);
        return { kind: 'missing' };
      }
      if (!response.ok) {
        await response.text().catch(() => undefined);
        logger.debug('release notes lookup failed', { repo, tag, status: response.status });
        return { kind: 'failed' };
      }
      const body = (await response.json()) as { html_url?: unknown };
      const html = typeof body.html_url === 'string' && /^https:\/\/github\.com\//.test(body.html_url) ? body.html_url : undefined;
      return { kind: 'found', url: html ?? `https://github.com/${repo}/releases/tag/${encodeURIComponent(tag)}` };
    } catch (error) {
      logger.debug('release notes lookup failed', { repo, tag, error: errorMessage(error) });
      return { kind: 'failed' };
    } finally {
      clock.clearTimeout(timer);
    }
  };

  const resolve = async (repo: string, version: string, key: string): Promise<string | undefined> => {
    const release = await slots.acquire();
    try {
      let failed = false;
      for (const tag of releaseTagCandidates(version)) {
        const outcome = await askGithub(repo, tag);
        if (outcome.kind === 'found') {
          remember(key, outcome.url, ttl);
          return outcome.url;
        }
        if (outcome.kind === 'failed') failed = true;
      }
      remember(key, null, failed ? failureTtl : missingTtl);
      return undefined;
    } finally {
      release();
    }
  };

  const resolver: ReleaseNotesResolver = {
    cached(repo, version) {
      const hit = cache.get(keyOf(repo, version));
      if (hit === undefined || hit.expires <= clock.now()) return undefined;
      return hit.url;
    },
    lookup(repo, version) {
      const key = keyOf(repo, version);
      const hit = resolver.cached(repo, version);
      if (hit !== undefined) return Promise.resolve(hit ?? undefined);
      const running = inFlight.get(key);
      if (running !== undefined) return running;
      const p = resolve(repo, version, key)
        .catch(() => undefined)
        .finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
    },
  };
  return resolver;
}

export interface EnrichOptions {
  resolver: ReleaseNotesResolver;
  sources: readonly ReleaseSource[];
  /** Labels of a container by name (for the OCI source label); asked only when no mapping matches. */
  labelsOf: (containerName: string) => Promise<Readonly<Record<string, string>> | undefined>;
  /** How long to wait for uncached lookups; what is not known by then is left out and cached in the background. @default 1500 */
  waitMs?: number;
  clock?: Clock;
}

/**
 * Add `release_notes_url` to the version updates of a queue listing. Cached
 * URLs are added at once; uncached ones are looked up concurrently for at
 * most `waitMs`, so a slow GitHub never holds the queue up: lookups still
 * running then finish in the background and fill the cache for next time.
 */
export async function enrichQueueWithReleaseNotes(items: readonly QueueItem[], options: EnrichOptions): Promise<QueueItem[]> {
  const clock = options.clock ?? systemClock;
  const waitMs = options.waitMs ?? 1500;
  const out = items.map((item) => ({ ...item }));

  // The deadline starts before any lookup so that a slow host cannot push it back.
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = clock.setTimeout(() => resolve('timeout'), waitMs);
  });
  try {
    const pending: Array<Promise<unknown>> = [];
    for (const item of out) {
      if (item.kind !== 'version' || item.release_notes_url !== undefined) continue;
      const version = item.resolved_target_version;
      if (version === '') continue;
      pending.push(
        (async () => {
          let repo = releaseRepoFor(item.current_image, options.sources);
          if (repo === undefined) repo = releaseRepoFor(item.current_image, [], (await options.labelsOf(item.container_name).catch(() => undefined)) ?? {});
          if (repo === undefined) return;
          const cached = options.resolver.cached(repo, version);
          const url = cached !== undefined ? cached ?? undefined : await Promise.race([options.resolver.lookup(repo, version), deadline.then(() => undefined)]);
          if (url !== undefined) item.release_notes_url = url;
        })(),
      );
    }
    await Promise.race([Promise.allSettled(pending), deadline]);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
  }
  return out;
}

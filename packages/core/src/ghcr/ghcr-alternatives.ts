import type { GhcrAlternative, GhcrCheck } from '../contract/ghcr.js';
import { errorMessage } from '../errors/index.js';
import type { EventBus } from '../events/event-bus.js';
import { mapWithConcurrency } from '../internal/concurrency.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerSummary, DockerPort } from '../ports/docker.js';
import type { StoragePort } from '../ports/storage.js';
import { DOCKER_HUB_REGISTRY, parseImageReference } from '../registry/image-reference.js';
import type { GhcrChecker } from './ghcr-checker.js';

export interface GhcrAlternativesOptions {
  checker: GhcrChecker;
  docker: DockerPort;
  /** Results survive restarts in collection `ghcr_alternatives`, keyed by image reference. */
  storage: StoragePort;
  /** `ghcr_check` events are published here when an alternative is first detected (or changes). */
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /**
   * Images checked at once during a refresh.
   * @default 2
   */
  concurrency?: number | (() => number | Promise<number>);
  /**
   * How long a result stays fresh.
   * @default 24 h
   */
  ttlMs?: number;
  /**
   * After a failed check (registry down, rate limited), how long before that image is tried again.
   * @default 15 min
   */
  retryAfterFailureMs?: number;
}

/** What one refresh did. */
export interface GhcrRefreshSummary {
  /** Docker Hub images looked at (distinct references). */
  images: number;
  /** Of those, checked against the registries now (the others were fresh in the cache). */
  checked: number;
  /** Images with a ghcr.io alternative after the refresh. */
  available: number;
  failed: number;
}

export interface GhcrAlternatives {
  /**
   * Check one container's image now, unless a fresh result is cached; stores
   * the result and announces a newly found alternative.
   * @param fresh ignore the cache and ask the registries
   */
  checkContainer(container: Pick<ContainerSummary, 'name' | 'image' | 'imageId'>, options?: { fresh?: boolean }): Promise<GhcrCheck>;
  /** Containers whose Docker Hub image has a ghcr.io alternative, from the cache; ordered by name. */
  list(): Promise<GhcrAlternative[]>;
  /** Newest `checked_at` in the cache, `undefined` before the first check. */
  lastChecked(): Promise<string | undefined>;
  /** Whether some current Docker Hub image has no fresh result. */
  isStale(): Promise<boolean>;
  /** Check every current Docker Hub image without a fresh result; joins a refresh already running. */
  refresh(): Promise<GhcrRefreshSummary>;
  /** `refresh()` in the background; `false` when one was already running. */
  startRefresh(): boolean;
  refreshing(): boolean;
  /** Resolve once no refresh is running. */
  idle(): Promise<void>;
}

const COLLECTION = 'ghcr_alternatives';

/**
 * The cache behind `GET /api/ghcr/alternatives`: results per Docker Hub image,
 * refreshed in the background with bounded concurrency, persisted in storage.
 */
export function createGhcrAlternatives(options: GhcrAlternativesOptions): GhcrAlternatives {
  const { checker, docker, storage, events, clock, logger } = options;
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 15 * 60 * 1000;
  const failedAt = new Map<string, number>();
  const inFlight = new Map<string, Promise<GhcrCheck>>();
  let running: Promise<GhcrRefreshSummary> | undefined;

  const concurrency = async (): Promise<number> => {
    const c = typeof options.concurrency === 'function' ? await options.concurrency() : (options.concurrency ?? 2);
    return Number.isInteger(c) && c > 0 ? c : 1;
  };

  const isFresh = (entry: GhcrCheck | undefined): entry is GhcrCheck => entry !== undefined && clock.now() - Date.parse(entry.checked_at) < ttlMs;

  const isDockerHub = (image: string): boolean => {
    try {
      return parseImageReference(image).registry === DOCKER_HUB_REGISTRY;
    } catch {
      return false;
    }
  };

  const announce = (names: readonly string[], previous: GhcrCheck | undefined, next: GhcrCheck): void => {
    if (!next.available || next.ghcr_image === null) return;
    if (previous?.available === true && previous.ghcr_image === next.ghcr_image) return;
    for (const name of names) {
      events.publish({
        type: 'ghcr_check',
        container_name: name,
        message: `GHCR alternative available for ${name}: ${next.ghcr_image}`,
        data: { image: next.image, ghcr_image: next.ghcr_image, same_digest: next.same_digest, source: next.source },
      });
    }
  };

  /** Check one image (concurrent callers share one check), store it and announce it for `names`. */
  const checkImage = (image: string, imageId: string | undefined, names: readonly string[]): Promise<GhcrCheck> => {
    const pending = inFlight.get(image);
    if (pending !== undefined) return pending;
    const work = (async () => {
      const previous = await storage.get<GhcrCheck>(COLLECTION, image);
      try {
        const next = await checker.check({ image, imageId });
        failedAt.delete(image);
        await storage.put(COLLECTION, image, next);
        announce(names, previous, next);
        return next;
      } catch (error) {
        failedAt.set(image, clock.now());
        throw error;
      }
    })().finally(() => inFlight.delete(image));
    inFlight.set(image, work);
    return work;
  };

  const doRefresh = async (): Promise<GhcrRefreshSummary> => {
    const containers = await docker.listContainers();
    const byImage = new Map<string, { imageId: string; names: string[] }>();
    for (const c of containers) {
      if (!isDockerHub(c.image)) continue;
      const group = byImage.get(c.image);
      if (group === undefined) byImage.set(c.image, { imageId: c.imageId, names: [c.name] });
      else group.names.push(c.name);
    }
    const summary: GhcrRefreshSummary = { images: byImage.size, checked: 0, available: 0, failed: 0 };
    await mapWithConcurrency([...byImage.entries()], await concurrency(), async ([image, { imageId, names }]) => {
      const cached = await storage.get<GhcrCheck>(COLLECTION, image);
      const failed = failedAt.get(image);
      if (isFresh(cached) || (failed !== undefined && clock.now() - failed < retryAfterFailureMs)) {
        if (cached?.available === true) summary.available++;
        return;
      }
      summary.checked++;
      try {
        if ((await checkImage(image, imageId, names)).available) summary.available++;
      } catch (error) {
        summary.failed++;
        logger.warn('GHCR alternative check failed', { image, error: errorMessage(error) });
      }
    });
    logger.debug('GHCR alternatives refreshed', { ...summary });
    return summary;
  };

  const refresh = (): Promise<GhcrRefreshSummary> => {
    running ??= doRefresh().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    async checkContainer(container, checkOptions = {}) {
      if (checkOptions.fresh !== true) {
        const cached = await storage.get<GhcrCheck>(COLLECTION, container.image);
        if (isFresh(cached)) return cached;
      }
      return checkImage(container.image, container.imageId, [container.name]);
    },

    async list() {
      const containers = await docker.listContainers();
      const cached = new Map((await storage.list<GhcrCheck>(COLLECTION)).map((e) => [e.key, e.value]));
      const out: GhcrAlternative[] = [];
      for (const c of containers) {
        const entry = cached.get(c.image);
        if (entry?.available !== true || entry.ghcr_image === null) continue;
        out.push({ container_name: c.name, image: c.image, ghcr_image: entry.ghcr_image, source: entry.source, same_digest: entry.same_digest, checked_at: entry.checked_at });
      }
      return out.sort((a, b) => (a.container_name < b.container_name ? -1 : a.container_name > b.container_name ? 1 : 0));
    },

    async lastChecked() {
      let newest: string | undefined;
      for (const { value } of await storage.list<GhcrCheck>(COLLECTION)) {
        if (newest === undefined || value.checked_at > newest) newest = value.checked_at;
      }
      return newest;
    },

    async isStale() {
      const containers = await docker.listContainers();
      for (const c of containers) {
        if (!isDockerHub(c.image)) continue;
        const failed = failedAt.get(c.image);
        if (failed !== undefined && clock.now() - failed < retryAfterFailureMs) continue;
        if (!isFresh(await storage.get<GhcrCheck>(COLLECTION, c.image))) return true;
      }
      return false;
    },

    refresh,

    startRefresh() {
      if (running !== undefined) return false;
      refresh().catch((error: unknown) => logger.warn('GHCR alternatives refresh failed', { error: errorMessage(error) }));
      return true;
    },

    refreshing: () => running !== undefined,

    async idle() {
      while (running !== undefined) await running.catch(() => undefined);
    },
  };
}

import {
  NotFoundError,
  RateLimitedError,
  UnavailableError,
  UpstreamError,
  createAssetIndex,
  describeOs,
  errorMessage,
  formatReference,
  imageVulnerabilities,
  isSentinelError,
  parseImageReference,
  scanImagePackages,
} from '@sentinel-kit/core';
import type {
  Clock,
  ContainerSummary,
  DockerPort,
  FetchLike,
  ImageInventoryEntry,
  ImageReference,
  ImageVulnerability,
  ImageWorkload,
  InventoryItem,
  Logger,
  RegistryClient,
  RegistryCredentials,
  RepositoryEntry,
  ScanPlatform,
  StoragePort,
  VulnerabilityDatabase,
} from '@sentinel-kit/core';
import type { ImageInventoryStatus, ImageScanRequest, ScanStatus } from '@sentinel-kit/core/contract';
import { listRegistryCatalog } from './registry-catalog.js';

/**
 * Storage collections of the image inventory. Images are kept in their own
 * collections rather than as assets: an image is keyed by its reference and
 * its scan by manifest digest (shared by every tag pointing at it), which the
 * asset model (one hostname per organization) does not express.
 */
export const IMAGE_COLLECTIONS = {
  /** One record per image reference (`registry/repo:tag`), keyed by it. */
  images: 'image_inventory',
  /** One scan per manifest digest: OS, counts, vulnerabilities. */
  scans: 'image_scans',
  /** The OS packages read from each manifest digest (kept so vulnerability changes re-match without a download). */
  packages: 'image_packages',
} as const;

type Source = 'host' | 'registry';

interface ImageRecord {
  full_tag: string;
  registry: string;
  repo: string;
  tag: string;
  /** The digest the reference pins (`repo@sha256:…`), if any. */
  pinned: string | null;
  /** The digest the image is known to have: pinned, from the host's RepoDigests, or found by the last scan; '' until known. */
  manifest_digest: string;
  repo_digests: string[];
  sources: Source[];
  workloads: ImageWorkload[];
  scan_status: ScanStatus;
  /** The scan (by manifest digest) whose results this image shows. */
  scan_digest: string | null;
  error_type: string;
  error: string | null;
  can_rescan: boolean;
}

interface ScanRecord {
  digest: string;
  platform_digest: string;
  platform: ScanPlatform | null;
  os: string | null;
  package_managers: string[];
  packages: number;
  vulnerabilities: ImageVulnerability[];
  scan_time: string;
  last_scan_time: string;
}

interface RepositoryRecord {
  registry: string;
  repo: string;
  /** Tags the registry lists; null when never listed (or listing failed). */
  tags: string[] | null;
  from_catalog: boolean;
}

export interface ImageInventoryServiceOptions {
  docker: DockerPort;
  /** The engine's registry client: manifests, tag lists and layer blobs go through it (credentials, rate limits, concurrency). */
  registry: RegistryClient;
  storage: StoragePort;
  vulnerabilities: VulnerabilityDatabase;
  clock: Clock;
  logger: Logger;
  /** For registry catalogues (`/v2/_catalog`), which the registry client does not call. */
  fetch: FetchLike;
  credentials?: (registry: string) => RegistryCredentials | undefined;
  /** Registries whose catalogue is listed (Docker Hub excepted): the ones with saved credentials, and any configured. */
  registries?: () => readonly string[];
  /** Scans running at once. @default 2 */
  concurrency?: number;
  /** Refresh the inventory (host and catalogues) this often; 0 turns the timer off. @default 15 min */
  refreshIntervalMs?: number;
  /** The first refresh runs this long after `start()`, so that it does not compete with the server's own start. @default 2 s */
  initialRefreshDelayMs?: number;
  /** Searches re-read the Docker host when its view is older than this. @default 5 s */
  hostMaxAgeMs?: number;
  /** Scan every tag listed in registry catalogues, not only images the host uses. @default false */
  scanRegistryTags?: boolean;
  /** Platform scanned in multi-platform images. @default linux and the server's CPU architecture */
  platform?: ScanPlatform;
  /** Repositories listed per registry catalogue. @default 1000 */
  maxRepositoriesPerRegistry?: number;
  /** Tags of a catalogue repository that become inventory images. @default 1000 */
  maxTagsPerRepository?: number;
  /** Only matches at least this confident count as image vulnerabilities. @default 'medium' */
  minConfidence?: 'high' | 'medium' | 'low';
}

export interface ImageInventoryService {
  /** Load what was stored, subscribe to vulnerability changes, refresh in the background, start the refresh timer. */
  start(): Promise<void>;
  /** Stop timers, abort running scans (they end SCAN_ABORTED), wait for them. */
  close(): Promise<void>;
  /** Re-read the Docker host and (unless `registries: false`) the registries' catalogues and tags, then queue new images for scanning. */
  refresh(options?: { registries?: boolean }): Promise<void>;
  /** Re-read the Docker host when its view is older than `hostMaxAgeMs` (what searches call first). */
  ensureFresh(): Promise<void>;
  /** Queue scans; returns the full tags queued. Unknown image names are `NotFoundError`. */
  scan(request?: ImageScanRequest): Promise<string[]>;
  /** The inventory as the search engine reads it (a snapshot: entries are immutable). */
  entries(): readonly ImageInventoryEntry[];
  repositories(): RepositoryEntry[];
  status(): ImageInventoryStatus;
  /** Resolve when no scan, re-match or refresh is queued or running. */
  idle(): Promise<void>;
}

const MAX_FAILURES = 20;
/** Scan failures that may pass on their own, retried by the periodic refresh. */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set(['REGISTRY_ERROR', 'RATE_LIMITED', 'SCAN_ERROR']);
const DEFAULT_REFRESH_MS = 15 * 60_000;
const LABEL_COMPOSE_PROJECT = 'com.docker.compose.project';
const LABEL_COMPOSE_SERVICE = 'com.docker.compose.service';
const LABEL_STACK = 'com.docker.stack.namespace';
const LABEL_SWARM_SERVICE = 'com.docker.swarm.service.name';

/** Docker's architecture name for a Node `process.arch`. */
export function dockerArchitecture(arch: string): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[arch] ?? arch;
}

/** The documented workload of a container: Swarm task → its service, compose → project/service, else a lone container. */
export function workloadOf(container: ContainerSummary, cluster: string): ImageWorkload {
  const labels = container.labels;
  const service = labels[LABEL_SWARM_SERVICE];
  const running = container.state === 'running';
  if (service !== undefined && service !== '') {
    return { cluster, namespace: labels[LABEL_STACK] || 'default', kind: 'service', name: service, deployment: service, running };
  }
  const project = labels[LABEL_COMPOSE_PROJECT] || labels[LABEL_STACK];
  if (project !== undefined && project !== '') {
    return { cluster, namespace: project, kind: 'container', name: container.name, deployment: labels[LABEL_COMPOSE_SERVICE] || null, running };
  }
  return { cluster, namespace: 'default', kind: 'container', name: container.name, deployment: null, running };
}

function fullTagOf(ref: ImageReference): string {
  return ref.tag !== undefined ? `${ref.registry}/${ref.repository}:${ref.tag}` : `${ref.registry}/${ref.repository}@${ref.digest ?? ''}`;
}

/** An error as the documented `error_type`. */
function errorTypeOf(error: unknown): string {
  const declared = isSentinelError(error) ? (error.details as { error_type?: unknown } | undefined)?.error_type : undefined;
  if (typeof declared === 'string') return declared;
  if (error instanceof NotFoundError) return 'MANIFEST_NOT_FOUND';
  if (error instanceof RateLimitedError) return 'RATE_LIMITED';
  if (error instanceof UpstreamError) return 'REGISTRY_ERROR';
  return 'SCAN_ERROR';
}

/** `work`, or a rejection as soon as `signal` aborts (registry client calls take no signal). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const newestFirst = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b);

/**
 * The image inventory of one server: images of the containers on its Docker
 * host and the repositories of its registries, each image scanned for OS
 * packages (read from its layers through the registry client) and matched
 * against the shared vulnerability database — again whenever that data
 * changes, without downloading anything.
 */
export function createImageInventoryService(options: ImageInventoryServiceOptions): ImageInventoryService {
  const { docker, registry, storage, vulnerabilities, clock, logger } = options;
  const concurrency = options.concurrency ?? 2;
  const refreshIntervalMs = options.refreshIntervalMs ?? DEFAULT_REFRESH_MS;
  const initialDelayMs = options.initialRefreshDelayMs ?? 2000;
  const hostMaxAgeMs = options.hostMaxAgeMs ?? 5000;
  const platform = options.platform ?? { os: 'linux', architecture: dockerArchitecture(process.arch) };
  const maxTags = options.maxTagsPerRepository ?? 1000;
  const minConfidence = options.minConfidence ?? 'medium';
  const now = (): string => new Date(clock.now()).toISOString();

  const records = new Map<string, ImageRecord>();
  const scans = new Map<string, ScanRecord>();
  const repositories = new Map<string, RepositoryRecord>();
  const registryStatus = new Map<string, { repositories: number; error: string | null; listed_at: string | null }>();
  const failures: ImageInventoryStatus['failures'] = [];
  const packageIndex = createAssetIndex();

  const queue: Array<{ fullTag: string; force: boolean }> = [];
  const queued = new Set<string>();
  const running = new Map<string, AbortController>();
  const scanning = new Map<string, Promise<ScanRecord>>();
  const background = new Set<Promise<unknown>>();
  let rematchTail: Promise<void> = Promise.resolve();
  let refreshing: Promise<void> | undefined;
  let hostRefreshing: Promise<void> | undefined;
  let hostReadAt = -Infinity;
  let lastRefresh: string | null = null;
  let cluster: string | undefined;
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  let unsubscribe: (() => void) | undefined;
  let started = false;
  let closed = false;
  // Aborts catalogue requests when the service closes, so shutdown does not wait for a slow registry.
  const closing = new AbortController();
  let loaded: Promise<void> | undefined;

  // Entries are rebuilt lazily; an unchanged record and scan keep their entry object (and the search's cached derivations).
  let version = 0;
  let snapshot: { version: number; entries: ImageInventoryEntry[] } | undefined;
  const entryCache = new Map<string, { record: ImageRecord; scan: ScanRecord | undefined; entry: ImageInventoryEntry }>();

  const track = <T>(p: Promise<T>): Promise<T> => {
    const tracked = p.finally(() => background.delete(tracked));
    background.add(tracked);
    return tracked;
  };
  const inBackground = (label: string, work: () => Promise<unknown>): void => {
    void track(work().catch((error: unknown) => logger.warn(`image inventory: ${label} failed`, { error: errorMessage(error) })));
  };

  const persist = async (record: ImageRecord): Promise<void> => {
    version++;
    await storage.put(IMAGE_COLLECTIONS.images, record.full_tag, record);
  };
  const update = async (fullTag: string, change: Partial<ImageRecord>): Promise<ImageRecord | undefined> => {
    const current = records.get(fullTag);
    if (current === undefined) return undefined;
    const next = { ...current, ...change };
    records.set(fullTag, next);
    await persist(next);
    return next;
  };
  const removeRecord = async (fullTag: string): Promise<void> => {
    records.delete(fullTag);
    version++;
    await storage.delete(IMAGE_COLLECTIONS.images, fullTag);
  };

  const load = (): Promise<void> => {
    loaded ??= (async () => {
      for (const { value } of await storage.list<ImageRecord>(IMAGE_COLLECTIONS.images)) {
        if (typeof value?.full_tag !== 'string') continue;
        // A scan cut short by a restart is queued again once the inventory is refreshed.
        const status: ScanStatus = value.scan_status === 'SCANNING' || value.scan_status === 'PENDING_SCAN' ? 'NOT_SCANNED' : value.scan_status;
        records.set(value.full_tag, { ...value, scan_status: status });
      }
      for (const { value } of await storage.list<ScanRecord>(IMAGE_COLLECTIONS.scans)) if (typeof value?.digest === 'string') scans.set(value.digest, value);
      for (const { key, value } of await storage.list<InventoryItem[]>(IMAGE_COLLECTIONS.packages)) if (Array.isArray(value)) packageIndex.set(key, value);
      version++;
    })();
    return loaded;
  };

  const engineName = async (): Promise<string> => {
    if (cluster !== undefined) return cluster;
    const info = await docker.ping();
    cluster = info.name || 'docker';
    return cluster;
  };

  /** The reference to scan: the pinned digest, else the digest the host pulled, else the tag. */
  const scanReference = (record: ImageRecord): ImageReference => {
    const digest = record.pinned ?? (record.sources.includes('host') && record.manifest_digest !== '' ? record.manifest_digest : undefined);
    return parseImageReference(`${formatReference({ registry: record.registry, repository: record.repo })}${digest !== undefined ? `@${digest}` : `:${record.tag}`}`);
  };

  const enqueue = (fullTag: string, force: boolean): boolean => {
    const record = records.get(fullTag);
    if (record === undefined || queued.has(fullTag) || running.has(fullTag) || closed) return false;
    queued.add(fullTag);
    queue.push({ fullTag, force });
    update(fullTag, { scan_status: 'PENDING_SCAN' }).catch((error: unknown) => logger.warn('image inventory: could not save a record', { error: errorMessage(error) }));
    pump();
    return true;
  };

  /**
   * Queue what needs a scan: host images not scanned yet, and (with
   * `scanRegistryTags`) every registry tag never scanned. Failed scans are
   * retried by the periodic refresh only when the failure may pass (registry
   * errors, rate limits), never by the quick host re-reads of searches.
   */
  const queueUnscanned = (retryFailed: boolean): void => {
    for (const record of records.values()) {
      const retry = retryFailed && record.scan_status === 'SCAN_FAILED' && TRANSIENT_ERRORS.has(record.error_type);
      if (!(record.scan_status === 'NOT_SCANNED' || record.scan_status === 'SCAN_ABORTED' || retry) || !record.can_rescan) continue;
      // A digest scanned already (under another tag, before a restart) is linked by the scan without a download.
      const hostNeedsScan = record.sources.includes('host');
      const registryNeedsScan = options.scanRegistryTags === true && record.sources.includes('registry');
      if (hostNeedsScan || registryNeedsScan) enqueue(record.full_tag, false);
    }
  };

  const storeScan = async (scan: ScanRecord, items: InventoryItem[] | undefined): Promise<void> => {
    scans.set(scan.digest, scan);
    version++;
    await storage.batch([
      { op: 'put', collection: IMAGE_COLLECTIONS.scans, key: scan.digest, value: scan },
      ...(items === undefined ? [] : [{ op: 'put' as const, collection: IMAGE_COLLECTIONS.packages, key: scan.digest, value: items }]),
    ]);
  };

  const matchItems = async (items: InventoryItem[]): Promise<ImageVulnerability[]> => {
    await vulnerabilities.load();
    return imageVulnerabilities(await vulnerabilities.match(items), items, { minConfidence });
  };

  /** Read one image's layers (once per digest, even when several tags ask at once) and match its packages. */
  const scanDigest = (reference: ImageReference, signal: AbortSignal): Promise<ScanRecord> => {
    const key = reference.digest ?? fullTagOf(reference);
    const pending = scanning.get(key);
    if (pending !== undefined) return pending;
    const work = (async () => {
      const result = await scanImagePackages({ registry, reference, platform, signal });
      const stamp = now();
      const scan: ScanRecord = {
        digest: result.manifest_digest,
        platform_digest: result.platform_digest,
        platform: result.platform,
        os: result.os === null ? null : describeOs(result.os),
        package_managers: result.package_managers,
        packages: result.packages.length,
        vulnerabilities: await matchItems(result.items),
        scan_time: stamp,
        last_scan_time: stamp,
      };
      await storeScan(scan, result.items);
      packageIndex.set(scan.digest, result.items);
      return scan;
    })().finally(() => scanning.delete(key));
    scanning.set(key, work);
    return work;
  };

  const runScan = async (fullTag: string, force: boolean, controller: AbortController): Promise<void> => {
    const record = records.get(fullTag);
    if (record === undefined) {
      running.delete(fullTag);
      return;
    }
    try {
      await update(fullTag, { scan_status: 'SCANNING' });
      let reference = scanReference(record);
      if (reference.digest === undefined) {
        // A HEAD finds the digest: an image already scanned under another tag needs no download.
        const { digest } = await abortable(registry.getDigest(reference), controller.signal);
        reference = { ...reference, digest };
      }
      const existing = reference.digest === undefined ? undefined : scans.get(reference.digest);
      const scan = existing !== undefined && !force ? existing : await scanDigest(reference, controller.signal);
      // The scan read the digest the host pulled (or the pinned one): it is the image's digest.
      await update(fullTag, { scan_status: 'SCANNED', scan_digest: scan.digest, manifest_digest: scan.digest, error_type: '', error: null });
      logger.info('image scanned', { image: fullTag, digest: scan.digest, packages: scan.packages, vulnerabilities: scan.vulnerabilities.length });
    } catch (error) {
      if (controller.signal.aborted) {
        await update(fullTag, { scan_status: 'SCAN_ABORTED' });
        return;
      }
      const errorType = errorTypeOf(error);
      const message = errorMessage(error);
      await update(fullTag, { scan_status: 'SCAN_FAILED', error_type: errorType, error: message, scan_digest: null });
      failures.unshift({ full_tag: fullTag, error_type: errorType, error: message, at: now() });
      failures.length = Math.min(failures.length, MAX_FAILURES);
      logger.warn('image scan failed', { image: fullTag, error_type: errorType, error: message });
    } finally {
      running.delete(fullTag);
    }
  };

  function pump(): void {
    while (!closed && running.size < concurrency && queue.length > 0) {
      const next = queue.shift() as { fullTag: string; force: boolean };
      queued.delete(next.fullTag);
      // Reserve the slot synchronously so the loop does not start more than `concurrency`.
      const controller = new AbortController();
      running.set(next.fullTag, controller);
      void track(
        runScan(next.fullTag, next.force, controller)
          .catch((error: unknown) => logger.warn('image inventory: could not record a scan', { image: next.fullTag, error: errorMessage(error) }))
          .finally(pump),
      );
    }
  }

  /** Re-match stored packages of the digests a vulnerability change concerns (no download). */
  const rematch = (digests: readonly string[]): Promise<void> => {
    rematchTail = rematchTail.then(async () => {
      for (const digest of digests) {
        const scan = scans.get(digest);
        const items = await storage.get<InventoryItem[]>(IMAGE_COLLECTIONS.packages, digest);
        if (scan === undefined || items === undefined) continue;
        await storeScan({ ...scan, vulnerabilities: await matchItems(items), last_scan_time: now() }, undefined);
      }
      if (digests.length > 0) logger.info('images re-matched after a vulnerability data change', { images: digests.length });
    }).catch((error: unknown) => logger.warn('image re-match failed', { error: errorMessage(error) }));
    return track(rematchTail);
  };

  const readHost = async (): Promise<void> => {
    const [containers, name] = await Promise.all([docker.listContainers(), engineName()]);
    const seen = new Map<string, { ref: ImageReference; containers: ContainerSummary[]; imageId: string }>();
    const localImages = new Map<string, Awaited<ReturnType<DockerPort['inspectImage']>>>();
    const local = async (id: string) => {
      if (!localImages.has(id)) localImages.set(id, await docker.inspectImage(id).catch(() => undefined));
      return localImages.get(id);
    };
    for (const container of containers) {
      let written = container.image;
      // A container created from an image id (or whose tag moved on) shows the id: use the local image's first tag.
      if (/^(sha256:)?[a-f0-9]{12,64}$/.test(written)) written = (await local(container.imageId))?.repoTags[0] ?? '';
      let ref: ImageReference;
      try {
        ref = parseImageReference(written);
      } catch {
        continue;
      }
      const key = fullTagOf(ref);
      const group = seen.get(key);
      if (group === undefined) seen.set(key, { ref, containers: [container], imageId: container.imageId });
      else group.containers.push(container);
    }
    for (const [fullTag, group] of seen) {
      const image = await local(group.imageId);
      const repoDigests = image?.repoDigests ?? [];
      const own = repoDigests
        .map((entry) => {
          try {
            return parseImageReference(entry);
          } catch {
            return undefined;
          }
        })
        .find((r) => r !== undefined && r.registry === group.ref.registry && r.repository === group.ref.repository);
      const digest = group.ref.digest ?? own?.digest ?? '';
      const byKey = new Map<string, ImageWorkload>();
      for (const c of group.containers) {
        const w = workloadOf(c, name);
        const k = `${w.cluster}\t${w.kind}\t${w.name}`;
        const prior = byKey.get(k);
        byKey.set(k, prior === undefined ? w : { ...prior, running: prior.running || w.running });
      }
      const workloads = [...byKey.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const current = records.get(fullTag);
      const digestChanged = current !== undefined && digest !== '' && current.manifest_digest !== digest;
      const next: ImageRecord = {
        full_tag: fullTag,
        registry: group.ref.registry,
        repo: group.ref.repository,
        tag: group.ref.tag ?? '',
        pinned: group.ref.digest ?? null,
        manifest_digest: digest !== '' ? digest : (current?.manifest_digest ?? ''),
        repo_digests: repoDigests,
        sources: [...new Set<Source>([...(current?.sources ?? []), 'host'])],
        workloads,
        scan_status: current?.scan_status ?? 'NOT_SCANNED',
        scan_digest: current?.scan_digest ?? null,
        error_type: current?.error_type ?? '',
        error: current?.error ?? null,
        // Without a registry digest the local image was built or loaded here: the registry's tag may be another image.
        can_rescan: digest !== '' || current?.sources.includes('registry') === true,
      };
      if (digestChanged || (current === undefined && digest !== '')) {
        const known = scans.get(digest);
        next.scan_status = known !== undefined ? 'SCANNED' : 'NOT_SCANNED';
        next.scan_digest = known?.digest ?? null;
        next.error_type = '';
        next.error = null;
      }
      if (digest === '' && current === undefined) {
        next.error_type = 'NOT_IN_REGISTRY';
        next.error = 'the image has no registry digest on the Docker host (built or loaded locally)';
      }
      if (current === undefined || JSON.stringify(current) !== JSON.stringify(next)) {
        records.set(fullTag, next);
        await persist(next);
      }
    }
    for (const record of [...records.values()]) {
      if (!record.sources.includes('host') || seen.has(record.full_tag)) continue;
      const sources = record.sources.filter((s) => s !== 'host');
      if (sources.length === 0) await removeRecord(record.full_tag);
      else await update(record.full_tag, { sources, workloads: [], repo_digests: [] });
    }
    hostReadAt = clock.now();
  };

  const refreshHost = (): Promise<void> => {
    hostRefreshing ??= readHost().finally(() => {
      hostRefreshing = undefined;
    });
    return hostRefreshing;
  };

  const listTags = async (registryName: string, repo: string): Promise<string[]> =>
    registry.listTags(parseImageReference(`${formatReference({ registry: registryName, repository: repo })}:latest`));

  const readRegistries = async (): Promise<void> => {
    // Only configured registries: the public registries the host pulls from either have no catalogue or one far too large to crawl.
    // Docker Hub has no catalogue at all; its repositories come from the host's images.
    const names = [...new Set(options.registries?.() ?? [])].filter((r) => r !== 'docker.io').sort();
    const catalogued = new Set<string>();
    for (const name of names) {
      if (closed) return;
      try {
        const repos = await listRegistryCatalog(name, {
          fetch: options.fetch,
          clock,
          signal: closing.signal,
          credentials: options.credentials?.(name),
          ...(options.maxRepositoriesPerRegistry === undefined ? {} : { maxRepositories: options.maxRepositoriesPerRegistry }),
        });
        registryStatus.set(name, { repositories: repos.length, error: null, listed_at: now() });
        for (const repo of repos) {
          catalogued.add(`${name}/${repo}`);
          const prior = repositories.get(`${name}/${repo}`);
          repositories.set(`${name}/${repo}`, { registry: name, repo, tags: prior?.tags ?? null, from_catalog: true });
        }
        // Repositories that left the catalogue leave the inventory (and so do their registry-only tags).
        for (const [key, repo] of repositories) if (repo.registry === name && repo.from_catalog && !catalogued.has(key)) repositories.delete(key);
      } catch (error) {
        registryStatus.set(name, { repositories: registryStatus.get(name)?.repositories ?? 0, error: errorMessage(error), listed_at: registryStatus.get(name)?.listed_at ?? null });
        logger.debug('registry catalogue not listed', { registry: name, error: errorMessage(error) });
      }
    }
    for (const record of records.values()) {
      if (!record.sources.includes('host')) continue;
      const key = `${record.registry}/${record.repo}`;
      if (!repositories.has(key)) repositories.set(key, { registry: record.registry, repo: record.repo, tags: null, from_catalog: false });
    }
    for (const [key, repo] of repositories) {
      if (!repo.from_catalog && ![...records.values()].some((r) => r.sources.includes('host') && `${r.registry}/${r.repo}` === key)) repositories.delete(key);
    }
    const repos = [...repositories.values()];
    // A few tag lists at a time; the registry client bounds requests per registry as well.
    for (let at = 0; at < repos.length; at += 4) {
      if (closed) return;
      await Promise.all(
        repos.slice(at, at + 4).map(async (repo) => {
          try {
            const tags = await listTags(repo.registry, repo.repo);
            repositories.set(`${repo.registry}/${repo.repo}`, { ...repo, tags });
          } catch (error) {
            logger.debug('repository tags not listed', { repository: `${repo.registry}/${repo.repo}`, error: errorMessage(error) });
          }
        }),
      );
    }
    // Catalogue repositories' tags are inventory images; tags that disappeared leave it.
    const listed = new Set<string>();
    for (const repo of repositories.values()) {
      if (!repo.from_catalog || repo.tags === null) continue;
      for (const tag of repo.tags.slice(0, maxTags)) {
        const fullTag = `${repo.registry}/${repo.repo}:${tag}`;
        listed.add(fullTag);
        const current = records.get(fullTag);
        if (current === undefined) {
          const record: ImageRecord = {
            full_tag: fullTag,
            registry: repo.registry,
            repo: repo.repo,
            tag,
            pinned: null,
            manifest_digest: '',
            repo_digests: [],
            sources: ['registry'],
            workloads: [],
            scan_status: 'NOT_SCANNED',
            scan_digest: null,
            error_type: '',
            error: null,
            can_rescan: true,
          };
          records.set(fullTag, record);
          await persist(record);
        } else if (!current.sources.includes('registry')) {
          await update(fullTag, { sources: [...current.sources, 'registry'], can_rescan: true });
        }
      }
    }
    for (const record of [...records.values()]) {
      if (!record.sources.includes('registry') || listed.has(record.full_tag)) continue;
      const repo = repositories.get(`${record.registry}/${record.repo}`);
      // Keep a tag when its repository could not be listed this time.
      if (repo !== undefined && repo.tags === null) continue;
      const sources = record.sources.filter((s) => s !== 'registry');
      if (sources.length === 0) await removeRecord(record.full_tag);
      else await update(record.full_tag, { sources });
    }
    version++;
  };

  const refresh = async (refreshOptions: { registries?: boolean } = {}): Promise<void> => {
    await load();
    if (refreshing !== undefined) return refreshing;
    const run = (async () => {
      try {
        await refreshHost();
      } catch (error) {
        logger.warn('image inventory: the Docker host could not be read', { error: errorMessage(error) });
      }
      if (refreshOptions.registries !== false) await readRegistries();
      lastRefresh = now();
      queueUnscanned(true);
    })().finally(() => {
      refreshing = undefined;
    });
    refreshing = run;
    return track(run);
  };

  const schedule = (delayMs: number): void => {
    if (closed || delayMs < 0) return;
    timer = clock.setTimeout(() => {
      inBackground('refresh', () => refresh());
      if (refreshIntervalMs > 0) schedule(refreshIntervalMs);
    }, delayMs);
  };

  const buildEntries = (): ImageInventoryEntry[] => {
    const out: ImageInventoryEntry[] = [];
    const keys = new Set<string>();
    for (const record of records.values()) {
      keys.add(record.full_tag);
      const scan = record.scan_digest === null ? undefined : scans.get(record.scan_digest);
      const cached = entryCache.get(record.full_tag);
      if (cached !== undefined && cached.record === record && cached.scan === scan) {
        out.push(cached.entry);
        continue;
      }
      const shown = scan === undefined && record.scan_status === 'SCANNED' ? 'NOT_SCANNED' : record.scan_status;
      const entry: ImageInventoryEntry = {
        full_tag: record.full_tag,
        registry: record.registry,
        repo: record.repo,
        tag: record.tag,
        manifest_digest: record.manifest_digest,
        repo_digests: record.repo_digests,
        scan_status: shown,
        scan_time: scan?.scan_time ?? null,
        last_scan_time: scan?.last_scan_time ?? null,
        error_type: record.error_type,
        os: scan?.os ?? null,
        packages: scan?.packages ?? 0,
        vulnerabilities: scan?.vulnerabilities ?? [],
        workloads: record.workloads,
        can_rescan: record.can_rescan,
      };
      entryCache.set(record.full_tag, { record, scan, entry });
      out.push(entry);
    }
    for (const key of entryCache.keys()) if (!keys.has(key)) entryCache.delete(key);
    return out;
  };

  const service: ImageInventoryService = {
    async start() {
      if (started) return;
      started = true;
      await load();
      unsubscribe = vulnerabilities.onChange((change) => {
        const digests = packageIndex.affectedBy(change.keys).filter((digest) => scans.has(digest));
        if (digests.length > 0) void rematch(digests);
      });
      schedule(initialDelayMs);
    },

    async close() {
      closed = true;
      closing.abort();
      if (timer !== undefined) clock.clearTimeout(timer);
      unsubscribe?.();
      for (const controller of running.values()) controller.abort(new UnavailableError('the server is shutting down'));
      queue.length = 0;
      queued.clear();
      while (background.size > 0) await Promise.allSettled([...background]);
    },

    refresh,

    async ensureFresh() {
      await load();
      if (clock.now() - hostReadAt < hostMaxAgeMs) return;
      try {
        await refreshHost();
        queueUnscanned(false);
      } catch (error) {
        // A search still answers from what is known when the engine is away.
        logger.debug('image inventory: host not refreshed', { error: errorMessage(error) });
      }
    },

    async scan(request = {}) {
      await load();
      if (request.refresh !== false) await refresh();
      const force = request.force === true;
      let targets: string[];
      if (request.images !== undefined && request.images.length > 0) {
        targets = [];
        const missing: string[] = [];
        for (const name of request.images) {
          let fullTag: string | undefined = records.has(name) ? name : undefined;
          if (fullTag === undefined) {
            try {
              const key = fullTagOf(parseImageReference(name));
              if (records.has(key)) fullTag = key;
            } catch {
              // Not a reference: reported as unknown below.
            }
          }
          if (fullTag === undefined) missing.push(name);
          else targets.push(fullTag);
        }
        if (missing.length > 0) throw new NotFoundError(`not in the image inventory: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
      } else if (request.all === true) {
        targets = [...records.keys()];
      } else {
        targets = [...records.values()].filter((r) => r.scan_status !== 'SCANNED' && r.can_rescan).map((r) => r.full_tag);
      }
      const out: string[] = [];
      for (const fullTag of [...new Set(targets)]) if (enqueue(fullTag, force)) out.push(fullTag);
      return out;
    },

    entries() {
      if (snapshot === undefined || snapshot.version !== version) snapshot = { version, entries: buildEntries() };
      return snapshot.entries;
    },

    repositories() {
      const out = new Map<string, RepositoryEntry>();
      const tagsByRepo = new Map<string, { tags: Set<string>; scanned: Set<string>; last: string | null }>();
      for (const entry of service.entries()) {
        const key = `${entry.registry}/${entry.repo}`;
        let agg = tagsByRepo.get(key);
        if (agg === undefined) {
          agg = { tags: new Set(), scanned: new Set(), last: null };
          tagsByRepo.set(key, agg);
        }
        const tag = entry.tag || entry.manifest_digest;
        agg.tags.add(tag);
        if (entry.scan_status === 'SCANNED') agg.scanned.add(tag);
        agg.last = newestFirst(agg.last, entry.last_scan_time);
      }
      const keys = new Set([...repositories.keys(), ...tagsByRepo.keys()]);
      for (const key of keys) {
        const repo = repositories.get(key);
        const agg = tagsByRepo.get(key);
        const slash = key.indexOf('/');
        out.set(key, {
          registry: repo?.registry ?? key.slice(0, slash),
          repo: repo?.repo ?? key.slice(slash + 1),
          all_tags: repo?.tags !== null && repo?.tags !== undefined ? new Set([...repo.tags, ...(agg?.tags ?? [])]).size : (agg?.tags.size ?? 0),
          scanned_tags: agg?.scanned.size ?? 0,
          last_scan_time: agg?.last ?? null,
        });
      }
      return [...out.values()];
    },

    status() {
      const counts: Record<string, number> = {};
      for (const entry of service.entries()) counts[entry.scan_status] = (counts[entry.scan_status] ?? 0) + 1;
      return {
        images: counts,
        repositories: service.repositories().length,
        scanning: [...running.keys()].sort(),
        pending: queue.length,
        last_refresh: lastRefresh,
        registries: [...registryStatus].map(([name, s]) => ({ registry: name, ...s })).sort((a, b) => (a.registry < b.registry ? -1 : 1)),
        failures: [...failures],
      };
    },

    async idle() {
      while (background.size > 0 || queue.length > 0) await Promise.allSettled([...background]);
      await rematchTail;
    },
  };
  return service;
}

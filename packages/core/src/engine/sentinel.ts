import type {
  ActionResponse,
  BulkPolicyBody,
  BulkPolicyResponse,
  CheckResponse,
  Container,
  ContainerDetailBody,
  HistoryRecord,
  IgnoreResponse,
  LogsResponse,
  Policy,
  PolicyResponse,
  PolicySource,
  QueueItem,
  StatsResponse,
  TagsResponse,
  VersionsResponse,
} from '../contract/native.js';
import { ConflictError, errorMessage, ForbiddenError, InvalidError, NotFoundError, UnavailableError, UpstreamError } from '../errors/index.js';
import { createEventBus } from '../events/event-bus.js';
import type { EventBus } from '../events/event-bus.js';
import { createHistoryStore } from '../history/history.js';
import type { HistoryStore } from '../history/history.js';
import { mapWithConcurrency } from '../internal/concurrency.js';
import { silentLogger } from '../logging/logger.js';
import type { Logger } from '../logging/logger.js';
import { isSelfProtected, resolvePolicy } from '../policy/resolve-policy.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type { ContainerSummary, DockerPort, RegistryAuth } from '../ports/docker.js';
import type { FetchLike } from '../ports/fetch.js';
import type { StoragePort } from '../ports/storage.js';
import { createUpdateQueue, queueKey } from '../queue/queue.js';
import type { UpdateQueue } from '../queue/queue.js';
import { createRegistryClient, createScanSession, formatReference, parseImageReference } from '../registry/index.js';
import type { RegistryClient } from '../registry/index.js';
import { checkContainer, scopeFor } from '../scan/check-container.js';
import type { CheckResult, RegistryLookup } from '../scan/check-container.js';
import { createScheduler } from '../scheduler/scheduler.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { createSettingsStore } from '../settings/settings.js';
import type { SettingsStore, SettingValues } from '../settings/settings.js';
import { createUpdateLocks } from '../updates/update-locks.js';
import { createUpdateTransaction } from '../updates/update-transaction.js';
import type { HealthGateOptions, UpdateResult } from '../updates/update-transaction.js';
import { isVersionTag, newerVersions, pickTarget } from '../versions/index.js';

export interface SentinelOptions {
  storage: StoragePort;
  docker: DockerPort;
  /** Outbound HTTP for registries. @default globalThis.fetch */
  fetch?: FetchLike;
  /** @default systemClock */
  clock?: Clock;
  logger?: Logger;
  /** Configuration layer (environment / CLI); runtime overrides in storage win over it. */
  settings?: Partial<SettingValues>;
  /** Registry credentials by registry host (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  credentials?: (registry: string) => { username: string; password: string } | undefined;
  /** Use this registry client instead of creating one (benchmarks, custom transports). */
  registry?: RegistryClient;
  /** Events kept for `Last-Event-ID` replay. @default 1000 */
  eventBufferSize?: number;
  /** How often an unreachable engine is retried. @default 10 s */
  engineRetryMs?: number;
  /** Health-gate polling interval. @default 500 ms */
  healthPollMs?: number;
}

export interface EngineStatus {
  connected: boolean;
  /** Why the engine is not reachable, when it is not. */
  error?: string;
  /** Engine version when connected. */
  version?: string;
  checked_at: string | null;
}

export interface ScanSummary {
  started_at: string;
  finished_at: string;
  checked: number;
  updates_available: number;
  queued: number;
  updated: number;
  rolled_back: number;
  failed: number;
  skipped: number;
  errors: Array<{ name: string; error: string }>;
}

const STATE = 'state';

/**
 * The Sentinel engine: scans, queue, policies, updates and rollbacks, history
 * and events over the storage and Docker ports. Framework-agnostic; the
 * reference server is a thin HTTP layer over this object.
 */
export function createSentinel(options: SentinelOptions) {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const { storage, docker } = options;
  // Ids start from the clock (µs resolution) so that they keep increasing across
  // restarts: a client resuming with Last-Event-ID never sees ids go backwards.
  const events: EventBus = createEventBus({ clock, startId: clock.now() * 1000, bufferSize: options.eventBufferSize ?? 1000, onListenerError: (e) => logger.warn('event listener failed', { error: errorMessage(e) }) });
  const settings: SettingsStore = createSettingsStore(storage, options.settings);
  const queue: UpdateQueue = createUpdateQueue(storage);
  const history: HistoryStore = createHistoryStore(storage);
  const locks = createUpdateLocks();
  const credentials = options.credentials ?? ((): undefined => undefined);
  const registry: RegistryClient =
    options.registry ??
    createRegistryClient({
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      clock,
      credentials,
    });
  const authFor = (imageRef: string): RegistryAuth | undefined => {
    try {
      const ref = parseImageReference(imageRef);
      const cred = credentials(ref.registry);
      return cred === undefined ? undefined : { username: cred.username, password: cred.password, serveraddress: ref.registry };
    } catch {
      return undefined;
    }
  };
  const tx = createUpdateTransaction({ docker, history, events, clock, logger, authFor });
  const background = new Set<Promise<unknown>>();
  let currentScan: Promise<ScanSummary> | undefined;
  let engineStatus: EngineStatus = { connected: false, checked_at: null };
  let engineTimer: ReturnType<Clock['setTimeout']> | undefined;
  let started = false;

  const runInBackground = (label: string, work: () => Promise<unknown>): void => {
    const p = work()
      .catch((error: unknown) => logger.error(`${label} failed`, { error: errorMessage(error) }))
      .finally(() => background.delete(p));
    background.add(p);
  };

  const gate = async (): Promise<HealthGateOptions> => {
    const s = await settings.all();
    return {
      gracePeriodMs: s.grace_period,
      healthTimeoutMs: s.health_timeout,
      stopTimeoutSeconds: s.stop_timeout,
      ...(options.healthPollMs === undefined ? {} : { pollIntervalMs: options.healthPollMs }),
    };
  };

  const findContainer = async (name: string): Promise<ContainerSummary> => {
    const all = await docker.listContainers();
    const found = all.find((c) => c.name === name);
    if (found === undefined) throw new NotFoundError(`container ${name} not found`);
    return found;
  };

  const assertNotSelf = (c: { name: string; labels: Record<string, string> }): void => {
    if (isSelfProtected(c.labels)) throw new ForbiddenError(`${c.name} is Sentinel itself (sentinel.self=true) and is protected`);
  };

  const policyOf = async (c: ContainerSummary): Promise<{ policy: Policy; source: PolicySource }> => {
    const override = await storage.get<Policy>('policy_overrides', queueKey(c.name));
    let tag = 'latest';
    try {
      tag = parseImageReference(c.image).tag ?? 'latest';
    } catch {
      // An unreadable reference is treated like a non-version tag.
    }
    return resolvePolicy({
      override,
      labels: c.labels,
      onNonVersionTag: !isVersionTag(tag),
      latestAutoUpdate: await settings.get('latest_auto_update'),
      defaultPolicy: await settings.get('default_policy'),
    });
  };

  const scanLookup = (): RegistryLookup => {
    const session = createScanSession(registry);
    return {
      listTags: (ref) => session.listTags(ref),
      getDigest: async (ref) => (await session.getDigest(ref)).digest,
    };
  };

  /** Put a detected update in the queue (and announce it when it is new or changed). */
  const enqueue = async (c: ContainerSummary, result: Extract<CheckResult, { status: 'update_available' }>): Promise<boolean> => {
    const item: QueueItem = {
      container_name: c.name,
      current_image: c.image,
      newer_versions: result.newer_versions,
      resolved_current_version: result.resolved_current_version,
      resolved_target_version: result.resolved_target_version,
      key: queueKey(c.name),
      host_id: '',
      target_image: result.target_image,
      kind: result.kind,
      detected_at: new Date(clock.now()).toISOString(),
    };
    const change = await queue.upsert(item);
    if (change !== 'unchanged') {
      events.publish({ type: 'container_update', container_name: c.name, message: `Update available for ${c.name}`, data: { newer_versions: result.newer_versions, target_image: result.target_image } });
      events.publish({ type: 'queue_change', container_name: c.name, message: change === 'added' ? 'Added to queue' : 'Queue entry updated', data: { action: change, key: item.key } });
    }
    return change !== 'unchanged';
  };

  const dequeue = async (key: string, message: string): Promise<void> => {
    if (await queue.remove(key)) events.publish({ type: 'queue_change', container_name: key, message, data: { action: 'removed', key } });
  };

  const check = async (c: ContainerSummary, lookup: RegistryLookup): Promise<CheckResult> =>
    checkContainer({ container: c, lookup, docker, ignored: await queue.ignored(queueKey(c.name)), scope: await settings.get('version_scope') });

  const runUpdate = async (name: string, targetImage: string, release: () => void): Promise<UpdateResult> => {
    try {
      const result = await tx.update({ name }, targetImage, await gate());
      if (result.outcome === 'success' || result.outcome === 'identical') await dequeue(queueKey(name), 'Removed from queue (updated)');
      return result;
    } finally {
      release();
    }
  };

  const markEngine = (status: EngineStatus): void => {
    const changed = status.connected !== engineStatus.connected;
    engineStatus = status;
    if (changed) {
      if (status.connected) logger.info('Docker engine connected', { version: status.version });
      else logger.warn('Docker engine unreachable; retrying', { error: status.error });
    }
  };

  const probeEngine = async (): Promise<boolean> => {
    try {
      const info = await docker.ping();
      markEngine({ connected: true, version: info.version, checked_at: new Date(clock.now()).toISOString() });
      return true;
    } catch (error) {
      markEngine({ connected: false, error: errorMessage(error), checked_at: new Date(clock.now()).toISOString() });
      return false;
    }
  };

  const doScan = async (): Promise<ScanSummary> => {
    const startedAt = new Date(clock.now()).toISOString();
    const summary: ScanSummary = { started_at: startedAt, finished_at: startedAt, checked: 0, updates_available: 0, queued: 0, updated: 0, rolled_back: 0, failed: 0, skipped: 0, errors: [] };
    let containers: ContainerSummary[];
    try {
      containers = await docker.listContainers();
    } catch (error) {
      await probeEngine();
      throw new UnavailableError(`scan could not list containers: ${errorMessage(error)}`, { cause: error });
    }
    const lookup = scanLookup();
    const concurrency = await settings.get('scan_concurrency');
    const decided = await mapWithConcurrency(containers, concurrency, async (c) => {
      const { policy } = await policyOf(c);
      if (policy === 'pinned') return { c, policy, result: { status: 'skipped', reason: 'pinned' } as CheckResult };
      return { c, policy, result: await check(c, lookup) };
    });

    const autoUpdates: Array<{ c: ContainerSummary; target: string }> = [];
    for (const { c, policy, result } of decided) {
      summary.checked++;
      if (result.status === 'skipped') summary.skipped++;
      if (result.status === 'failed') {
        summary.failed++;
        summary.errors.push({ name: c.name, error: result.error });
        events.publish({ type: 'container_update', container_name: c.name, message: `Check failed for ${c.name}`, data: { error: result.error } });
        continue;
      }
      if (result.status === 'up_to_date') {
        await dequeue(queueKey(c.name), 'Removed from queue (up to date)');
        continue;
      }
      if (result.status !== 'update_available') continue;
      summary.updates_available++;
      if (isSelfProtected(c.labels)) continue;
      if (policy === 'auto' && result.auto_target_image !== undefined && !locks.isLocked(queueKey(c.name))) {
        autoUpdates.push({ c, target: result.auto_target_image });
      } else if (await enqueue(c, result)) {
        summary.queued++;
      }
    }

    // Auto updates run one at a time: each stops a container, so a scan never takes several down at once.
    for (const { c, target } of autoUpdates) {
      let release: () => void;
      try {
        release = locks.acquire(queueKey(c.name), 'update');
      } catch {
        continue;
      }
      const result = await runUpdate(c.name, target, release).catch((error: unknown) => {
        summary.errors.push({ name: c.name, error: errorMessage(error) });
        return undefined;
      });
      if (result?.outcome === 'success') summary.updated++;
      else if (result?.outcome === 'rolled_back') summary.rolled_back++;
      else if (result?.outcome === 'failed') summary.failed++;
    }

    summary.finished_at = new Date(clock.now()).toISOString();
    await storage.put(STATE, 'last_scan', summary.finished_at);
    events.publish({ type: 'scan_complete', message: 'Scan complete', data: { ...summary } });
    logger.info('scan complete', { checked: summary.checked, updates_available: summary.updates_available, updated: summary.updated, failed: summary.failed });
    return summary;
  };

  const scan = (): Promise<ScanSummary> => {
    // A scan requested while one runs joins it rather than starting a second.
    if (currentScan !== undefined) return currentScan;
    const p = doScan().finally(() => {
      currentScan = undefined;
    });
    currentScan = p;
    return p;
  };

  const scheduler: Scheduler = createScheduler({
    clock,
    logger,
    interval: () => settings.get('poll_interval'),
    paused: () => settings.get('paused'),
    run: async () => {
      if (!engineStatus.connected && !(await probeEngine())) return;
      await scan();
    },
  });

  const watchEngine = async (): Promise<void> => {
    if (!started) return;
    if (await probeEngine()) {
      scheduler.start();
      return;
    }
    engineTimer = clock.setTimeout(() => void watchEngine(), options.engineRetryMs ?? 10_000);
  };

  const toContainer = async (c: ContainerSummary): Promise<Container> => {
    const { policy, source } = await policyOf(c);
    const pending = await queue.get(queueKey(c.name));
    const health = /\((healthy|unhealthy|health: starting)\)/.exec(c.status)?.[1]?.replace('health: ', '');
    const stack = c.labels['com.docker.compose.project'] ?? c.labels['com.docker.stack.namespace'];
    return {
      id: c.id,
      name: c.name,
      image: c.image,
      policy,
      state: c.state,
      maintenance: locks.isLocked(queueKey(c.name)),
      ...(stack === undefined ? {} : { stack }),
      policy_source: source,
      status: c.status,
      ...(health === undefined ? {} : { health }),
      labels: c.labels,
      update_available: pending !== undefined,
      ...(pending === undefined ? {} : { newer_versions: pending.newer_versions }),
      self: isSelfProtected(c.labels),
    };
  };

  const setPolicyOverride = async (name: string, policy: Policy | undefined, from: Policy): Promise<void> => {
    if (policy === undefined) await storage.delete('policy_overrides', queueKey(name));
    else await storage.put('policy_overrides', queueKey(name), policy);
    const to = policy ?? from;
    events.publish({ type: 'policy_change', container_name: name, message: policy === undefined ? `policy override removed for ${name}` : `policy set to ${policy} for ${name}`, data: { from, to } });
  };

  const startUpdateTo = (c: ContainerSummary, target: string): void => {
    const release = locks.acquire(queueKey(c.name), 'update');
    runInBackground(`update of ${c.name}`, () => runUpdate(c.name, target, release));
  };

  const api = {
    events,
    settings,
    queue,
    history,
    registry,
    docker,
    storage,
    scheduler,

    /** Connect to the engine (retrying while unreachable) and start the schedule: an initial scan, then every poll interval. */
    async start(): Promise<void> {
      if (started) return;
      started = true;
      await watchEngine();
    },
    /** Stop scheduling and wait for running work to finish, then flush storage. */
    async stop(): Promise<void> {
      started = false;
      scheduler.stop();
      if (engineTimer !== undefined) clock.clearTimeout(engineTimer);
      await api.idle();
      await storage.flush();
    },
    /** Resolve when every background update/rollback and the running scan have finished. */
    async idle(): Promise<void> {
      while (background.size > 0 || currentScan !== undefined) {
        await Promise.allSettled([...background, ...(currentScan ? [currentScan] : [])]);
      }
    },
    engineStatus: (): EngineStatus => ({ ...engineStatus }),
    probeEngine,

    async listContainers(): Promise<Container[]> {
      const all = await docker.listContainers();
      return Promise.all(all.map(toContainer));
    },

    async getContainer(name: string): Promise<ContainerDetailBody> {
      const c = await findContainer(name);
      return { ...(await toContainer(c)), history: await history.forContainer(name), snapshots: await history.snapshots(name) };
    },

    async versions(name: string): Promise<VersionsResponse> {
      const c = await findContainer(name);
      const ref = parseImageReference(c.image);
      const scope = scopeFor(c.labels, await settings.get('version_scope'));
      const tag = ref.tag;
      if (ref.digest !== undefined || tag === undefined || !isVersionTag(tag)) {
        return { name, image: c.image, current: ref.digest ?? tag ?? '', versions: [], within_scope: null, scope };
      }
      const tags = await registry.listTags(ref);
      const ignored = await queue.ignored(queueKey(name));
      const include = c.labels['sentinel.include-tags'];
      const exclude = c.labels['sentinel.exclude-tags'];
      const versions = newerVersions(tag, tags, { include, exclude }).filter((v) => !ignored.includes(v));
      return { name, image: c.image, current: tag, versions, within_scope: pickTarget(tag, versions, scope) ?? null, scope };
    },

    async tags(name: string): Promise<TagsResponse> {
      const c = await findContainer(name);
      const ref = parseImageReference(c.image);
      const tags = await registry.listTags(ref);
      return { name, image: c.image, repository: formatReference({ registry: ref.registry, repository: ref.repository }, { familiar: true }), tags };
    },

    async logs(name: string, lines: number): Promise<LogsResponse> {
      const c = await findContainer(name);
      const logs = await docker.logs(c.id, { tail: lines });
      return { logs, lines, remote: false };
    },

    async stats(): Promise<StatsResponse> {
      const all = await docker.listContainers();
      return { total: all.length, running: all.filter((c) => c.state === 'running').length, pending: await queue.count() };
    },

    async lastScan(): Promise<string | null> {
      return (await storage.get<string>(STATE, 'last_scan')) ?? null;
    },

    /** Start, stop or restart a container (synchronous; 403 for Sentinel itself). */
    async containerAction(name: string, action: 'start' | 'stop' | 'restart'): Promise<ActionResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      if (locks.isLocked(queueKey(name))) throw new ConflictError(`${name} is being updated; try again when it finishes`);
      const timeoutSeconds = await settings.get('stop_timeout');
      if (action === 'start') await docker.startContainer(c.id);
      else if (action === 'stop') await docker.stopContainer(c.id, { timeoutSeconds });
      else await docker.restartContainer(c.id, { timeoutSeconds });
      const past = action === 'stop' ? 'stopped' : action === 'start' ? 'started' : 'restarted';
      events.publish({ type: 'container_state', container_name: name, message: `${name} ${past}`, data: { action } });
      return { status: past, name, message: `${name} ${past}` };
    },

    /** Trigger an update: to the queued target if one is pending, else re-pull the current tag. Runs in the background. */
    async startUpdate(name: string): Promise<ActionResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const pending = await queue.get(queueKey(name));
      startUpdateTo(c, pending?.target_image ?? c.image);
      return { status: 'started', name, message: `update started for ${name}` };
    },

    /** Update to an explicit tag of the same repository. Runs in the background. */
    async startUpdateToVersion(name: string, tag: string): Promise<ActionResponse> {
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new InvalidError(`invalid tag "${tag}"`);
      const c = await findContainer(name);
      assertNotSelf(c);
      const ref = parseImageReference(c.image);
      const target = formatReference({ registry: ref.registry, repository: ref.repository, tag }, { familiar: true });
      try {
        await registry.getDigest({ ...ref, tag, digest: undefined });
      } catch (error) {
        if (error instanceof NotFoundError) throw new InvalidError(`tag ${tag} does not exist in ${formatReference({ registry: ref.registry, repository: ref.repository }, { familiar: true })}`);
        throw error;
      }
      startUpdateTo(c, target);
      return { status: 'started', name, message: `Updating ${name} to ${target}` };
    },

    /** Check one container now; queues an update when one is found (unless pinned or self). */
    async check(name: string): Promise<CheckResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const result = await check(c, scanLookup());
      if (result.status === 'failed') throw new UpstreamError(result.error);
      if (result.status === 'update_available') {
        const { policy } = await policyOf(c);
        if (policy !== 'pinned') await enqueue(c, result);
        return { status: 'update_available', name, message: `Update available for ${name}`, newer_versions: result.newer_versions };
      }
      await dequeue(queueKey(name), 'Removed from queue (up to date)');
      return { status: 'up_to_date', name, message: `${name} is up to date` };
    },

    /** Restore the latest snapshot. Runs in the background. */
    async startRollback(name: string): Promise<ActionResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const snapshot = await history.latestSnapshot(name);
      if (snapshot === undefined) throw new NotFoundError(`no snapshot to roll back to for ${name}`);
      const release = locks.acquire(queueKey(name), 'rollback');
      runInBackground(`rollback of ${name}`, async () => {
        try {
          await tx.rollback({ name }, snapshot, await gate());
        } finally {
          release();
        }
      });
      return { status: 'started', name, message: `rollback started for ${name}` };
    },

    /** Run a full scan now, joining one that is already running. */
    scan,
    /** Start a scan in the background; `started` is false when one was already running. */
    startScan(): { started: boolean } {
      const already = currentScan !== undefined;
      runInBackground('scan', scan);
      return { started: !already };
    },
    scanInProgress: (): boolean => currentScan !== undefined,

    async listQueue(): Promise<QueueItem[]> {
      return queue.list();
    },

    async approve(key: string): Promise<ActionResponse> {
      const item = await queue.get(key);
      if (item === undefined) throw new NotFoundError(`no pending update for ${key}`);
      const c = await findContainer(item.container_name);
      assertNotSelf(c);
      startUpdateTo(c, item.target_image);
      await dequeue(key, 'Removed from queue (approved)');
      return { status: 'approved', name: item.container_name, message: `update started for ${item.container_name}` };
    },

    async reject(key: string): Promise<ActionResponse> {
      const item = await queue.get(key);
      if (item === undefined) throw new NotFoundError(`no pending update for ${key}`);
      await dequeue(key, 'Removed from queue (rejected)');
      return { status: 'rejected', name: item.container_name, message: `update rejected for ${item.container_name}` };
    },

    async ignore(key: string): Promise<IgnoreResponse> {
      const item = await queue.get(key);
      if (item === undefined) throw new NotFoundError(`no pending update for ${key}`);
      const version = item.kind === 'version' ? (item.newer_versions[0] ?? item.resolved_target_version) : await digestOf(item);
      await queue.ignore(key, version);
      await dequeue(key, 'Removed from queue (ignored)');
      return { status: 'ignored', name: item.container_name, version, message: `version ${version} ignored for ${item.container_name}` };
    },

    async setPolicy(name: string, policy: Policy): Promise<PolicyResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const { policy: from } = await policyOf(c);
      await setPolicyOverride(name, policy, from);
      if (policy === 'pinned') await dequeue(queueKey(name), 'Removed from queue (pinned)');
      return { status: 'ok', name, policy, message: `policy set to ${policy} for ${name}` };
    },

    async clearPolicy(name: string): Promise<PolicyResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const { policy: from } = await policyOf(c);
      await setPolicyOverride(name, undefined, from);
      const { policy } = await policyOf(c);
      return { status: 'ok', name, policy, message: `policy override removed for ${name}; policy is now ${policy}` };
    },

    async bulkPolicy(body: BulkPolicyBody): Promise<BulkPolicyResponse> {
      const all = await docker.listContainers();
      const byName = new Map(all.map((c) => [c.name, c]));
      const missing = body.containers.filter((n) => !byName.has(n));
      if (missing.length > 0) throw new NotFoundError(`container(s) not found: ${missing.join(', ')}`);
      const changes: Array<{ name: string; from: Policy; to: Policy }> = [];
      const blocked: Array<{ name: string; reason: string }> = [];
      const unchanged: Array<{ name: string; reason: string }> = [];
      for (const name of [...new Set(body.containers)]) {
        const c = byName.get(name) as ContainerSummary;
        if (isSelfProtected(c.labels)) {
          blocked.push({ name, reason: 'self-protected (sentinel.self=true)' });
          continue;
        }
        const { policy } = await policyOf(c);
        if (policy === body.policy) unchanged.push({ name, reason: `already ${policy}` });
        else changes.push({ name, from: policy, to: body.policy });
      }
      if (body.confirm !== true) return { mode: 'preview', changes, blocked, unchanged };
      for (const change of changes) {
        await setPolicyOverride(change.name, change.to, change.from);
        if (change.to === 'pinned') await dequeue(queueKey(change.name), 'Removed from queue (pinned)');
      }
      return { mode: 'executed', applied: changes.length, blocked: blocked.length, unchanged: unchanged.length };
    },

    async listHistory(query: { limit: number; before?: string | undefined }): Promise<HistoryRecord[]> {
      return history.list(query);
    },
    exportHistory: (): Promise<HistoryRecord[]> => history.all(),
  };

  /** The new digest a digest-kind queue entry points at (what `ignore` stores). */
  async function digestOf(item: QueueItem): Promise<string> {
    const ref = parseImageReference(item.target_image);
    return (await registry.getDigest(ref)).digest;
  }

  return api;
}

export type Sentinel = ReturnType<typeof createSentinel>;

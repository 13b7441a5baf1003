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
import { compactGoDuration } from '../config/duration.js';
import { ConflictError, errorMessage, ForbiddenError, InvalidError, NotFoundError, UnavailableError, UpstreamError } from '../errors/index.js';
import { createEventBus } from '../events/event-bus.js';
import type { EventBus } from '../events/event-bus.js';
import { createHistoryStore } from '../history/history.js';
import type { HistoryStore } from '../history/history.js';
import { mapWithConcurrency } from '../internal/concurrency.js';
import { silentLogger } from '../logging/logger.js';
import type { Logger } from '../logging/logger.js';
import { isSelfProtected, resolvePolicy } from '../policy/resolve-policy.js';
import { isWithinWindow, nextWindowOpening, parseMaintenanceWindow } from '../policy/maintenance-window.js';
import { compileScanFilters } from '../policy/scan-filters.js';
import { buildDependencyGraph, dependencyInputFrom, orderByDependencies, transitiveDependents } from '../deps/dependency-graph.js';
import type { DependencyGraph, DependencyInput, DependencyNode } from '../deps/dependency-graph.js';
import { createHookStore, hookLabels, hooksFromLabels, resolveHooks } from '../hooks/hooks.js';
import type { Hook, HookPhase, HookStore, ResolvedHook } from '../hooks/hooks.js';
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
import { createSettingsStore, SETTING_KEYS, settingEnv } from '../settings/settings.js';
import type { SettingKey, SettingsStore, SettingValues } from '../settings/settings.js';
import { createUpdateLocks } from '../updates/update-locks.js';
import { createUpdateTransaction } from '../updates/update-transaction.js';
import type { HealthGateOptions } from '../updates/health-gate.js';
import type { UpdateOptions, UpdateResult } from '../updates/update-result.js';
import { createUpdateJournal } from '../journal/journal.js';
import type { UpdateJournal } from '../journal/journal.js';
import { recoverEntry, settleOrphanedAside } from '../journal/recover-journal.js';
import { withoutSetAside } from '../journal/managed-docker.js';
import { createEngineWatch } from './engine-watch.js';
import type { EngineStatus, EngineWatch } from './engine-watch.js';
import { createFailedUpdates } from './failed-updates.js';
import type { FailedUpdates } from './failed-updates.js';
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
  /** How often an unreachable engine is retried (and an interrupted transaction whose engine was away). @default 5 s */
  engineRetryMs?: number;
  /** How often a connected engine is pinged, so health reflects it within seconds. @default 5 s */
  engineCheckMs?: number;
  /** Health-gate polling interval. @default 500 ms */
  healthPollMs?: number;
}

export type { EngineStatus } from './engine-watch.js';

/** What one recovery pass did with the journal's unfinished entries. */
export interface RecoveryReport {
  /** Completed: the new container passed the health gate. */
  finished: number;
  /** The old container restored under its name. */
  rolled_back: number;
  /** Interrupted before the container was changed. */
  unchanged: number;
  /** Left open for a later pass (container busy or engine unreachable). */
  pending: number;
  /** Set-aside containers without a journal entry that were put back or removed. */
  orphans: number;
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
  /** Containers not checked because an update, rollback or action held their lock. */
  locked: number;
  /** Their names. */
  locked_containers: string[];
  /** Containers left out by the scan filters (not checked). */
  excluded: number;
  /**
   * Auto updates found but not applied in this scan (queued instead): by dry-run,
   * update delay, maintenance window or pull-only mode.
   */
  held: number;
  errors: Array<{ name: string; error: string }>;
  /** Every update this scan saw, whether queued, held or applied (notifications use it for `every_scan`). */
  updates: Array<{ name: string; current_image: string; target_image: string; newer_versions: string[] }>;
}

/**
 * Why an automatic update was held back during a scan (it is queued instead).
 * `previously_failed`: an update to this very version failed and was rolled back.
 */
export type HoldReason = 'dry_run' | 'update_delay' | 'maintenance_window' | 'pull_only' | 'previously_failed';

const STATE = 'state';
const FIRST_SEEN = 'update_first_seen';
const PULLED = 'pull_only_pulled';
/** Settings that change when scans are scheduled. */
const SCHEDULE_KEYS: readonly SettingKey[] = ['poll_interval', 'schedule', 'timezone'];

/**
 * The Sentinel engine: scans, queue, policies, updates and rollbacks, history
 * and events over the storage and Docker ports. Framework-agnostic; the
 * reference server is a thin HTTP layer over this object.
 */
export function createSentinel(options: SentinelOptions) {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const { storage } = options;
  let started = false;
  const watch: EngineWatch = createEngineWatch({
    docker: options.docker,
    clock,
    logger,
    retryMs: options.engineRetryMs ?? 5000,
    checkIntervalMs: options.engineCheckMs ?? 5000,
    onConnected: () => {
      // Every time the engine (re)appears: finish what was interrupted, then schedule scans.
      runInBackground('recovery', async () => {
        await recover();
        if (started) scheduler.start();
      });
    },
  });
  // The transaction and recovery see every container; everything else sees managed ones only.
  const engine = watch.observe(options.docker);
  const docker = withoutSetAside(engine);
  // Ids start from the clock (µs resolution) so that they keep increasing across
  // restarts: a client resuming with Last-Event-ID never sees ids go backwards.
  const events: EventBus = createEventBus({ clock, startId: clock.now() * 1000, bufferSize: options.eventBufferSize ?? 1000, onListenerError: (e) => logger.warn('event listener failed', { error: errorMessage(e) }) });
  const settings: SettingsStore = createSettingsStore(storage, options.settings);
  const queue: UpdateQueue = createUpdateQueue(storage);
  const history: HistoryStore = createHistoryStore(storage);
  const locks = createUpdateLocks();
  const journal: UpdateJournal = createUpdateJournal(storage, clock);
  const failedUpdates: FailedUpdates = createFailedUpdates(storage);
  const hookStore: HookStore = createHookStore(storage);
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
  const tx = createUpdateTransaction({ docker: engine, history, events, clock, logger, journal, authFor });
  const background = new Set<Promise<unknown>>();
  let currentScan: Promise<ScanSummary> | undefined;
  let wake: { at: number; timer: ReturnType<Clock['setTimeout']> } | undefined;
  let recoveryTimer: ReturnType<Clock['setTimeout']> | undefined;

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
    const failed = await failedUpdates.get(queueKey(c.name));
    const failedHere = failed !== undefined && (failed.target_image === result.target_image || failed.target_image === result.auto_target_image);
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
      ...(failedHere ? { failed_update: failed } : {}),
    };
    const change = await queue.upsert(item);
    if (change !== 'unchanged') {
      events.publish({ type: 'container_update', container_name: c.name, message: `Update available for ${c.name}`, data: {
          current_image: c.image,
          newer_versions: result.newer_versions,
          target_image: result.target_image,
          resolved_current_version: result.resolved_current_version,
          resolved_target_version: result.resolved_target_version,
        },
      });
      events.publish({ type: 'queue_change', container_name: c.name, message: change === 'added' ? 'Added to queue' : 'Queue entry updated', data: { action: change, key: item.key } });
    }
    return change !== 'unchanged';
  };

  const dequeue = async (key: string, message: string): Promise<void> => {
    if (await queue.remove(key)) events.publish({ type: 'queue_change', container_name: key, message, data: { action: 'removed', key } });
  };

  const check = async (c: ContainerSummary, lookup: RegistryLookup): Promise<CheckResult> =>
    checkContainer({ container: c, lookup, docker, ignored: await queue.ignored(queueKey(c.name)), scope: await settings.get('version_scope') });

  /** Containers with their dependency inputs (inspected; ones gone meanwhile are left out). */
  const dependencyGraph = async (): Promise<DependencyGraph> => {
    const all = await docker.listContainers();
    const inputs = await mapWithConcurrency(all, 8, async (c): Promise<DependencyInput | undefined> => {
      try {
        return dependencyInputFrom(await docker.inspectContainer(c.id));
      } catch {
        return undefined;
      }
    });
    return buildDependencyGraph(inputs.filter((i): i is DependencyInput => i !== undefined));
  };

  /** The hooks that apply to a container now: API hooks over label hooks, none while hooks are disabled. */
  const hooksFor = async (name: string, labels: Record<string, string>): Promise<ResolvedHook[]> =>
    resolveHooks(await hookStore.list(name), hooksFromLabels(name, labels));

  const setPolicyOverride = async (name: string, policy: Policy | undefined, from: Policy): Promise<void> => {
    if (policy === undefined) await storage.delete('policy_overrides', queueKey(name));
    else await storage.put('policy_overrides', queueKey(name), policy);
    const to = policy ?? from;
    events.publish({ type: 'policy_change', container_name: name, message: policy === undefined ? `policy override removed for ${name}` : `policy set to ${policy} for ${name}`, data: { from, to } });
  };

  /** After a rollback, set the configured rollback policy so the next scan does not retry the same update. */
  const applyRollbackPolicy = async (name: string): Promise<void> => {
    const policy = await settings.get('rollback_policy');
    if (policy === '') return;
    const c = (await docker.listContainers()).find((x) => x.name === name);
    if (c === undefined) return;
    const { policy: from } = await policyOf(c);
    // Dequeue before the policy changes, so nobody sees a pinned container with a pending update.
    if (policy === 'pinned') await dequeue(queueKey(name), 'Removed from queue (pinned after rollback)');
    if (from !== policy || (await storage.get<Policy>('policy_overrides', queueKey(name))) === undefined) {
      await setPolicyOverride(name, policy, from);
    }
    logger.info('rollback policy applied', { name, policy });
  };

  /**
   * Stop the running dependents of `name` (outermost first) and give back the
   * function that starts them again (innermost first). No-op unless dependency-aware.
   */
  const dependentsAround = async (name: string): Promise<{ stop: () => Promise<void>; restart: () => Promise<void> }> => {
    const none = { stop: async () => undefined, restart: async () => undefined };
    if (!(await settings.get('dependency_aware'))) return none;
    const graph = await dependencyGraph();
    const dependents = transitiveDependents(name, graph);
    if (dependents.length === 0) return none;
    const stopped: Array<{ name: string; release: () => void }> = [];
    const timeoutSeconds = await settings.get('stop_timeout');
    return {
      async stop() {
        for (const d of [...dependents].reverse()) {
          // A dependent stays locked while it is stopped for the update: nobody else acts on it meanwhile.
          const release = locks.tryAcquire(queueKey(d), `stopped while ${name} is updated`);
          if (release === undefined) continue;
          try {
            const detail = await docker.inspectContainer(d);
            if (!detail.runtime.running || isSelfProtected(detail.labels)) {
              release();
              continue;
            }
            await docker.stopContainer(detail.id, { timeoutSeconds });
            stopped.push({ name: d, release });
            events.publish({ type: 'container_state', container_name: d, message: `${d} stopped while ${name} is updated`, data: { action: 'stop', reason: 'dependency', dependency: name } });
          } catch (error) {
            release();
            logger.warn('could not stop a dependent before an update', { name, dependent: d, error: errorMessage(error) });
          }
        }
      },
      async restart() {
        const releases = new Map(stopped.map((x) => [x.name, x.release]));
        for (const d of orderByDependencies([...releases.keys()], graph)) {
          try {
            await docker.startContainer(d);
            events.publish({ type: 'container_state', container_name: d, message: `${d} started again after ${name} was updated`, data: { action: 'start', reason: 'dependency', dependency: name } });
          } catch (error) {
            logger.warn('could not restart a dependent after an update', { name, dependent: d, error: errorMessage(error) });
          } finally {
            releases.get(d)?.();
          }
        }
      },
    };
  };

  /** What this update does besides replacing the container, from the settings of the moment. */
  const updateOptions = async (name: string): Promise<{ options: UpdateOptions; restartDependents: () => Promise<void> }> => {
    const s = await settings.all();
    const detail = await docker.inspectContainer(name);
    const options: UpdateOptions = {
      pullOnly: s.pull_only,
      backupImage: s.image_backup,
      cleanupImage: s.image_cleanup,
      removeVolumes: s.remove_volumes,
    };
    if (s.hooks_enabled) {
      const hooks = await hooksFor(name, detail.labels);
      options.hooks = hooks;
      const apiHooks: Hook[] = hooks.filter((h) => h.source === 'api').map(({ source: _source, ...h }) => h);
      if (s.hooks_write_labels && apiHooks.length > 0) options.extraLabels = hookLabels(apiHooks);
    }
    const around = await dependentsAround(name);
    options.beforeReplace = around.stop;
    return { options, restartDependents: around.restart };
  };

  const runUpdate = async (name: string, targetImage: string, release: () => void): Promise<UpdateResult> => {
    let restartDependents: () => Promise<void> = async () => undefined;
    try {
      const prepared = await updateOptions(name);
      restartDependents = prepared.restartDependents;
      const result = await tx.update({ name }, targetImage, await gate(), prepared.options);
      if (result.outcome === 'success' || result.outcome === 'identical') {
        await dequeue(queueKey(name), 'Removed from queue (updated)');
        await forgetSeen(queueKey(name));
        await failedUpdates.forget(queueKey(name));
      }
      if (result.outcome === 'rolled_back') {
        // Not retried automatically: the next scan queues it, saying why, until a newer version appears.
        await failedUpdates.remember(queueKey(name), { target_image: targetImage, error: result.error ?? 'rolled back', failed_at: new Date(clock.now()).toISOString() });
        await applyRollbackPolicy(name);
      }
      if (result.recoveryPending === true) scheduleRecovery();
      return result;
    } catch (error) {
      // Whatever broke, an open journal entry is carried to an end by recovery.
      scheduleRecovery();
      throw error;
    } finally {
      // Dependents come back whatever happened: after success, after a rollback, after a failure.
      await restartDependents();
      release();
    }
  };

  /** When this version of the update was first seen for the container (recorded now if never). */
  const firstSeen = async (key: string, version: string): Promise<number> => {
    const id = `${key}|${version}`;
    const seen = await storage.get<number>(FIRST_SEEN, id);
    if (seen !== undefined) return seen;
    const now = clock.now();
    // Older versions of this container's update are no longer pending.
    for (const e of await storage.list(FIRST_SEEN, { prefix: `${key}|` })) await storage.delete(FIRST_SEEN, e.key);
    await storage.put(FIRST_SEEN, id, now);
    return now;
  };

  const forgetSeen = async (key: string): Promise<void> => {
    const ops = [
      ...(await storage.list(FIRST_SEEN, { prefix: `${key}|` })).map((e) => ({ op: 'delete' as const, collection: FIRST_SEEN, key: e.key })),
      ...(await storage.list(PULLED, { prefix: `${key}|` })).map((e) => ({ op: 'delete' as const, collection: PULLED, key: e.key })),
    ];
    if (ops.length > 0) await storage.batch(ops);
  };

  /** Run a scan at `at` (for held updates whose delay ends or whose window opens), unless one is due earlier. */
  const wakeAt = (at: number): void => {
    if (!started) return;
    if (wake !== undefined && wake.at <= at) return;
    if (wake !== undefined) clock.clearTimeout(wake.timer);
    const timer = clock.setTimeout(() => {
      wake = undefined;
      runInBackground('held-update scan', async () => {
        if (!started || (await settings.get('paused'))) return;
        await scan();
      });
    }, Math.max(0, at - clock.now()));
    wake = { at, timer };
  };

  /**
   * Carry every unfinished journal entry to an end (finished or rolled back,
   * with its history record), then settle set-aside containers no entry owns.
   * An entry whose container is locked belongs to an attempt still running here.
   */
  const recover = async (): Promise<RecoveryReport> => {
    const report: RecoveryReport = { finished: 0, rolled_back: 0, unchanged: 0, pending: 0, orphans: 0 };
    const open = await journal.open();
    const deps = { docker: engine, history, events, clock, logger, journal };
    const g = open.length === 0 ? undefined : await gate();
    for (const entry of open) {
      const key = queueKey(entry.container_name, entry.host_id);
      const release = locks.tryAcquire(key, 'recovery');
      if (release === undefined || g === undefined) {
        report.pending++;
        continue;
      }
      try {
        const outcome = await recoverEntry(deps, entry, g);
        report[outcome]++;
        if (outcome === 'rolled_back' && entry.kind === 'update') {
          await failedUpdates.remember(key, { target_image: entry.target.image, error: 'interrupted and rolled back on recovery', failed_at: new Date(clock.now()).toISOString() });
        }
        if (outcome === 'finished' && entry.kind === 'update') {
          await dequeue(key, 'Removed from queue (updated)');
          await failedUpdates.forget(key);
        }
      } catch (error) {
        report.pending++;
        logger.warn('recovery of an interrupted transaction must wait', { name: entry.container_name, journal_id: entry.id, error: errorMessage(error) });
      } finally {
        release();
      }
    }
    const stillOpen = new Set((await journal.open()).map((e) => e.id));
    try {
      report.orphans = (await settleOrphanedAside(deps, stillOpen, (name) => locks.isLocked(queueKey(name)))).filter((o) => o.action !== 'kept').length;
    } catch (error) {
      logger.warn('could not look for set-aside containers', { error: errorMessage(error) });
    }
    if (report.pending > 0) scheduleRecovery();
    if (open.length > 0 || report.orphans > 0) logger.info('recovery done', { ...report });
    return report;
  };

  /** Try recovery again soon (an entry was left open while its container was busy or the engine away). */
  const scheduleRecovery = (): void => {
    if (!started || recoveryTimer !== undefined) return;
    recoveryTimer = clock.setTimeout(() => {
      recoveryTimer = undefined;
      if (watch.status().connected) runInBackground('recovery', recover);
    }, options.engineRetryMs ?? 5000);
  };

  /** One scan. With `only`, just those containers (a registry push); the last-scan time is kept for full scans. */
  const doScan = async (only?: ReadonlySet<string>): Promise<ScanSummary> => {
    const startedAt = new Date(clock.now()).toISOString();
    const summary: ScanSummary = {
      started_at: startedAt,
      finished_at: startedAt,
      checked: 0,
      updates_available: 0,
      queued: 0,
      updated: 0,
      rolled_back: 0,
      failed: 0,
      skipped: 0,
      locked: 0,
      locked_containers: [],
      excluded: 0,
      held: 0,
      errors: [],
      updates: [],
    };
    let listed: ContainerSummary[];
    try {
      listed = await docker.listContainers();
    } catch (error) {
      await watch.probe();
      throw new UnavailableError(`scan could not list containers: ${errorMessage(error)}`, { cause: error });
    }
    await dropVanished(listed);
    const s = await settings.all();
    const excluded = compileScanFilters(s.filters);
    const containers = listed.filter((c) => !excluded(c.name) && (only === undefined || only.has(c.name)));
    summary.excluded = only === undefined ? listed.length - containers.length : listed.filter((c) => only.has(c.name) && excluded(c.name)).length;
    const lookup = scanLookup();
    const decided = await mapWithConcurrency(containers, s.scan_concurrency, async (c) => {
      const { policy } = await policyOf(c);
      if (policy === 'pinned') return { c, policy, result: { status: 'skipped', reason: 'pinned' } as CheckResult };
      // Being updated, rolled back or acted on: what the registry says is decided on the next scan.
      if (locks.isLocked(queueKey(c.name))) return { c, policy, result: { status: 'skipped', reason: 'locked' } as CheckResult };
      return { c, policy, result: await check(c, lookup) };
    });

    const window = parseMaintenanceWindow(s.maintenance_window);
    const autoUpdates: Array<{ c: ContainerSummary; target: string; result: Extract<CheckResult, { status: 'update_available' }>; version: string }> = [];
    const hold = async (c: ContainerSummary, result: Extract<CheckResult, { status: 'update_available' }>, reason: HoldReason, until?: number): Promise<void> => {
      summary.held++;
      if (await enqueue(c, result)) summary.queued++;
      events.publish({
        type: 'container_update',
        container_name: c.name,
        message: `Automatic update of ${c.name} held (${reason.replace('_', ' ')})`,
        data: { held: reason, target_image: result.auto_target_image ?? result.target_image, ...(until === undefined ? {} : { until: new Date(until).toISOString() }) },
      });
      if (until !== undefined) wakeAt(until);
    };
    const lockedSkip = (name: string): void => {
      summary.locked++;
      summary.locked_containers.push(name);
    };
    for (const { c, policy, result } of decided) {
      if (result.status === 'skipped' && result.reason === 'locked') {
        lockedSkip(c.name);
        continue;
      }
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
        await forgetSeen(queueKey(c.name));
        continue;
      }
      if (result.status !== 'update_available') continue;
      summary.updates_available++;
      summary.updates.push({ name: c.name, current_image: c.image, target_image: result.target_image, newer_versions: result.newer_versions });
      if (isSelfProtected(c.labels)) continue;
      const key = queueKey(c.name);
      const version = result.kind === 'digest' ? result.ignore_id : (result.auto_target_image ?? result.target_image);
      const seenAt = await firstSeen(key, version);
      if (policy === 'auto' && result.auto_target_image !== undefined) {
        const now = clock.now();
        const failed = await failedUpdates.get(key);
        if (failed?.target_image === result.auto_target_image) await hold(c, result, 'previously_failed');
        else if (s.dry_run) await hold(c, result, 'dry_run');
        else if (now - seenAt < s.update_delay) await hold(c, result, 'update_delay', seenAt + s.update_delay);
        else if (!isWithinWindow(window, now, s.timezone)) await hold(c, result, 'maintenance_window', nextWindowOpening(window, now, s.timezone));
        else if (s.pull_only && (await storage.get(PULLED, `${key}|${version}`)) !== undefined) await hold(c, result, 'pull_only');
        else autoUpdates.push({ c, target: result.auto_target_image, result, version });
      } else if (await enqueue(c, result)) {
        summary.queued++;
      }
    }

    // Dependencies first, so that a dependent is updated against its new dependency.
    if (s.dependency_aware && autoUpdates.length > 1) {
      const graph = await dependencyGraph();
      const order = orderByDependencies(autoUpdates.map((u) => u.c.name), graph);
      autoUpdates.sort((a, b) => order.indexOf(a.c.name) - order.indexOf(b.c.name));
    }

    // Auto updates run one at a time: each stops a container, so a scan never takes several down at once.
    for (const { c, target, result: found, version } of autoUpdates) {
      const release = locks.tryAcquire(queueKey(c.name), 'update');
      if (release === undefined) {
        lockedSkip(c.name);
        continue;
      }
      // Decided on what the scan listed: act only if the container is still that one.
      const now = await docker.inspectContainer(c.name).catch(() => undefined);
      if (now?.id !== c.id) {
        release();
        lockedSkip(c.name);
        continue;
      }
      const result = await runUpdate(c.name, target, release).catch((error: unknown) => {
        summary.errors.push({ name: c.name, error: errorMessage(error) });
        return undefined;
      });
      if (result?.outcome === 'success') summary.updated++;
      else if (result?.outcome === 'rolled_back') summary.rolled_back++;
      else if (result?.outcome === 'failed') summary.failed++;
      else if (result?.outcome === 'skipped') {
        // Skipped by a hook or pulled only: the update is still pending, for a human to see.
        summary.held++;
        if (s.pull_only) await storage.put(PULLED, `${queueKey(c.name)}|${version}`, clock.now());
        if (await enqueue(c, found)) summary.queued++;
      }
    }

    summary.finished_at = new Date(clock.now()).toISOString();
    if (only === undefined) await storage.put(STATE, 'last_scan', summary.finished_at);
    events.publish({
      type: 'scan_complete',
      message: only === undefined ? 'Scan complete' : `Scan of ${[...only].join(', ')} complete`,
      data: { ...summary, ...(only === undefined ? {} : { only: [...only] }) },
    });
    logger.info('scan complete', { checked: summary.checked, updates_available: summary.updates_available, updated: summary.updated, failed: summary.failed, held: summary.held });
    return summary;
  };

  /**
   * Run a scan, or join the one running (which covers every container). `only`
   * limits a new scan to some containers, deciding each by its policy exactly as
   * a full scan would (a registry push for an `auto` container updates it).
   */
  const scan = (options: { only?: readonly string[] } = {}): Promise<ScanSummary> => {
    // A scan requested while one runs joins it rather than starting a second.
    if (currentScan !== undefined) return currentScan;
    const p = doScan(options.only === undefined ? undefined : new Set(options.only)).finally(() => {
      currentScan = undefined;
    });
    currentScan = p;
    return p;
  };

  const scheduler: Scheduler = createScheduler({
    clock,
    logger,
    interval: () => settings.get('poll_interval'),
    cron: async () => ({ expression: await settings.get('schedule'), timeZone: await settings.get('timezone') }),
    paused: () => settings.get('paused'),
    run: async () => {
      if (!watch.status().connected && !(await watch.probe())) return;
      await scan();
    },
  });

  /** Queue entries of local containers that no longer exist go (not while their container is locked: it may be mid-update). */
  const dropVanished = async (listed: readonly ContainerSummary[]): Promise<void> => {
    const names = new Set(listed.map((c) => c.name));
    for (const item of await queue.list()) {
      if (item.host_id !== '' || names.has(item.container_name) || locks.isLocked(item.key)) continue;
      await dequeue(item.key, 'Removed from queue (container no longer exists)');
    }
  };

  const toContainer = async (c: ContainerSummary): Promise<Container> => {
    const { policy, source } = await policyOf(c);
    const pending = await queue.get(queueKey(c.name));
    const failed = await failedUpdates.get(queueKey(c.name));
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
      ...(failed === undefined ? {} : { failed_update: failed }),
    };
  };

  const assertNotDryRun = async (): Promise<void> => {
    if (await settings.get('dry_run')) {
      throw new ConflictError('dry-run mode is on: updates are detected and queued but never applied (turn it off with POST /api/settings/dry-run {"enabled": false})');
    }
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
    journal,

    /**
     * Connect to the engine (retrying while unreachable); once it answers, recover
     * every interrupted transaction, then start the schedule: an initial scan, then
     * every poll interval. Recovery runs again each time the engine comes back.
     */
    async start(): Promise<void> {
      if (started) return;
      started = true;
      await watch.start();
    },
    /** Stop scheduling and wait for running work to finish, then flush storage. */
    async stop(): Promise<void> {
      started = false;
      scheduler.stop();
      watch.stop();
      if (recoveryTimer !== undefined) clock.clearTimeout(recoveryTimer);
      recoveryTimer = undefined;
      if (wake !== undefined) clock.clearTimeout(wake.timer);
      wake = undefined;
      await api.idle();
      await storage.flush();
    },
    /** Resolve when every background update/rollback and the running scan have finished. */
    async idle(): Promise<void> {
      while (background.size > 0 || currentScan !== undefined) {
        await Promise.allSettled([...background, ...(currentScan ? [currentScan] : [])]);
      }
    },
    engineStatus: (): EngineStatus => watch.status(),
    probeEngine: (): Promise<boolean> => watch.probe(),
    /** Run a recovery pass now (it also runs at start and whenever the engine comes back). */
    recover,

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
      const release = locks.acquire(queueKey(name), action);
      try {
        const timeoutSeconds = await settings.get('stop_timeout');
        if (action === 'start') await docker.startContainer(c.id);
        else if (action === 'stop') await docker.stopContainer(c.id, { timeoutSeconds });
        else await docker.restartContainer(c.id, { timeoutSeconds });
      } finally {
        release();
      }
      const past = action === 'stop' ? 'stopped' : action === 'start' ? 'started' : 'restarted';
      events.publish({ type: 'container_state', container_name: name, message: `${name} ${past}`, data: { action } });
      return { status: past, name, message: `${name} ${past}` };
    },

    /** Trigger an update: to the queued target if one is pending, else re-pull the current tag. Runs in the background. */
    async startUpdate(name: string): Promise<ActionResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      await assertNotDryRun();
      const pending = await queue.get(queueKey(name));
      startUpdateTo(c, pending?.target_image ?? c.image);
      return { status: 'started', name, message: `update started for ${name}` };
    },

    /** Update to an explicit tag of the same repository. Runs in the background. */
    async startUpdateToVersion(name: string, tag: string): Promise<ActionResponse> {
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new InvalidError(`invalid tag "${tag}"`);
      const c = await findContainer(name);
      assertNotSelf(c);
      await assertNotDryRun();
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

    /**
     * Move a container to another image reference, possibly another repository
     * (e.g. the same image on ghcr.io). Runs in the background through the update transaction.
     */
    async startUpdateToImage(name: string, image: string): Promise<ActionResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      await assertNotDryRun();
      const ref = parseImageReference(image);
      if (ref.digest === undefined && ref.tag === undefined) throw new InvalidError(`image "${image}" names neither a tag nor a digest`);
      try {
        await registry.getDigest(ref);
      } catch (error) {
        if (error instanceof NotFoundError) throw new InvalidError(`image ${image} does not exist in its registry`);
        throw error;
      }
      startUpdateTo(c, ref.familiar);
      return { status: 'started', name, message: `Updating ${name} to ${ref.familiar}` };
    },

    /** Check one container now; queues an update when one is found (unless pinned or self). */
    async check(name: string): Promise<CheckResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const result = await check(c, scanLookup());
      if (result.status === 'failed') throw new UpstreamError(result.error);
      if (result.status === 'update_available') {
        const { policy } = await policyOf(c);
        // A pinned container never has a pending update.
        if (policy === 'pinned') await dequeue(queueKey(name), 'Removed from queue (pinned)');
        else await enqueue(c, result);
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
          const result = await tx.rollback({ name }, snapshot, await gate());
          if (result.outcome === 'success') await applyRollbackPolicy(name);
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
      const c = (await docker.listContainers()).find((x) => x.name === item.container_name);
      if (c === undefined) {
        // The container is gone: so is its pending update.
        await dequeue(key, 'Removed from queue (container no longer exists)');
        throw new NotFoundError(`container ${item.container_name} no longer exists; its pending update was removed`);
      }
      assertNotSelf(c);
      await assertNotDryRun();
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

    /**
     * Validate and store runtime settings (all or nothing), emit one
     * `settings_change` event and re-arm the schedule when it changed.
     * Returns the stored values as the wire shows them.
     */
    async changeSettings(changes: Partial<Record<SettingKey, string>>): Promise<Partial<Record<SettingKey, string>>> {
      const stored = await settings.setMany(changes);
      const keys = Object.keys(stored) as SettingKey[];
      if (keys.length === 0) return stored;
      events.publish({ type: 'settings_change', message: `settings changed: ${keys.join(', ')}`, data: { changes: { ...stored } } });
      logger.info('settings changed', { changes: stored });
      if (keys.some((k) => SCHEDULE_KEYS.includes(k))) await scheduler.reschedule();
      return stored;
    },

    /**
     * Every setting as a flat map of strings: for each, its environment
     * variable with the configured value (environment / CLI, else the default)
     * and its runtime key with the effective value (a stored override wins).
     */
    async settingsView(): Promise<Record<string, string>> {
      // Configured values read as people write them (`6h`, as the seed shows); a runtime
      // override reads as stored, in the form its POST answered (`4h0m0s`).
      const configured = settings.configuredFormatted();
      const effective = await settings.formatted();
      const out: Record<string, string> = {};
      for (const key of SETTING_KEYS) {
        out[settingEnv(key)] = compactGoDuration(configured[key]);
        out[key] = (await settings.override(key)) === undefined ? compactGoDuration(configured[key]) : effective[key];
      }
      return out;
    },

    /** Hooks of a container: API-defined ones and those its labels define (API wins per phase). */
    async listHooks(name: string): Promise<ResolvedHook[]> {
      const c = await findContainer(name);
      return hooksFor(name, c.labels);
    },

    /** Create or replace the API hook of a container for one phase. */
    async setHook(name: string, hook: { phase: HookPhase; command: string[]; timeout?: number | undefined }): Promise<Hook> {
      await findContainer(name);
      const saved = await hookStore.set({ container_name: name, phase: hook.phase, command: hook.command, timeout: hook.timeout ?? 60 });
      events.publish({ type: 'settings_change', container_name: name, message: `${hook.phase} hook set for ${name}`, data: { hook: { phase: saved.phase, command: saved.command, timeout: saved.timeout } } });
      return saved;
    },

    /** Delete the API hook of a container for one phase; NotFound when there is none. */
    async removeHook(name: string, phase: HookPhase): Promise<void> {
      if (!(await hookStore.remove(name, phase))) throw new NotFoundError(`no ${phase} hook defined through the API for ${name}`);
      events.publish({ type: 'settings_change', container_name: name, message: `${phase} hook removed for ${name}`, data: { hook: { phase, removed: true } } });
    },

    /** The dependency graph of every container, with a topological order. */
    dependencies: (): Promise<DependencyGraph> => dependencyGraph(),

    /** Dependencies and dependents of one container. */
    async dependenciesOf(name: string): Promise<DependencyNode> {
      const node = (await dependencyGraph()).containers.find((n) => n.name === name);
      if (node === undefined) throw new NotFoundError(`container ${name} not found`);
      return node;
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

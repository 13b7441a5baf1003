import { errorMessage, UnavailableError } from '../errors/index.js';
import { mapWithConcurrency } from '../internal/concurrency.js';
import { isSelfProtected } from '../policy/resolve-policy.js';
import { parseMaintenanceWindow } from '../policy/maintenance-window.js';
import { compileScanFilters } from '../policy/scan-filters.js';
import { orderByDependencies } from '../deps/dependency-graph.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerSummary } from '../ports/docker.js';
import { queueKey } from '../queue/queue.js';
import { createScanSession } from '../registry/index.js';
import type { CheckResult, RegistryLookup } from '../scan/check-container.js';
import type { EngineContext } from './engine-context.js';
import type { ScanSummary, HoldReason } from './sentinel-types.js';
import { decideUpdate } from '../scan/decide-update.js';
import type { QueueEntries } from './queue-entries.js';
import type { ContainerPolicies } from './container-policy.js';
import type { UpdateRunner } from './update-runner.js';
import { PULLED } from './update-runner.js';

const STATE = 'state';

/** Scans: one at a time (a second request joins the running one), deciding each update with `decideUpdate`. */
export interface ScanRunner {
  scan(options?: { only?: readonly string[] }): Promise<ScanSummary>;
  current(): Promise<ScanSummary> | undefined;
  /** A registry lookup that asks each question once per scan. */
  scanLookup(): RegistryLookup;
  /** Cancel the timer of a held update's scan. */
  stop(): void;
}

export function createScanRunner(ctx: EngineContext, deps: Pick<QueueEntries, 'enqueue' | 'dequeue'> & Pick<ContainerPolicies, 'policyOf'> & Pick<UpdateRunner, 'runUpdate' | 'checkOne' | 'dependencyGraph' | 'firstSeen' | 'forgetSeen'>): ScanRunner {
  const { clock, logger, storage, watch, docker, events, settings, queue, locks, failedUpdates, registry, runInBackground } = ctx;
  const { enqueue, dequeue, policyOf, runUpdate, checkOne, dependencyGraph, firstSeen, forgetSeen } = deps;
  const scanLookup = (): RegistryLookup => {
    const session = createScanSession(registry);
    return {
      listTags: (ref) => session.listTags(ref),
      getDigest: async (ref) => (await session.getDigest(ref)).digest,
    };
  };

  let currentScan: Promise<ScanSummary> | undefined;
  let wake: { at: number; timer: ReturnType<Clock['setTimeout']> } | undefined;

  /** Run a scan at `at` (for held updates whose delay ends or whose window opens), unless one is due earlier. */
  const wakeAt = (at: number): void => {
    if (!ctx.isStarted()) return;
    if (wake !== undefined && wake.at <= at) return;
    if (wake !== undefined) clock.clearTimeout(wake.timer);
    const timer = clock.setTimeout(() => {
      wake = undefined;
      runInBackground('held-update scan', async () => {
        if (!ctx.isStarted() || (await settings.get('paused'))) return;
        await scan();
      });
    }, Math.max(0, at - clock.now()));
    wake = { at, timer };
  };

  /** Queue entries of local containers that no longer exist go (not while their container is locked: it may be mid-update). */
  const dropVanished = async (listed: readonly ContainerSummary[]): Promise<void> => {
    const names = new Set(listed.map((c) => c.name));
    for (const item of await queue.list()) {
      if (item.host_id !== '' || names.has(item.container_name) || locks.isLocked(item.key)) continue;
      await dequeue(item.key, 'Removed from queue (container no longer exists)');
    }
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
      return { c, policy, result: await checkOne(c, lookup) };
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
      const decision = decideUpdate({
        policy,
        autoTarget: result.auto_target_image,
        failedTarget: (await failedUpdates.get(key))?.target_image,
        now: clock.now(),
        firstSeenAt: await firstSeen(key, version),
        settings: s,
        window,
        alreadyPulled: s.pull_only && (await storage.get(PULLED, `${key}|${version}`)) !== undefined,
      });
      if (decision.action === 'apply') autoUpdates.push({ c, target: decision.target, result, version });
      else if (decision.action === 'hold') await hold(c, result, decision.reason, decision.until);
      else if (await enqueue(c, result)) summary.queued++;
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
  return {
    scan,
    current: () => currentScan,
    scanLookup,
    stop() {
      if (wake !== undefined) clock.clearTimeout(wake.timer);
      wake = undefined;
    },
  };
}

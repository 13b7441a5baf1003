import { createScheduler } from '../scheduler/scheduler.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { createContainerPolicies } from './container-policy.js';
import { createContainerViews } from './container-views.js';
import { createEngineContext } from './engine-context.js';
import type { EngineStatus } from './engine-watch.js';
import { createQueueActions } from './queue-actions.js';
import { createQueueEntries } from './queue-entries.js';
import { createRecoveryRunner } from './recovery-runner.js';
import { createScanRunner } from './scan-runner.js';
import type { Sentinel, SentinelOptions } from './sentinel-types.js';
import { createSettingsActions } from './settings-actions.js';
import { createUpdateRunner } from './update-runner.js';

export type { EngineStatus } from './engine-watch.js';
export type { HoldReason, RecoveryReport, ScanSummary, Sentinel, SentinelOptions } from './sentinel-types.js';

/**
 * Build the engine: one context (ports, stores, locks, the transaction), and
 * the modules that act on it — queue entries, policies, updates, recovery,
 * scans, container views, settings — each handed only what it needs.
 *
 * @example
 * const sentinel = createSentinel({ storage: createMemoryStorage(), docker: createMemoryDocker() });
 * await sentinel.start();
 */
export function createSentinel(options: SentinelOptions): Sentinel {
  let started = false;
  const ctx = createEngineContext(options, {
    isStarted: () => started,
    onEngineConnected: () => {
      // Every time the engine (re)appears: finish what was interrupted, then schedule scans.
      ctx.runInBackground('recovery', async () => {
        await recovery.recover();
        if (started) scheduler.start();
      });
    },
  });
  const entries = createQueueEntries(ctx);
  const policies = createContainerPolicies(ctx, entries);
  const recovery = createRecoveryRunner(ctx, entries);
  const updates = createUpdateRunner(ctx, { ...entries, ...policies, scheduleRecovery: recovery.scheduleRecovery });
  const scans = createScanRunner(ctx, { ...entries, ...policies, ...updates });
  const scheduler: Scheduler = createScheduler({
    clock: ctx.clock,
    logger: ctx.logger,
    interval: () => ctx.settings.get('poll_interval'),
    cron: async () => ({ expression: await ctx.settings.get('schedule'), timeZone: await ctx.settings.get('timezone') }),
    paused: () => ctx.settings.get('paused'),
    run: async () => {
      if (!ctx.watch.status().connected && !(await ctx.watch.probe())) return;
      await scans.scan();
    },
  });
  const views = createContainerViews(ctx, { ...entries, ...policies, ...updates, scanLookup: scans.scanLookup });
  const settingsActions = createSettingsActions(ctx, { ...updates, scheduler });
  const queueActions = createQueueActions(ctx, { ...entries, ...updates });

  const sentinel: Sentinel = {
    events: ctx.events,
    settings: ctx.settings,
    queue: ctx.queue,
    history: ctx.history,
    registry: ctx.registry,
    docker: ctx.docker,
    storage: ctx.storage,
    scheduler,
    journal: ctx.journal,

    async start() {
      if (started) return;
      started = true;
      await ctx.watch.start();
    },
    async stop() {
      started = false;
      scheduler.stop();
      ctx.watch.stop();
      recovery.stop();
      scans.stop();
      await sentinel.idle();
      await ctx.storage.flush();
    },
    async idle() {
      for (;;) {
        const scan = scans.current();
        if (!ctx.hasBackgroundWork() && scan === undefined) return;
        await Promise.allSettled([ctx.backgroundIdle(), ...(scan === undefined ? [] : [scan])]);
      }
    },
    engineStatus: (): EngineStatus => ctx.watch.status(),
    probeEngine: () => ctx.watch.probe(),
    recover: () => recovery.recover(),

    ...views,
    startUpdate: updates.startUpdate,
    startUpdateToVersion: updates.startUpdateToVersion,
    startUpdateToImage: updates.startUpdateToImage,
    startRollback: updates.startRollback,

    scan: (scanOptions) => scans.scan(scanOptions),
    startScan() {
      const already = scans.current() !== undefined;
      ctx.runInBackground('scan', () => scans.scan());
      return { started: !already };
    },
    scanInProgress: () => scans.current() !== undefined,

    ...queueActions,
    setPolicy: policies.setPolicy,
    clearPolicy: policies.clearPolicy,
    bulkPolicy: policies.bulkPolicy,
    ...settingsActions,
    listHistory: (query) => ctx.history.list(query),
    exportHistory: () => ctx.history.all(),
  };
  return sentinel;
}

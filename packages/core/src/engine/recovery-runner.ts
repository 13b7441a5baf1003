import { errorMessage } from '../errors/index.js';
import type { Clock } from '../ports/clock.js';
import { queueKey } from '../queue/queue.js';
import { recoverEntry, settleOrphanedAside } from '../journal/recover-journal.js';
import type { EngineContext } from './engine-context.js';
import type { RecoveryReport } from './sentinel-types.js';
import type { QueueEntries } from './queue-entries.js';

/** Recovery passes over the update journal, now and (while entries stay open) again soon. */
export interface RecoveryRunner {
  recover(): Promise<RecoveryReport>;
  /** Try recovery again soon (an entry was left open while its container was busy or the engine away). */
  scheduleRecovery(): void;
  stop(): void;
}

export function createRecoveryRunner(ctx: EngineContext, { dequeue }: Pick<QueueEntries, 'dequeue'>): RecoveryRunner {
  const { clock, logger, watch, engine, docker, events, queue, history, locks, journal, failedUpdates, gate, runInBackground } = ctx;
  let recoveryTimer: ReturnType<Clock['setTimeout']> | undefined;
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
    if (!ctx.isStarted() || recoveryTimer !== undefined) return;
    recoveryTimer = clock.setTimeout(() => {
      recoveryTimer = undefined;
      if (watch.status().connected) runInBackground('recovery', recover);
    }, ctx.options.engineRetryMs ?? 5000);
  };
  return { recover, scheduleRecovery, stop: () => {
    if (recoveryTimer !== undefined) clock.clearTimeout(recoveryTimer);
    recoveryTimer = undefined;
  } };
}

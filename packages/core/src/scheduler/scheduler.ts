import { errorMessage } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import { nextCronRun } from './cron.js';

export interface SchedulerOptions {
  clock: Clock;
  logger: Logger;
  /** Time until the next scheduled run, read afresh each time (settings may change). */
  interval: () => Promise<number>;
  /**
   * A cron schedule that, when non-empty, replaces the interval: runs happen
   * at its times in `timeZone`. Read afresh each time.
   */
  cron?: () => Promise<{ expression: string; timeZone: string }>;
  /** Scheduled runs are skipped while this answers true (manual runs still work). */
  paused: () => Promise<boolean>;
  /** The work: one scan. */
  run: (trigger: 'schedule' | 'startup') => Promise<unknown>;
}

export interface Scheduler {
  /** Run once now (the initial scan) and then on the schedule. */
  start(): void;
  stop(): void;
  /** Re-read the interval or cron schedule and re-arm the timer from now (after a settings change). */
  reschedule(): Promise<void>;
  /** Epoch ms of the next scheduled run, undefined when stopped. */
  nextRunAt(): number | undefined;
}

/** Poll-interval or cron scheduler on an injected clock. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { clock, logger } = options;
  let timer: TimerHandle | undefined;
  let nextAt: number | undefined;
  let running = false;

  /** Epoch ms of the next run from now. */
  const nextTime = async (): Promise<number | undefined> => {
    const now = clock.now();
    const cron = await options.cron?.();
    if (cron !== undefined && cron.expression.trim() !== '') {
      try {
        return nextCronRun(cron.expression, now, cron.timeZone);
      } catch (error) {
        // Stored schedules are validated; if one still fails (zone data changed), fall back to the interval.
        logger.warn('cron schedule unusable; using the poll interval', { error: errorMessage(error) });
      }
    }
    return now + (await options.interval());
  };

  const arm = async (): Promise<void> => {
    if (!running) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    const at = await nextTime();
    if (!running) return;
    // A second arm may have raced this one while the settings were read.
    if (timer !== undefined) clock.clearTimeout(timer);
    nextAt = at;
    if (at === undefined) {
      logger.warn('the cron schedule never fires again; no scheduled scans');
      return;
    }
    timer = clock.setTimeout(() => void fire('schedule'), Math.max(0, at - clock.now()));
  };

  const fire = async (trigger: 'schedule' | 'startup'): Promise<void> => {
    timer = undefined;
    try {
      if (await options.paused()) {
        logger.info('scheduled scan skipped: scanning is paused');
      } else {
        await options.run(trigger);
      }
    } catch (error) {
      logger.error('scheduled scan failed', { error: errorMessage(error) });
    } finally {
      await arm();
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      void fire('startup');
    },
    stop() {
      running = false;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      nextAt = undefined;
    },
    reschedule: arm,
    nextRunAt: () => nextAt,
  };
}

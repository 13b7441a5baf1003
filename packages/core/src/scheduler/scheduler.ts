import { errorMessage } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import type { Clock, TimerHandle } from '../ports/clock.js';

export interface SchedulerOptions {
  clock: Clock;
  logger: Logger;
  /** Time until the next scheduled run, read afresh each time (settings may change). */
  interval: () => Promise<number>;
  /** Scheduled runs are skipped while this answers true (manual runs still work). */
  paused: () => Promise<boolean>;
  /** The work: one scan. */
  run: (trigger: 'schedule' | 'startup') => Promise<unknown>;
}

export interface Scheduler {
  /** Run once now (the initial scan) and then every interval. */
  start(): void;
  stop(): void;
  /** Re-read the interval and re-arm the timer from now (after a settings change). */
  reschedule(): Promise<void>;
  /** Epoch ms of the next scheduled run, undefined when stopped. */
  nextRunAt(): number | undefined;
}

/** Poll-interval scheduler on an injected clock. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { clock, logger } = options;
  let timer: TimerHandle | undefined;
  let nextAt: number | undefined;
  let running = false;

  const arm = async (): Promise<void> => {
    if (!running) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    const ms = await options.interval();
    if (!running) return;
    nextAt = clock.now() + ms;
    timer = clock.setTimeout(() => void fire('schedule'), ms);
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

import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger.js';
import { createManualClock } from '../ports/clock.js';
import { createScheduler } from './scheduler.js';
import { nextCronRun, validateCron } from './cron.js';

describe('cron', () => {
  it('accepts five fields or six with seconds, and refuses the rest', () => {
    expect(validateCron('0  3 * * *')).toBe('0 3 * * *');
    expect(validateCron('*/30 * * * * *')).toBe('*/30 * * * * *');
    for (const bad of ['', '* * *', '61 * * * *', '0 3 * * * * *', 'every day']) expect(() => validateCron(bad), bad).toThrow(/cron schedule/);
  });

  it('computes the next run in a time zone', () => {
    const from = Date.UTC(2025, 0, 1, 0, 0);
    expect(new Date(nextCronRun('0 3 * * *', from) ?? 0).toISOString()).toBe('2025-01-01T03:00:00.000Z');
    expect(new Date(nextCronRun('0 3 * * *', from, 'Europe/Berlin') ?? 0).toISOString()).toBe('2025-01-01T02:00:00.000Z');
  });
});

describe('scheduler', () => {
  it('runs at start, then at the cron times; falls back to the interval without a schedule', async () => {
    const clock = createManualClock(Date.UTC(2025, 0, 1));
    let expression = '0 */2 * * *';
    const runs: number[] = [];
    const scheduler = createScheduler({
      clock,
      logger: silentLogger,
      interval: async () => 45 * 60_000,
      cron: async () => ({ expression, timeZone: 'UTC' }),
      paused: async () => false,
      run: async () => void runs.push(clock.now()),
    });
    scheduler.start();
    await clock.advance(5 * 3_600_000);
    expect(runs.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['00:00', '02:00', '04:00']);
    expression = '';
    await scheduler.reschedule();
    expect(scheduler.nextRunAt()).toBe(clock.now() + 45 * 60_000);
    scheduler.stop();
    expect(scheduler.nextRunAt()).toBeUndefined();
  });
});

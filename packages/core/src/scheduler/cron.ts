import { Cron } from 'croner';
import { errorMessage, InvalidError } from '../errors/index.js';

/** IANA time zone names Intl understands (`UTC`, `Europe/Berlin`); throws `InvalidError` otherwise. */
export function assertTimeZone(timeZone: string): string {
  const tz = timeZone.trim();
  if (tz === '') throw new InvalidError('time zone must not be empty (use UTC or an IANA name such as Europe/Berlin)');
  try {
    // Intl is the arbiter croner uses too: a zone it rejects would break every schedule.
    new Intl.DateTimeFormat('en-US', { timeZone: tz }).format(0);
  } catch {
    throw new InvalidError(`unknown time zone "${timeZone}" (use UTC or an IANA name such as Europe/Berlin)`);
  }
  return tz;
}

function compile(expression: string, timeZone: string): Cron {
  const text = expression.trim().replace(/\s+/g, ' ');
  // `paused` and no callback: croner only computes, it never arms a real timer (time stays on the injected clock).
  return new Cron(text, { paused: true, timezone: timeZone, legacyMode: true });
}

/**
 * Validate a cron expression: five fields (`m h dom mon dow`) or six with
 * seconds first (`s m h dom mon dow`). Returns it normalised (single spaces).
 * Throws `InvalidError` naming what is wrong.
 *
 * @example validateCron('0 3 * * *') // '0 3 * * *'
 */
export function validateCron(expression: string, timeZone = 'UTC'): string {
  const text = expression.trim().replace(/\s+/g, ' ');
  const fields = text.split(' ').length;
  if (fields !== 5 && fields !== 6) throw new InvalidError(`invalid cron schedule "${expression}": use 5 fields (minute hour day month weekday) or 6 with seconds first`);
  let cron: Cron;
  try {
    cron = compile(text, timeZone);
  } catch (error) {
    throw new InvalidError(`invalid cron schedule "${expression}": ${errorMessage(error).replace(/^CronPattern: /, '')}`);
  }
  if (cron.nextRun(new Date(0)) === null) throw new InvalidError(`cron schedule "${expression}" never fires`);
  return text;
}

/** Epoch ms of the first run of `expression` strictly after `from`, or undefined when it never fires again. */
export function nextCronRun(expression: string, from: number, timeZone = 'UTC'): number | undefined {
  return compile(expression, timeZone).nextRun(new Date(from))?.getTime();
}

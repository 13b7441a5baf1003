import { InvalidError } from '../errors/index.js';

const DAY = 24 * 3_600_000;

/** Parse `HH:MM` (24-hour) into hours and minutes; throws `InvalidError`. */
export function parseTimeOfDay(text: string): { hours: number; minutes: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (m === null) throw new InvalidError(`digest_time must be HH:MM (24-hour), got "${text}"`);
  return { hours: Number(m[1]), minutes: Number(m[2]) };
}

/**
 * When the next digest is due, strictly after `afterMs`: the schedule is the
 * series of instants `digest_time` (local time of the process's time zone)
 * plus whole multiples of `intervalMs`. A `24h` interval is "every day at
 * digest_time"; `6h` at 09:00 gives 03:00, 09:00, 15:00 and 21:00. Intervals
 * of whole days step by calendar days, so the wall-clock time holds across
 * daylight-saving changes.
 *
 * @example nextDigestAt(Date.now(), '09:00', 86_400_000)
 */
export function nextDigestAt(afterMs: number, time: string, intervalMs: number): number {
  if (!(intervalMs > 0)) throw new InvalidError('digest interval must be positive');
  const { hours, minutes } = parseTimeOfDay(time);
  const anchor = new Date(afterMs);
  anchor.setHours(hours, minutes, 0, 0);
  if (intervalMs % DAY === 0) {
    const days = intervalMs / DAY;
    const t = new Date(anchor);
    // Walk back to the last slot at or before `afterMs`, then forward one step.
    while (t.getTime() > afterMs) t.setDate(t.getDate() - days);
    while (t.getTime() <= afterMs) t.setDate(t.getDate() + days);
    return t.getTime();
  }
  const base = anchor.getTime();
  const steps = Math.floor((afterMs - base) / intervalMs) + 1;
  return base + steps * intervalMs;
}

import { describe, expect, it } from 'vitest';
import { InvalidError } from '../errors/index.js';
import { nextDigestAt, parseTimeOfDay } from './digest-schedule.js';

const HOUR = 3_600_000;
// Local wall-clock instants, so the expectations hold in any time zone the tests run in.
const local = (d: number, h: number, m = 0): number => new Date(2025, 0, d, h, m).getTime();

describe('nextDigestAt', () => {
  it('is today at digest_time when that is still ahead, else tomorrow (24h interval)', () => {
    expect(nextDigestAt(local(10, 8, 30), '09:00', 24 * HOUR)).toBe(local(10, 9));
    expect(nextDigestAt(local(10, 9, 1), '09:00', 24 * HOUR)).toBe(local(11, 9));
  });

  it('is strictly after the given instant, so a slot that just fired is never picked again', () => {
    expect(nextDigestAt(local(10, 9), '09:00', 24 * HOUR)).toBe(local(11, 9));
  });

  it('spaces shorter intervals from digest_time, before and after it', () => {
    expect(nextDigestAt(local(10, 1), '09:00', 6 * HOUR)).toBe(local(10, 3));
    expect(nextDigestAt(local(10, 9, 30), '09:00', 6 * HOUR)).toBe(local(10, 15));
    expect(nextDigestAt(local(10, 22), '09:00', 6 * HOUR)).toBe(local(11, 3));
  });

  it('steps whole-day intervals by calendar days', () => {
    expect(nextDigestAt(local(10, 10), '09:00', 48 * HOUR)).toBe(local(12, 9));
    expect(nextDigestAt(local(10, 8), '09:00', 48 * HOUR)).toBe(local(10, 9));
  });

  it('refuses malformed times', () => {
    expect(() => parseTimeOfDay('9:00')).toThrow(InvalidError);
    expect(() => parseTimeOfDay('24:00')).toThrow(InvalidError);
    expect(parseTimeOfDay('23:59')).toEqual({ hours: 23, minutes: 59 });
  });
});

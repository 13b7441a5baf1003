import { describe, expect, it } from 'vitest';
import { isWithinWindow, nextWindowOpening, parseMaintenanceWindow } from './maintenance-window.js';

const at = (iso: string): number => Date.parse(iso);

describe('maintenance window', () => {
  it('parses days, ranges, lists and several entries, normalising spacing', () => {
    expect(parseMaintenanceWindow('Sat 02:00-05:00').entries).toEqual([{ days: [6], start: 120, minutes: 180 }]);
    expect(parseMaintenanceWindow('01:00-04:00').entries[0]?.days).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(parseMaintenanceWindow('weekdays 22:00-02:00').entries).toEqual([{ days: [1, 2, 3, 4, 5], start: 1320, minutes: 240 }]);
    expect(parseMaintenanceWindow('Fri-Mon 00:00-24:00').entries[0]).toEqual({ days: [0, 1, 5, 6], start: 0, minutes: 1440 });
    expect(parseMaintenanceWindow('  mon,Wednesday   03:00-04:00 ;  daily 12:00-12:30 ').text).toBe('mon,Wednesday 03:00-04:00; daily 12:00-12:30');
    expect(parseMaintenanceWindow('').entries).toEqual([]);
  });

  it('refuses what it cannot read, explaining the syntax', () => {
    for (const bad of ['Sat', 'Sat 2-5', 'Caturday 02:00-03:00', '25:00-26:00', 'Sat 02:00-05:60', 'Mon-Tue-Wed 01:00-02:00']) {
      expect(() => parseMaintenanceWindow(bad), bad).toThrow(/maintenance window|HH:MM|hours/);
    }
  });

  it('is open inside an entry (start inclusive, end exclusive), including across midnight', () => {
    const w = parseMaintenanceWindow('Sat 02:00-05:00; Fri 23:00-01:00');
    // 2025-01-04 is a Saturday.
    expect(isWithinWindow(w, at('2025-01-04T02:00:00Z'))).toBe(true);
    expect(isWithinWindow(w, at('2025-01-04T04:59:59Z'))).toBe(true);
    expect(isWithinWindow(w, at('2025-01-04T05:00:00Z'))).toBe(false);
    expect(isWithinWindow(w, at('2025-01-04T01:59:00Z'))).toBe(false);
    expect(isWithinWindow(w, at('2025-01-04T00:30:00Z'))).toBe(true);
    expect(isWithinWindow(w, at('2025-01-05T00:30:00Z'))).toBe(false);
    expect(isWithinWindow(parseMaintenanceWindow(''), at('2025-01-05T00:30:00Z'))).toBe(true);
  });

  it('reads times in the configured time zone and names the next opening', () => {
    const w = parseMaintenanceWindow('daily 03:00-04:00');
    // Europe/Berlin: UTC+1 in winter, UTC+2 in summer.
    expect(isWithinWindow(w, at('2025-01-10T02:30:00Z'), 'Europe/Berlin')).toBe(true);
    expect(isWithinWindow(w, at('2025-07-10T01:30:00Z'), 'Europe/Berlin')).toBe(true);
    expect(isWithinWindow(w, at('2025-07-10T02:30:00Z'), 'Europe/Berlin')).toBe(false);
    expect(new Date(nextWindowOpening(w, at('2025-01-10T05:00:00Z'), 'Europe/Berlin') ?? 0).toISOString()).toBe('2025-01-11T02:00:00.000Z');
    expect(nextWindowOpening(parseMaintenanceWindow(''), 0)).toBeUndefined();
  });
});

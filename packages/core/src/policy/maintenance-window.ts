import { Cron } from 'croner';
import { InvalidError } from '../errors/index.js';

/**
 * A maintenance window: when automatic updates may run.
 *
 * Syntax: one or more entries separated by `;`, each `[days] HH:MM-HH:MM`.
 * - days: `daily` (also when omitted), `weekdays` (Mon–Fri), `weekends`
 *   (Sat, Sun), or a comma list of days and ranges: `Sat`, `Mon-Fri`,
 *   `Mon,Wed,Fri`, `Fri-Mon` (wraps). Day names are case-insensitive, three
 *   letters or in full.
 * - times are 24-hour wall-clock times in the configured time zone; the start
 *   is inclusive and the end exclusive. An end at or before the start crosses
 *   midnight and belongs to the start day (`Fri 22:00-02:00` is Friday 22:00 to
 *   Saturday 02:00). `00:00-24:00` is the whole day.
 * - the empty string means no window: automatic updates may run at any time.
 *
 * @example parseMaintenanceWindow('Sat 02:00-05:00; weekdays 01:00-03:30')
 */
export interface MaintenanceWindow {
  /** The text as written (normalised spacing). */
  text: string;
  entries: WindowEntry[];
}

export interface WindowEntry {
  /** Days the window opens on: 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** Minutes after midnight. */
  start: number;
  /** Length in minutes (1 to 1440). */
  minutes: number;
}

const DAY_NAMES: Record<string, number> = {
  sun: 0, sunday: 0,
  mon: 1, monday: 1,
  tue: 2, tues: 2, tuesday: 2,
  wed: 3, wednesday: 3,
  thu: 4, thur: 4, thurs: 4, thursday: 4,
  fri: 5, friday: 5,
  sat: 6, saturday: 6,
};

const SYNTAX = 'use "[days] HH:MM-HH:MM", e.g. "Sat 02:00-05:00", "daily 01:00-04:00" or "Mon-Fri 22:00-02:00"; separate several with ";"';

function parseTime(text: string, allow24: boolean): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (m === null) throw new InvalidError(`invalid time "${text}" in maintenance window: ${SYNTAX}`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (allow24 && h === 24 && min === 0) return 1440;
  if (h > 23 || min > 59) throw new InvalidError(`invalid time "${text}" in maintenance window: hours 00-23, minutes 00-59`);
  return h * 60 + min;
}

function dayOf(name: string): number {
  const d = DAY_NAMES[name.toLowerCase()];
  if (d === undefined) throw new InvalidError(`unknown day "${name}" in maintenance window: ${SYNTAX}`);
  return d;
}

function parseDays(text: string | undefined): number[] {
  if (text === undefined) return [0, 1, 2, 3, 4, 5, 6];
  const t = text.toLowerCase();
  if (t === 'daily' || t === 'everyday' || t === '*') return [0, 1, 2, 3, 4, 5, 6];
  if (t === 'weekdays') return [1, 2, 3, 4, 5];
  if (t === 'weekends') return [0, 6];
  const days = new Set<number>();
  for (const part of t.split(',')) {
    const range = part.split('-');
    if (range.length === 1) days.add(dayOf(part));
    else if (range.length === 2) {
      const from = dayOf(range[0] ?? '');
      const to = dayOf(range[1] ?? '');
      for (let d = from; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === to) break;
      }
    } else throw new InvalidError(`invalid day range "${part}" in maintenance window: ${SYNTAX}`);
  }
  return [...days].sort((a, b) => a - b);
}

/** Parse and validate a maintenance window; throws `InvalidError` explaining the syntax. */
export function parseMaintenanceWindow(input: string): MaintenanceWindow {
  const entries: WindowEntry[] = [];
  const parts = input.split(';').map((p) => p.trim().replace(/\s+/g, ' ')).filter((p) => p !== '');
  if (parts.length > 20) throw new InvalidError('a maintenance window has at most 20 entries');
  for (const part of parts) {
    const m = /^(?:(\S+) )?(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/.exec(part);
    if (m === null) throw new InvalidError(`invalid maintenance window "${part}": ${SYNTAX}`);
    const start = parseTime(m[2] ?? '', false);
    const end = parseTime(m[3] ?? '', true);
    const minutes = end > start ? end - start : end + 1440 - start;
    entries.push({ days: parseDays(m[1]), start, minutes });
  }
  return { text: parts.join('; '), entries };
}

function openings(entry: WindowEntry, timeZone: string): Cron {
  const h = Math.floor(entry.start / 60);
  const m = entry.start % 60;
  // Croner computes wall-clock times in the zone (DST included) without arming any timer.
  return new Cron(`0 ${m} ${h} * * ${entry.days.join(',')}`, { paused: true, timezone: timeZone, legacyMode: true });
}

/** Whether `at` (epoch ms) falls inside the window. An empty window is always open. */
export function isWithinWindow(window: MaintenanceWindow, at: number, timeZone = 'UTC'): boolean {
  if (window.entries.length === 0) return true;
  return window.entries.some((entry) => {
    const length = entry.minutes * 60_000;
    // Inside iff an opening happened in (at - length, at].
    const opened = openings(entry, timeZone).nextRun(new Date(at - length))?.getTime();
    return opened !== undefined && opened <= at;
  });
}

/** Epoch ms when the window next opens after `at`; undefined for an empty window. */
export function nextWindowOpening(window: MaintenanceWindow, at: number, timeZone = 'UTC'): number | undefined {
  let next: number | undefined;
  for (const entry of window.entries) {
    const t = openings(entry, timeZone).nextRun(new Date(at))?.getTime();
    if (t !== undefined && (next === undefined || t < next)) next = t;
  }
  return next;
}

import { HISTORY_CSV_COLUMNS } from '../contract/native.js';
import type { HistoryRecord } from '../contract/native.js';

/** RFC 4180 field quoting. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** History as CSV with the documented columns (`duration_s` in seconds). */
export function historyToCsv(records: readonly HistoryRecord[]): string {
  const lines = [HISTORY_CSV_COLUMNS.join(',')];
  for (const r of records) {
    const row = [
      r.timestamp,
      r.container_name,
      r.type,
      r.old_image,
      r.new_image,
      r.outcome,
      String(Math.round(r.duration / 1e6) / 1e3),
      r.error ?? '',
      r.host_id,
      r.host_name,
    ];
    lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

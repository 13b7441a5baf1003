import type { HistoryRecord } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import type { HistoryListOptions } from '../types.js';

/** `/api/history`: update and rollback records. */
export class HistoryResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/history`: newest first; page with `before` = the last record's `timestamp`. */
  list(options: HistoryListOptions = {}): Promise<HistoryRecord[]> {
    return this.#http.json({ method: 'GET', path: '/api/history', query: { limit: options.limit, before: options.before } });
  }

  /**
   * `GET /api/history/export`: every record, oldest first, as JSON records or
   * as CSV text with the documented columns.
   * @default format 'json'
   */
  export(format: 'csv'): Promise<string>;
  export(format?: 'json'): Promise<HistoryRecord[]>;
  export(format: 'json' | 'csv' = 'json'): Promise<HistoryRecord[] | string> {
    const spec = { method: 'GET', path: '/api/history/export', query: { format } } as const;
    return format === 'csv' ? this.#http.text({ ...spec, headers: { accept: 'text/csv' } }) : this.#http.json<HistoryRecord[]>(spec);
  }
}

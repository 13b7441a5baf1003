import type { ActivityEntry } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';

export interface ActivityListOptions {
  /** 1–1000. @default 100 */
  limit?: number;
  /** Only entries of this type (`scan`, `update`, `rollback`, `queue`, `policy`, `settings`, `webhook`…). */
  type?: string;
}

/** `/api/logs`: the activity log. */
export class ActivityResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/logs`: activity entries, newest first. */
  list(options: ActivityListOptions = {}): Promise<ActivityEntry[]> {
    return this.#http.json({ method: 'GET', path: '/api/logs', query: { limit: options.limit, type: options.type } });
  }
}

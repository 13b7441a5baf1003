import type { ActionResponse, IgnoreResponse, QueueItem } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

/** `/api/queue`, `/api/approve|reject|ignore/{key}`: pending updates. Keys are `name` or `hostID::name`. */
export class QueueResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/queue`: pending updates. */
  list(): Promise<QueueItem[]> {
    return this.#http.json({ method: 'GET', path: '/api/queue' });
  }

  /** `GET /api/queue/count`: how many updates are pending. */
  async count(): Promise<number> {
    return (await this.#http.json<{ count: number }>({ method: 'GET', path: '/api/queue/count' })).count;
  }

  /** `POST /api/approve/{key}`: approve and start the update (in the background). */
  approve(key: string): Promise<ActionResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/approve/${key}` });
  }

  /** `POST /api/reject/{key}`: drop the pending update; it may come back on the next scan. */
  reject(key: string): Promise<ActionResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/reject/${key}` });
  }

  /** `POST /api/ignore/{key}`: ignore the top version for good and drop the pending update. */
  ignore(key: string): Promise<IgnoreResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/ignore/${key}` });
  }
}

import type { AboutResponse } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';

/** `/api/about` and `/metrics`: what this server is and how it is doing. */
export class SystemResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/about`: version, uptime, counts, notification channels, registries. */
  about(): Promise<AboutResponse> {
    return this.#http.json({ method: 'GET', path: '/api/about' });
  }

  /** `GET /metrics`: Prometheus text (404 unless the server runs with `SENTINEL_METRICS=true`). */
  metrics(): Promise<string> {
    return this.#http.text({ method: 'GET', path: '/metrics', headers: { accept: 'text/plain' } });
  }
}

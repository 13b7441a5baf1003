import type { ConfigBackup, ConfigImportResponse, GrafanaDashboard } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';

/** `/api/config/*` and `/api/grafana-dashboard`: configuration backups and the Grafana dashboard. */
export class ConfigResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * `GET /api/config/export`: the whole configuration. Secrets read
   * `***REDACTED***` unless `secrets` is true.
   * @default options.secrets false
   */
  export(options: { secrets?: boolean } = {}): Promise<ConfigBackup> {
    return this.#http.json({ method: 'GET', path: '/api/config/export', query: { secrets: options.secrets === true ? 'true' : undefined } });
  }

  /** `POST /api/config/import`: apply a backup (or part of one); `***REDACTED***` values are skipped. */
  import(backup: Partial<ConfigBackup> | Record<string, unknown>): Promise<ConfigImportResponse> {
    return this.#http.json({ method: 'POST', path: '/api/config/import', json: backup });
  }

  /** `GET /api/grafana-dashboard`: a dashboard model over the served metrics. */
  grafanaDashboard(): Promise<GrafanaDashboard> {
    return this.#http.json({ method: 'GET', path: '/api/grafana-dashboard' });
  }
}

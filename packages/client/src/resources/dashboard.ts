import type { ContainerRowResponse, PortConfigChangeResponse, PortConfigResponse } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';
import type { HostOptions } from '../types.js';

/** What the dashboard renders: a container's row and its port chips' link overrides. */
export class DashboardResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/containers/{name}/row`: the row as escaped HTML plus the stat-card counts. */
  row(name: string, options: HostOptions = {}): Promise<ContainerRowResponse> {
    return this.#http.json({ method: 'GET', path: path`/api/containers/${name}/row`, query: { host: options.host } });
  }

  /** `GET /api/containers/{name}/port-config`: URL overrides by port. */
  portConfig(name: string): Promise<PortConfigResponse> {
    return this.#http.json({ method: 'GET', path: path`/api/containers/${name}/port-config` });
  }

  /** `POST /api/containers/{name}/port-config/{port}`: link the port's chip to `url` (absolute http/https). */
  setPortUrl(name: string, port: number, url: string): Promise<PortConfigChangeResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/containers/${name}/port-config/${port}`, json: { url } });
  }

  /** `DELETE /api/containers/{name}/port-config/{port}`: back to the default link. */
  removePortUrl(name: string, port: number): Promise<PortConfigChangeResponse> {
    return this.#http.json({ method: 'DELETE', path: path`/api/containers/${name}/port-config/${port}` });
  }
}

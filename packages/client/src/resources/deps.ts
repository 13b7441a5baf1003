import type { DependencyGraphBody, DependencyNodeBody } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

/** `/api/deps`: the container dependency graph. */
export class DepsResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/deps`: every container's dependencies and dependents, and a topological `order`. */
  graph(): Promise<DependencyGraphBody> {
    return this.#http.json({ method: 'GET', path: '/api/deps' });
  }

  /** `GET /api/deps/{container}`. */
  get(container: string): Promise<DependencyNodeBody> {
    return this.#http.json({ method: 'GET', path: path`/api/deps/${container}` });
  }
}

import type { ActionResponse, ContainerGhcrResponse, GhcrAlternativesResponse } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';
import type { HostOptions } from '../types.js';

/** GHCR alternatives of Docker Hub images, and the switch to them. */
export class GhcrResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/containers/{name}/ghcr`: whether the container's Docker Hub image is also on ghcr.io, and why not. */
  check(name: string, options: HostOptions = {}): Promise<ContainerGhcrResponse> {
    return this.#http.json({ method: 'GET', path: path`/api/containers/${name}/ghcr`, query: { host: options.host } });
  }

  /** `GET /api/ghcr/alternatives`: every known alternative (cached; a stale cache refreshes in the background). */
  alternatives(): Promise<GhcrAlternativesResponse> {
    return this.#http.json({ method: 'GET', path: '/api/ghcr/alternatives' });
  }

  /** `POST /api/containers/{name}/switch-ghcr`: recreate the container from its ghcr.io image; runs in the background. */
  switch(name: string, options: HostOptions = {}): Promise<ActionResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/containers/${name}/switch-ghcr`, query: { host: options.host } });
  }
}

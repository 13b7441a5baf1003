import type { ReleaseSource } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';

/** `/api/release-sources`: which GitHub repository publishes the release notes of which images. */
export class ReleaseSourcesResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/release-sources`: the mappings, in the order they are tried. */
  list(): Promise<ReleaseSource[]> {
    return this.#http.json({ method: 'GET', path: '/api/release-sources' });
  }

  /** `PUT /api/release-sources`: replace every mapping; answers the saved list. */
  replace(sources: ReleaseSource[]): Promise<ReleaseSource[]> {
    return this.#http.json({ method: 'PUT', path: '/api/release-sources', json: sources });
  }
}

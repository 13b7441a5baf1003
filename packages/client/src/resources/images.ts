import type { ImageBody, PruneImagesResponse, RemoveImageResponse } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

/** `/api/images`: local Docker images. */
export class ImagesResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/images`: every local image, newest first. */
  list(): Promise<ImageBody[]> {
    return this.#http.json({ method: 'GET', path: '/api/images' });
  }

  /** `POST /api/images/prune`: remove dangling images; answers what was removed and the bytes reclaimed. */
  prune(): Promise<PruneImagesResponse> {
    return this.#http.json({ method: 'POST', path: '/api/images/prune' });
  }

  /** `DELETE /api/images/{id}`: `sha256:<hex>` or at least 12 hex characters; `ConflictError` while a container uses it. */
  remove(id: string): Promise<RemoveImageResponse> {
    return this.#http.json({ method: 'DELETE', path: path`/api/images/${id}` });
  }
}

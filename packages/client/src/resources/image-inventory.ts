import type {
  ImageFacetRequest,
  ImageFacetResponse,
  ImageInventoryStatus,
  ImageScanRequest,
  ImageScanResponse,
  ImageSearchRequest,
  ImageSearchResponse,
  RepositorySearchRequest,
  RepositorySearchResponse,
} from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

/** Per-call options of the image inventory surface (seed 002). */
export interface ImageInventoryCallOptions {
  /**
   * `X-AUTH-TOKEN` value, `<secret>/<id>` of an API-scoped key. Alternatively set it once in the
   * client's `headers`. The client must then not carry `token`: `Authorization` wins over `X-AUTH-TOKEN`.
   */
  authToken?: string;
  signal?: AbortSignal;
}

const inventoryPath = (orgKey: string, rest: 'repositories/_search' | 'images/_search' | 'images/_facet'): string =>
  `${path`/containers/v1beta/orgs/${orgKey}`}/inventory/${rest}`;

/**
 * The container image inventory: seed 002's search and facet API
 * (`/containers/v1beta/orgs/{org_key}/inventory/…`, `X-AUTH-TOKEN`) and the
 * native routes that trigger and show image scans (`/api/images/scan`).
 */
export class ImageInventoryResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  #call<T>(method: 'POST', target: string, body: unknown, options: ImageInventoryCallOptions): Promise<T> {
    return this.#http.json({
      method,
      path: target,
      json: body,
      ...(options.authToken === undefined ? {} : { headers: { 'x-auth-token': options.authToken } }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /** `POST …/inventory/repositories/_search`: repositories with `all_tags`, `scanned_tags`, `last_scan_time`. */
  searchRepositories(orgKey: string, request: RepositorySearchRequest = {}, options: ImageInventoryCallOptions = {}): Promise<RepositorySearchResponse> {
    return this.#call('POST', inventoryPath(orgKey, 'repositories/_search'), request, options);
  }

  /** `POST …/inventory/images/_search`: images matching `query` and `criteria`, sorted and paged. */
  searchImages(orgKey: string, request: ImageSearchRequest = {}, options: ImageInventoryCallOptions = {}): Promise<ImageSearchResponse> {
    return this.#call('POST', inventoryPath(orgKey, 'images/_search'), request, options);
  }

  /** `POST …/inventory/images/_facet`: counts per value of `terms.fields`. */
  facetImages(orgKey: string, request: ImageFacetRequest, options: ImageInventoryCallOptions = {}): Promise<ImageFacetResponse> {
    return this.#call('POST', inventoryPath(orgKey, 'images/_facet'), request, options);
  }

  /** `POST /api/images/scan`: queue scans (by default, every image not scanned yet); answers 202 with what was queued. */
  scan(request: ImageScanRequest = {}): Promise<ImageScanResponse> {
    return this.#http.json({ method: 'POST', path: '/api/images/scan', json: request });
  }

  /** `GET /api/images/scan`: images by scan status, running scans, registry catalogues, recent failures. */
  scanStatus(): Promise<ImageInventoryStatus> {
    return this.#http.json({ method: 'GET', path: '/api/images/scan' });
  }
}

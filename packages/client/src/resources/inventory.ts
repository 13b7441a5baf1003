import type {
  AgentReportBody,
  AgentReportResponse,
  AssetPage,
  AssetProducts,
  AssetSummary,
  AssetVulnerabilities,
  FeedImportResult,
  FeedSource,
  FleetProductPage,
  InventoryVulnerability,
} from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

export interface AssetListOptions {
  /** 1-based. @default 1 */
  page?: number;
  /** @default 50, at most 200 */
  per_page?: number;
  organization_id?: number;
  kind?: 'host' | 'docker_host' | 'image';
  /** Hostname substring. */
  q?: string;
  /** Only assets with (true) or without (false) vulnerabilities. */
  vulnerable?: boolean;
}

export interface ProductListOptions {
  page?: number;
  per_page?: number;
  /** Name or vendor substring. */
  q?: string;
  vulnerable?: boolean;
  organization_id?: number;
}

/** Where a feed import reads its feed: a URL the server downloads. */
export interface FeedUrlImport {
  source: FeedSource;
  url: string;
  /** KEV: the document is the whole catalogue. @default true */
  full?: boolean;
}

/**
 * Software inventory: agent reports (seed 000), the assets and products they
 * created with what each matched, and vulnerability feed imports.
 */
export class InventoryResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * `POST /api/agent/report` with `X-Agent-Key`: a full report (`software`) or
   * a delta (`delta: true`, `software_added` / `software_removed`).
   */
  report(report: AgentReportBody, options: { agentKey: string; signal?: AbortSignal }): Promise<AgentReportResponse> {
    return this.#http.json({
      method: 'POST',
      path: '/api/agent/report',
      json: report,
      headers: { 'x-agent-key': options.agentKey },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /** `GET /api/assets`: one page of assets with a summary of their matches. */
  assets(options: AssetListOptions = {}): Promise<AssetPage> {
    return this.#http.json({ method: 'GET', path: '/api/assets', query: { ...options } });
  }

  /** `GET /api/assets/{id}`. */
  asset(id: number): Promise<AssetSummary> {
    return this.#http.json({ method: 'GET', path: path`/api/assets/${id}` });
  }

  /** `GET /api/assets/{id}/products`: the asset's products, each with the vulnerabilities it matched. */
  assetProducts(id: number, options: { vulnerable?: boolean } = {}): Promise<AssetProducts> {
    return this.#http.json({ method: 'GET', path: path`/api/assets/${id}/products`, query: { ...options } });
  }

  /** `GET /api/assets/{id}/vulnerabilities`: vulnerabilities found on the asset, most severe first. */
  assetVulnerabilities(id: number): Promise<AssetVulnerabilities> {
    return this.#http.json({ method: 'GET', path: path`/api/assets/${id}/vulnerabilities` });
  }

  /** `GET /api/products`: products across the fleet, with their assets and matches. */
  products(options: ProductListOptions = {}): Promise<FleetProductPage> {
    return this.#http.json({ method: 'GET', path: '/api/products', query: { ...options } });
  }

  /** `GET /api/inventory/vulnerabilities/{id}`: a record (CVE or advisory id) and the assets it was found on. */
  vulnerability(id: string): Promise<InventoryVulnerability> {
    return this.#http.json({ method: 'GET', path: path`/api/inventory/vulnerabilities/${id}` });
  }

  /** `POST /api/vulnerabilities/import` `{"source","url"}`: the server downloads and imports a feed. */
  importFromUrl(request: FeedUrlImport): Promise<FeedImportResult> {
    return this.#http.json({ method: 'POST', path: '/api/vulnerabilities/import', json: request });
  }

  /** `POST /api/vulnerabilities/import?source=…` with the feed document as the body. */
  importDocument(source: FeedSource, document: unknown, options: { full?: boolean } = {}): Promise<FeedImportResult> {
    return this.#http.json({ method: 'POST', path: '/api/vulnerabilities/import', query: { source, ...options }, json: document });
  }
}

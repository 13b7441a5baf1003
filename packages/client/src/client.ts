import type { LastScanResponse, MessageResponse, StatsResponse } from '@sentinel-kit/core/contract';
import { Transport } from './internal/transport.js';
import type { FetchLike, RequestSpec } from './internal/transport.js';
import { ContainersResource } from './resources/containers.js';
import { EventsResource } from './resources/events.js';
import { HistoryResource } from './resources/history.js';
import { PolicyResource } from './resources/policy.js';
import { QueueResource } from './resources/queue.js';
import { AuthResource } from './resources/auth.js';
import { UsersResource } from './resources/users.js';
import { RegistriesResource } from './resources/registries.js';
import { ImagesResource } from './resources/images.js';
import { GhcrResource } from './resources/ghcr.js';
import { DashboardResource } from './resources/dashboard.js';
import { SettingsResource } from './resources/settings.js';
import { HooksResource } from './resources/hooks.js';
import { DepsResource } from './resources/deps.js';
import { WebhooksResource } from './resources/webhooks.js';
import { ActivityResource } from './resources/activity.js';
import { ReleaseSourcesResource } from './resources/release-sources.js';
import { ConfigResource } from './resources/config.js';
import { SystemResource } from './resources/system.js';
import { NotificationsResource } from './resources/notifications.js';
import { DigestResource } from './resources/digest.js';
import { V1Resource } from './resources/v1.js';
import { PasskeysResource } from './resources/passkeys.js';
import { OidcResource } from './resources/oidc.js';
import { AgentKeysResource } from './resources/agent-keys.js';
import { InventoryResource } from './resources/inventory.js';
import { ImageInventoryResource } from './resources/image-inventory.js';
import type { HealthResponse } from './types.js';

export interface SentinelClientOptions {
  /** Where the server is, e.g. `http://localhost:8080` (a path prefix is kept). */
  baseUrl: string;
  /** API token (`sntkn_...`), sent as `Authorization: Bearer <token>`. Never stored on errors. */
  token?: string;
  /** The `fetch` to use: inject one for tests (`app.request`) or custom transports. @default globalThis.fetch */
  fetch?: FetchLike;
  /** Time allowed until response headers arrive. @default 30000 */
  timeoutMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Retries of a failed GET (network error, 408/429/5xx); other methods are never retried. @default 1 */
  retry?: number;
  /** Session CSRF token, sent as `X-CSRF-Token` on POST/PUT/PATCH/DELETE; a function is read per request. */
  csrfToken?: string | (() => string | undefined);
}

/**
 * Typed client for the native API. Methods are grouped by resource and
 * throw `ApiError` subclasses (by status), `NetworkError` or `TimeoutError`.
 */
export class SentinelClient {
  readonly containers: ContainersResource;
  readonly queue: QueueResource;
  readonly policy: PolicyResource;
  readonly history: HistoryResource;
  readonly events: EventsResource;
  /** Setup, login/logout (the session is kept in the client), sessions, API tokens, TOTP. */
  readonly auth: AuthResource;
  /** Users and roles (users.manage). */
  readonly users: UsersResource;
  /** Registry credentials and rate limits. */
  readonly registries: RegistriesResource;
  readonly images: ImagesResource;
  /** GHCR alternatives of Docker Hub images. */
  readonly ghcr: GhcrResource;
  /** Dashboard rows and port-chip overrides. */
  readonly dashboard: DashboardResource;
  /** Runtime settings: read all, change one at a time. */
  readonly settings: SettingsResource;
  /** Pre-update and post-update hooks of containers. */
  readonly hooks: HooksResource;
  /** The container dependency graph. */
  readonly deps: DepsResource;
  /** Inbound webhooks: deliver a push, turn them on, rotate the secret. */
  readonly webhooks: WebhooksResource;
  /** The activity log (`/api/logs`). */
  readonly activity: ActivityResource;
  /** Release-note source mappings. */
  readonly releaseSources: ReleaseSourcesResource;
  /** Configuration export/import and the Grafana dashboard. */
  readonly config: ConfigResource;
  /** About this server and its Prometheus metrics. */
  readonly system: SystemResource;
  /** Notification channels, templates, per-container modes and dedup states. */
  readonly notifications: NotificationsResource;
  /** The digest of pending updates and its banner. */
  readonly digest: DigestResource;
  /** The audit & compliance API (`/api/v1`): tokens, API keys, systems, enrollment, audits, compliance, vulnerabilities, webhooks. */
  readonly v1: V1Resource;
  /** Passkey (WebAuthn) registration, sign-in and management. */
  readonly passkeys: PasskeysResource;
  /** Single sign-on (OpenID Connect): availability, the login flow as JSON, admin settings. */
  readonly oidc: OidcResource;
  /** Agent keys (`sk_agent_…`) for inventory reports. */
  readonly agentKeys: AgentKeysResource;
  /** Inventory reports, assets, products and their vulnerabilities, feed imports. */
  readonly inventory: InventoryResource;
  /** Container image inventory (seed 002 search and facets, `X-AUTH-TOKEN`) and image scans. */
  readonly imageInventory: ImageInventoryResource;
  readonly #http: Transport;

  constructor(options: SentinelClientOptions) {
    this.#http = new Transport({
      baseUrl: options.baseUrl,
      token: options.token,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeoutMs: options.timeoutMs ?? 30_000,
      headers: options.headers ?? {},
      retry: Math.max(0, options.retry ?? 1),
      csrfToken: options.csrfToken,
    });
    this.containers = new ContainersResource(this.#http);
    this.queue = new QueueResource(this.#http);
    this.policy = new PolicyResource(this.#http);
    this.history = new HistoryResource(this.#http);
    this.events = new EventsResource(this.#http);
    this.auth = new AuthResource(this.#http);
    this.users = new UsersResource(this.#http);
    this.webhooks = new WebhooksResource(this.#http);
    this.activity = new ActivityResource(this.#http);
    this.releaseSources = new ReleaseSourcesResource(this.#http);
    this.config = new ConfigResource(this.#http);
    this.system = new SystemResource(this.#http);
    this.registries = new RegistriesResource(this.#http);
    this.images = new ImagesResource(this.#http);
    this.ghcr = new GhcrResource(this.#http);
    this.dashboard = new DashboardResource(this.#http);
    this.settings = new SettingsResource(this.#http);
    this.hooks = new HooksResource(this.#http);
    this.deps = new DepsResource(this.#http);
    this.notifications = new NotificationsResource(this.#http);
    this.digest = new DigestResource(this.#http);
    this.v1 = new V1Resource(this.#http);
    this.agentKeys = new AgentKeysResource(this.#http);
    this.inventory = new InventoryResource(this.#http);
    this.imageInventory = new ImageInventoryResource(this.#http);
    this.passkeys = new PasskeysResource(this.#http);
    this.oidc = new OidcResource(this.#http);
  }

  /** `GET /api/stats`: counts for the dashboard cards. */
  stats(): Promise<StatsResponse> {
    return this.#http.json({ method: 'GET', path: '/api/stats' });
  }

  /** `GET /api/last-scan`: when the last scan finished (`null` before the first). */
  lastScan(): Promise<LastScanResponse> {
    return this.#http.json({ method: 'GET', path: '/api/last-scan' });
  }

  /** `POST /api/scan`: start a full scan in the background (or join the running one). */
  scan(): Promise<MessageResponse> {
    return this.#http.json({ method: 'POST', path: '/api/scan' });
  }

  /** `GET /api/health`: liveness and Docker engine status (public). */
  health(): Promise<HealthResponse> {
    return this.#http.json({ method: 'GET', path: '/api/health' });
  }

  /**
   * Call an endpoint this client has no method for yet, with the same headers,
   * retries and errors. Build `path` with the `path` tag.
   */
  request<T>(spec: RequestSpec): Promise<T> {
    return this.#http.json<T>(spec);
  }
}

/**
 * Create a client for a Sentinel Kit server.
 * @example
 * const client = createSentinelClient({ baseUrl: 'http://localhost:8080', token: process.env.SENTINEL_TOKEN });
 * const pending = await client.queue.list();
 */
export function createSentinelClient(options: SentinelClientOptions): SentinelClient {
  return new SentinelClient(options);
}

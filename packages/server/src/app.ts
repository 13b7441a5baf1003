import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { silentLogger, systemClock } from '@sentinel-kit/core';
import type { Clock, FetchLike, Logger, Sentinel } from '@sentinel-kit/core';
import { createAuthService } from '@sentinel-kit/core';
import type { AuthService, AuthServiceOptions } from '@sentinel-kit/core';
import { createAuthorizer } from './auth/authorizer.js';
import { setAuthContext } from './auth/context.js';
import { setupGate } from './auth/setup-gate.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerUserRoutes } from './routes/users.js';
import { registerPasskeyRoutes } from './routes/passkeys.js';
import type { PasskeyOptions } from './auth/passkeys.js';
import { registerOidcRoutes } from './routes/oidc.js';
import type { OidcOptions } from './auth/oidc.js';
import type { RouteContext } from './http/app-types.js';
import { errorResponse, surfaceErrorResponse, validationErrorResponse } from './http/error-handler.js';
import { AUTHORIZER_KEY } from './http/route.js';
import type { Authorizer } from './http/route.js';
import { registerActionRoutes } from './routes/actions.js';
import { registerContainerRoutes } from './routes/containers.js';
import { registerEventRoutes } from './routes/events.js';
import type { EventStreamOptions } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerHistoryRoutes } from './routes/history.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerPolicyRoutes } from './routes/policy.js';
import { registerQueueRoutes } from './routes/queue.js';
import { registerRegistryRoutes } from './routes/registries.js';
import { registerImageRoutes } from './routes/images.js';
import { registerGhcrRoutes } from './routes/ghcr.js';
import { registerContainerExtraRoutes } from './routes/container-extras.js';
import { registerActivityRoutes } from './routes/activity.js';
import { registerWebhookRoutes } from './routes/webhook.js';
import { registerReleaseSourceRoutes } from './routes/release-sources.js';
import { registerAboutRoutes } from './routes/about.js';
import { CONFIG_IMPORT_PATH, registerConfigTransferRoutes } from './routes/config-transfer.js';
import { registerSettingsRoutes } from './routes/settings.js';
import { registerHooksRoutes } from './routes/hooks.js';
import { registerDepsRoutes } from './routes/deps.js';
import { registerNotificationRoutes } from './routes/notifications.js';
import { registerDigestRoutes } from './routes/digest.js';
import { AGENT_REPORT_PATH, registerAgentReportRoutes } from './routes/agent-report.js';
import type { AgentReportOptions } from './routes/agent-report.js';
import { registerAgentKeyRoutes } from './routes/agent-keys.js';
import { registerInventoryQueryRoutes } from './routes/inventory-query.js';
import { VULNERABILITY_IMPORT_PATH, registerVulnerabilityImportRoutes } from './routes/vulnerability-import.js';
import type { VulnerabilityImportOptions } from './routes/vulnerability-import.js';
import { registerV1Routes } from './routes/v1/index.js';
import type { ApiV1Options } from './routes/v1/index.js';
import { registerImageInventoryRoutes } from './routes/image-inventory.js';
import type { ImageInventoryOptions } from './inventory/image-inventory-services.js';
import { provideInventoryServices } from './inventory/inventory-services.js';
import type { VulnerabilityStore } from '@sentinel-kit/core';
import { registryCredentialsConfigSection } from '@sentinel-kit/core';
import type { RegistryCredentialStore } from '@sentinel-kit/core';
import { SERVER_VERSION } from './version.js';
import { registerDashboard } from './dashboard/index.js';

export interface AppOptions {
  sentinel: Sentinel;
  logger?: Logger;
  /**
   * Decides access to each route from its declared permission.
   * @default the auth service's authorizer (session cookie or credential header → principal → permission)
   */
  authorize?: Authorizer;
  /** Users, sessions and credentials. @default `createAuthService()` over the engine's storage */
  auth?: AuthService;
  /**
   * Authentication until an admin changes it (`POST /api/auth/settings`, stored):
   * `enabled` (first run requires `POST /setup`) or `disabled` (every route open).
   * Ignored when `auth` is given. @default 'enabled'
   */
  authMode?: 'enabled' | 'disabled';
  /** Options of the default auth service: password cost, session lifetimes, login throttle, TOTP issuer. */
  authOptions?: Omit<AuthServiceOptions, 'storage' | 'clock' | 'logger' | 'enabledByDefault'>;
  /** Believe `X-Forwarded-Proto` / `X-Forwarded-For` from a reverse proxy (Secure cookies, client IPs for throttling). @default false */
  trustProxy?: boolean;
  /** Largest accepted request body. @default 1 MiB */
  bodyLimitBytes?: number;
  sse?: EventStreamOptions;
  /** @default Date.now() */
  startedAt?: number;
  /** Serve `/metrics`. @default false */
  metrics?: boolean;
  /** Outbound HTTP for notification channels, connectors… @default globalThis.fetch */
  fetch?: FetchLike;
  /** @default systemClock */
  clock?: Clock;
  /** The registry credential store the engine was created with (`createSentinel({ credentials: (r) => store.lookup(r) })`); served at `/api/settings/registries`. */
  registryCredentials?: RegistryCredentialStore;
  /** Data directory shown by `GET /api/about`. @default '' */
  dataDirectory?: string;
  /** Build commit shown by `GET /api/about`. @default `SENTINEL_COMMIT`, else 'unknown' */
  commit?: string;
  /** The Docker engine address the server uses (what `POST /api/settings/docker-tls-test` tries by default). @default `DOCKER_HOST` */
  dockerHost?: string;
  /** Passkeys: relying-party id and origin(s) (`SENTINEL_RP_ID`, `SENTINEL_ORIGIN`). @default derived from each request's host */
  passkeys?: PasskeyOptions;
  /** Single sign-on: whether an `http://` issuer is allowed (`SENTINEL_OIDC_ALLOW_HTTP`), timeouts. */
  oidc?: OidcOptions;
  /** Inventory reports (`POST /api/agent/report`): per-key rate limit (default 60/minute) and body limit (default 10 MB). */
  agentReports?: AgentReportOptions;
  /** Vulnerability feed imports (`POST /api/vulnerabilities/import`): feed size limit (default 1 GiB) and download deadline. */
  vulnerabilityImport?: VulnerabilityImportOptions;
  /** Image inventory and scanning (seed 002, `POST /api/images/scan`): scan concurrency, refresh interval, extra registries, platform. */
  imageInventory?: Omit<ImageInventoryOptions, 'registryCredentials'>;
  /** The audit & compliance API (`/api/v1`): rate limits (100/min per address, 1000/h per user), token lifetime, offline threshold, webhook retries. */
  apiV1?: ApiV1Options;
  /** Where vulnerability records live; the caller opens and closes it. @default createMemoryVulnerabilityStore() */
  vulnerabilityStore?: VulnerabilityStore;
}

/** The Hono app plus its lifecycle: `start()` once serving, `close()` on shutdown. */
export type SentinelApp = OpenAPIHono & {
  start(): Promise<void>;
  close(): Promise<void>;
};

/** Authentication disabled: every route is open, as the native API documents. */
export const allowAll: Authorizer = async () => undefined;

/**
 * Build the Hono app serving the documented API over a Sentinel engine.
 * Mount it on any runtime: `serve({ fetch: app.fetch })`, or call
 * `app.request()` in tests.
 */
export function createApp(options: AppOptions): SentinelApp {
  const logger = options.logger ?? silentLogger;
  const auth =
    options.auth ??
    createAuthService({ ...options.authOptions, storage: options.sentinel.storage, clock: options.clock ?? systemClock, logger, enabledByDefault: (options.authMode ?? 'enabled') === 'enabled' });
  const authorize = options.authorize ?? createAuthorizer(auth);
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return validationErrorResponse(c, result.error);
      return undefined;
    },
  });

  app.use('*', async (c, next) => {
    c.set(AUTHORIZER_KEY as never, authorize as never);
    await next();
  });
  app.use('*', async (c, next) => {
    setAuthContext(c, { auth, trustProxy: options.trustProxy ?? false });
    await next();
  });
  registerDashboard(app);
  app.use('*', setupGate(auth));
  const appBodyLimit = bodyLimit({
    maxSize: options.bodyLimitBytes ?? 1024 * 1024,
    onError: (c) => errorResponse(c, 413, `request body too large (limit ${options.bodyLimitBytes ?? 1024 * 1024} bytes)`),
  });
  // Routes with their own body limit, set in their route files: the config import (5 MB, as
  // documented), inventory reports (10 MB) and streamed vulnerability feeds.
  const ownBodyLimit = new Set([CONFIG_IMPORT_PATH, AGENT_REPORT_PATH, VULNERABILITY_IMPORT_PATH]);
  app.use('/api/*', async (c, next) => (ownBodyLimit.has(c.req.path) ? next() : appBodyLimit(c, next)));

  const starters: Array<() => void | Promise<void>> = [];
  const closers: Array<() => void | Promise<void>> = [];
  const ctx: RouteContext = {
    sentinel: options.sentinel,
    auth,
    logger,
    clock: options.clock ?? systemClock,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    onStart: (fn) => void starters.push(fn),
    onClose: (fn) => void closers.push(fn),
  };
  provideInventoryServices(ctx, { ...(options.vulnerabilityStore === undefined ? {} : { vulnerabilityStore: options.vulnerabilityStore }) });
  registerAuthRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerPasskeyRoutes(app, ctx, options.passkeys);
  registerOidcRoutes(app, ctx, options.oidc);
  registerHealthRoutes(app, ctx, { version: SERVER_VERSION, startedAt: options.startedAt ?? Date.now() });
  registerContainerRoutes(app, ctx);
  registerActionRoutes(app, ctx);
  registerQueueRoutes(app, ctx);
  registerPolicyRoutes(app, ctx);
  registerHistoryRoutes(app, ctx);
  registerEventRoutes(app, ctx, options.sse);
  registerRegistryRoutes(app, ctx, { credentials: options.registryCredentials });
  registerImageRoutes(app, ctx);
  registerGhcrRoutes(app, ctx);
  registerContainerExtraRoutes(app, ctx);
  registerActivityRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerReleaseSourceRoutes(app, ctx);
  registerAboutRoutes(app, ctx, { version: SERVER_VERSION, startedAt: options.startedAt ?? Date.now(), commit: options.commit, dataDirectory: options.dataDirectory, credentialRegistries: () => options.registryCredentials?.registries() ?? [] });
  registerConfigTransferRoutes(app, ctx, { registries: options.registryCredentials === undefined ? undefined : registryCredentialsConfigSection(options.registryCredentials) });
  registerSettingsRoutes(app, ctx, { dockerHost: options.dockerHost });
  registerHooksRoutes(app, ctx);
  registerDepsRoutes(app, ctx);
  registerNotificationRoutes(app, ctx);
  registerDigestRoutes(app, ctx);
  registerAgentReportRoutes(app, ctx, options.agentReports);
  registerAgentKeyRoutes(app, ctx);
  registerInventoryQueryRoutes(app, ctx);
  registerVulnerabilityImportRoutes(app, ctx, options.vulnerabilityImport);
  registerV1Routes(app, ctx, options.apiV1);
  registerImageInventoryRoutes(app, ctx, { ...options.imageInventory, registryCredentials: options.registryCredentials });
  registerMetricsRoutes(app, ctx, { enabled: options.metrics ?? false });

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Sentinel Kit API', version: SERVER_VERSION, description: 'The documented Docker Sentinel native API, served by Sentinel Kit.' },
  });

  app.notFound((c) => errorResponse(c, 404, `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => surfaceErrorResponse(error, c, logger));

  let started = false;
  return Object.assign(app, {
    async start() {
      if (started) return;
      started = true;
      for (const fn of starters) await fn();
    },
    async close() {
      // Closers run in reverse registration order, like a stack of resources.
      for (const fn of [...closers].reverse()) {
        try {
          await fn();
        } catch (error) {
          logger.warn('shutdown step failed', { error: error instanceof Error ? error.message : String(error) });
        }
      }
    },
  });
}

import { errorMessage } from '@sentinel-kit/core';
import type { RouteContext } from '../http/app-types.js';
import { registerBearerVerifier } from '../auth/authorizer.js';
import { imageInventoryFor } from '../inventory/image-inventory-services.js';
import { inventoryFor } from '../inventory/inventory-services.js';
import { SERVER_VERSION } from '../version.js';
import { createAuditRunner } from './audit-runner.js';
import type { AuditRunner } from './audit-runner.js';
import { createAuditStore } from './audit-store.js';
import type { AuditStore } from './audit-store.js';
import { createEnrollmentService } from './enrollment.js';
import type { EnrollmentService } from './enrollment.js';
import { createFleetMonitor } from './fleet-monitor.js';
import type { FleetMonitor } from './fleet-monitor.js';
import { assetImageScans, firstImageScan, imageInventoryScans } from './image-scans.js';
import { createApiTokenIssuer } from './jwt.js';
import type { ApiTokenIssuer } from './jwt.js';
import type { RateLimitOptions } from './rate-limiter.js';
import { createSystemsService } from './systems.js';
import type { SystemsService } from './systems.js';
import { createWebhookDeliverer } from './webhook-deliverer.js';
import type { WebhookDeliverer } from './webhook-deliverer.js';

/** Options of the audit & compliance API (`/api/v1`, seed 004). */
export interface ApiV1Options {
  /** Requests per client address per minute and per user per hour (`0` turns one off; `false` both). @default { perIpPerMinute: 100, perUserPerHour: 1000 } */
  rateLimit?: RateLimitOptions | false;
  /** Lifetime of the JWTs of `POST /api/v1/auth/token`, in seconds. @default 86400 */
  tokenTtlSeconds?: number;
  /** A system silent this long is `offline` and raises `agent.offline`. @default 15 min */
  offlineAfterMs?: number;
  /** How often systems are checked for `agent.offline` and new critical matches. @default 60 s */
  monitorIntervalMs?: number;
  /** Waits between webhook delivery attempts; attempts stop after the last. @default [10 s, 60 s, 5 min, 30 min] */
  webhookRetryDelaysMs?: number[];
  /** Time allowed per webhook delivery attempt. @default 10 s */
  webhookTimeoutMs?: number;
  /** An image this many releases behind its newest version is far behind (audit check `docker.image_outdated`). @default 3 */
  outdatedReleases?: number;
}

/** Reads `ApiV1Options` from `SENTINEL_API_RATE_LIMIT_IP`, `SENTINEL_API_RATE_LIMIT_USER`, `SENTINEL_API_TOKEN_TTL`, `SENTINEL_AGENT_OFFLINE_MINUTES`. Unset or invalid values keep the defaults. */
export function apiV1OptionsFromEnv(env: Record<string, string | undefined>): ApiV1Options {
  const int = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '' || !/^\d+$/.test(raw)) return undefined;
    return Number(raw);
  };
  const perIp = int('SENTINEL_API_RATE_LIMIT_IP');
  const perUser = int('SENTINEL_API_RATE_LIMIT_USER');
  const ttl = int('SENTINEL_API_TOKEN_TTL');
  const offline = int('SENTINEL_AGENT_OFFLINE_MINUTES');
  return {
    ...(perIp === undefined && perUser === undefined ? {} : { rateLimit: { ...(perIp === undefined ? {} : { perIpPerMinute: perIp }), ...(perUser === undefined ? {} : { perUserPerHour: perUser }) } }),
    ...(ttl === undefined || ttl === 0 ? {} : { tokenTtlSeconds: ttl }),
    ...(offline === undefined || offline === 0 ? {} : { offlineAfterMs: offline * 60_000 }),
  };
}

/** Everything behind the `/api/v1` routes of one app. */
export interface V1Services {
  readonly options: ApiV1Options;
  readonly tokens: ApiTokenIssuer;
  readonly enrollment: EnrollmentService;
  readonly systems: SystemsService;
  readonly audits: AuditStore;
  readonly auditRunner: AuditRunner;
  readonly webhooks: WebhookDeliverer;
  readonly monitor: FleetMonitor;
}

const perApp = new WeakMap<RouteContext['sentinel'], V1Services>();

/**
 * The `/api/v1` services of an app (one per engine): created on first use,
 * started with the app (webhook retries resumed, fleet monitor armed) and
 * stopped with it.
 */
export function v1ServicesFor(ctx: RouteContext, options: ApiV1Options = {}): V1Services {
  const existing = perApp.get(ctx.sentinel);
  if (existing !== undefined) return existing;
  const { sentinel, clock, logger, auth } = ctx;
  const storage = sentinel.storage;
  const inventory = inventoryFor(ctx);
  const offlineAfterMs = options.offlineAfterMs ?? 15 * 60_000;
  const tokens = createApiTokenIssuer({ storage, clock, auth, ...(options.tokenTtlSeconds === undefined ? {} : { ttlSeconds: options.tokenTtlSeconds }) });
  registerBearerVerifier(auth, tokens);
  const audits = createAuditStore(storage);
  const systems = createSystemsService({ inventory, docker: sentinel.docker, clock, logger, audits, offlineAfterMs });
  const webhooks = createWebhookDeliverer({
    storage,
    clock,
    fetch: ctx.fetch,
    logger,
    userAgent: `SentinelKit-Webhooks/${SERVER_VERSION}`,
    ...(options.webhookRetryDelaysMs === undefined ? {} : { retryDelaysMs: options.webhookRetryDelaysMs }),
    ...(options.webhookTimeoutMs === undefined ? {} : { timeoutMs: options.webhookTimeoutMs }),
  });
  const monitor = createFleetMonitor({
    storage,
    clock,
    logger,
    inventory,
    systems,
    audits,
    webhooks,
    offlineAfterMs,
    ...(options.monitorIntervalMs === undefined ? {} : { intervalMs: options.monitorIntervalMs }),
  });
  const auditRunner = createAuditRunner({
    sentinel,
    inventory,
    systems,
    audits,
    clock,
    logger,
    // The image inventory is looked up when an audit runs: its own routes create it with their options.
    defaultImageScans: firstImageScan(imageInventoryScans(() => imageInventoryFor(ctx).entries(), inventory.vulnerabilities), assetImageScans(inventory)),
    ...(options.outdatedReleases === undefined ? {} : { outdatedReleases: options.outdatedReleases }),
    async onCompleted(audit, asset) {
      await webhooks.emit('audit.completed', {
        audit_id: audit.id,
        agent_id: audit.agent_id,
        hostname: audit.hostname,
        system_kind: audit.system_kind,
        completed_at: audit.completed_at,
        score: audit.score,
        summary: audit.summary,
      });
      await monitor.afterAudit(audit, asset);
    },
  });
  const services: V1Services = {
    options,
    tokens,
    enrollment: createEnrollmentService({ storage, clock, auth, assets: inventory.assets }),
    systems,
    audits,
    auditRunner,
    webhooks,
    monitor,
  };
  perApp.set(sentinel, services);
  ctx.onStart(async () => {
    try {
      await webhooks.resume();
    } catch (error) {
      logger.warn('could not resume pending webhook deliveries', { error: errorMessage(error) });
    }
    monitor.start();
  });
  ctx.onClose(async () => {
    await monitor.stop();
    await webhooks.close();
  });
  return services;
}

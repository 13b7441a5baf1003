import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { errorMessage, silentLogger } from '@sentinel-kit/core';
import type { Logger, Sentinel, SentinelEvent } from '@sentinel-kit/core';

/** Every metric this server serves at `/metrics`; the Grafana dashboard queries exactly these. */
export const METRIC_NAMES = {
  info: 'sentinel_info',
  scanDuration: 'sentinel_scan_duration_seconds',
  updateDuration: 'sentinel_update_duration_seconds',
  updates: 'sentinel_updates_total',
  containers: 'sentinel_containers',
  containersRunning: 'sentinel_containers_running',
  pendingUpdates: 'sentinel_pending_updates',
  lastScan: 'sentinel_last_scan_timestamp_seconds',
  registryRequests: 'sentinel_registry_requests_total',
  rateLimitRemaining: 'sentinel_registry_rate_limit_remaining',
  notificationFailures: 'sentinel_notification_failures_total',
} as const;

/** Update outcomes as the engine reports them (`container_update` events). */
export const UPDATE_OUTCOMES = ['success', 'failed', 'rolled_back', 'identical'] as const;

export interface ServerMetrics {
  /** This server's own prom-client registry (never the global one). */
  readonly registry: Registry;
  /** The exposition text. */
  render(): Promise<string>;
  /** `Content-Type` of `render()`'s text. */
  readonly contentType: string;
  /** Count a notification that could not be delivered to a channel of `channelType` (`gotify`, `slack`…). */
  notificationFailed(channelType: string): void;
  /** Follow the engine's events (scan and update durations, outcomes); idempotent. */
  start(): void;
  /** Stop following the engine's events. */
  close(): void;
}

export interface ServerMetricsOptions {
  version: string;
  logger?: Logger;
}

/**
 * Prometheus metrics of one engine. Durations and outcomes are observed from
 * the event bus once `start()` is called; container, queue, registry and rate-limit figures are read
 * from the engine each time `/metrics` is scraped.
 */
export function createServerMetrics(sentinel: Sentinel, options: ServerMetricsOptions): ServerMetrics {
  const logger = options.logger ?? silentLogger;
  const registry = new Registry();
  const registers = [registry];

  const info = new Gauge({ name: METRIC_NAMES.info, help: 'Sentinel Kit server version (always 1)', labelNames: ['version'] as const, registers });
  info.set({ version: options.version }, 1);

  const scanDuration = new Histogram({
    name: METRIC_NAMES.scanDuration,
    help: 'Duration of full scans',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers,
  });
  const updateDuration = new Histogram({
    name: METRIC_NAMES.updateDuration,
    help: 'Duration of container updates and rollbacks, pull to health gate',
    labelNames: ['type'] as const,
    buckets: [0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers,
  });
  const updates = new Counter({ name: METRIC_NAMES.updates, help: 'Update attempts by outcome', labelNames: ['outcome'] as const, registers });
  for (const outcome of UPDATE_OUTCOMES) updates.inc({ outcome }, 0);
  for (const type of ['update', 'rollback']) updateDuration.zero({ type });

  const listContainers = async () => {
    try {
      return await sentinel.docker.listContainers();
    } catch (error) {
      logger.debug('metrics: containers unavailable', { error: errorMessage(error) });
      return undefined;
    }
  };
  new Gauge({
    name: METRIC_NAMES.containers,
    help: 'Containers on the Docker engine',
    registers,
    async collect() {
      const all = await listContainers();
      if (all !== undefined) this.set(all.length);
    },
  });
  new Gauge({
    name: METRIC_NAMES.containersRunning,
    help: 'Running containers on the Docker engine',
    registers,
    async collect() {
      const all = await listContainers();
      if (all !== undefined) this.set(all.filter((c) => c.state === 'running').length);
    },
  });
  new Gauge({
    name: METRIC_NAMES.pendingUpdates,
    help: 'Updates waiting in the queue',
    registers,
    async collect() {
      this.set(await sentinel.queue.count());
    },
  });
  new Gauge({
    name: METRIC_NAMES.lastScan,
    help: 'When the last scan finished (Unix seconds; 0 before the first)',
    registers,
    async collect() {
      const last = await sentinel.lastScan();
      this.set(last === null ? 0 : Date.parse(last) / 1000);
    },
  });
  new Counter({
    name: METRIC_NAMES.registryRequests,
    help: 'HTTP requests sent to registries, by registry and kind (token, tags, manifest_head, manifest_get, blob)',
    labelNames: ['registry', 'kind'] as const,
    registers,
    collect() {
      // The registry client keeps the running totals; mirror them.
      this.reset();
      for (const [name, counts] of Object.entries(sentinel.registry.stats().byRegistry)) {
        for (const [kind, n] of Object.entries(counts)) this.inc({ registry: name, kind }, n);
      }
    },
  });
  new Gauge({
    name: METRIC_NAMES.rateLimitRemaining,
    help: 'Requests left in the registry rate-limit window, as last reported by the registry',
    labelNames: ['registry'] as const,
    registers,
    collect() {
      this.reset();
      for (const rl of sentinel.registry.rateLimits()) {
        if (rl.remaining !== undefined) this.set({ registry: rl.registry }, rl.remaining);
      }
    },
  });
  const notificationFailures = new Counter({
    name: METRIC_NAMES.notificationFailures,
    help: 'Notifications that could not be delivered, by channel type',
    labelNames: ['channel_type'] as const,
    registers,
  });

  const onEvent = (event: SentinelEvent): void => {
    const data = event.data ?? {};
    if (event.type === 'scan_complete') {
      const started = Date.parse(String(data.started_at));
      const finished = Date.parse(String(data.finished_at));
      if (Number.isFinite(started) && Number.isFinite(finished) && finished >= started) scanDuration.observe((finished - started) / 1000);
      return;
    }
    if (event.type !== 'container_update' || typeof data.outcome !== 'string' || event.container_name === undefined) return;
    updates.inc({ outcome: data.outcome });
    // The engine writes the history record before it announces the outcome: its duration and type are the truth.
    void sentinel.history
      .forContainer(event.container_name, 1)
      .then(([latest]) => {
        if (latest !== undefined) updateDuration.observe({ type: latest.type }, latest.duration / 1e9);
      })
      .catch((error: unknown) => logger.debug('metrics: update duration unavailable', { error: errorMessage(error) }));
  };
  let unsubscribe: (() => void) | undefined;

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    notificationFailed(channelType) {
      notificationFailures.inc({ channel_type: channelType });
    },
    start() {
      unsubscribe ??= sentinel.events.subscribe(onEvent);
    },
    close() {
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}

const active = new WeakMap<Sentinel, ServerMetrics>();

/** Metrics of an engine, created on first use; `undefined` after `releaseServerMetrics`. */
export function serverMetricsFor(sentinel: Sentinel, options: ServerMetricsOptions): ServerMetrics {
  let metrics = active.get(sentinel);
  if (metrics === undefined) {
    metrics = createServerMetrics(sentinel, options);
    active.set(sentinel, metrics);
  }
  return metrics;
}

/** Stop the metrics of an engine (app shutdown). */
export function releaseServerMetrics(sentinel: Sentinel): void {
  active.get(sentinel)?.close();
  active.delete(sentinel);
}

/**
 * Count an undeliverable notification. Notification code calls this with the
 * engine it serves; it does nothing when the server does not serve metrics.
 * @example notifier option: `onDeliveryFailed: (channel) => recordNotificationFailure(ctx.sentinel, channel.type)`
 */
export function recordNotificationFailure(sentinel: Sentinel, channelType: string): void {
  active.get(sentinel)?.notificationFailed(channelType);
}

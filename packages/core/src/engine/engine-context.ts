import { errorMessage, ConflictError, ForbiddenError, NotFoundError } from '../errors/index.js';
import { createEventBus } from '../events/event-bus.js';
import type { EventBus } from '../events/event-bus.js';
import { createHistoryStore } from '../history/history.js';
import type { HistoryStore } from '../history/history.js';
import { createHookStore } from '../hooks/hooks.js';
import type { HookStore } from '../hooks/hooks.js';
import { createUpdateJournal } from '../journal/journal.js';
import type { UpdateJournal } from '../journal/journal.js';
import { withoutSetAside } from '../journal/managed-docker.js';
import { silentLogger } from '../logging/logger.js';
import type { Logger } from '../logging/logger.js';
import { isSelfProtected } from '../policy/resolve-policy.js';
import { systemClock } from '../ports/clock.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerSummary, DockerPort, RegistryAuth } from '../ports/docker.js';
import type { StoragePort } from '../ports/storage.js';
import { createUpdateQueue } from '../queue/queue.js';
import type { UpdateQueue } from '../queue/queue.js';
import { createRegistryClient, parseImageReference } from '../registry/index.js';
import type { RegistryClient } from '../registry/index.js';
import { createSettingsStore } from '../settings/settings.js';
import type { SettingsStore } from '../settings/settings.js';
import type { HealthGateOptions } from '../updates/health-gate.js';
import { createUpdateLocks } from '../updates/update-locks.js';
import type { UpdateLocks } from '../updates/update-locks.js';
import { createUpdateTransaction } from '../updates/update-transaction.js';
import type { UpdateTransaction } from '../updates/update-transaction.js';
import { createEngineWatch } from './engine-watch.js';
import type { EngineWatch } from './engine-watch.js';
import { createFailedUpdates } from './failed-updates.js';
import type { FailedUpdates } from './failed-updates.js';
import type { SentinelOptions } from './sentinel-types.js';

/**
 * Everything the engine's modules share, built once from the options: the
 * ports (the Docker port twice — `engine` sees every container, `docker` only
 * managed ones), the stores, the locks, the transaction, and background work.
 */
export interface EngineContext {
  readonly options: SentinelOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly storage: StoragePort;
  readonly watch: EngineWatch;
  /** Every container, set-aside ones included: the transaction and recovery only. */
  readonly engine: DockerPort;
  /** Managed containers only: what every other module and surface sees. */
  readonly docker: DockerPort;
  readonly events: EventBus;
  readonly settings: SettingsStore;
  readonly queue: UpdateQueue;
  readonly history: HistoryStore;
  readonly locks: UpdateLocks;
  readonly journal: UpdateJournal;
  readonly failedUpdates: FailedUpdates;
  readonly hookStore: HookStore;
  readonly registry: RegistryClient;
  readonly tx: UpdateTransaction;
  /** Whether the engine is started (scheduling, recovery retries). */
  isStarted(): boolean;
  /** Run work in the background, logging its failure; `idle()` waits for it. */
  runInBackground(label: string, work: () => Promise<unknown>): void;
  /** Resolve when no background work is left. */
  backgroundIdle(): Promise<void>;
  hasBackgroundWork(): boolean;
  /** The health gate of the moment (from the settings). */
  gate(): Promise<HealthGateOptions>;
  /** A managed container by name; `NotFoundError` when absent. */
  findContainer(name: string): Promise<ContainerSummary>;
  /** `ForbiddenError` for the Sentinel container itself (`sentinel.self=true`). */
  assertNotSelf(c: { name: string; labels: Record<string, string> }): void;
  /** `ConflictError` while dry-run mode is on. */
  assertNotDryRun(): Promise<void>;
}

export function createEngineContext(options: SentinelOptions, hooks: { isStarted: () => boolean; onEngineConnected: () => void }): EngineContext {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const { storage } = options;
  const watch = createEngineWatch({
    docker: options.docker,
    clock,
    logger,
    retryMs: options.engineRetryMs ?? 5000,
    checkIntervalMs: options.engineCheckMs ?? 5000,
    onConnected: hooks.onEngineConnected,
  });
  const engine = watch.observe(options.docker);
  const docker = withoutSetAside(engine);
  // Ids start from the clock (µs resolution) so that they keep increasing across
  // restarts: a client resuming with Last-Event-ID never sees ids go backwards.
  const events = createEventBus({ clock, startId: clock.now() * 1000, bufferSize: options.eventBufferSize ?? 1000, onListenerError: (e) => logger.warn('event listener failed', { error: errorMessage(e) }) });
  const settings = createSettingsStore(storage, options.settings);
  const history = createHistoryStore(storage);
  const journal = createUpdateJournal(storage, clock);
  const credentials = options.credentials ?? ((): undefined => undefined);
  const registry =
    options.registry ??
    createRegistryClient({
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      clock,
      credentials,
    });
  const authFor = (imageRef: string): RegistryAuth | undefined => {
    try {
      const ref = parseImageReference(imageRef);
      const cred = credentials(ref.registry);
      return cred === undefined ? undefined : { username: cred.username, password: cred.password, serveraddress: ref.registry };
    } catch {
      return undefined;
    }
  };
  const background = new Set<Promise<unknown>>();

  return {
    options,
    clock,
    logger,
    storage,
    watch,
    engine,
    docker,
    events,
    settings,
    queue: createUpdateQueue(storage),
    history,
    locks: createUpdateLocks(),
    journal,
    failedUpdates: createFailedUpdates(storage),
    hookStore: createHookStore(storage),
    registry,
    tx: createUpdateTransaction({ docker: engine, history, events, clock, logger, journal, authFor }),
    isStarted: hooks.isStarted,
    runInBackground(label, work) {
      const p = work()
        .catch((error: unknown) => logger.error(`${label} failed`, { error: errorMessage(error) }))
        .finally(() => background.delete(p));
      background.add(p);
    },
    async backgroundIdle() {
      while (background.size > 0) await Promise.allSettled([...background]);
    },
    hasBackgroundWork: () => background.size > 0,
    async gate() {
      const s = await settings.all();
      return {
        gracePeriodMs: s.grace_period,
        healthTimeoutMs: s.health_timeout,
        stopTimeoutSeconds: s.stop_timeout,
        ...(options.healthPollMs === undefined ? {} : { pollIntervalMs: options.healthPollMs }),
      };
    },
    async findContainer(name) {
      const found = (await docker.listContainers()).find((c) => c.name === name);
      if (found === undefined) throw new NotFoundError(`container ${name} not found`);
      return found;
    },
    assertNotSelf(c) {
      if (isSelfProtected(c.labels)) throw new ForbiddenError(`${c.name} is Sentinel itself (sentinel.self=true) and is protected`);
    },
    async assertNotDryRun() {
      if (await settings.get('dry_run')) {
        throw new ConflictError('dry-run mode is on: updates are detected and queued but never applied (turn it off with POST /api/settings/dry-run {"enabled": false})');
      }
    },
  };
}

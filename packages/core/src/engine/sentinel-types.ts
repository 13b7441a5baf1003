import type {
  ActionResponse,
  BulkPolicyBody,
  BulkPolicyResponse,
  CheckResponse,
  Container,
  ContainerDetailBody,
  HistoryRecord,
  IgnoreResponse,
  LogsResponse,
  Policy,
  PolicyResponse,
  QueueItem,
  StatsResponse,
  TagsResponse,
  VersionsResponse,
} from '../contract/native.js';
import type { DependencyGraph, DependencyNode } from '../deps/dependency-graph.js';
import type { EventBus } from '../events/event-bus.js';
import type { HistoryStore } from '../history/history.js';
import type { Hook, HookPhase, ResolvedHook } from '../hooks/hooks.js';
import type { UpdateJournal } from '../journal/journal.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../ports/clock.js';
import type { DockerPort } from '../ports/docker.js';
import type { FetchLike } from '../ports/fetch.js';
import type { StoragePort } from '../ports/storage.js';
import type { UpdateQueue } from '../queue/queue.js';
import type { RegistryClient } from '../registry/index.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { SettingKey, SettingsStore, SettingValues } from '../settings/settings.js';
import type { EngineStatus } from './engine-watch.js';

export interface SentinelOptions {
  storage: StoragePort;
  docker: DockerPort;
  /** Outbound HTTP for registries. @default globalThis.fetch */
  fetch?: FetchLike;
  /** @default systemClock */
  clock?: Clock;
  logger?: Logger;
  /** Configuration layer (environment / CLI); runtime overrides in storage win over it. */
  settings?: Partial<SettingValues>;
  /** Registry credentials by registry host (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  credentials?: (registry: string) => { username: string; password: string } | undefined;
  /** Use this registry client instead of creating one (benchmarks, custom transports). */
  registry?: RegistryClient;
  /** Events kept for `Last-Event-ID` replay. @default 1000 */
  eventBufferSize?: number;
  /** How often an unreachable engine is retried (and an interrupted transaction whose engine was away). @default 5 s */
  engineRetryMs?: number;
  /** How often a connected engine is pinged, so health reflects it within seconds. @default 5 s */
  engineCheckMs?: number;
  /** Health-gate polling interval. @default 500 ms */
  healthPollMs?: number;
}

/** What one recovery pass did with the journal's unfinished entries. */
export interface RecoveryReport {
  /** Completed: the new container passed the health gate. */
  finished: number;
  /** The old container restored under its name. */
  rolled_back: number;
  /** Interrupted before the container was changed. */
  unchanged: number;
  /** Left open for a later pass (container busy or engine unreachable). */
  pending: number;
  /** Set-aside containers without a journal entry that were put back or removed. */
  orphans: number;
}

export interface ScanSummary {
  started_at: string;
  finished_at: string;
  checked: number;
  updates_available: number;
  queued: number;
  updated: number;
  rolled_back: number;
  failed: number;
  skipped: number;
  /** Containers not checked because an update, rollback or action held their lock. */
  locked: number;
  /** Their names. */
  locked_containers: string[];
  /** Containers left out by the scan filters (not checked). */
  excluded: number;
  /**
   * Auto updates found but not applied in this scan (queued instead): by dry-run,
   * update delay, maintenance window, pull-only mode or a version that failed before.
   */
  held: number;
  errors: Array<{ name: string; error: string }>;
  /** Every update this scan saw, whether queued, held or applied (notifications use it for `every_scan`). */
  updates: Array<{ name: string; current_image: string; target_image: string; newer_versions: string[] }>;
}

/**
 * Why an automatic update was held back during a scan (it is queued instead).
 * `previously_failed`: an update to this very version failed and was rolled back.
 */
export type { HoldReason } from '../scan/decide-update.js';

/**
 * The Sentinel engine: scans, queue, policies, updates and rollbacks, history
 * and events over the storage and Docker ports. Framework-agnostic; the
 * reference server is a thin HTTP layer over it. Container names address local
 * containers; every method that changes a container goes through the update
 * transaction, its journal and the container's lock.
 */
export interface Sentinel {
  readonly events: EventBus;
  readonly settings: SettingsStore;
  readonly queue: UpdateQueue;
  readonly history: HistoryStore;
  readonly registry: RegistryClient;
  /** The Docker port as every surface sees it: containers set aside by an update are left out. */
  readonly docker: DockerPort;
  readonly storage: StoragePort;
  readonly scheduler: Scheduler;
  readonly journal: UpdateJournal;

  /**
   * Connect to the engine (retrying while unreachable); once it answers, recover
   * every interrupted transaction, then start the schedule: an initial scan, then
   * every poll interval. Recovery runs again each time the engine comes back.
   */
  start(): Promise<void>;
  /** Stop scheduling and wait for running work to finish, then flush storage. */
  stop(): Promise<void>;
  /** Resolve when every background update/rollback/recovery and the running scan have finished. */
  idle(): Promise<void>;
  /** The cached engine status (refreshed by a short-timeout ping every few seconds). */
  engineStatus(): EngineStatus;
  /** Ping the engine now; resolves whether it answered. */
  probeEngine(): Promise<boolean>;
  /** Run a recovery pass now (it also runs at start and whenever the engine comes back). */
  recover(): Promise<RecoveryReport>;

  listContainers(): Promise<Container[]>;
  /** One container with its history and snapshots; `NotFoundError` when absent. */
  getContainer(name: string): Promise<ContainerDetailBody>;
  versions(name: string): Promise<VersionsResponse>;
  tags(name: string): Promise<TagsResponse>;
  logs(name: string, lines: number): Promise<LogsResponse>;
  stats(): Promise<StatsResponse>;
  lastScan(): Promise<string | null>;
  /** Start, stop or restart a container under its lock (`ConflictError` while it is updated; 403 for Sentinel itself). */
  containerAction(name: string, action: 'start' | 'stop' | 'restart'): Promise<ActionResponse>;
  /** Trigger an update: to the queued target if one is pending, else re-pull the current tag. Runs in the background. */
  startUpdate(name: string): Promise<ActionResponse>;
  /** Update to an explicit tag of the same repository. Runs in the background. */
  startUpdateToVersion(name: string, tag: string): Promise<ActionResponse>;
  /** Move a container to another image reference (e.g. the same image on ghcr.io). Runs in the background. */
  startUpdateToImage(name: string, image: string): Promise<ActionResponse>;
  /** Check one container now; queues an update when one is found (unless pinned or self). */
  check(name: string): Promise<CheckResponse>;
  /** Restore the latest snapshot. Runs in the background. */
  startRollback(name: string): Promise<ActionResponse>;

  /** Run a full scan now (or only some containers), joining one that is already running. */
  scan(options?: { only?: readonly string[] }): Promise<ScanSummary>;
  /** Start a scan in the background; `started` is false when one was already running. */
  startScan(): { started: boolean };
  scanInProgress(): boolean;

  listQueue(): Promise<QueueItem[]>;
  /** Apply a pending update (a retry of a failed version too); a vanished container's entry is removed (404). */
  approve(key: string): Promise<ActionResponse>;
  reject(key: string): Promise<ActionResponse>;
  ignore(key: string): Promise<IgnoreResponse>;

  setPolicy(name: string, policy: Policy): Promise<PolicyResponse>;
  clearPolicy(name: string): Promise<PolicyResponse>;
  bulkPolicy(body: BulkPolicyBody): Promise<BulkPolicyResponse>;

  /**
   * Validate and store runtime settings (all or nothing), emit one
   * `settings_change` event and re-arm the schedule when it changed.
   * Returns the stored values as the wire shows them.
   */
  changeSettings(changes: Partial<Record<SettingKey, string>>): Promise<Partial<Record<SettingKey, string>>>;
  /** Every setting as a flat map of strings: its environment variable (configured) and runtime key (effective). */
  settingsView(): Promise<Record<string, string>>;

  /** Hooks of a container: API-defined ones and those its labels define (API wins per phase). */
  listHooks(name: string): Promise<ResolvedHook[]>;
  /** Create or replace the API hook of a container for one phase. */
  setHook(name: string, hook: { phase: HookPhase; command: string[]; timeout?: number | undefined }): Promise<Hook>;
  /** Delete the API hook of a container for one phase; NotFound when there is none. */
  removeHook(name: string, phase: HookPhase): Promise<void>;

  /** The dependency graph of every container, with a topological order. */
  dependencies(): Promise<DependencyGraph>;
  /** Dependencies and dependents of one container. */
  dependenciesOf(name: string): Promise<DependencyNode>;

  listHistory(query: { limit: number; before?: string | undefined }): Promise<HistoryRecord[]>;
  exportHistory(): Promise<HistoryRecord[]>;
}

// Public API of @sentinel-kit/core. Every export is named on purpose.
export {
  SentinelError,
  InvalidError,
  NotFoundError,
  ConflictError,
  ForbiddenError,
  UpstreamError,
  RateLimitedError,
  UnavailableError,
  NotImplementedError,
  isSentinelError,
  errorMessage,
} from './errors/index.js';
export type { SentinelErrorCode } from './errors/index.js';
export { systemClock, createManualClock } from './ports/index.js';
export type {
  Clock,
  ManualClock,
  TimerHandle,
  DockerPort,
  ContainerSummary,
  ContainerDetail,
  ContainerSpec,
  ContainerState,
  ContainerRuntimeState,
  HealthStatus,
  ImageSummary,
  RegistryAuth,
  ExecResult,
  EngineInfo,
  StoragePort,
  StorageEntry,
  StorageOperation,
  ListOptions,
  JsonValue,
} from './ports/index.js';
export type { FetchLike } from './ports/fetch.js';
export { parseDuration, formatGoDuration, msToNanoseconds } from './config/index.js';
export { silentLogger } from './logging/index.js';
export type { Logger } from './logging/index.js';
export { createEventBus } from './events/index.js';
export type { EventBus, EventBusOptions, EventListener, PublishInput, SentinelEvent } from './events/index.js';
export {
  parseTag,
  isVersionTag,
  isIgnoredTag,
  compareTags,
  newerVersions,
  resolveVersionForDigest,
  withinScope,
  pickTarget,
  isVersionScope,
  DEFAULT_VERSION_SCOPE,
  VERSION_SCOPES,
} from './versions/index.js';
export type { ParsedTag, VersionScope, NewerVersionsOptions } from './versions/index.js';
export { parseImageReference, formatReference, createRegistryClient, createScanSession, MANIFEST_MEDIA_TYPES } from './registry/index.js';
export type {
  ImageReference,
  RegistryClient,
  RegistryClientOptions,
  RegistryCredentials,
  RegistryStats,
  RateLimitInfo,
  ScanSession,
} from './registry/index.js';
export { LABELS, isPolicy, resolvePolicy, isSelfProtected } from './policy/index.js';
export type { PolicyInputs } from './policy/index.js';
export {
  SETTING_DEFINITIONS,
  SETTING_KEYS,
  isSettingKey,
  parseSetting,
  formatSetting,
  settingsFromEnv,
  createSettingsStore,
} from './settings/index.js';
export type { SettingValues, SettingKey, SettingsStore } from './settings/index.js';
export { createUpdateQueue, queueKey } from './queue/index.js';
export type { UpdateQueue } from './queue/index.js';
export { createHistoryStore, historyToCsv } from './history/index.js';
export type { HistoryStore, Snapshot } from './history/index.js';
export { createUpdateTransaction, createUpdateLocks } from './updates/index.js';
export type { UpdateTransaction, HealthGateOptions, UpdateOutcome, UpdateResult } from './updates/index.js';
export { checkContainer, scopeFor } from './scan/index.js';
export type { CheckResult, RegistryLookup } from './scan/index.js';
export { createScheduler } from './scheduler/index.js';
export type { Scheduler, SchedulerOptions } from './scheduler/index.js';
export { createSentinel } from './engine/index.js';
export type { Sentinel, SentinelOptions, EngineStatus, ScanSummary } from './engine/index.js';
export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, isPermission, roleHas } from './auth/index.js';
export type { Permission, Role, RouteAccess } from './auth/index.js';
export { createMemoryStorage, toJsonDocument } from './storage/index.js';
export { createMemoryDocker } from './docker/index.js';
export type { MemoryDocker, MemoryDockerOptions, ImageBehavior } from './docker/index.js';
export type { MemoryStorage, MemoryStorageOptions, StoragePersistence, StorageSnapshot } from './storage/index.js';

export { systemClock, createManualClock } from './clock.js';
export type { Clock, ManualClock, TimerHandle } from './clock.js';
export type {
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
  PullProgress,
} from './docker.js';
export type { StoragePort, StorageEntry, StorageOperation, ListOptions, JsonValue } from './storage.js';
export type {
  VulnerabilityStore,
  VulnerabilityStoreStats,
  RecordVersion,
  FeedCursor,
  CpeLookup,
  CandidateQuery,
  StoreQuery,
  StoreQueryPage,
  StoreSort,
  KevChange,
} from './vulnerability-store.js';

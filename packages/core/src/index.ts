// Public API of @sentinel-kit/core. Filled in module by module; every export is named.
export {
  SentinelError,
  InvalidError,
  NotFoundError,
  ConflictError,
  ForbiddenError,
  UpstreamError,
  RateLimitedError,
  UnavailableError,
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

// Public API of @sentinel-kit/client. Every export is named on purpose.
export { createSentinelClient, SentinelClient } from './client.js';
export type { SentinelClientOptions } from './client.js';
export { ContainersResource } from './resources/containers.js';
export { QueueResource } from './resources/queue.js';
export { PolicyResource } from './resources/policy.js';
export { HistoryResource } from './resources/history.js';
export { EventsResource } from './resources/events.js';
export { EventStream } from './event-stream.js';
export type { EventStreamConnect } from './event-stream.js';
export { path } from './path.js';
export {
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  RateLimitError,
  InternalServerError,
  NotImplementedError,
  NetworkError,
  TimeoutError,
  isApiError,
  isNetworkError,
  isTimeoutError,
} from './errors.js';
export type { ApiErrorName, ApiErrorInit, RequestDescription } from './errors.js';
export type { FetchLike, HttpMethod, QueryValue, RequestSpec } from './internal/transport.js';
export type {
  HealthResponse,
  HostOptions,
  LogsOptions,
  HistoryListOptions,
  StreamEvent,
  ConnectedStreamEvent,
  SentinelStreamEvent,
  EventStreamOptions,
} from './types.js';

// Public API of @sentinel-kit/client. Every export is named on purpose.
export { createSentinelClient, SentinelClient } from './client.js';
export type { SentinelClientOptions } from './client.js';
export { ContainersResource } from './resources/containers.js';
export { QueueResource } from './resources/queue.js';
export { PolicyResource } from './resources/policy.js';
export { HistoryResource } from './resources/history.js';
export { SettingsResource } from './resources/settings.js';
export { HooksResource } from './resources/hooks.js';
export { DepsResource } from './resources/deps.js';
export { EventsResource } from './resources/events.js';
export { AuthResource } from './resources/auth.js';
export type { CreateTokenOptions } from './resources/auth.js';
export { UsersResource } from './resources/users.js';
export { WebhooksResource } from './resources/webhooks.js';
export type { WebhookSendOptions } from './resources/webhooks.js';
export { ActivityResource } from './resources/activity.js';
export type { ActivityListOptions } from './resources/activity.js';
export { ReleaseSourcesResource } from './resources/release-sources.js';
export { ConfigResource } from './resources/config.js';
export { SystemResource } from './resources/system.js';
export { RegistriesResource } from './resources/registries.js';
export { ImagesResource } from './resources/images.js';
export { GhcrResource } from './resources/ghcr.js';
export { DashboardResource } from './resources/dashboard.js';
export { NotificationsResource } from './resources/notifications.js';
export { DigestResource } from './resources/digest.js';
export {
  V1Resource,
  V1AuthResource,
  V1ApiKeysResource,
  V1SystemsResource,
  V1AgentsResource,
  V1AuditsResource,
  V1ComplianceResource,
  V1VulnerabilitiesResource,
  V1WebhooksResource,
} from './resources/v1.js';
export { AgentKeysResource } from './resources/agent-keys.js';
export { InventoryResource } from './resources/inventory.js';
export type { AssetListOptions, ProductListOptions, FeedUrlImport } from './resources/inventory.js';
export { ImageInventoryResource } from './resources/image-inventory.js';
export type { ImageInventoryCallOptions } from './resources/image-inventory.js';
export { PasskeysResource } from './resources/passkeys.js';
export { OidcResource } from './resources/oidc.js';
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

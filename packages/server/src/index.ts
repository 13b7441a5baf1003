// Public API of @sentinel-kit/server.
export { createApp, allowAll } from './app.js';
export type { AppOptions, SentinelApp } from './app.js';
export type { RouteContext } from './http/app-types.js';
export type { Authorizer } from './http/route.js';
export {
  createAuthorizer,
  issueSession,
  getPrincipal,
  requireUser,
  setupGate,
  SESSION_COOKIE,
  CSRF_COOKIE,
  setSessionCookies,
  clearSessionCookies,
  clientIp,
  isSecureRequest,
  withRetryAfter,
} from './auth/index.js';
export { defineRoute } from './http/route.js';
export { NATIVE_STATUS, nativeErrorResponse } from './http/error-handler.js';
export { startServer } from './start-server.js';
export type { RunningServer } from './start-server.js';
export { loadConfig, CLI_HELP, DEFAULT_DOCKER_HOST } from './config.js';
export type { ServerConfig } from './config.js';
export { createPinoLogger } from './logger.js';
export { createLowdbStorage } from './adapters/lowdb-storage.js';
export type { LowdbStorageOptions } from './adapters/lowdb-storage.js';
export { createDockerodeEngine, parseDockerHost } from './adapters/dockerode-engine.js';
export type { DockerodeEngineOptions } from './adapters/dockerode-engine.js';
export { SERVER_VERSION } from './version.js';
export { recordNotificationFailure, METRIC_NAMES, grafanaDashboard } from './metrics/index.js';
export { activityLogFor, recordActivity } from './routes/activity.js';
export { createSmtpTransport, createMqttTransport, notifierFor } from './notify/index.js';
export type { SmtpTransportOptions, MqttTransportOptions } from './notify/index.js';
export { createPasskeyService, passkeyOptionsFromEnv } from './auth/passkeys.js';
export type { PasskeyOptions, PasskeyService, PasskeyServiceOptions, RelyingParty, PasskeyRequest } from './auth/passkeys.js';
export { createOidcService, oidcOptionsFromEnv, OIDC_CALLBACK_PATH } from './auth/oidc.js';
export type { OidcOptions, OidcService, OidcServiceOptions, OidcLoginStart } from './auth/oidc.js';
export { registerV1Routes } from './routes/v1/index.js';
export { v1ServicesFor, apiV1OptionsFromEnv, registerImageScanLookup, signatureOf, isV1Path, v1ErrorBody, DOCKER_HOST_AGENT_ID } from './v1/index.js';
export type { ApiV1Options, V1Services, ImageScanLookup, RateLimitOptions } from './v1/index.js';
export { errorResponse, surfaceErrorResponse } from './http/error-handler.js';
export { registerBearerVerifier } from './auth/authorizer.js';
export type { BearerVerifier } from './auth/authorizer.js';

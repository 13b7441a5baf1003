export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, isPermission, roleHas, scopeOf, isRouteAccess } from './permissions.js';
export type { Permission, Role, RouteAccess, ScopeAccess } from './permissions.js';
export { createAuthService } from './auth-service.js';
export type {
  AuthService,
  AuthServiceOptions,
  CredentialPresentation,
  LoginResult,
  RequestInfo,
  TotpStatus,
  UserDirectory,
} from './auth-service.js';
export { UnauthenticatedError } from './auth-errors.js';
export { ANONYMOUS_PRINCIPAL, hasPermission } from './principal.js';
export type { Principal, PrincipalVia } from './principal.js';
export { CREDENTIAL_KINDS, isCredentialKind, createCredentialStore } from './credentials.js';
export type { Credential, CredentialFilter, CredentialKind, CredentialStore, IssueCredentialInput } from './credentials.js';
export { DEFAULT_SESSION_TTL, SESSION_TOKEN_PREFIX, createSessionStore } from './sessions.js';
export type { IssuedSession, LoginMethod, Session, SessionStore, SessionTtl } from './sessions.js';
export { DEFAULT_LOGIN_THROTTLE, createLoginThrottle } from './login-throttle.js';
export type { AttemptSource, LoginThrottle, LoginThrottleOptions, ThrottleLimit } from './login-throttle.js';
export {
  DEFAULT_PASSWORD_COST,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MAX_LENGTH,
  hashPassword,
  verifyPassword,
  needsRehash,
  checkPasswordPolicy,
} from './passwords.js';
export { createTotpKey, generateTotp, matchTotp, totpUri, generateRecoveryCodes, hashRecoveryCode } from './totp.js';
export type { TotpAlgorithm, TotpKey, TotpParameters } from './totp.js';
export { USERNAME_PATTERN, isRole } from './users.js';
export type { User, ExternalIdentity, CreateUserInput } from './users.js';

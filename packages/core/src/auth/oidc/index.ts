export {
  createOidcSettingsStore,
  mergeOidcSettings,
  maskOidcSettings,
  claimValue,
  roleFromClaims,
  usernameFromClaims,
  DEFAULT_OIDC_SETTINGS,
  OIDC_SECRET_MASK,
} from './oidc-settings.js';
export type { OidcSettings, OidcSettingsInput, OidcSettingsStore } from './oidc-settings.js';
export { createOidcLoginStates, DEFAULT_OIDC_LOGIN_TTL_MS } from './login-states.js';
export type { OidcPendingLogin } from './login-states.js';

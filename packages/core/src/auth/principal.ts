import type { CredentialKind } from './credentials.js';
import { PERMISSIONS } from './permissions.js';
import type { Permission, Role } from './permissions.js';
import type { LoginMethod } from './sessions.js';

/** How the principal proved who it is: a browser session, one of the credential kinds, or nothing (authentication disabled). */
export type PrincipalVia = 'session' | CredentialKind | 'anonymous';

/**
 * Who is making a request, whatever the surface and the credential: every
 * session, token and key resolves to one of these, and every route checks
 * its declared permission against `permissions`.
 */
export interface Principal {
  /** `user`: acts for a user; `service`: an ownerless key (an agent key); `anonymous`: authentication is disabled. */
  kind: 'user' | 'service' | 'anonymous';
  userId?: string;
  username?: string;
  /** The user's role (absent for service keys). */
  role?: Role;
  /** What the principal may do: the role's permissions, narrowed by the credential's own list when it has one. */
  permissions: readonly Permission[];
  /** Surface-specific scopes of the credential (`agent`…); empty for users and sessions. */
  scopes: readonly string[];
  organization?: string;
  /** The session id (`ses_…`) or credential id (`tok_…`, `agk_…`) presented. */
  credentialId?: string;
  via: PrincipalVia;
  /** For sessions: how the user signed in. */
  method?: LoginMethod;
}

/** The principal of every request while authentication is disabled: everything is open, as the native API documents. */
export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({
  kind: 'anonymous',
  role: 'admin',
  permissions: PERMISSIONS,
  scopes: [],
  via: 'anonymous',
}) as Principal;

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.includes(permission);
}

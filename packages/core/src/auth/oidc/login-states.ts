import type { Clock } from '../../ports/clock.js';
import type { StoragePort } from '../../ports/storage.js';
import { createChallengeStore } from '../passkeys/challenge-store.js';
import type { ChallengeStore } from '../passkeys/challenge-store.js';

/**
 * A sign-in that went to the identity provider and has not come back yet,
 * keyed by the SHA-256 of its `state`. Holds the PKCE verifier and the nonce
 * the callback must check, and which provider and client it was started with
 * (a callback after the settings changed is refused).
 */
export interface OidcPendingLogin {
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  issuerUrl: string;
  clientId: string;
}

/** How long the user may spend at the provider. @default 10 minutes */
export const DEFAULT_OIDC_LOGIN_TTL_MS = 10 * 60_000;

/** Single-use pending sign-ins; see {@link createChallengeStore}. */
export function createOidcLoginStates(storage: StoragePort, clock: Clock, options: { ttlMs?: number; max?: number } = {}): ChallengeStore<OidcPendingLogin> {
  return createChallengeStore<OidcPendingLogin>(storage, clock, {
    collection: 'auth_oidc_pending_logins',
    ttlMs: options.ttlMs ?? DEFAULT_OIDC_LOGIN_TTL_MS,
    ...(options.max === undefined ? {} : { max: options.max }),
  });
}

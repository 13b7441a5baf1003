import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { ConflictError, createChallengeStore, createPasskeyStore, InvalidError, NotFoundError, RateLimitedError, UnauthenticatedError } from '@sentinel-kit/core';
import type { AuthService, Clock, Logger, Passkey, PasskeyStore, StoragePort, User } from '@sentinel-kit/core';
import type { PasskeyAuthenticationCredential, PasskeyRegistrationCredential } from '@sentinel-kit/core/contract';

/**
 * Passkeys (WebAuthn) over `@simplewebauthn/server`: options and
 * verification for registration and sign-in, with the challenges kept on the
 * server (single use, expiring on the injected clock) and the credentials in
 * the core passkey store.
 */

export interface PasskeyOptions {
  /**
   * The WebAuthn relying-party id: the domain passkeys are bound to (a
   * passkey made for `example.com` works on `sentinel.example.com`).
   * @default the hostname of `origin`, else of the request (`Host`)
   */
  rpId?: string;
  /**
   * The origin(s) the login page is served from, e.g. `https://sentinel.example.com`.
   * @default the request's origin (`Host` header, `https` when the request came over TLS or a trusted proxy says so)
   */
  origin?: string | readonly string[];
  /** The name authenticators show. @default 'Sentinel Kit' */
  rpName?: string;
  /** How long a begin → finish may take. @default 5 minutes */
  challengeTtlMs?: number;
}

/**
 * `SENTINEL_RP_ID` and `SENTINEL_ORIGIN` (comma-separated origins) as
 * {@link PasskeyOptions}; unset variables leave the request-derived defaults.
 * Throws `InvalidError` naming the variable on a bad value.
 */
export function passkeyOptionsFromEnv(env: Record<string, string | undefined>): PasskeyOptions {
  const out: PasskeyOptions = {};
  const rpId = env.SENTINEL_RP_ID?.trim();
  if (rpId !== undefined && rpId !== '') out.rpId = checkRpId(rpId, 'SENTINEL_RP_ID');
  const origin = env.SENTINEL_ORIGIN?.trim();
  if (origin !== undefined && origin !== '') out.origin = origin.split(',').map((o) => checkOrigin(o.trim(), 'SENTINEL_ORIGIN'));
  return out;
}

function checkRpId(value: string, name: string): string {
  if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i.test(value) || value.includes('..')) throw new InvalidError(`${name} must be a domain name such as example.com, got "${value}"`);
  return value.toLowerCase();
}

function checkOrigin(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidError(`${name} must be an origin such as https://sentinel.example.com, got "${value}"`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new InvalidError(`${name} must be an origin such as https://sentinel.example.com (scheme, host and port only), got "${value}"`);
  }
  return url.origin;
}

/** Where a ceremony runs: the relying-party id and the origins a response may come from. */
export interface RelyingParty {
  rpId: string;
  origins: string[];
}

/** The request as passkeys need it: its URL (for the `Host`) and whether it came over TLS. */
export interface PasskeyRequest {
  url: string;
  secure: boolean;
}

interface PendingCeremony {
  purpose: 'registration' | 'authentication';
  /** The user registering (registrations only). */
  userId?: string;
  rpId: string;
  origins: string[];
}

export interface PasskeyService {
  readonly store: PasskeyStore;
  /** The relying party of a request: the configured one, else derived from the request. */
  relyingParty(request: PasskeyRequest): RelyingParty;
  /** Options for `navigator.credentials.create()`; remembers the challenge. */
  registrationOptions(userId: string, rp: RelyingParty): Promise<PublicKeyCredentialCreationOptionsJSON>;
  /** Verify a registration answered to one of the user's own challenges and store the passkey. `InvalidError` when it fails. */
  register(userId: string, credential: PasskeyRegistrationCredential, name?: string): Promise<Passkey>;
  /** Options for `navigator.credentials.get()` (discoverable credentials: no user named); remembers the challenge. */
  authenticationOptions(rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON>;
  /**
   * Verify a sign-in: known challenge, registered credential, signature,
   * origin, RP id and a growing counter. Failures count against the client
   * address like wrong passwords (`RateLimitedError` once locked) and throw
   * `UnauthenticatedError`.
   */
  authenticate(credential: PasskeyAuthenticationCredential, source: { ip: string }): Promise<{ user: User; passkey: Passkey }>;
  list(userId: string): Promise<Passkey[]>;
  /** Delete one of the user's passkeys; refuses (`ConflictError`) the last way a user without a password can sign in. */
  remove(userId: string, id: string): Promise<void>;
  /** Whether any passkey is registered (what a login page needs to offer passkeys). */
  available(): Promise<boolean>;
}

export interface PasskeyServiceOptions extends PasskeyOptions {
  auth: AuthService;
  storage: StoragePort;
  clock: Clock;
  logger: Logger;
}

const decodeClientData = (credential: { response: { clientDataJSON: string } }): { challenge: string } => {
  try {
    const parsed = JSON.parse(Buffer.from(credential.response.clientDataJSON, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { challenge?: unknown }).challenge === 'string') {
      return { challenge: (parsed as { challenge: string }).challenge };
    }
  } catch {
    // Answered below with one message for every malformed value.
  }
  throw new InvalidError('credential.response.clientDataJSON is not valid WebAuthn client data');
};

const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
const transportsOf = (values: readonly string[] | undefined): AuthenticatorTransportFuture[] =>
  (values ?? []).filter((t) => TRANSPORTS.has(t)) as AuthenticatorTransportFuture[];

export function createPasskeyService(options: PasskeyServiceOptions): PasskeyService {
  const { auth, storage, clock, logger } = options;
  const store = createPasskeyStore(storage, clock);
  const ttlMs = options.challengeTtlMs ?? 5 * 60_000;
  const challenges = createChallengeStore<PendingCeremony>(storage, clock, { collection: 'auth_passkey_challenges', ttlMs });
  const rpName = options.rpName ?? 'Sentinel Kit';
  const configuredOrigins = options.origin === undefined ? undefined : (typeof options.origin === 'string' ? [options.origin] : [...options.origin]).map((o) => checkOrigin(o, 'origin'));
  const firstOrigin = configuredOrigins?.[0];
  const configuredRpId = options.rpId !== undefined ? checkRpId(options.rpId, 'rpId') : firstOrigin === undefined ? undefined : new URL(firstOrigin).hostname;

  // Library messages may quote the values compared; a challenge must never be echoed back.
  const reason = (error: unknown, challenge: string): string => (error instanceof Error ? error.message : String(error)).split(challenge).join('…').slice(0, 300);

  auth.registerLoginMethod('passkey', (userId) => store.hasAny(userId));

  const service: PasskeyService = {
    store,

    relyingParty(request) {
      const url = new URL(request.url);
      const origin = `${request.secure ? 'https' : 'http'}://${url.host}`;
      return { rpId: configuredRpId ?? url.hostname, origins: configuredOrigins ?? [origin] };
    },

    async registrationOptions(userId, rp) {
      const user = await auth.users.get(userId);
      if (user === undefined) throw new NotFoundError('user not found');
      const handle = await store.userHandle(userId);
      const existing = await store.listForUser(userId);
      const created = await generateRegistrationOptions({
        rpName,
        rpID: rp.rpId,
        userName: user.username,
        userDisplayName: user.username,
        userID: new Uint8Array(Buffer.from(handle, 'base64url')),
        timeout: ttlMs,
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: transportsOf(p.transports) })),
        // Passkeys are discoverable credentials: sign-in needs no username. Verification (PIN, biometrics) is asked for, not demanded.
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
      await challenges.issue(created.challenge, { purpose: 'registration', userId, rpId: rp.rpId, origins: rp.origins });
      return created;
    },

    async register(userId, credential, name) {
      const { challenge } = decodeClientData(credential);
      const pending = await challenges.consume(challenge);
      if (pending === undefined || pending.purpose !== 'registration' || pending.userId !== userId) {
        throw new InvalidError('unknown or expired passkey challenge: begin the registration again');
      }
      let verification;
      try {
        verification = await verifyRegistrationResponse({
          response: credential as RegistrationResponseJSON,
          expectedChallenge: challenge,
          expectedOrigin: pending.origins,
          expectedRPID: pending.rpId,
          requireUserVerification: false,
        });
      } catch (error) {
        throw new InvalidError(`passkey registration failed: ${reason(error, challenge)}`);
      }
      if (!verification.verified) throw new InvalidError('passkey registration failed: the attestation could not be verified');
      const info = verification.registrationInfo;
      const passkey = await store.add({
        userId,
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: transportsOf(credential.response.transports),
        ...(name === undefined || name.trim() === '' ? {} : { name }),
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
      });
      logger.info('passkey registered', { user_id: userId, passkey_id: passkey.id });
      return passkey;
    },

    async authenticationOptions(rp) {
      const created = await generateAuthenticationOptions({ rpID: rp.rpId, userVerification: 'preferred', timeout: ttlMs, allowCredentials: [] });
      await challenges.issue(created.challenge, { purpose: 'authentication', rpId: rp.rpId, origins: rp.origins });
      return created;
    },

    async authenticate(credential, source) {
      const wait = auth.throttle.retryAfter(source);
      if (wait !== undefined) throw new RateLimitedError(`too many failed attempts; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
      const fail = (why: string): never => {
        auth.throttle.recordFailure(source);
        logger.warn('passkey sign-in failed', { ip: source.ip, reason: why });
        throw new UnauthenticatedError(`passkey sign-in failed: ${why}`);
      };
      const { challenge } = decodeClientData(credential);
      const pending = await challenges.consume(challenge);
      if (pending === undefined || pending.purpose !== 'authentication') return fail('unknown, used or expired challenge; start again');
      if (credential.rawId !== credential.id) return fail('credential id and raw id differ');
      const passkey = await store.findByCredentialId(credential.id);
      if (passkey === undefined) return fail('this passkey is not registered here');
      const handle = credential.response.userHandle;
      if (handle !== undefined && handle !== '' && (await store.userForHandle(handle)) !== passkey.userId) return fail('the passkey belongs to another user');
      const user = await auth.users.get(passkey.userId);
      if (user === undefined) {
        // The user was deleted: its passkeys go with it.
        await store.removeAllForUser(passkey.userId);
        return fail('this passkey is not registered here');
      }
      let verification;
      try {
        verification = await verifyAuthenticationResponse({
          response: credential as AuthenticationResponseJSON,
          expectedChallenge: challenge,
          expectedOrigin: pending.origins,
          expectedRPID: pending.rpId,
          credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: transportsOf(passkey.transports) },
          requireUserVerification: false,
        });
      } catch (error) {
        return fail(reason(error, challenge));
      }
      if (!verification.verified) return fail('the signature could not be verified');
      let used: Passkey;
      try {
        used = await store.recordUse(passkey.id, verification.authenticationInfo.newCounter);
      } catch (error) {
        if (error instanceof ConflictError) return fail(error.message);
        throw error;
      }
      auth.throttle.recordSuccess({ ...source, username: user.username });
      return { user, passkey: used };
    },

    list: (userId) => store.listForUser(userId),

    async remove(userId, id) {
      const mine = await store.listForUser(userId);
      const user = await auth.users.get(userId);
      if (user !== undefined && mine.length === 1 && mine[0]?.id === id && !user.hasPassword && user.external === undefined) {
        throw new ConflictError('this passkey is your only way to sign in: register another passkey first');
      }
      await store.remove(userId, id);
      logger.info('passkey deleted', { user_id: userId, passkey_id: id });
    },

    available: async () => (await store.count()) > 0,
  };
  return service;
}

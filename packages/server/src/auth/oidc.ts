import { timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import {
  ConflictError,
  createOidcLoginStates,
  createOidcSettingsStore,
  DEFAULT_OIDC_LOGIN_TTL_MS,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  roleFromClaims,
  UnauthenticatedError,
  UpstreamError,
  usernameFromClaims,
} from '@sentinel-kit/core';
import type { AuthService, Clock, ExternalIdentity, FetchLike, Logger, OidcSettings, OidcSettingsInput, StoragePort, User } from '@sentinel-kit/core';

/**
 * Single sign-on with OpenID Connect over `openid-client`: the authorization
 * code flow with PKCE (S256), `state` and `nonce`, the ID token verified
 * against the provider's keys, and the identity mapped onto a Sentinel Kit
 * user — by its linked `sub`, then (only when the admin allowed linking) by
 * username, then by provisioning a new user when allowed.
 */

export interface OidcOptions {
  /**
   * Allow an `http://` issuer (discovery, token and userinfo requests in
   * clear). Only for a provider on the same host or a trusted network.
   * @default false
   */
  allowInsecureRequests?: boolean;
  /** How long a user may take at the provider. @default 10 minutes */
  loginTtlMs?: number;
  /** Seconds before a request to the provider gives up. @default 10 */
  timeoutSeconds?: number;
  /** How long a discovered provider configuration is reused. @default 1 hour */
  discoveryTtlMs?: number;
}

/** `SENTINEL_OIDC_ALLOW_HTTP=true` as {@link OidcOptions}. */
export function oidcOptionsFromEnv(env: Record<string, string | undefined>): OidcOptions {
  const raw = (env.SENTINEL_OIDC_ALLOW_HTTP ?? '').trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(raw)) return { allowInsecureRequests: true };
  if (['', 'false', '0', 'no', 'off'].includes(raw)) return {};
  throw new InvalidError(`SENTINEL_OIDC_ALLOW_HTTP must be true or false, got "${env.SENTINEL_OIDC_ALLOW_HTTP ?? ''}"`);
}

export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';

export interface OidcLoginStart {
  /** The provider's authorization URL to send the browser to. */
  url: string;
  /** To bind the sign-in to this browser (a cookie), checked by the callback. */
  state: string;
  maxAgeSeconds: number;
}

export interface OidcService {
  /** The stored settings, secret in clear: mask them before answering (`maskOidcSettings`). */
  settings(): Promise<OidcSettings>;
  /**
   * Validate and save settings. When an issuer is set, it is discovered first
   * (`InvalidError` with the reason when that fails) and nothing is written
   * unless it succeeds.
   */
  save(input: OidcSettingsInput): Promise<OidcSettings>;
  /** Enabled and configured. */
  available(): Promise<boolean>;
  /** The redirect URL in use for a request from `origin`. */
  redirectUrl(settings: OidcSettings, origin: string): string;
  /** Start a sign-in: `NotFoundError` when single sign-on is off, `UpstreamError` when the provider is unreachable. */
  begin(origin: string): Promise<OidcLoginStart>;
  /**
   * Finish a sign-in from the callback's query: check the state against the
   * one this browser started with, exchange the code (PKCE), verify the ID
   * token and its nonce, and map the identity to a user.
   */
  complete(input: { query: URLSearchParams; boundState: string | undefined }): Promise<User>;
}

export interface OidcServiceOptions extends OidcOptions {
  auth: AuthService;
  storage: StoragePort;
  clock: Clock;
  logger: Logger;
  fetch: FetchLike;
}

/** A short, secret-free reason: the provider's OAuth error when it sent one, else the library's message and cause. */
const errorReason = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error).slice(0, 300);
  const e = error as Error & { error?: unknown; error_description?: unknown; code?: unknown };
  const oauth = (code: unknown, description: unknown): string | undefined =>
    typeof code === 'string' ? `the provider answered ${code}${typeof description === 'string' ? ` (${description})` : ''}` : undefined;
  // ResponseBodyError carries the token endpoint's error; WWWAuthenticateChallengeError its challenges (e.g. invalid_client).
  const fromBody = oauth(e.error, e.error_description);
  const challenge = Array.isArray(e.cause) ? (e.cause[0] as { parameters?: { error?: unknown; error_description?: unknown } } | undefined)?.parameters : undefined;
  const fromChallenge = challenge === undefined ? undefined : oauth(challenge.error, challenge.error_description);
  if (fromBody !== undefined || fromChallenge !== undefined) return (fromBody ?? fromChallenge ?? '').slice(0, 300);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  const code = typeof e.code === 'string' && !e.message.includes(e.code) ? ` (${e.code})` : '';
  return `${e.message}${code}${cause}`.slice(0, 300);
};

const sameString = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function createOidcService(options: OidcServiceOptions): OidcService {
  const { auth, storage, clock, logger } = options;
  const settingsStore = createOidcSettingsStore(storage, clock);
  const loginTtlMs = options.loginTtlMs ?? DEFAULT_OIDC_LOGIN_TTL_MS;
  const states = createOidcLoginStates(storage, clock, { ttlMs: loginTtlMs });
  const insecure = options.allowInsecureRequests ?? false;
  const timeout = options.timeoutSeconds ?? 10;
  const discoveryTtlMs = options.discoveryTtlMs ?? 3_600_000;
  const customFetch: oidc.CustomFetch = (url, init) => options.fetch(url, init as RequestInit);
  const cache = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  const cacheKey = (s: OidcSettings): string => JSON.stringify([s.issuerUrl, s.clientId, s.clientSecret]);

  async function discover(s: OidcSettings): Promise<oidc.Configuration> {
    const issuer = new URL(s.issuerUrl);
    if (issuer.protocol === 'http:' && !insecure) {
      throw new InvalidError(`issuer_url ${s.issuerUrl} is plain http: use https, or start the server with SENTINEL_OIDC_ALLOW_HTTP=true for a provider on a trusted network`);
    }
    const execute = insecure ? [oidc.allowInsecureRequests] : [];
    const found = await oidc.discovery(issuer, s.clientId, undefined, oidc.None(), { [oidc.customFetch]: customFetch, execute, timeout });
    const metadata = found.serverMetadata();
    // Authenticate the way the provider supports, client_secret_basic first (the default of RFC 8414).
    const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    const clientAuth =
      s.clientSecret === '' ? oidc.None() : methods.includes('client_secret_basic') || !methods.includes('client_secret_post') ? oidc.ClientSecretBasic(s.clientSecret) : oidc.ClientSecretPost(s.clientSecret);
    const config = new oidc.Configuration({ ...metadata }, s.clientId, s.clientSecret === '' ? undefined : { client_secret: s.clientSecret }, clientAuth);
    config[oidc.customFetch] = customFetch;
    config.timeout = timeout;
    if (insecure) oidc.allowInsecureRequests(config);
    return config;
  }

  /** The provider configuration of `s`, discovered once per hour (a failed discovery is retried at the next use). */
  function configurationFor(s: OidcSettings): Promise<oidc.Configuration> {
    const key = cacheKey(s);
    const hit = cache.get(key);
    if (hit !== undefined && clock.now() - hit.at < discoveryTtlMs) return hit.config;
    cache.clear();
    const config = discover(s);
    cache.set(key, { at: clock.now(), config });
    config.catch(() => cache.delete(key));
    return config;
  }

  const providerError = (s: OidcSettings, error: unknown): Error =>
    error instanceof InvalidError ? error : new UpstreamError(`the identity provider at ${s.issuerUrl} could not be reached or configured: ${errorReason(error)}`);

  /** The user an identity signs in as, linking or creating one as the settings allow. */
  async function mapUser(s: OidcSettings, identity: ExternalIdentity, claims: Record<string, unknown>): Promise<User> {
    const linked = await auth.users.findByExternal(identity);
    if (linked !== undefined) return linked;
    const username = usernameFromClaims(claims, s);
    if (s.allowLinking && username !== undefined) {
      const existing = await auth.users.findByUsername(username);
      if (existing !== undefined) {
        // An unverified address can be typed by anyone at many providers: never let it claim an account.
        if (s.usernameClaim === 'email' && claims.email_verified !== true) {
          throw new ForbiddenError(`the identity provider has not verified the email address ${username}: it cannot be linked to the existing user`);
        }
        if (existing.external !== undefined) throw new ForbiddenError(`user "${existing.username}" is linked to another identity`);
        const user = await auth.users.linkExternal(existing.id, identity);
        logger.info('OIDC identity linked to an existing user', { user: user.username, provider: identity.provider });
        return user;
      }
    }
    if (!s.autoProvision) {
      throw new ForbiddenError('no Sentinel Kit user is linked to this identity: ask an admin to turn on auto-provisioning or linking by username');
    }
    if (username === undefined) throw new ForbiddenError(`the identity provider sent no "${s.usernameClaim}" claim to name the new user`);
    const role = roleFromClaims(claims, s);
    try {
      const user = await auth.users.create({ username, role, external: identity });
      logger.info('OIDC user provisioned', { user: user.username, role, provider: identity.provider });
      return user;
    } catch (error) {
      if (error instanceof ConflictError) {
        const raced = await auth.users.findByExternal(identity);
        if (raced !== undefined) return raced;
        throw new ForbiddenError(`a user named "${username}" already exists and is not linked to this identity: an admin can allow linking by username`);
      }
      if (error instanceof InvalidError) throw new ForbiddenError(`cannot create a user from this identity: ${error.message}`);
      throw error;
    }
  }

  const service: OidcService = {
    settings: () => settingsStore.get(),

    async save(input) {
      const next = await settingsStore.prepare(input);
      if (next.issuerUrl !== '' && next.clientId !== '') {
        try {
          await discover(next);
        } catch (error) {
          if (error instanceof InvalidError) throw error;
          throw new InvalidError(`could not discover the OpenID provider at ${next.issuerUrl}: ${errorReason(error)}`);
        }
      }
      cache.clear();
      const saved = await settingsStore.save(next);
      logger.info('single sign-on settings saved', { enabled: saved.enabled, issuer: saved.issuerUrl, client_id: saved.clientId });
      return saved;
    },

    async available() {
      const s = await settingsStore.get();
      return s.enabled && s.issuerUrl !== '' && s.clientId !== '';
    },

    redirectUrl: (s, origin) => (s.redirectUrl !== '' ? s.redirectUrl : `${origin}${OIDC_CALLBACK_PATH}`),

    async begin(origin) {
      const s = await settingsStore.get();
      if (!s.enabled) throw new NotFoundError('single sign-on (OIDC) is not enabled');
      let config: oidc.Configuration;
      try {
        config = await configurationFor(s);
      } catch (error) {
        throw providerError(s, error);
      }
      const redirectUri = service.redirectUrl(s, origin);
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      await states.issue(state, { codeVerifier, nonce, redirectUri, issuerUrl: s.issuerUrl, clientId: s.clientId });
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: s.scopes.join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state, maxAgeSeconds: Math.ceil(loginTtlMs / 1000) };
    },

    async complete({ query, boundState }) {
      const state = query.get('state') ?? '';
      if (state === '') throw new InvalidError('missing state: start the sign-in again at /api/auth/oidc/login');
      if (boundState === undefined || !sameString(state, boundState)) {
        throw new InvalidError('the state does not match the sign-in this browser started: start again at /api/auth/oidc/login');
      }
      const pending = await states.consume(state);
      if (pending === undefined) throw new InvalidError('unknown, used or expired sign-in state: start again at /api/auth/oidc/login');
      const s = await settingsStore.get();
      if (!s.enabled) throw new NotFoundError('single sign-on (OIDC) is not enabled');
      if (pending.issuerUrl !== s.issuerUrl || pending.clientId !== s.clientId) {
        throw new InvalidError('the single sign-on settings changed during this sign-in: start again at /api/auth/oidc/login');
      }
      const refused = query.get('error');
      if (refused !== null) {
        const description = query.get('error_description');
        throw new UnauthenticatedError(`the identity provider refused the sign-in: ${refused.slice(0, 100)}${description === null ? '' : ` (${description.slice(0, 200)})`}`);
      }
      let config: oidc.Configuration;
      try {
        config = await configurationFor(s);
      } catch (error) {
        throw providerError(s, error);
      }
      // The redirect URI the provider was given, with the response parameters: what openid-client checks and sends back.
      const current = new URL(pending.redirectUri);
      for (const [key, value] of query) current.searchParams.append(key, value);
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.codeVerifier, expectedState: state, expectedNonce: pending.nonce, idTokenExpected: true });
      } catch (error) {
        const why = errorReason(error);
        logger.warn('OIDC sign-in failed', { issuer: s.issuerUrl, reason: why });
        throw new UnauthenticatedError(`sign-in with the identity provider failed: ${why}`);
      }
      const idClaims = tokens.claims();
      if (idClaims === undefined) throw new UnauthenticatedError('sign-in with the identity provider failed: no ID token');
      let claims: Record<string, unknown> = { ...idClaims };
      // Many providers put profile and group claims in userinfo only; the signed ID token wins where both say something.
      if (config.serverMetadata().userinfo_endpoint !== undefined && typeof tokens.access_token === 'string') {
        try {
          claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)), ...idClaims };
        } catch (error) {
          logger.warn('OIDC userinfo request failed; using the ID token claims only', { issuer: s.issuerUrl, reason: errorReason(error) });
        }
      }
      const identity: ExternalIdentity = { provider: config.serverMetadata().issuer, subject: idClaims.sub };
      const user = await mapUser(s, identity, claims);
      return user;
    },
  };
  return service;
}

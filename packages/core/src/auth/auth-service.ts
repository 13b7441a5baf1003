import { ConflictError, ForbiddenError, InvalidError, NotFoundError, RateLimitedError } from '../errors/index.js';
import { silentLogger } from '../logging/logger.js';
import type { Logger } from '../logging/logger.js';
import { systemClock } from '../ports/clock.js';
import type { Clock } from '../ports/clock.js';
import type { StoragePort } from '../ports/storage.js';
import { UnauthenticatedError } from './auth-errors.js';
import { createCredentialStore } from './credentials.js';
import type { Credential, CredentialKind, CredentialStore } from './credentials.js';
import { createLoginThrottle } from './login-throttle.js';
import type { AttemptSource, LoginThrottle, LoginThrottleOptions } from './login-throttle.js';
import { checkPasswordPolicy, DEFAULT_PASSWORD_COST, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { isPermission, PERMISSIONS, ROLE_PERMISSIONS } from './permissions.js';
import type { Permission, Role } from './permissions.js';
import type { Principal } from './principal.js';
import { generateSecret, hashesEqual, hashSecret } from './secrets.js';
import { createSessionStore, DEFAULT_SESSION_TTL } from './sessions.js';
import type { IssuedSession, LoginMethod, Session, SessionStore, SessionTtl } from './sessions.js';
import { createTotpKey, generateRecoveryCodes, hashRecoveryCode, matchTotp, totpUri } from './totp.js';
import { createUserRecords, isRole, toUser } from './users.js';
import type { CreateUserInput, ExternalIdentity, StoredUser, User } from './users.js';

export interface AuthServiceOptions {
  storage: StoragePort;
  /** @default systemClock */
  clock?: Clock;
  logger?: Logger;
  /** log2 of scrypt's N for new password hashes; tests use a low value such as 4. @default 15 */
  passwordCost?: number;
  /** @default { idleMs: 24 h, absoluteMs: 7 days } */
  sessionTtl?: Partial<SessionTtl>;
  /** @default 5 failures per username / 20 per IP within 15 min lock for 15 min */
  loginThrottle?: Partial<LoginThrottleOptions>;
  /** Whether authentication is on until {@link AuthService.setEnabled} stores a choice. @default true */
  enabledByDefault?: boolean;
  /** Issuer shown by authenticator apps. @default 'Sentinel Kit' */
  totpIssuer?: string;
  /** How long a password-verified login may wait for its TOTP code. @default 5 min */
  pendingLoginTtlMs?: number;
}

/** What a request presents; the server maps each header format onto one of these. */
export type CredentialPresentation =
  | { type: 'session'; token: string }
  | { type: 'credential'; kind: CredentialKind; secret: string; id?: string };

export type LoginResult =
  | { status: 'ok'; user: User }
  /** The password was right and the user has TOTP: finish with {@link AuthService.completeTotpLogin}. */
  | { status: 'totp_required'; totpToken: string };

export interface RequestInfo {
  ip: string;
  userAgent: string;
}

export interface TotpStatus {
  enabled: boolean;
  /** A setup was begun and not confirmed yet. */
  pending: boolean;
  recoveryCodesRemaining: number;
}

/** Users, with the rules that keep an installation manageable (never delete yourself, never lose the last admin). */
export interface UserDirectory {
  get(id: string): Promise<User | undefined>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<User | undefined>;
  /** The user linked to an external identity (OIDC issuer + subject). */
  findByExternal(identity: ExternalIdentity): Promise<User | undefined>;
  /** Oldest first. */
  list(): Promise<User[]>;
  count(): Promise<number>;
  /**
   * Create a user. `password` is checked against the policy (at least 10
   * characters…); omit it for users who sign in through an external identity
   * or a passkey. Throws `InvalidError` (bad username, role or password) or
   * `ConflictError` (username or external identity taken).
   */
  create(input: CreateUserInput): Promise<User>;
  /**
   * Delete a user and end every session and credential it has. `ForbiddenError`
   * when `actorId` is the user itself or the user is the last admin;
   * `NotFoundError` when unknown.
   */
  delete(id: string, options?: { actorId?: string }): Promise<void>;
  /** Change a user's role; `ForbiddenError` when that would leave no admin. */
  setRole(id: string, role: Role): Promise<User>;
  /** Set a new password (policy-checked) and end every session of the user. */
  setPassword(id: string, password: string): Promise<void>;
  /** Link an external identity to an existing user (`ConflictError` if linked elsewhere). */
  linkExternal(id: string, identity: ExternalIdentity): Promise<User>;
}

export interface AuthService {
  readonly users: UserDirectory;
  /** The credential store of every surface (tokens, agent keys, API keys…). */
  readonly credentials: CredentialStore;
  readonly sessions: SessionStore;
  readonly throttle: LoginThrottle;

  /** Whether authentication is enforced. */
  isEnabled(): Promise<boolean>;
  /**
   * Turn authentication on or off. Turning it on is refused (`ConflictError`)
   * unless an admin can sign in (has a password, an external identity or a
   * registered login method), so it can never lock everyone out.
   */
  setEnabled(enabled: boolean): Promise<void>;
  /** True until the first user exists. */
  setupRequired(): Promise<boolean>;
  /** Create the first admin; `ConflictError` once any user exists. */
  setup(input: { username: string; password: string }): Promise<User>;

  /**
   * Check a username and password. Throws `RateLimitedError` (with
   * `retryAfterMs`) while the IP or username is locked out, and
   * `UnauthenticatedError` with the same message for an unknown user and a
   * wrong password (an unknown user costs the same scrypt work).
   */
  login(input: { username: string; password: string; ip?: string }): Promise<LoginResult>;
  /** Finish a login that answered `totp_required`, with a TOTP code or a recovery code (each works once). */
  completeTotpLogin(input: { totpToken: string; code: string; ip?: string }): Promise<{ user: User; method: LoginMethod }>;

  /** Open a server-side session for a user who has just proved who they are (any method). */
  createSession(userId: string, info: RequestInfo & { method: LoginMethod }): Promise<IssuedSession>;
  /** The principal a session token or credential stands for, or `undefined` when it is unknown, expired or revoked. */
  authenticate(presentation: CredentialPresentation): Promise<Principal | undefined>;
  /** The principal of a user with the user's full role (for flows that already verified the user). */
  principalOf(user: User, via: Principal['via'], credentialId?: string): Principal;
  /** Whether `csrfToken` is the CSRF token of the session the principal came from. */
  verifyCsrf(principal: Principal, csrfToken: string | undefined): Promise<boolean>;

  /** Change one's own password (the current one is required); ends the user's other sessions. */
  changePassword(userId: string, input: { currentPassword: string; newPassword: string; keepSessionId?: string; ip?: string }): Promise<{ sessionsEnded: number }>;

  /**
   * Create a native API bearer token (`sntkn_…`) for the principal's user.
   * `permissions` narrows it and must be a subset of what the principal has
   * (`ForbiddenError` otherwise).
   */
  createApiToken(principal: Principal, input: { name: string; permissions?: readonly string[]; expiresAt?: number }): Promise<{ token: string; credential: Credential }>;
  listApiTokens(userId: string): Promise<Credential[]>;
  /** `NotFoundError` unless the token exists, is live and belongs to the user. */
  revokeApiToken(userId: string, id: string): Promise<void>;

  readonly totp: {
    status(userId: string): Promise<TotpStatus>;
    /** Start (or restart) TOTP setup: a new key and its `otpauth://` URI. `ConflictError` when TOTP is already on. */
    begin(userId: string): Promise<{ secret: string; uri: string }>;
    /** Turn TOTP on with a code from the app; returns the recovery codes (shown once, stored hashed). */
    confirm(userId: string, code: string): Promise<{ recoveryCodes: string[] }>;
    /** Turn TOTP off; requires the user's password. */
    disable(userId: string, password: string, source?: AttemptSource): Promise<void>;
  };

  /**
   * Tell the service about another way to sign in (passkeys…), so that
   * enabling authentication counts users who can sign in that way.
   */
  registerLoginMethod(name: string, hasCredential: (userId: string) => Promise<boolean>): void;
}

const SETTINGS = 'auth_settings';
const MAX_PENDING_LOGINS = 10_000;
const MAX_TOTP_ATTEMPTS = 5;

/**
 * The authentication and authorization domain: users and roles, password and
 * TOTP logins with throttling, server-side sessions, and the credential store
 * of every surface, all over the storage port and an injected clock.
 *
 * @example
 * const auth = createAuthService({ storage, clock, passwordCost: 4 });
 * await auth.setup({ username: 'admin', password: 'correct horse battery' });
 * const login = await auth.login({ username: 'admin', password: 'correct horse battery', ip: '10.0.0.5' });
 */
export function createAuthService(options: AuthServiceOptions): AuthService {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const cost = options.passwordCost ?? DEFAULT_PASSWORD_COST;
  const storage = options.storage;
  const records = createUserRecords(storage, clock, cost);
  const credentials = createCredentialStore(storage, clock);
  const sessions = createSessionStore(storage, clock, { ...DEFAULT_SESSION_TTL, ...options.sessionTtl });
  const throttle = createLoginThrottle(clock, options.loginThrottle);
  const issuer = options.totpIssuer ?? 'Sentinel Kit';
  const pendingTtl = options.pendingLoginTtlMs ?? 5 * 60_000;
  const loginMethods = new Map<string, (userId: string) => Promise<boolean>>();
  const pending = new Map<string, { userId: string; expiresAt: number; attempts: number }>();
  let enabledCache: boolean | undefined;
  let usersExist = false;
  let dummyHash: Promise<string> | undefined;

  const iso = (): string => new Date(clock.now()).toISOString();
  // Unknown users are checked against this hash, at the same cost as real ones.
  const dummy = (): Promise<string> => (dummyHash ??= hashPassword(generateSecret(), cost));
  const mustGet = async (id: string): Promise<StoredUser> => {
    const u = await records.get(id);
    if (u === undefined) throw new NotFoundError(`user "${id}" not found`);
    return u;
  };
  const limited = (source: AttemptSource): void => {
    const wait = throttle.retryAfter(source);
    if (wait !== undefined) {
      throw new RateLimitedError(`too many failed attempts; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
    }
  };
  const checkOwnPassword = async (user: StoredUser, password: string, source: AttemptSource, wrong: string): Promise<void> => {
    limited({ ...source, username: user.username });
    const ok = typeof password === 'string' && user.passwordHash !== undefined && (await verifyPassword(password, user.passwordHash));
    if (!ok) {
      throttle.recordFailure({ ...source, username: user.username });
      throw new InvalidError(wrong);
    }
  };
  const principalOf = (user: User | StoredUser, via: Principal['via'], credentialId?: string, narrowed?: readonly Permission[]): Principal => {
    const rolePermissions = ROLE_PERMISSIONS[user.role];
    return {
      kind: 'user',
      userId: user.id,
      username: user.username,
      role: user.role,
      permissions: narrowed === undefined ? [...rolePermissions] : rolePermissions.filter((p) => narrowed.includes(p)),
      scopes: [],
      via,
      ...(credentialId === undefined ? {} : { credentialId }),
    };
  };
  const prunePending = (): void => {
    const now = clock.now();
    for (const [key, p] of pending) if (p.expiresAt <= now) pending.delete(key);
    while (pending.size >= MAX_PENDING_LOGINS) {
      const oldest = pending.keys().next();
      if (oldest.done === true) break;
      pending.delete(oldest.value);
    }
  };
  const canSignIn = async (u: StoredUser): Promise<boolean> => {
    if (u.passwordHash !== undefined || u.external !== undefined) return true;
    for (const has of loginMethods.values()) if (await has(u.id)) return true;
    return false;
  };

  const users: UserDirectory = {
    get: async (id) => {
      const u = typeof id === 'string' ? await records.get(id) : undefined;
      return u === undefined ? undefined : toUser(u);
    },
    findByUsername: async (username) => {
      const u = await records.byUsername(username);
      return u === undefined ? undefined : toUser(u);
    },
    findByExternal: async (identity) => {
      const u = await records.byExternal(identity);
      return u === undefined ? undefined : toUser(u);
    },
    list: async () => (await records.all()).map(toUser),
    count: () => records.count(),
    async create(input) {
      const u = await records.create(input);
      usersExist = true;
      logger.info('user created', { user: u.username, role: u.role });
      return toUser(u);
    },
    async delete(id, opts = {}) {
      const removed = await records.exclusive(() => records.remove(id, opts.actorId));
      const ended = await sessions.revokeForUser(id);
      const revoked = await credentials.revokeAllOwnedBy(id);
      logger.info('user deleted', { user: removed.username, sessions_ended: ended, credentials_revoked: revoked });
    },
    async setRole(id, role) {
      if (!isRole(role)) throw new InvalidError(`unknown role "${String(role)}"`);
      return records.exclusive(async () => {
        const u = await mustGet(id);
        if (u.role === 'admin' && role !== 'admin' && (await records.adminCount()) <= 1) throw new ForbiddenError('the last admin cannot be demoted');
        const next = { ...u, role };
        await records.put(next);
        logger.info('user role changed', { user: u.username, from: u.role, to: role });
        return toUser((await records.get(id)) ?? next);
      });
    },
    async setPassword(id, password) {
      const u = await mustGet(id);
      checkPasswordPolicy(password, u.username);
      await records.put({ ...u, passwordHash: await hashPassword(password, cost) });
      await sessions.revokeForUser(id);
    },
    async linkExternal(id, identity) {
      return toUser(await records.linkExternal(id, identity));
    },
  };

  const service: AuthService = {
    users,
    credentials,
    sessions,
    throttle,
    principalOf: (user, via, credentialId) => principalOf(user, via, credentialId),

    async isEnabled() {
      if (enabledCache === undefined) {
        const stored = await storage.get<{ enabled: boolean }>(SETTINGS, 'enabled');
        enabledCache = stored?.enabled ?? options.enabledByDefault ?? true;
      }
      return enabledCache;
    },

    async setEnabled(enabled) {
      if (enabled) {
        let usable = false;
        for (const u of await records.all()) if (u.role === 'admin' && (await canSignIn(u))) usable = true;
        if (!usable) throw new ConflictError('authentication cannot be enabled: no admin could sign in (create an admin with a password first)');
      }
      await storage.put(SETTINGS, 'enabled', { enabled, changed_at: iso() });
      enabledCache = enabled;
      logger.info(`authentication ${enabled ? 'enabled' : 'disabled'}`);
    },

    async setupRequired() {
      if (usersExist) return false;
      usersExist = (await records.count()) > 0;
      return !usersExist;
    },

    async setup(input) {
      if (!(await service.setupRequired())) throw new ConflictError('setup already complete');
      const u = await records.create({ username: input.username, password: input.password, role: 'admin' }, { requireNoUsers: true });
      usersExist = true;
      logger.info('first admin created', { user: u.username });
      return toUser(u);
    },

    async login({ username, password, ip }) {
      const source = { ip, username: typeof username === 'string' ? username : undefined };
      limited(source);
      const user = typeof username === 'string' ? await records.byUsername(username) : undefined;
      const pw = typeof password === 'string' ? password : '';
      let ok = false;
      if (user?.passwordHash !== undefined) ok = await verifyPassword(pw, user.passwordHash);
      else await verifyPassword(pw, await dummy());
      if (user === undefined || !ok) {
        throttle.recordFailure(source);
        logger.warn('sign-in failed', { ip: ip ?? 'unknown' });
        throw new UnauthenticatedError('invalid username or password');
      }
      throttle.recordSuccess(source);
      if (user.passwordHash !== undefined && needsRehash(user.passwordHash, cost)) {
        await records.put({ ...user, passwordHash: await hashPassword(pw, cost) });
      }
      if (user.totp !== undefined) {
        prunePending();
        const totpToken = generateSecret('pending_');
        pending.set(hashSecret(totpToken), { userId: user.id, expiresAt: clock.now() + pendingTtl, attempts: 0 });
        return { status: 'totp_required', totpToken };
      }
      return { status: 'ok', user: toUser(user) };
    },

    async completeTotpLogin({ totpToken, code, ip }) {
      const key = typeof totpToken === 'string' ? hashSecret(totpToken) : '';
      const p = pending.get(key);
      if (p === undefined || p.expiresAt <= clock.now()) {
        pending.delete(key);
        throw new UnauthenticatedError('this sign-in has expired or is unknown; sign in again with your password');
      }
      const stored = await records.get(p.userId);
      if (stored?.totp === undefined) {
        pending.delete(key);
        throw new UnauthenticatedError('this sign-in has expired or is unknown; sign in again with your password');
      }
      const source = { ip, username: stored.username };
      limited(source);
      const outcome = await records.exclusive(async (): Promise<LoginMethod | undefined> => {
        const u = await records.get(p.userId);
        if (u?.totp === undefined || typeof code !== 'string') return undefined;
        const counter = matchTotp({ base32: u.totp.key }, code, clock.now());
        // A code is accepted once: never at or before the last step used (replays, and older codes within the drift window).
        if (counter !== undefined && counter > u.totp.lastCounter) {
          await records.put({ ...u, totp: { ...u.totp, lastCounter: counter } });
          return 'totp';
        }
        const h = hashRecoveryCode(code);
        let match = -1;
        u.totp.recoveryCodes.forEach((stored, i) => {
          if (hashesEqual(stored, h)) match = i;
        });
        if (match >= 0) {
          await records.put({ ...u, totp: { ...u.totp, recoveryCodes: u.totp.recoveryCodes.filter((_, i) => i !== match) } });
          return 'recovery_code';
        }
        return undefined;
      });
      if (outcome === undefined) {
        throttle.recordFailure(source);
        if (++p.attempts >= MAX_TOTP_ATTEMPTS) pending.delete(key);
        throw new UnauthenticatedError('invalid code');
      }
      pending.delete(key);
      throttle.recordSuccess(source);
      if (outcome === 'recovery_code') logger.warn('recovery code used', { user: stored.username });
      return { user: toUser((await records.get(p.userId)) ?? stored), method: outcome };
    },

    async createSession(userId, info) {
      const user = await mustGet(userId);
      await sessions.prune();
      const issued = await sessions.create(user.id, info);
      logger.info('signed in', { user: user.username, method: info.method, ip: info.ip });
      return issued;
    },

    async authenticate(presentation) {
      if (presentation.type === 'session') {
        const s: Session | undefined = await sessions.resolve(presentation.token);
        if (s === undefined) return undefined;
        const user = await records.get(s.userId);
        if (user === undefined) {
          await sessions.revoke(s.id);
          return undefined;
        }
        return { ...principalOf(user, 'session', s.id), method: s.method };
      }
      const c = await credentials.verify(presentation.kind, presentation.secret, presentation.id === undefined ? {} : { id: presentation.id });
      if (c === undefined) return undefined;
      const extras = {
        scopes: [...c.scopes],
        ...(c.organization === undefined ? {} : { organization: c.organization }),
      };
      if (c.ownerUserId !== undefined) {
        const user = await records.get(c.ownerUserId);
        if (user === undefined) return undefined;
        return { ...principalOf(user, c.kind, c.id, c.permissions), ...extras };
      }
      return { kind: 'service', permissions: [...(c.permissions ?? [])], via: c.kind, credentialId: c.id, ...extras };
    },

    async verifyCsrf(principal, csrfToken) {
      if (principal.via !== 'session' || principal.credentialId === undefined || csrfToken === undefined) return false;
      return sessions.verifyCsrf(principal.credentialId, csrfToken);
    },

    async changePassword(userId, { currentPassword, newPassword, keepSessionId, ip }) {
      const u = await mustGet(userId);
      if (u.passwordHash === undefined) throw new InvalidError('this account has no password; it signs in another way');
      checkPasswordPolicy(newPassword, u.username);
      await checkOwnPassword(u, currentPassword, { ip }, 'current password is incorrect');
      if (newPassword === currentPassword) throw new InvalidError('the new password must differ from the current one');
      const passwordHash = await hashPassword(newPassword, cost);
      await records.put({ ...((await records.get(userId)) ?? u), passwordHash });
      const sessionsEnded = await sessions.revokeForUser(userId, keepSessionId);
      logger.info('password changed', { user: u.username, sessions_ended: sessionsEnded });
      return { sessionsEnded };
    },

    async createApiToken(principal, { name, permissions, expiresAt }) {
      if (principal.userId === undefined) throw new UnauthenticatedError('sign in as a user to create a token');
      const user = await mustGet(principal.userId);
      let narrowed: Permission[] | undefined;
      if (permissions !== undefined) {
        narrowed = [];
        for (const p of permissions) {
          if (!isPermission(p)) throw new InvalidError(`unknown permission "${p}": valid permissions are ${PERMISSIONS.join(', ')}`);
          if (!principal.permissions.includes(p)) throw new ForbiddenError(`you cannot grant ${p}: you do not have it`);
          narrowed.push(p);
        }
      } else if (principal.permissions.length < ROLE_PERMISSIONS[user.role].length) {
        // A narrowed token creating a token passes on its own limits, never the owner's full role.
        narrowed = [...principal.permissions];
      }
      const issued = await credentials.issue({
        kind: 'api_token',
        name,
        ownerUserId: user.id,
        ...(narrowed === undefined ? {} : { permissions: narrowed }),
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
      logger.info('API token created', { user: user.username, token_id: issued.credential.id });
      return { token: issued.secret, credential: issued.credential };
    },

    listApiTokens: (userId) => credentials.list({ kind: 'api_token', ownerUserId: userId }),

    async revokeApiToken(userId, id) {
      const c = await credentials.get(id);
      if (c === undefined || c.kind !== 'api_token' || c.ownerUserId !== userId || c.revokedAt !== null) throw new NotFoundError(`token "${id}" not found`);
      await credentials.revoke(id);
    },

    totp: {
      async status(userId) {
        const u = await mustGet(userId);
        return { enabled: u.totp !== undefined, pending: u.totpPending !== undefined, recoveryCodesRemaining: u.totp?.recoveryCodes.length ?? 0 };
      },
      async begin(userId) {
        return records.exclusive(async () => {
          const u = await mustGet(userId);
          if (u.totp !== undefined) throw new ConflictError('two-factor authentication is already enabled; disable it first');
          const key = createTotpKey();
          await records.put({ ...u, totpPending: { key, createdAt: iso() } });
          return { secret: key, uri: totpUri(key, u.username, issuer) };
        });
      },
      async confirm(userId, code) {
        return records.exclusive(async () => {
          const u = await mustGet(userId);
          if (u.totp !== undefined) throw new ConflictError('two-factor authentication is already enabled');
          if (u.totpPending === undefined) throw new ConflictError('no two-factor setup in progress: call /api/auth/totp/setup first');
          const counter = typeof code === 'string' ? matchTotp({ base32: u.totpPending.key }, code, clock.now()) : undefined;
          if (counter === undefined) throw new InvalidError('invalid code: enter the current code from your authenticator app');
          const recoveryCodes = generateRecoveryCodes();
          const { totpPending, ...rest } = u;
          await records.put({ ...rest, totp: { key: totpPending.key, confirmedAt: iso(), lastCounter: counter, recoveryCodes: recoveryCodes.map(hashRecoveryCode) } });
          logger.info('two-factor authentication enabled', { user: u.username });
          return { recoveryCodes };
        });
      },
      async disable(userId, password, source = {}) {
        const u = await mustGet(userId);
        if (u.totp === undefined && u.totpPending === undefined) throw new ConflictError('two-factor authentication is not enabled');
        await checkOwnPassword(u, password, source, 'password is incorrect');
        await records.exclusive(async () => {
          const { totp: _totp, totpPending: _pending, ...rest } = (await records.get(userId)) ?? u;
          await records.put(rest);
        });
        logger.info('two-factor authentication disabled', { user: u.username });
      },
    },

    registerLoginMethod(name, hasCredential) {
      loginMethods.set(name, hasCredential);
    },
  };
  return service;
}

import type { Clock } from '../ports/clock.js';
import type { StoragePort } from '../ports/storage.js';
import { generateId, generateSecret, hashesEqual, hashSecret } from './secrets.js';

/**
 * Server-side browser sessions. The cookie carries a random token; only its
 * SHA-256 is stored, with the session's own CSRF token (hashed too). A
 * session ends when it is revoked, after `idleMs` without a request, or
 * `absoluteMs` after it was created, whichever comes first.
 */

/** How a session was opened: `password`, `totp`, `recovery_code`, `setup`, `passkey`, `oidc`… */
export type LoginMethod = 'password' | 'totp' | 'recovery_code' | 'setup' | 'passkey' | 'oidc' | (string & {});

/** A session as callers see it (no token, no hashes). */
export interface Session {
  /** Opaque id (`ses_…`), what lists and revocation use; never the cookie value. */
  id: string;
  userId: string;
  method: LoginMethod;
  ip: string;
  userAgent: string;
  createdAt: string;
  lastSeenAt: string;
  /** When the session ends if it stays in use: `createdAt` + the absolute lifetime. */
  expiresAt: string;
  /** When it ends if no request comes first: `lastSeenAt` + the idle timeout (never after `expiresAt`). */
  idleExpiresAt: string;
}

interface StoredSession {
  id: string;
  userId: string;
  method: string;
  ip: string;
  userAgent: string;
  createdAt: number;
  lastSeenAt: number;
  tokenHash: string;
  csrfHash: string;
}

export interface SessionTtl {
  /** A session unused this long ends. @default 24 h */
  idleMs: number;
  /** A session ends this long after login, however busy. @default 7 days */
  absoluteMs: number;
}

export const DEFAULT_SESSION_TTL: SessionTtl = { idleMs: 24 * 3_600_000, absoluteMs: 7 * 24 * 3_600_000 };

/** Session cookie tokens start with this, so a bearer header can carry one too. */
export const SESSION_TOKEN_PREFIX = 'snses_';

export interface IssuedSession {
  /** The cookie value (`snses_…`): shown once, stored only as a hash. */
  token: string;
  /** The CSRF token for the `sentinel_csrf` cookie and the `X-CSRF-Token` header. */
  csrfToken: string;
  session: Session;
}

export interface SessionStore {
  create(userId: string, info: { ip: string; userAgent: string; method: LoginMethod }): Promise<IssuedSession>;
  /** The live session whose token this is (and record its use), or `undefined`; expired sessions are deleted. */
  resolve(token: string): Promise<Session | undefined>;
  get(id: string): Promise<Session | undefined>;
  /** A user's live sessions, newest first. */
  listForUser(userId: string): Promise<Session[]>;
  /** Whether `csrfToken` is the CSRF token of session `id` (constant-time). */
  verifyCsrf(id: string, csrfToken: string): Promise<boolean>;
  /** End one session; resolves false when there was none. */
  revoke(id: string): Promise<boolean>;
  /** End every session of a user except `exceptId`; resolves how many ended. */
  revokeForUser(userId: string, exceptId?: string): Promise<number>;
  /** Delete expired sessions; resolves how many. */
  prune(): Promise<number>;
  readonly ttl: SessionTtl;
}

const SESSIONS = 'auth_sessions';
const BY_HASH = 'auth_session_hashes';
const USER_AGENT_MAX = 256;

export function createSessionStore(storage: StoragePort, clock: Clock, ttl: SessionTtl = DEFAULT_SESSION_TTL): SessionStore {
  // Writing `lastSeenAt` on every request would rewrite storage per request; a coarse mark is enough for idle expiry.
  const touchIntervalMs = Math.min(60_000, Math.floor(ttl.idleMs / 10));
  const iso = (ms: number): string => new Date(ms).toISOString();
  const ends = (s: StoredSession): number => Math.min(s.lastSeenAt + ttl.idleMs, s.createdAt + ttl.absoluteMs);
  const view = (s: StoredSession): Session => ({
    id: s.id,
    userId: s.userId,
    method: s.method,
    ip: s.ip,
    userAgent: s.userAgent,
    createdAt: iso(s.createdAt),
    lastSeenAt: iso(s.lastSeenAt),
    expiresAt: iso(s.createdAt + ttl.absoluteMs),
    idleExpiresAt: iso(ends(s)),
  });
  const remove = async (s: StoredSession): Promise<void> => {
    await storage.batch([
      { op: 'delete', collection: SESSIONS, key: s.id },
      { op: 'delete', collection: BY_HASH, key: s.tokenHash },
    ]);
  };
  const all = async (): Promise<StoredSession[]> => (await storage.list<StoredSession>(SESSIONS)).map((e) => e.value);

  const store: SessionStore = {
    ttl,
    async create(userId, info) {
      const token = generateSecret(SESSION_TOKEN_PREFIX);
      const csrfToken = generateSecret();
      const now = clock.now();
      const record: StoredSession = {
        id: generateId('ses_'),
        userId,
        method: info.method,
        ip: info.ip.slice(0, 64),
        userAgent: info.userAgent.slice(0, USER_AGENT_MAX),
        createdAt: now,
        lastSeenAt: now,
        tokenHash: hashSecret(token),
        csrfHash: hashSecret(csrfToken),
      };
      await storage.batch([
        { op: 'put', collection: SESSIONS, key: record.id, value: record },
        { op: 'put', collection: BY_HASH, key: record.tokenHash, value: record.id },
      ]);
      return { token, csrfToken, session: view(record) };
    },

    async resolve(token) {
      if (typeof token !== 'string' || !token.startsWith(SESSION_TOKEN_PREFIX) || token.length > 128) return undefined;
      const hash = hashSecret(token);
      const id = await storage.get<string>(BY_HASH, hash);
      if (id === undefined) return undefined;
      const s = await storage.get<StoredSession>(SESSIONS, id);
      if (s === undefined || !hashesEqual(s.tokenHash, hash)) return undefined;
      const now = clock.now();
      if (now >= ends(s)) {
        await remove(s);
        return undefined;
      }
      if (now - s.lastSeenAt >= touchIntervalMs) {
        s.lastSeenAt = now;
        await storage.put(SESSIONS, s.id, s);
      }
      return view(s);
    },

    async get(id) {
      const s = await storage.get<StoredSession>(SESSIONS, id);
      return s === undefined || clock.now() >= ends(s) ? undefined : view(s);
    },

    async listForUser(userId) {
      const now = clock.now();
      return (await all())
        .filter((s) => s.userId === userId && now < ends(s))
        .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id))
        .map(view);
    },

    async verifyCsrf(id, csrfToken) {
      if (typeof csrfToken !== 'string' || csrfToken === '' || csrfToken.length > 128) return false;
      const s = await storage.get<StoredSession>(SESSIONS, id);
      return s !== undefined && hashesEqual(s.csrfHash, hashSecret(csrfToken));
    },

    async revoke(id) {
      const s = await storage.get<StoredSession>(SESSIONS, id);
      if (s === undefined) return false;
      await remove(s);
      return true;
    },

    async revokeForUser(userId, exceptId) {
      let n = 0;
      for (const s of await all()) {
        if (s.userId !== userId || s.id === exceptId) continue;
        await remove(s);
        n++;
      }
      return n;
    },

    async prune() {
      const now = clock.now();
      let n = 0;
      for (const s of await all()) {
        if (now >= ends(s)) {
          await remove(s);
          n++;
        }
      }
      return n;
    },
  };
  return store;
}

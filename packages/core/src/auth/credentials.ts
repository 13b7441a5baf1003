import { InvalidError } from '../errors/index.js';
import type { Clock } from '../ports/clock.js';
import type { JsonValue, StoragePort } from '../ports/storage.js';
import { isPermission } from './permissions.js';
import type { Permission } from './permissions.js';
import { generateId, generateSecret, hashesEqual, hashSecret } from './secrets.js';

/**
 * The one store of machine credentials, whatever surface presents them:
 * native API bearer tokens (`Authorization: Bearer sntkn_…`), agent keys
 * (`X-Agent-Key: sk_agent_…`), API keys (`X-API-Key: vp_…`), integration
 * tokens (`X-AUTH-TOKEN: <secret>/<id>`, `Authorization: Token <secret>`) and
 * opaque access tokens. Each resolves to a principal through the auth service.
 *
 * Only a SHA-256 hash of each secret is stored; the secret itself is returned
 * once, by {@link CredentialStore.issue}.
 */
export const CREDENTIAL_KINDS = {
  /** Native API bearer token. */
  api_token: { secretPrefix: 'sntkn_', idPrefix: 'tok_' },
  /** Agent / CI inventory report key (seed 000). */
  agent_key: { secretPrefix: 'sk_agent_', idPrefix: 'agk_' },
  /** Audit & compliance API key (seed 004). */
  api_key: { secretPrefix: 'vp_', idPrefix: 'key_' },
  /** Image-inventory and EDR integration token (seeds 002, 003). */
  integration_token: { secretPrefix: 'sit_', idPrefix: 'int_' },
  /** Short-lived access token issued by a login endpoint (seed 004). */
  access_token: { secretPrefix: 'sat_', idPrefix: 'acc_' },
} as const;

export type CredentialKind = keyof typeof CREDENTIAL_KINDS;

export function isCredentialKind(value: string): value is CredentialKind {
  return Object.hasOwn(CREDENTIAL_KINDS, value);
}

/** A credential as callers see it: everything but the hash of its secret. */
export interface Credential {
  id: string;
  kind: CredentialKind;
  name: string;
  /** The first characters of the secret (`sntkn_Ab3d`), so a user can tell their tokens apart. */
  prefix: string;
  /** The user the credential acts for; absent for service credentials such as agent keys. */
  ownerUserId?: string;
  organization?: string;
  /** Narrower than the owner's role when set; the only permissions of an ownerless credential. */
  permissions?: Permission[];
  /** Surface-specific scopes (`agent`, `inventory.read`…). */
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  /** Surface-specific data (an enrollment token's use count…); never a secret. */
  metadata?: { [key: string]: JsonValue };
}

interface StoredCredential extends Credential {
  hash: string;
}

export interface IssueCredentialInput {
  kind: CredentialKind;
  name: string;
  ownerUserId?: string;
  organization?: string;
  permissions?: readonly Permission[];
  scopes?: readonly string[];
  /** Epoch milliseconds; absent means it never expires. */
  expiresAt?: number;
  metadata?: { [key: string]: JsonValue };
}

export interface CredentialFilter {
  kind?: CredentialKind;
  ownerUserId?: string;
  organization?: string;
  /** Include revoked credentials. @default false */
  includeRevoked?: boolean;
}

export interface CredentialStore {
  /** Create a credential; the returned `secret` is never available again. */
  issue(input: IssueCredentialInput): Promise<{ secret: string; credential: Credential }>;
  /**
   * The live credential of `kind` whose secret is `secret` (and whose id is
   * `id`, for formats that carry one), or `undefined` when it is unknown,
   * revoked or expired. Hashes are compared in constant time. Records
   * `lastUsedAt` (at most once a minute).
   */
  verify(kind: CredentialKind, secret: string, options?: { id?: string }): Promise<Credential | undefined>;
  get(id: string): Promise<Credential | undefined>;
  /** Ordered by creation time, oldest first. */
  list(filter?: CredentialFilter): Promise<Credential[]>;
  /** Revoke a credential (kept for the record, never valid again). Resolves false when unknown or already revoked. */
  revoke(id: string): Promise<boolean>;
  /** Revoke every live credential a user owns; resolves how many. */
  revokeAllOwnedBy(userId: string): Promise<number>;
}

const CREDENTIALS = 'auth_credentials';
const BY_HASH = 'auth_credential_hashes';
const TOUCH_INTERVAL_MS = 60_000;
const NAME_MAX = 100;

const strip = ({ hash: _hash, ...credential }: StoredCredential): Credential => credential;

/** The credential store over the storage port (collections `auth_credentials`, `auth_credential_hashes`). */
export function createCredentialStore(storage: StoragePort, clock: Clock): CredentialStore {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const live = (c: StoredCredential): boolean => c.revokedAt === null && (c.expiresAt === null || Date.parse(c.expiresAt) > clock.now());

  const store: CredentialStore = {
    async issue(input) {
      const spec = CREDENTIAL_KINDS[input.kind];
      if (spec === undefined) throw new InvalidError(`unknown credential kind "${String(input.kind)}"`);
      const name = input.name.trim();
      if (name === '' || name.length > NAME_MAX) throw new InvalidError(`name must be 1 to ${NAME_MAX} characters`);
      for (const p of input.permissions ?? []) if (!isPermission(p)) throw new InvalidError(`unknown permission "${p}"`);
      if (input.expiresAt !== undefined && !(input.expiresAt > clock.now())) throw new InvalidError('expiry must be in the future');
      const secret = generateSecret(spec.secretPrefix);
      const now = clock.now();
      const record: StoredCredential = {
        id: generateId(spec.idPrefix),
        kind: input.kind,
        name,
        prefix: secret.slice(0, spec.secretPrefix.length + 4),
        ...(input.ownerUserId === undefined ? {} : { ownerUserId: input.ownerUserId }),
        ...(input.organization === undefined ? {} : { organization: input.organization }),
        ...(input.permissions === undefined ? {} : { permissions: [...new Set(input.permissions)] }),
        scopes: [...new Set(input.scopes ?? [])],
        createdAt: iso(now),
        lastUsedAt: null,
        expiresAt: input.expiresAt === undefined ? null : iso(input.expiresAt),
        revokedAt: null,
        ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
        hash: hashSecret(secret),
      };
      await storage.batch([
        { op: 'put', collection: CREDENTIALS, key: record.id, value: record },
        { op: 'put', collection: BY_HASH, key: record.hash, value: record.id },
      ]);
      return { secret, credential: strip(record) };
    },

    async verify(kind, secret, options = {}) {
      if (typeof secret !== 'string' || secret.length < 16 || secret.length > 512) return undefined;
      const hash = hashSecret(secret);
      const id = options.id ?? (await storage.get<string>(BY_HASH, hash));
      if (id === undefined) return undefined;
      const record = await storage.get<StoredCredential>(CREDENTIALS, id);
      if (record === undefined || record.kind !== kind || !hashesEqual(record.hash, hash) || !live(record)) return undefined;
      const now = clock.now();
      if (record.lastUsedAt === null || now - Date.parse(record.lastUsedAt) >= TOUCH_INTERVAL_MS) {
        record.lastUsedAt = iso(now);
        await storage.put(CREDENTIALS, record.id, record);
      }
      return strip(record);
    },

    async get(id) {
      const record = await storage.get<StoredCredential>(CREDENTIALS, id);
      return record === undefined ? undefined : strip(record);
    },

    async list(filter = {}) {
      const out: Credential[] = [];
      for (const { value } of await storage.list<StoredCredential>(CREDENTIALS)) {
        if (filter.kind !== undefined && value.kind !== filter.kind) continue;
        if (filter.ownerUserId !== undefined && value.ownerUserId !== filter.ownerUserId) continue;
        if (filter.organization !== undefined && value.organization !== filter.organization) continue;
        if (filter.includeRevoked !== true && !live(value)) continue;
        out.push(strip(value));
      }
      return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },

    async revoke(id) {
      const record = await storage.get<StoredCredential>(CREDENTIALS, id);
      if (record === undefined || record.revokedAt !== null) return false;
      record.revokedAt = iso(clock.now());
      await storage.batch([
        { op: 'put', collection: CREDENTIALS, key: id, value: record },
        { op: 'delete', collection: BY_HASH, key: record.hash },
      ]);
      return true;
    },

    async revokeAllOwnedBy(userId) {
      let n = 0;
      for (const c of await store.list({ ownerUserId: userId, includeRevoked: true })) {
        if (c.revokedAt === null && (await store.revoke(c.id))) n++;
      }
      return n;
    },
  };
  return store;
}

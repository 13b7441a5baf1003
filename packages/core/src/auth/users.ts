import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from '../errors/index.js';
import type { Clock } from '../ports/clock.js';
import type { StoragePort } from '../ports/storage.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';
import { ROLES } from './permissions.js';
import type { Role } from './permissions.js';
import { generateId } from './secrets.js';

/** A user as callers see it: no password hash, no TOTP secret, no recovery codes. */
export interface User {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
  /** Whether the user can sign in with a password. */
  hasPassword: boolean;
  totpEnabled: boolean;
  /** The external identity (OIDC issuer and subject) this user signs in with, if any. */
  external?: ExternalIdentity;
}

export interface ExternalIdentity {
  /** Identity provider, e.g. the OIDC issuer URL. */
  provider: string;
  /** The provider's stable id of the person (OIDC `sub`). */
  subject: string;
}

/** @internal What storage holds. */
export interface StoredUser {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
  passwordHash?: string;
  external?: ExternalIdentity;
  totp?: { key: string; confirmedAt: string; lastCounter: number; recoveryCodes: string[] };
  totpPending?: { key: string; createdAt: string };
}

export interface CreateUserInput {
  username: string;
  /** Checked against the password policy; omit for users who sign in only through an external identity or a passkey. */
  password?: string;
  role: Role;
  external?: ExternalIdentity;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

const USERS = 'auth_users';
const BY_NAME = 'auth_usernames';
const BY_EXTERNAL = 'auth_external_identities';

export const toUser = (u: StoredUser): User => ({
  id: u.id,
  username: u.username,
  role: u.role,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
  hasPassword: u.passwordHash !== undefined,
  totpEnabled: u.totp !== undefined,
  ...(u.external === undefined ? {} : { external: { ...u.external } }),
});

const nameKey = (username: string): string => username.trim().toLowerCase();
const externalKey = (e: ExternalIdentity): string => `${e.provider}\n${e.subject}`;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** @internal The user records; the auth service wraps it with the self-protection rules and session clean-up. */
export function createUserRecords(storage: StoragePort, clock: Clock, passwordCost: number) {
  // User changes that check an invariant ("one admin remains") run one at a time.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const iso = (): string => new Date(clock.now()).toISOString();

  const records = {
    exclusive,
    get: (id: string) => storage.get<StoredUser>(USERS, id),
    async byUsername(username: string): Promise<StoredUser | undefined> {
      if (typeof username !== 'string') return undefined;
      const id = await storage.get<string>(BY_NAME, nameKey(username));
      return id === undefined ? undefined : storage.get<StoredUser>(USERS, id);
    },
    async byExternal(identity: ExternalIdentity): Promise<StoredUser | undefined> {
      const id = await storage.get<string>(BY_EXTERNAL, externalKey(identity));
      return id === undefined ? undefined : storage.get<StoredUser>(USERS, id);
    },
    async all(): Promise<StoredUser[]> {
      return (await storage.list<StoredUser>(USERS)).map((e) => e.value).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.username.localeCompare(b.username));
    },
    count: () => storage.count(USERS),
    put: (u: StoredUser) => storage.put(USERS, u.id, { ...u, updatedAt: iso() }),

    /** Validates everything before writing anything. */
    async create(input: CreateUserInput, options: { requireNoUsers?: boolean } = {}): Promise<StoredUser> {
      const username = typeof input.username === 'string' ? input.username.trim() : '';
      if (!USERNAME_PATTERN.test(username)) {
        throw new InvalidError('username must be 1 to 64 characters: letters, digits and . _ @ -, starting with a letter or digit');
      }
      if (!isRole(input.role)) throw new InvalidError(`unknown role "${String(input.role)}": valid roles are ${ROLES.join(', ')}`);
      if (input.password !== undefined) checkPasswordPolicy(input.password, username);
      if (input.external !== undefined && (input.external.provider === '' || input.external.subject === '')) {
        throw new InvalidError('an external identity needs a provider and a subject');
      }
      const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password, passwordCost);
      return exclusive(async () => {
        // First-run setup: checked inside the lock so that two concurrent setups cannot both succeed.
        if (options.requireNoUsers === true && (await storage.count(USERS)) > 0) throw new ConflictError('setup already complete');
        if ((await storage.get(BY_NAME, nameKey(username))) !== undefined) throw new ConflictError(`username "${username}" is already taken`);
        if (input.external !== undefined && (await storage.get(BY_EXTERNAL, externalKey(input.external))) !== undefined) {
          throw new ConflictError('this external identity is already linked to a user');
        }
        const now = iso();
        const user: StoredUser = {
          id: generateId('usr_'),
          username,
          role: input.role,
          createdAt: now,
          updatedAt: now,
          ...(passwordHash === undefined ? {} : { passwordHash }),
          ...(input.external === undefined ? {} : { external: { provider: input.external.provider, subject: input.external.subject } }),
        };
        await storage.batch([
          { op: 'put', collection: USERS, key: user.id, value: user },
          { op: 'put', collection: BY_NAME, key: nameKey(username), value: user.id },
          ...(user.external === undefined ? [] : [{ op: 'put' as const, collection: BY_EXTERNAL, key: externalKey(user.external), value: user.id }]),
        ]);
        return user;
      });
    },

    /** Delete a user; refuses the caller itself and the last admin. Run inside `exclusive` by the caller. */
    async remove(id: string, actorId: string | undefined): Promise<StoredUser> {
      const user = await storage.get<StoredUser>(USERS, id);
      if (user === undefined) throw new NotFoundError(`user "${id}" not found`);
      if (actorId === id) throw new ForbiddenError('you cannot delete your own account');
      if (user.role === 'admin' && (await records.adminCount()) <= 1) throw new ForbiddenError('the last admin cannot be deleted');
      await storage.batch([
        { op: 'delete', collection: USERS, key: id },
        { op: 'delete', collection: BY_NAME, key: nameKey(user.username) },
        ...(user.external === undefined ? [] : [{ op: 'delete' as const, collection: BY_EXTERNAL, key: externalKey(user.external) }]),
      ]);
      return user;
    },

    /** Link (or re-link) an external identity to a user, keeping the index in step. */
    async linkExternal(id: string, identity: ExternalIdentity): Promise<StoredUser> {
      if (identity.provider === '' || identity.subject === '') throw new InvalidError('an external identity needs a provider and a subject');
      return exclusive(async () => {
        const user = await storage.get<StoredUser>(USERS, id);
        if (user === undefined) throw new NotFoundError(`user "${id}" not found`);
        const owner = await storage.get<string>(BY_EXTERNAL, externalKey(identity));
        if (owner !== undefined && owner !== id) throw new ConflictError('this external identity is already linked to a user');
        const next: StoredUser = { ...user, external: { provider: identity.provider, subject: identity.subject }, updatedAt: iso() };
        await storage.batch([
          ...(user.external === undefined ? [] : [{ op: 'delete' as const, collection: BY_EXTERNAL, key: externalKey(user.external) }]),
          { op: 'put', collection: BY_EXTERNAL, key: externalKey(identity), value: id },
          { op: 'put', collection: USERS, key: id, value: next },
        ]);
        return next;
      });
    },

    async adminCount(): Promise<number> {
      return (await records.all()).filter((u) => u.role === 'admin').length;
    },
  };
  return records;
}

export type UserRecords = ReturnType<typeof createUserRecords>;

import { randomBytes } from 'node:crypto';
import { ConflictError, InvalidError, NotFoundError } from '../../errors/index.js';
import type { Clock } from '../../ports/clock.js';
import type { StoragePort } from '../../ports/storage.js';
import { generateId } from '../secrets.js';

/**
 * The passkeys (WebAuthn credentials) users registered, as storage holds
 * them. This module knows nothing of WebAuthn verification (the server does
 * that with `@simplewebauthn/server`); it keeps what verification needs — the
 * credential id, the COSE public key and the signature counter — and the
 * WebAuthn user handle of each user.
 */
export interface Passkey {
  /** Our id (`pk_…`), what lists and deletion use. */
  id: string;
  userId: string;
  /** The authenticator's credential id, base64url. */
  credentialId: string;
  /** The COSE-encoded public key, base64url. Never leaves the server. */
  publicKey: string;
  /** The signature counter last seen; 0 for authenticators that keep none. */
  counter: number;
  /** Transports the browser reported (`internal`, `usb`, `hybrid`…), hints for later sign-ins. */
  transports: string[];
  name: string;
  /** `singleDevice` or `multiDevice` (synced passkey). */
  deviceType: string;
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface NewPasskey {
  userId: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports?: readonly string[];
  /** @default 'Passkey' */
  name?: string;
  deviceType?: string;
  backedUp?: boolean;
}

export interface PasskeyStore {
  /** Store a verified credential. `ConflictError` when the credential id is registered already; `InvalidError` for a bad name. */
  add(input: NewPasskey): Promise<Passkey>;
  get(id: string): Promise<Passkey | undefined>;
  findByCredentialId(credentialId: string): Promise<Passkey | undefined>;
  /** A user's passkeys, oldest first. */
  listForUser(userId: string): Promise<Passkey[]>;
  hasAny(userId: string): Promise<boolean>;
  /** Number of passkeys of every user. */
  count(): Promise<number>;
  /**
   * Record a successful sign-in with the counter the authenticator reported.
   * Refuses (`ConflictError`) a counter that did not grow when either value is
   * non-zero: a cloned authenticator, or a replayed assertion.
   */
  recordUse(id: string, counter: number): Promise<Passkey>;
  /** Delete one of the user's passkeys; `NotFoundError` when the user has no such passkey. */
  remove(userId: string, id: string): Promise<void>;
  /** Delete every passkey of a user (the user was deleted); resolves how many. */
  removeAllForUser(userId: string): Promise<number>;
  /**
   * The user's WebAuthn user handle (base64url of 32 random bytes, never the
   * username or our user id), created on first use so that every passkey of a
   * user carries the same handle.
   */
  userHandle(userId: string): Promise<string>;
  /** The user whose handle this is, if any. */
  userForHandle(handle: string): Promise<string | undefined>;
}

export const PASSKEY_NAME_MAX = 64;

const PASSKEYS = 'auth_passkeys';
const BY_CREDENTIAL = 'auth_passkey_credential_ids';
const HANDLES = 'auth_passkey_user_handles';
const HANDLE_OWNERS = 'auth_passkey_handle_owners';

/** A display name: trimmed, 1 to 64 characters, no control characters. */
export function checkPasskeyName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed === '' || trimmed.length > PASSKEY_NAME_MAX || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new InvalidError(`passkey name must be 1 to ${PASSKEY_NAME_MAX} characters without control characters`);
  }
  return trimmed;
}

export function createPasskeyStore(storage: StoragePort, clock: Clock): PasskeyStore {
  // Counter updates and registrations check-then-write: run them one at a time.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const iso = (): string => new Date(clock.now()).toISOString();
  const all = async (): Promise<Passkey[]> => (await storage.list<Passkey>(PASSKEYS)).map((e) => e.value);
  const byAge = (a: Passkey, b: Passkey): number => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

  const store: PasskeyStore = {
    async add(input) {
      const name = checkPasskeyName(input.name ?? 'Passkey');
      if (!/^[A-Za-z0-9_-]{1,1366}$/.test(input.credentialId)) throw new InvalidError('credential id must be base64url');
      if (!Number.isInteger(input.counter) || input.counter < 0) throw new InvalidError('counter must be a non-negative integer');
      return exclusive(async () => {
        if ((await storage.get(BY_CREDENTIAL, input.credentialId)) !== undefined) throw new ConflictError('this passkey is already registered');
        const passkey: Passkey = {
          id: generateId('pk_'),
          userId: input.userId,
          credentialId: input.credentialId,
          publicKey: input.publicKey,
          counter: input.counter,
          transports: [...(input.transports ?? [])],
          name,
          deviceType: input.deviceType ?? 'singleDevice',
          backedUp: input.backedUp ?? false,
          createdAt: iso(),
          lastUsedAt: null,
        };
        await storage.batch([
          { op: 'put', collection: PASSKEYS, key: passkey.id, value: passkey },
          { op: 'put', collection: BY_CREDENTIAL, key: passkey.credentialId, value: passkey.id },
        ]);
        return passkey;
      });
    },

    get: (id) => (typeof id === 'string' ? storage.get<Passkey>(PASSKEYS, id) : Promise.resolve(undefined)),

    async findByCredentialId(credentialId) {
      if (typeof credentialId !== 'string' || credentialId === '') return undefined;
      const id = await storage.get<string>(BY_CREDENTIAL, credentialId);
      return id === undefined ? undefined : storage.get<Passkey>(PASSKEYS, id);
    },

    listForUser: async (userId) => (await all()).filter((p) => p.userId === userId).sort(byAge),
    hasAny: async (userId) => (await all()).some((p) => p.userId === userId),
    count: () => storage.count(PASSKEYS),

    recordUse(id, counter) {
      return exclusive(async () => {
        const p = await storage.get<Passkey>(PASSKEYS, id);
        if (p === undefined) throw new NotFoundError('passkey not found');
        if ((counter !== 0 || p.counter !== 0) && counter <= p.counter) {
          throw new ConflictError('the passkey signature counter did not increase: the assertion was replayed or the authenticator cloned');
        }
        const next: Passkey = { ...p, counter, lastUsedAt: iso() };
        await storage.put(PASSKEYS, id, next);
        return next;
      });
    },

    remove(userId, id) {
      return exclusive(async () => {
        const p = await storage.get<Passkey>(PASSKEYS, id);
        // Another user's passkey is answered exactly like an unknown one.
        if (p === undefined || p.userId !== userId) throw new NotFoundError(`passkey "${id}" not found`);
        await storage.batch([
          { op: 'delete', collection: PASSKEYS, key: p.id },
          { op: 'delete', collection: BY_CREDENTIAL, key: p.credentialId },
        ]);
      });
    },

    removeAllForUser(userId) {
      return exclusive(async () => {
        const mine = (await all()).filter((p) => p.userId === userId);
        const handle = await storage.get<string>(HANDLES, userId);
        await storage.batch([
          ...mine.flatMap((p) => [
            { op: 'delete' as const, collection: PASSKEYS, key: p.id },
            { op: 'delete' as const, collection: BY_CREDENTIAL, key: p.credentialId },
          ]),
          ...(handle === undefined
            ? []
            : [
                { op: 'delete' as const, collection: HANDLES, key: userId },
                { op: 'delete' as const, collection: HANDLE_OWNERS, key: handle },
              ]),
        ]);
        return mine.length;
      });
    },

    userHandle(userId) {
      return exclusive(async () => {
        const existing = await storage.get<string>(HANDLES, userId);
        if (existing !== undefined) return existing;
        const handle = randomBytes(32).toString('base64url');
        await storage.batch([
          { op: 'put', collection: HANDLES, key: userId, value: handle },
          { op: 'put', collection: HANDLE_OWNERS, key: handle, value: userId },
        ]);
        return handle;
      });
    },

    userForHandle: (handle) => (typeof handle === 'string' && handle !== '' ? storage.get<string>(HANDLE_OWNERS, handle) : Promise.resolve(undefined)),
  };
  return store;
}

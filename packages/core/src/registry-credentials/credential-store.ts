import { InvalidError, NotFoundError } from '../errors/index.js';
import type { StoragePort, StorageOperation } from '../ports/storage.js';
import type { RegistryCredentials } from '../registry/registry-client.js';
import { normalizeRegistryName } from './registry-name.js';

/** One saved registry login. `secret` is a password or access token. */
export interface RegistryCredential {
  /** Caller-chosen identifier (`r1`); letters, digits, `_`, `.`, `-`. */
  id: string;
  /** Normalised registry name (`docker.io`, `ghcr.io`, `registry.lan:5000`). */
  registry: string;
  username: string;
  secret: string;
}

/** What a list answers: the secret is replaced by `MASKED_SECRET`. */
export type MaskedRegistryCredential = RegistryCredential;

/** A credential as a caller sends it: the secret may be the mask of a saved one. */
export interface RegistryCredentialInput {
  id: string;
  registry: string;
  username: string;
  secret: string;
}

export interface RegistryCredentialStore {
  /** Read the saved credentials into memory; idempotent. Every other async method loads first. */
  load(): Promise<void>;
  /**
   * The credentials for a registry, answered synchronously from memory (the
   * engine's `credentials` option). `undefined` before `load()` resolves or
   * when none are saved.
   */
  lookup(registry: string): RegistryCredentials | undefined;
  /** Every saved credential, ordered by id, with secrets masked. */
  list(): Promise<MaskedRegistryCredential[]>;
  /**
   * Replace the saved list with `input` (all or nothing). A secret ending in
   * `****` keeps the secret saved under the same id and registry.
   * @throws InvalidError for a malformed entry, a duplicate id or registry, or a mask with nothing saved behind it.
   */
  save(input: readonly RegistryCredentialInput[]): Promise<{ saved: number }>;
  /** Check what `save(input)` would do, saving nothing. @throws InvalidError as `save` does. */
  validate(input: readonly RegistryCredentialInput[]): Promise<void>;
  /**
   * Every saved credential WITH its secret, ordered by id: only for a
   * configuration export that explicitly asks for secrets.
   */
  entries(): Promise<RegistryCredential[]>;
  /** @throws NotFoundError when no credential has this id. */
  delete(id: string): Promise<RegistryCredential>;
  /**
   * Validate one credential and unmask its secret from the saved ones (by `id`
   * when given, else by registry): what a credential test uses.
   */
  resolve(input: { id?: string | undefined; registry: string; username: string; secret: string }): Promise<RegistryCredential>;
  /** Registries with a saved credential, sorted (synchronous, from memory). */
  registries(): string[];
}

/** What secrets are replaced with in every answer. */
export const MASKED_SECRET = '****';

const COLLECTION = 'registry_credentials';
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_CREDENTIALS = 100;
const MAX_USERNAME = 256;
// Long enough for a JSON service-account key used as a password (`_json_key`).
const MAX_SECRET = 16 * 1024;
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
const NUL_RE = /\u0000/;

/** Whether a secret is a mask sent back by a client (`****`, or `abcd****`). */
export function isMaskedSecret(secret: string): boolean {
  return secret.endsWith(MASKED_SECRET);
}

/**
 * Registry credentials persisted in `storage` (collection `registry_credentials`)
 * with an in-memory copy, so that the engine's registry client and pulls can
 * ask for them synchronously.
 *
 * @example
 * const registryCredentials = createRegistryCredentialStore(storage);
 * await registryCredentials.load();
 * const sentinel = createSentinel({ storage, docker, credentials: (r) => registryCredentials.lookup(r) });
 */
export function createRegistryCredentialStore(storage: StoragePort): RegistryCredentialStore {
  let cache = new Map<string, RegistryCredential>();
  let loading: Promise<void> | undefined;
  // Saves and deletes run one at a time, so storage and the in-memory copy never disagree.
  let writing: Promise<unknown> = Promise.resolve();

  const load = (): Promise<void> => {
    loading ??= (async () => {
      const entries = await storage.list<RegistryCredential>(COLLECTION);
      const next = new Map<string, RegistryCredential>();
      for (const { value } of entries) {
        if (isStoredCredential(value)) next.set(value.id, { ...value });
      }
      cache = next;
    })().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };

  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = writing.then(work, work);
    writing = run.catch(() => undefined);
    return run;
  };

  const store: RegistryCredentialStore = {
    load,

    lookup(registry) {
      let name: string;
      try {
        name = normalizeRegistryName(registry);
      } catch {
        return undefined;
      }
      for (const c of cache.values()) {
        if (c.registry === name) return { username: c.username, password: c.secret };
      }
      return undefined;
    },

    async list() {
      await load();
      return sortById([...cache.values()]).map((c) => ({ ...c, secret: MASKED_SECRET }));
    },

    save(input) {
      return serialized(async () => {
        await load();
        const next = plan(input, cache);
        const ops: StorageOperation[] = [];
        for (const id of cache.keys()) if (!next.has(id)) ops.push({ op: 'delete', collection: COLLECTION, key: id });
        for (const c of next.values()) ops.push({ op: 'put', collection: COLLECTION, key: c.id, value: c });
        await storage.batch(ops);
        cache = next;
        return { saved: next.size };
      });
    },

    async validate(input) {
      await load();
      plan(input, cache);
    },

    async entries() {
      await load();
      return sortById([...cache.values()]).map((c) => ({ ...c }));
    },

    delete(id) {
      return serialized(async () => {
        await load();
        const existing = cache.get(id);
        if (existing === undefined) throw new NotFoundError(`registry credential "${truncate(id)}" not found`);
        await storage.delete(COLLECTION, id);
        const next = new Map(cache);
        next.delete(id);
        cache = next;
        return { ...existing, secret: MASKED_SECRET };
      });
    },

    async resolve(input) {
      await load();
      const c = validate({ ...input, id: input.id ?? 'test' }, 'credential');
      if (!isMaskedSecret(c.secret)) return { ...c, id: input.id ?? '' };
      const saved = input.id === undefined ? [...cache.values()].find((s) => s.registry === c.registry) : cache.get(input.id);
      return { ...c, id: saved?.id ?? input.id ?? '', secret: unmask(c, saved, 'credential') };
    },

    registries() {
      return [...new Set([...cache.values()].map((c) => c.registry))].sort();
    },
  };
  return store;
}

/** The list `input` would become, with masks resolved against `saved`; throws without side effects. */
function plan(input: readonly RegistryCredentialInput[], saved: ReadonlyMap<string, RegistryCredential>): Map<string, RegistryCredential> {
  if (input.length > MAX_CREDENTIALS) throw new InvalidError(`at most ${MAX_CREDENTIALS} registry credentials can be saved`);
  const next = new Map<string, RegistryCredential>();
  const registriesSeen = new Map<string, string>();
  input.forEach((entry, index) => {
    const c = validate(entry, `credentials[${index}]`);
    if (next.has(c.id)) throw new InvalidError(`credentials[${index}].id: duplicate id "${c.id}"`);
    const other = registriesSeen.get(c.registry);
    if (other !== undefined) throw new InvalidError(`credentials[${index}].registry: ${c.registry} already has a credential ("${other}"); save one per registry`);
    registriesSeen.set(c.registry, c.id);
    next.set(c.id, { ...c, secret: unmask(c, saved.get(c.id), `credentials[${index}]`) });
  });
  return next;
}

function sortById(list: RegistryCredential[]): RegistryCredential[] {
  return list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function validate(entry: RegistryCredentialInput, where: string): RegistryCredential {
  if (!ID_RE.test(entry.id)) throw new InvalidError(`${where}.id: must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`);
  let registry: string;
  try {
    registry = normalizeRegistryName(entry.registry);
  } catch (error) {
    throw new InvalidError(`${where}.registry: ${error instanceof Error ? error.message : 'invalid'}`);
  }
  const username = entry.username.trim();
  if (username.length === 0) throw new InvalidError(`${where}.username: must not be empty`);
  if (username.length > MAX_USERNAME) throw new InvalidError(`${where}.username: longer than ${MAX_USERNAME} characters`);
  if (CONTROL_RE.test(username)) throw new InvalidError(`${where}.username: must not contain control characters`);
  // Basic auth joins user and password with a colon, so a colon in the username would split differently.
  if (username.includes(':')) throw new InvalidError(`${where}.username: must not contain ":"`);
  if (entry.secret.length === 0) throw new InvalidError(`${where}.secret: must not be empty`);
  if (entry.secret.length > MAX_SECRET) throw new InvalidError(`${where}.secret: longer than ${MAX_SECRET} characters`);
  if (NUL_RE.test(entry.secret)) throw new InvalidError(`${where}.secret: must not contain NUL characters`);
  return { id: entry.id, registry, username, secret: entry.secret };
}

/** The secret to keep: the one sent, or the saved one when a mask was sent back. */
function unmask(c: RegistryCredential, saved: RegistryCredential | undefined, where: string): string {
  if (!isMaskedSecret(c.secret)) return c.secret;
  // Only for the same registry: otherwise editing the registry field would send a saved secret to another host.
  if (saved === undefined || saved.registry !== c.registry) {
    throw new InvalidError(`${where}.secret: is masked but no secret is saved for ${c.registry} under this id; enter the secret again`);
  }
  return saved.secret;
}

function isStoredCredential(value: unknown): value is RegistryCredential {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['id'] === 'string' && typeof v['registry'] === 'string' && typeof v['username'] === 'string' && typeof v['secret'] === 'string';
}

function truncate(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}

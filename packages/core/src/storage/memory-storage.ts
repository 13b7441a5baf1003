import { InvalidError, UnavailableError } from '../errors/index.js';
import type { JsonValue, ListOptions, StorageEntry, StorageOperation, StoragePort } from '../ports/storage.js';
import { setOwn, toJsonDocument } from './json-document.js';

/**
 * Every document of a store in one plain JSON object: the lowdb file format,
 * and a portable dump for seeding a store or backing one up.
 */
export interface StorageSnapshot {
  version: 1;
  collections: { [collection: string]: { [key: string]: JsonValue } };
}

/**
 * How a persistent adapter built on the memory store makes writes durable.
 * The memory store applies each write at once (so reads see it), then calls
 * `commit`; the write's promise settles with the promise `commit` returns.
 */
export interface StoragePersistence {
  /**
   * A write has just been applied in memory. Resolve once a state at least as
   * new as `state()` is durable. `state()` builds a point-in-time view whose
   * documents are shared with the store, not copied: serialize it, never
   * mutate it. Calls may be coalesced: one durable write can settle many commits.
   */
  commit(state: () => StorageSnapshot): Promise<void>;
  /** Resolve once everything committed so far is durable (used by `flush` and `close`). */
  flush(): Promise<void>;
}

export interface MemoryStorageOptions {
  /** Documents to start with; validated and copied. @default no documents */
  initial?: StorageSnapshot;
  /** Makes writes durable; without it writes resolve as soon as they are applied. @default none */
  persistence?: StoragePersistence;
}

/** A `StoragePort` that lives in memory, plus a way to dump it. */
export interface MemoryStorage extends StoragePort {
  /** A deep copy of every document (works after `close` too). */
  snapshot(): StorageSnapshot;
}

interface Collection {
  docs: Map<string, JsonValue>;
  /** Keys in UTF-16 code-unit order, rebuilt lazily after a key is added or removed. */
  sorted: string[] | undefined;
}

/**
 * The in-memory `StoragePort`: the test fake and the embedder's default, and
 * the engine under the lowdb adapter (which adds durability through
 * `persistence`). Values are validated as JSON and deep-copied on the way in
 * and on the way out.
 *
 * @example
 * const storage = createMemoryStorage();
 * await storage.put('queue', 'nginx', { image: 'nginx:1.27' });
 * await storage.list('queue', { prefix: 'ng' });
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): MemoryStorage {
  const data = options.initial === undefined ? new Map<string, Collection>() : loadSnapshot(options.initial);
  const persistence = options.persistence;
  let closing: Promise<void> | undefined;

  function ensureOpen(): void {
    if (closing !== undefined) throw new UnavailableError('Storage is closed');
  }

  function state(): StorageSnapshot {
    const collections: StorageSnapshot['collections'] = {};
    for (const [name, collection] of data) {
      const docs: { [key: string]: JsonValue } = {};
      for (const [key, value] of collection.docs) setOwn(docs, key, value);
      setOwn(collections, name, docs);
    }
    return { version: 1, collections };
  }

  function commit(): Promise<void> {
    return persistence === undefined ? Promise.resolve() : persistence.commit(state);
  }

  function applyPut(collection: string, key: string, value: JsonValue): void {
    let target = data.get(collection);
    if (target === undefined) {
      target = { docs: new Map(), sorted: undefined };
      data.set(collection, target);
    }
    if (!target.docs.has(key)) target.sorted = undefined;
    target.docs.set(key, value);
  }

  function applyDelete(collection: string, key: string): boolean {
    const target = data.get(collection);
    if (target === undefined || !target.docs.delete(key)) return false;
    target.sorted = undefined;
    // An empty collection is dropped so that files do not accumulate empty objects.
    if (target.docs.size === 0) data.delete(collection);
    return true;
  }

  return {
    async get<T = unknown>(collection: string, key: string): Promise<T | undefined> {
      ensureOpen();
      checkName(collection, key);
      const value = data.get(collection)?.docs.get(key);
      return value === undefined ? undefined : (copyStored(value) as T);
    },

    async put<T = unknown>(collection: string, key: string, value: T): Promise<void> {
      ensureOpen();
      checkName(collection, key);
      applyPut(collection, key, toJsonDocument(value, describeValue(collection, key)));
      return commit();
    },

    async delete(collection: string, key: string): Promise<boolean> {
      ensureOpen();
      checkName(collection, key);
      if (!applyDelete(collection, key)) return false;
      await commit();
      return true;
    },

    async list<T = unknown>(collection: string, listOptions: ListOptions = {}): Promise<Array<StorageEntry<T>>> {
      ensureOpen();
      checkCollection(collection);
      checkListOptions(listOptions);
      const target = data.get(collection);
      if (target === undefined) return [];
      target.sorted ??= [...target.docs.keys()].sort(compareKeys);
      const keys = target.sorted;
      const { prefix, after, before } = listOptions;

      let lo = 0;
      let hi = keys.length;
      if (prefix !== undefined) lo = Math.max(lo, lowerBound(keys, prefix));
      if (after !== undefined) lo = Math.max(lo, upperBound(keys, after));
      if (before !== undefined) hi = Math.min(hi, lowerBound(keys, before));
      if (prefix !== undefined) {
        let end = lo;
        while (end < hi && (keys[end] as string).startsWith(prefix)) end++;
        hi = end;
      }
      if (hi <= lo) return [];

      let selected = keys.slice(lo, hi);
      if (listOptions.reverse === true) selected.reverse();
      if (listOptions.limit !== undefined) selected = selected.slice(0, listOptions.limit);
      return selected.map((key) => ({ key, value: copyStored(target.docs.get(key) as JsonValue) as T }));
    },

    async count(collection: string): Promise<number> {
      ensureOpen();
      checkCollection(collection);
      return data.get(collection)?.docs.size ?? 0;
    },

    async batch(operations: StorageOperation[]): Promise<void> {
      ensureOpen();
      if (!Array.isArray(operations)) throw new InvalidError('batch expects an array of operations');
      // Validate and copy everything before touching the data, so that a bad
      // operation anywhere in the batch leaves the store exactly as it was.
      const prepared = operations.map((operation, index) => prepareOperation(operation, index));
      let changed = false;
      for (const operation of prepared) {
        if (operation.op === 'put') {
          applyPut(operation.collection, operation.key, operation.value);
          changed = true;
        } else if (applyDelete(operation.collection, operation.key)) {
          changed = true;
        }
      }
      if (changed) await commit();
    },

    async clear(collection: string): Promise<void> {
      ensureOpen();
      checkCollection(collection);
      if (data.delete(collection)) await commit();
    },

    async flush(): Promise<void> {
      ensureOpen();
      await persistence?.flush();
    },

    close(): Promise<void> {
      // Mark closed first so nothing new sneaks in while the last writes land;
      // a second close waits for the same flush instead of failing.
      closing ??= Promise.resolve().then(() => persistence?.flush());
      return closing;
    },

    snapshot(): StorageSnapshot {
      return copyStored(state()) as unknown as StorageSnapshot;
    },
  };
}

/** Stored documents are already valid JSON, so copying them cannot fail. */
function copyStored(value: JsonValue | StorageSnapshot): JsonValue {
  return toJsonDocument(value, 'stored document');
}

function describeValue(collection: string, key: string): string {
  return `value for key ${JSON.stringify(key)} in collection ${JSON.stringify(collection)}`;
}

function checkCollection(collection: unknown): void {
  if (typeof collection !== 'string' || collection === '') {
    throw new InvalidError(`Collection name must be a non-empty string, got ${describe(collection)}`);
  }
}

function checkName(collection: unknown, key: unknown): void {
  checkCollection(collection);
  if (typeof key !== 'string') throw new InvalidError(`Key must be a string, got ${describe(key)}`);
}

function checkListOptions(options: ListOptions): void {
  if (typeof options !== 'object' || options === null) throw new InvalidError('List options must be an object');
  for (const name of ['prefix', 'after', 'before'] as const) {
    const bound = options[name];
    if (bound !== undefined && typeof bound !== 'string') {
      throw new InvalidError(`List option "${name}" must be a string, got ${describe(bound)}`);
    }
  }
  const { limit } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new InvalidError(`List option "limit" must be a non-negative integer, got ${describe(limit)}`);
  }
}

type PreparedOperation =
  | { op: 'put'; collection: string; key: string; value: JsonValue }
  | { op: 'delete'; collection: string; key: string };

function prepareOperation(operation: StorageOperation, index: number): PreparedOperation {
  if (typeof operation !== 'object' || operation === null) {
    throw new InvalidError(`Batch operation ${index} must be an object`);
  }
  const { op, collection, key } = operation;
  checkName(collection, key);
  if (op === 'put') {
    return { op, collection, key, value: toJsonDocument(operation.value, `batch operation ${index}: ${describeValue(collection, key)}`) };
  }
  if (op === 'delete') return { op, collection, key };
  throw new InvalidError(`Batch operation ${index} has unknown op ${describe(op)}; expected "put" or "delete"`);
}

function loadSnapshot(snapshot: StorageSnapshot): Map<string, Collection> {
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) {
    throw new InvalidError('Storage snapshot must be an object { version: 1, collections: {...} }');
  }
  if (snapshot.version !== 1) {
    throw new InvalidError(`Storage snapshot has version ${describe(snapshot.version)}; this version of Sentinel Kit reads version 1`);
  }
  const { collections } = snapshot;
  if (!isPlainObject(collections)) throw new InvalidError('Storage snapshot "collections" must be an object');
  const data = new Map<string, Collection>();
  for (const name of Object.keys(collections)) {
    const docs: unknown = collections[name];
    if (!isPlainObject(docs)) throw new InvalidError(`Storage snapshot collection ${JSON.stringify(name)} must be an object of documents`);
    const collection: Collection = { docs: new Map(), sorted: undefined };
    for (const key of Object.keys(docs)) {
      const value = docs[key];
      if (value === undefined) continue;
      collection.docs.set(key, toJsonDocument(value, describeValue(name, key)));
    }
    if (collection.docs.size > 0) data.set(name, collection);
  }
  return data;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/** UTF-16 code-unit order, which is what `<` on strings compares. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First index whose key is >= `target`. */
function lowerBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > `target`. */
function upperBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

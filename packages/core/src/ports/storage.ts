/**
 * StoragePort: all persistence, as named collections of JSON documents keyed
 * by string.
 *
 * Adapters: `createMemoryStorage()` (core) and `createLowdbStorage(file)`
 * (server, the embedded default). Both pass the contract suite in
 * `@sentinel-kit/core/testing`.
 *
 * Guarantees every adapter gives:
 * - Values are JSON documents; what `get` returns is a copy, never the stored
 *   object (mutating it changes nothing until `put`).
 * - A write (`put`, `delete`, `batch`) resolves only once it is durable: after a
 *   crash, every write whose promise resolved is still there. Writes that
 *   arrive while one is being persisted are coalesced into the next one.
 * - `batch` applies all its operations or none.
 * - `list` returns entries ordered by key (ascending, by UTF-16 code units) and
 *   supports a key prefix and range; "not found" is `undefined` from `get` and
 *   `false` from `delete`, never an error.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface StorageEntry<T> {
  key: string;
  value: T;
}

export interface ListOptions {
  /** Only keys starting with this prefix. */
  prefix?: string;
  /** Only keys strictly greater than this. */
  after?: string;
  /** Only keys strictly less than this. */
  before?: string;
  /** Return the highest keys first. @default false */
  reverse?: boolean;
  /** At most this many entries (after ordering). */
  limit?: number;
}

export type StorageOperation =
  | { op: 'put'; collection: string; key: string; value: unknown }
  | { op: 'delete'; collection: string; key: string };

export interface StoragePort {
  get<T = unknown>(collection: string, key: string): Promise<T | undefined>;
  put<T = unknown>(collection: string, key: string, value: T): Promise<void>;
  /** Resolves `true` if the key existed. */
  delete(collection: string, key: string): Promise<boolean>;
  list<T = unknown>(collection: string, options?: ListOptions): Promise<Array<StorageEntry<T>>>;
  /** Number of entries in a collection. */
  count(collection: string): Promise<number>;
  /** Apply several writes atomically. */
  batch(operations: StorageOperation[]): Promise<void>;
  /** Remove every entry of a collection. */
  clear(collection: string): Promise<void>;
  /** Wait until every write issued so far is durable. */
  flush(): Promise<void>;
  /** Flush and release resources; later calls reject. */
  close(): Promise<void>;
}

import type { QueueItem } from '../contract/native.js';
import type { StoragePort } from '../ports/storage.js';

const QUEUE = 'queue';
const IGNORED = 'ignored_versions';

/**
 * Pending updates, keyed by container name (or `hostID::name` for remote
 * containers), and the versions a user chose to ignore per container.
 * Persisted through the StoragePort.
 */
export interface UpdateQueue {
  list(): Promise<QueueItem[]>;
  get(key: string): Promise<QueueItem | undefined>;
  count(): Promise<number>;
  /** Add or replace the pending update for `item.key`; returns whether it was new or changed. */
  upsert(item: QueueItem): Promise<'added' | 'changed' | 'unchanged'>;
  /** Remove a pending update; resolves true if it existed. */
  remove(key: string): Promise<boolean>;
  /** Versions ignored for a container. */
  ignored(key: string): Promise<string[]>;
  /** Never offer `version` for this container again. */
  ignore(key: string, version: string): Promise<void>;
}

export function createUpdateQueue(storage: StoragePort): UpdateQueue {
  return {
    async list() {
      return (await storage.list<QueueItem>(QUEUE)).map((e) => e.value);
    },
    get: (key) => storage.get<QueueItem>(QUEUE, key),
    count: () => storage.count(QUEUE),
    async upsert(item) {
      const existing = await storage.get<QueueItem>(QUEUE, item.key);
      if (existing !== undefined) {
        const same =
          existing.target_image === item.target_image &&
          existing.current_image === item.current_image &&
          existing.newer_versions.join(',') === item.newer_versions.join(',') &&
          JSON.stringify(existing.failed_update) === JSON.stringify(item.failed_update);
        if (same) return 'unchanged';
        // Keep when it was first detected: the age of a pending update matters to users.
        await storage.put(QUEUE, item.key, { ...item, detected_at: existing.detected_at });
        return 'changed';
      }
      await storage.put(QUEUE, item.key, item);
      return 'added';
    },
    remove: (key) => storage.delete(QUEUE, key),
    async ignored(key) {
      return (await storage.get<string[]>(IGNORED, key)) ?? [];
    },
    async ignore(key, version) {
      const current = (await storage.get<string[]>(IGNORED, key)) ?? [];
      if (!current.includes(version)) await storage.put(IGNORED, key, [...current, version]);
    },
  };
}

/** Queue key of a container: its name locally, `hostID::name` on a remote host. */
export function queueKey(name: string, hostId = ''): string {
  return hostId === '' ? name : `${hostId}::${name}`;
}

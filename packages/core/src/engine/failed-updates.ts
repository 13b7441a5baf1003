import type { FailedUpdate } from '../contract/native.js';
import type { StoragePort } from '../ports/storage.js';

const FAILED = 'failed_updates';

/**
 * Versions whose update failed, per container: a scan does not apply such a
 * version automatically again (it queues it, showing why) until a newer one
 * appears or a user retries it.
 */
export interface FailedUpdates {
  get(key: string): Promise<FailedUpdate | undefined>;
  /** Remember that updating to `targetImage` failed. */
  remember(key: string, failure: FailedUpdate): Promise<void>;
  forget(key: string): Promise<void>;
}

export function createFailedUpdates(storage: StoragePort): FailedUpdates {
  return {
    get: (key) => storage.get<FailedUpdate>(FAILED, key),
    remember: (key, failure) => storage.put(FAILED, key, failure),
    async forget(key) {
      await storage.delete(FAILED, key);
    },
  };
}

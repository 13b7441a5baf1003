import { describe, expect, it } from 'vitest';
import { InvalidError } from '../errors/index.js';
import { describeStorageContract } from '../testing/storage-contract.js';
import { createMemoryStorage } from './memory-storage.js';
import type { StoragePersistence, StorageSnapshot } from './memory-storage.js';

describeStorageContract('memory', async () => {
  const storage = createMemoryStorage();
  // "Reopening" a memory store means starting a new one from its dump, which
  // exercises snapshot() and the initial option against the same guarantees.
  return { storage, reopen: async () => createMemoryStorage({ initial: storage.snapshot() }) };
});

describe('createMemoryStorage', () => {
  it('starts from an initial snapshot, which it copies', async () => {
    const initial: StorageSnapshot = { version: 1, collections: { users: { bob: { role: 'viewer' }, alice: { role: 'admin' } }, empty: {} } };
    const storage = createMemoryStorage({ initial });
    (initial.collections['users']?.['alice'] as { role: string }).role = 'changed';
    expect(await storage.list('users')).toEqual([
      { key: 'alice', value: { role: 'admin' } },
      { key: 'bob', value: { role: 'viewer' } },
    ]);
    expect(await storage.count('empty')).toBe(0);
  });

  it('refuses an initial snapshot that is not one', () => {
    const bad: unknown[] = [
      null,
      { version: 2, collections: {} },
      { version: 1 },
      { version: 1, collections: [] },
      { version: 1, collections: { users: 'alice' } },
      { version: 1, collections: { users: { alice: () => 1 } } },
    ];
    for (const initial of bad) {
      expect(() => createMemoryStorage({ initial: initial as StorageSnapshot }), JSON.stringify(initial) ?? 'fn').toThrow(InvalidError);
    }
  });

  it('snapshot() is a deep copy of every document', async () => {
    const storage = createMemoryStorage();
    await storage.put('users', 'alice', { roles: ['admin'] });
    await storage.put('__proto__', 'constructor', 1);
    const snapshot = storage.snapshot();
    expect(snapshot).toEqual({ version: 1, collections: { users: { alice: { roles: ['admin'] } }, ['__proto__']: { constructor: 1 } } });
    expect(Object.keys(snapshot.collections)).toEqual(['users', '__proto__']);
    (snapshot.collections['users']?.['alice'] as { roles: string[] }).roles.push('viewer');
    expect(await storage.get('users', 'alice')).toEqual({ roles: ['admin'] });
  });

  it('names the offending path when a value is not JSON', async () => {
    const storage = createMemoryStorage();
    await expect(storage.put('hosts', 'h1', { labels: { ok: 'yes', when: new Date(0) } })).rejects.toThrow(
      'value for key "h1" in collection "hosts" is not a JSON document: $.labels.when is a Date, not a plain object',
    );
    // The same object twice (not a cycle) is fine: each occurrence is copied.
    const shared = { a: 1 };
    await storage.put('hosts', 'h2', { left: shared, right: shared });
    expect(await storage.get('hosts', 'h2')).toEqual({ left: { a: 1 }, right: { a: 1 } });
  });

  describe('with persistence', () => {
    function recordingPersistence(): StoragePersistence & { commits: StorageSnapshot[]; release: () => void; flushes: number } {
      let release: () => void = () => undefined;
      let gate = new Promise<void>((resolve) => (release = resolve));
      const recorder = {
        commits: [] as StorageSnapshot[],
        flushes: 0,
        release: () => {
          release();
          gate = new Promise<void>((resolve) => (release = resolve));
        },
        commit: (state: () => StorageSnapshot) => {
          recorder.commits.push(state());
          return gate;
        },
        flush: async () => {
          recorder.flushes++;
        },
      };
      return recorder;
    }

    it('a write resolves only when its commit does, and reads see it at once', async () => {
      const persistence = recordingPersistence();
      const storage = createMemoryStorage({ persistence });
      let acknowledged = false;
      const put = storage.put('users', 'alice', { role: 'admin' }).then(() => (acknowledged = true));
      expect(await storage.get('users', 'alice')).toEqual({ role: 'admin' });
      await Promise.resolve();
      expect(acknowledged).toBe(false);
      expect(persistence.commits).toEqual([{ version: 1, collections: { users: { alice: { role: 'admin' } } } }]);
      persistence.release();
      await put;
      expect(acknowledged).toBe(true);
    });

    it('a failed commit rejects the write', async () => {
      const storage = createMemoryStorage({
        persistence: { commit: () => Promise.reject(new Error('disk full')), flush: async () => undefined },
      });
      await expect(storage.put('users', 'alice', 1)).rejects.toThrow('disk full');
    });

    it('does not commit writes that change nothing', async () => {
      const persistence = recordingPersistence();
      persistence.release();
      const storage = createMemoryStorage({ persistence });
      expect(await storage.delete('users', 'nobody')).toBe(false);
      await storage.clear('users');
      await storage.batch([]);
      await storage.batch([{ op: 'delete', collection: 'users', key: 'nobody' }]);
      expect(persistence.commits).toHaveLength(0);
    });

    it('flush and close delegate to the persistence', async () => {
      const persistence = recordingPersistence();
      const storage = createMemoryStorage({ persistence });
      await storage.flush();
      await storage.close();
      await storage.close();
      expect(persistence.flushes).toBe(2);
    });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ListOptions, StoragePort } from '../ports/storage.js';

/** What a `describeStorageContract` factory hands the suite for one test. */
export interface StorageContractSubject {
  /** A fresh, empty store. */
  storage: StoragePort;
  /**
   * Open another store over the same persisted data, WITHOUT closing the first
   * one: acknowledged writes must already be durable, not merely flushed on
   * close. Leave it out for adapters with nothing to reopen; the durability
   * checks are then skipped.
   */
  reopen?: () => Promise<StoragePort>;
  /** Remove whatever the store left behind (temp files...). Runs after every store was closed. */
  cleanup?: () => Promise<void>;
}

export type StorageContractFactory = () => Promise<StorageContractSubject>;

/**
 * The guarantees of `StoragePort` as a vitest suite: run it unchanged against
 * every adapter.
 *
 * @example
 * describeStorageContract('memory', async () => ({ storage: createMemoryStorage() }));
 */
export function describeStorageContract(name: string, factory: StorageContractFactory): void {
  describe(`StoragePort contract: ${name}`, () => {
    let subject: StorageContractSubject;
    let storage: StoragePort;
    let opened: StoragePort[] = [];

    beforeEach(async () => {
      subject = await factory();
      storage = subject.storage;
      opened = [storage];
    });

    afterEach(async () => {
      // A test may already have closed a store, and a foreign adapter may reject a second close.
      for (const store of opened) await store.close().catch(() => undefined);
      await subject.cleanup?.();
    });

    async function reopen(): Promise<StoragePort | undefined> {
      if (subject.reopen === undefined) return undefined;
      const store = await subject.reopen();
      opened.push(store);
      return store;
    }

    /** Runs `check` against the live store and, when the adapter can reopen, against a reopened one. */
    async function onLiveAndReopened(check: (store: StoragePort) => Promise<void>): Promise<void> {
      await check(storage);
      const again = await reopen();
      if (again !== undefined) await check(again);
    }

    async function keysOf(store: StoragePort, collection: string, options?: ListOptions): Promise<string[]> {
      const entries = await store.list(collection, options);
      return entries.map((entry) => entry.key);
    }

    async function expectInvalid(promise: Promise<unknown>): Promise<void> {
      await expect(promise).rejects.toMatchObject({ code: 'INVALID' });
    }

    describe('get and put', () => {
      it('answers undefined for a missing key or an unknown collection', async () => {
        await storage.put('users', 'alice', { role: 'admin' });
        expect(await storage.get('users', 'bob')).toBeUndefined();
        expect(await storage.get('nobody-wrote-here', 'alice')).toBeUndefined();
      });

      it('returns an equal document for every JSON type', async () => {
        const values: unknown[] = [
          'text',
          '',
          'ünïcødé 😀 \u0000 "quoted" \\ back',
          0,
          -17,
          3.25,
          1e21,
          Number.MAX_SAFE_INTEGER,
          true,
          false,
          null,
          [],
          {},
          [1, 'two', null, [3], { four: 4 }],
          { nested: { deeper: { list: [{ a: 1 }, { b: [true, false] }] } }, empty: {}, none: null },
        ];
        for (const [i, value] of values.entries()) await storage.put('docs', `v${i}`, value);
        await onLiveAndReopened(async (store) => {
          for (const [i, value] of values.entries()) expect(await store.get('docs', `v${i}`)).toEqual(value);
          expect(await store.count('docs')).toBe(values.length);
        });
      });

      it('replaces the previous value of a key', async () => {
        await storage.put('settings', 'poll', { minutes: 5, jitter: true });
        await storage.put('settings', 'poll', { minutes: 10 });
        await onLiveAndReopened(async (store) => {
          expect(await store.get('settings', 'poll')).toEqual({ minutes: 10 });
          expect(await store.count('settings')).toBe(1);
        });
      });

      it('keeps collections apart', async () => {
        await storage.put('containers', 'web', { kind: 'container' });
        await storage.put('queue', 'web', { kind: 'queue' });
        await storage.delete('queue', 'web');
        await onLiveAndReopened(async (store) => {
          expect(await store.get('containers', 'web')).toEqual({ kind: 'container' });
          expect(await store.get('queue', 'web')).toBeUndefined();
          expect(await store.count('containers')).toBe(1);
        });
      });

      it('accepts any string as a key or collection name, including ones that collide with object internals', async () => {
        const keys = ['', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'a/b', 'a.b', 'host::web', ' spaced ', 'héllo', '😀'];
        for (const collection of ['__proto__', 'constructor']) {
          for (const key of keys) await storage.put(collection, key, { collection, key });
        }
        await onLiveAndReopened(async (store) => {
          for (const collection of ['__proto__', 'constructor']) {
            for (const key of keys) expect(await store.get(collection, key)).toEqual({ collection, key });
            expect(await store.count(collection)).toBe(keys.length);
            expect(await keysOf(store, collection)).toEqual(['', ' spaced ', '__proto__', 'a.b', 'a/b', 'constructor', 'hasOwnProperty', 'host::web', 'héllo', 'toString', '😀']);
          }
          expect(await store.get('toString', 'x')).toBeUndefined();
        });
      });

      it('rejects a key that is not a string and an empty collection name', async () => {
        await expectInvalid(storage.put('docs', 42 as unknown as string, { a: 1 }));
        await expectInvalid(storage.put('', 'key', { a: 1 }));
        await expectInvalid(storage.get('docs', undefined as unknown as string));
        expect(await storage.count('docs')).toBe(0);
      });
    });

    describe('copies, not references', () => {
      it('get returns a copy: mutating it changes nothing until put', async () => {
        await storage.put('hosts', 'h1', { name: 'h1', tags: ['a'], meta: { zone: 'eu' } });
        const first = await storage.get<{ name: string; tags: string[]; meta: { zone: string } }>('hosts', 'h1');
        if (first === undefined) throw new Error('expected a document');
        first.name = 'changed';
        first.tags.push('b');
        first.meta.zone = 'us';
        const second = await storage.get('hosts', 'h1');
        expect(second).toEqual({ name: 'h1', tags: ['a'], meta: { zone: 'eu' } });
        expect(second).not.toBe(first);
      });

      it('put stores a copy: mutating the original afterwards changes nothing', async () => {
        const original = { name: 'h1', tags: ['a'], meta: { zone: 'eu' } };
        await storage.put('hosts', 'h1', original);
        original.name = 'changed';
        original.tags.push('b');
        original.meta.zone = 'us';
        expect(await storage.get('hosts', 'h1')).toEqual({ name: 'h1', tags: ['a'], meta: { zone: 'eu' } });
      });

      it('list and batch hand out and keep copies too', async () => {
        const original = { n: 1, list: [1] };
        await storage.batch([{ op: 'put', collection: 'c', key: 'k', value: original }]);
        original.list.push(2);
        const [entry] = await storage.list<{ n: number; list: number[] }>('c');
        if (entry === undefined) throw new Error('expected an entry');
        entry.value.n = 99;
        entry.value.list.push(3);
        expect(await storage.list('c')).toEqual([{ key: 'k', value: { n: 1, list: [1] } }]);
      });
    });

    describe('JSON documents only', () => {
      class Point {
        constructor(
          readonly x: number,
          readonly y: number,
        ) {}
      }
      const cyclic: Record<string, unknown> = { name: 'loop' };
      cyclic['self'] = cyclic;
      const notJson: Array<[string, unknown]> = [
        ['undefined', undefined],
        ['a function', () => 1],
        ['a bigint', 10n],
        ['a symbol', Symbol('s')],
        ['NaN', Number.NaN],
        ['Infinity', Number.POSITIVE_INFINITY],
        ['a Date', new Date(0)],
        ['a Map', new Map([['a', 1]])],
        ['a class instance', new Point(1, 2)],
        ['an object holding a function', { ok: true, run: () => 1 }],
        ['an array holding undefined', [1, undefined, 3]],
        ['an object holding a bigint deep inside', { a: { b: [{ c: 1n }] } }],
        ['a cycle', cyclic],
      ];

      it.each(notJson)('rejects %s with an INVALID error and stores nothing', async (_label, value) => {
        await storage.put('docs', 'existing', { keep: true });
        await expectInvalid(storage.put('docs', 'new', value));
        await expectInvalid(storage.put('docs', 'existing', value));
        await onLiveAndReopened(async (store) => {
          expect(await store.get('docs', 'new')).toBeUndefined();
          expect(await store.get('docs', 'existing')).toEqual({ keep: true });
          expect(await store.count('docs')).toBe(1);
        });
      });

      it('leaves out object properties whose value is undefined, as JSON does', async () => {
        await storage.put('docs', 'k', { a: 1, b: undefined, nested: { c: undefined, d: 2 } });
        await onLiveAndReopened(async (store) => {
          const value = await store.get<Record<string, unknown>>('docs', 'k');
          expect(value).toEqual({ a: 1, nested: { d: 2 } });
          expect(Object.keys(value ?? {})).toEqual(['a', 'nested']);
        });
      });
    });

    describe('delete', () => {
      it('answers whether the key existed, and the key is gone afterwards', async () => {
        await storage.put('queue', 'a', 1);
        await storage.put('queue', 'b', 2);
        expect(await storage.delete('queue', 'a')).toBe(true);
        expect(await storage.delete('queue', 'a')).toBe(false);
        expect(await storage.delete('queue', 'never')).toBe(false);
        expect(await storage.delete('no-such-collection', 'a')).toBe(false);
        await onLiveAndReopened(async (store) => {
          expect(await store.get('queue', 'a')).toBeUndefined();
          expect(await store.get('queue', 'b')).toBe(2);
          expect(await store.count('queue')).toBe(1);
          expect(await keysOf(store, 'queue')).toEqual(['b']);
        });
      });

      it('a deleted key can be written again', async () => {
        await storage.put('queue', 'a', 1);
        await storage.delete('queue', 'a');
        await storage.delete('queue', 'a');
        await storage.put('queue', 'a', 2);
        await onLiveAndReopened(async (store) => {
          expect(await store.get('queue', 'a')).toBe(2);
        });
      });
    });

    describe('count', () => {
      it('counts the entries of one collection', async () => {
        expect(await storage.count('users')).toBe(0);
        await storage.put('users', 'a', 1);
        await storage.put('users', 'b', 2);
        await storage.put('users', 'b', 3);
        await storage.put('tokens', 'a', 1);
        expect(await storage.count('users')).toBe(2);
        expect(await storage.count('tokens')).toBe(1);
      });
    });

    describe('list', () => {
      it('orders by key in UTF-16 code units: digits are not numbers, case and unicode sort by code unit', async () => {
        const shuffled = ['item2', 'ｚ', 'b', 'a-b', '😀', 'item10', 'é', '9', 'Item3', 'a', 'item1', '10', 'a b', 'B'];
        for (const key of shuffled) await storage.put('keys', key, { key });
        // '😀' is a surrogate pair starting at 0xD83D, so it sorts before 'ｚ' (0xFF5A)
        // even though its code point (0x1F600) is higher.
        const expected = ['10', '9', 'B', 'Item3', 'a', 'a b', 'a-b', 'b', 'item1', 'item10', 'item2', 'é', '😀', 'ｚ'];
        await onLiveAndReopened(async (store) => {
          const entries = await store.list('keys');
          expect(entries.map((entry) => entry.key)).toEqual(expected);
          expect(entries.map((entry) => entry.value)).toEqual(expected.map((key) => ({ key })));
          expect(await keysOf(store, 'keys', { reverse: true })).toEqual([...expected].reverse());
          expect(await keysOf(store, 'keys', { prefix: 'item' })).toEqual(['item1', 'item10', 'item2']);
          expect(await keysOf(store, 'keys', { prefix: 'é' })).toEqual(['é']);
          expect(await keysOf(store, 'keys', { after: 'é' })).toEqual(['😀', 'ｚ']);
          expect(await keysOf(store, 'keys', { before: 'a', reverse: true, limit: 2 })).toEqual(['Item3', 'B']);
        });
      });

      it('answers an empty list for an unknown or emptied collection', async () => {
        expect(await storage.list('nothing')).toEqual([]);
        await storage.put('once', 'k', 1);
        await storage.delete('once', 'k');
        expect(await storage.list('once')).toEqual([]);
      });

      it('combines prefix, after, before, reverse and limit', async () => {
        for (const key of ['b1', 'a10', 'c', 'a', 'ab', 'ba', 'a2', 'b', 'a1']) await storage.put('range', key, key.toUpperCase());
        const all = ['a', 'a1', 'a10', 'a2', 'ab', 'b', 'b1', 'ba', 'c'];
        const cases: Array<[ListOptions, string[]]> = [
          [{}, all],
          [{ prefix: '' }, all],
          [{ prefix: 'a' }, ['a', 'a1', 'a10', 'a2', 'ab']],
          [{ prefix: 'a1' }, ['a1', 'a10']],
          [{ prefix: 'ba' }, ['ba']],
          [{ prefix: 'z' }, []],
          [{ prefix: 'a10x' }, []],
          [{ after: 'a2' }, ['ab', 'b', 'b1', 'ba', 'c']],
          [{ after: '0' }, all],
          [{ after: 'c' }, []],
          [{ before: 'b' }, ['a', 'a1', 'a10', 'a2', 'ab']],
          [{ before: 'a' }, []],
          [{ before: 'zzz' }, all],
          [{ after: 'a1', before: 'b1' }, ['a10', 'a2', 'ab', 'b']],
          [{ after: 'a15', before: 'b0' }, ['a2', 'ab', 'b']],
          [{ after: 'b', before: 'b' }, []],
          [{ after: 'c', before: 'a' }, []],
          [{ prefix: 'a', after: 'a' }, ['a1', 'a10', 'a2', 'ab']],
          [{ prefix: 'a', before: 'a2' }, ['a', 'a1', 'a10']],
          [{ prefix: 'b', after: 'a' }, ['b', 'b1', 'ba']],
          [{ prefix: 'a', after: 'b' }, []],
          [{ reverse: true }, [...all].reverse()],
          [{ reverse: false }, all],
          [{ limit: 3 }, ['a', 'a1', 'a10']],
          [{ limit: 0 }, []],
          [{ limit: 100 }, all],
          [{ reverse: true, limit: 2 }, ['c', 'ba']],
          [{ prefix: 'a', reverse: true, limit: 2 }, ['ab', 'a2']],
          [{ prefix: 'b', after: 'b', reverse: true }, ['ba', 'b1']],
          [{ after: 'a', before: 'c', limit: 2 }, ['a1', 'a10']],
          [{ after: 'a', before: 'c', reverse: true, limit: 2 }, ['ba', 'b1']],
          [{ prefix: 'a', after: 'a1', before: 'ab', reverse: true, limit: 1 }, ['a2']],
        ];
        await onLiveAndReopened(async (store) => {
          for (const [options, expected] of cases) {
            const entries = await store.list('range', options);
            expect(entries.map((entry) => entry.key), `list(${JSON.stringify(options)})`).toEqual(expected);
            expect(entries.map((entry) => entry.value)).toEqual(expected.map((key) => key.toUpperCase()));
          }
        });
      });

      it('rejects a limit that is negative or not an integer', async () => {
        await storage.put('range', 'a', 1);
        await expectInvalid(storage.list('range', { limit: -1 }));
        await expectInvalid(storage.list('range', { limit: 1.5 }));
      });
    });

    describe('batch', () => {
      it('applies puts and deletes across collections, in order', async () => {
        await storage.put('queue', 'old', { stale: true });
        await storage.put('history', 'h0', { n: 0 });
        await storage.batch([
          { op: 'put', collection: 'queue', key: 'web', value: { image: 'nginx:1.27' } },
          { op: 'delete', collection: 'queue', key: 'old' },
          { op: 'put', collection: 'history', key: 'h1', value: { n: 1 } },
          { op: 'put', collection: 'history', key: 'h2', value: { n: 2 } },
          { op: 'delete', collection: 'history', key: 'h2' },
          { op: 'delete', collection: 'history', key: 'h0' },
          { op: 'put', collection: 'history', key: 'h0', value: { n: 'again' } },
          { op: 'delete', collection: 'nowhere', key: 'x' },
        ]);
        await onLiveAndReopened(async (store) => {
          expect(await store.list('queue')).toEqual([{ key: 'web', value: { image: 'nginx:1.27' } }]);
          expect(await store.list('history')).toEqual([
            { key: 'h0', value: { n: 'again' } },
            { key: 'h1', value: { n: 1 } },
          ]);
        });
      });

      it('accepts an empty batch', async () => {
        await storage.batch([]);
        expect(await storage.count('queue')).toBe(0);
      });

      it('a batch containing an invalid value changes nothing', async () => {
        await storage.put('queue', 'keep', { v: 1 });
        await storage.put('queue', 'doomed', { v: 2 });
        await expectInvalid(
          storage.batch([
            { op: 'put', collection: 'queue', key: 'new', value: { v: 3 } },
            { op: 'delete', collection: 'queue', key: 'doomed' },
            { op: 'put', collection: 'queue', key: 'keep', value: { v: 'changed' } },
            { op: 'put', collection: 'other', key: 'x', value: { v: 4 } },
            { op: 'put', collection: 'queue', key: 'bad', value: { fn: () => 1 } },
          ]),
        );
        await onLiveAndReopened(async (store) => {
          expect(await store.list('queue')).toEqual([
            { key: 'doomed', value: { v: 2 } },
            { key: 'keep', value: { v: 1 } },
          ]);
          expect(await store.count('other')).toBe(0);
        });
      });

      it('a batch containing a malformed operation changes nothing', async () => {
        await storage.put('queue', 'keep', 1);
        const malformed = [
          { op: 'put', collection: 'queue', key: 'new', value: 2 },
          { op: 'upsert', collection: 'queue', key: 'keep', value: 3 },
        ] as unknown as Parameters<StoragePort['batch']>[0];
        await expectInvalid(storage.batch(malformed));
        await onLiveAndReopened(async (store) => {
          expect(await store.list('queue')).toEqual([{ key: 'keep', value: 1 }]);
        });
      });
    });

    describe('clear', () => {
      it('removes every entry of one collection and nothing else', async () => {
        for (const key of ['a', 'b', 'c']) await storage.put('sessions', key, { key });
        await storage.put('users', 'a', { key: 'a' });
        await storage.clear('sessions');
        await storage.clear('never-existed');
        await onLiveAndReopened(async (store) => {
          expect(await store.count('sessions')).toBe(0);
          expect(await store.list('sessions')).toEqual([]);
          expect(await store.get('sessions', 'a')).toBeUndefined();
          expect(await store.get('users', 'a')).toEqual({ key: 'a' });
        });
        await storage.put('sessions', 'd', 1);
        expect(await keysOf(storage, 'sessions')).toEqual(['d']);
      });
    });

    describe('concurrency', () => {
      it('persists every one of many concurrent puts', async () => {
        const keys = Array.from({ length: 250 }, (_, i) => `key-${String(i).padStart(3, '0')}`);
        await Promise.all(keys.map((key, i) => storage.put('burst', key, { i, key })));
        await onLiveAndReopened(async (store) => {
          expect(await store.count('burst')).toBe(keys.length);
          const entries = await store.list('burst');
          expect(entries.map((entry) => entry.key)).toEqual(keys);
          expect(entries.map((entry) => entry.value)).toEqual(keys.map((key, i) => ({ i, key })));
        });
      });

      it('lands concurrent writes of every kind', async () => {
        for (const key of ['d1', 'd2', 'd3']) await storage.put('mixed', key, 'to delete');
        const results = await Promise.all([
          storage.put('mixed', 'p1', 1),
          storage.delete('mixed', 'd1'),
          storage.batch([
            { op: 'put', collection: 'mixed', key: 'p2', value: 2 },
            { op: 'delete', collection: 'mixed', key: 'd2' },
          ]),
          storage.put('mixed', 'p3', 3),
          storage.delete('mixed', 'd3'),
          storage.put('other', 'x', 'x'),
          storage.clear('other'),
        ]);
        expect(results[1]).toBe(true);
        expect(results[4]).toBe(true);
        await onLiveAndReopened(async (store) => {
          expect(await store.list('mixed')).toEqual([
            { key: 'p1', value: 1 },
            { key: 'p2', value: 2 },
            { key: 'p3', value: 3 },
          ]);
          expect(await store.count('other')).toBe(0);
        });
      });
    });

    describe('durability', () => {
      it('everything acknowledged is still there after reopening', async (context) => {
        if (subject.reopen === undefined) context.skip();
        await storage.put('users', 'alice', { role: 'admin' });
        await storage.put('users', 'bob', { role: 'viewer' });
        await storage.put('users', 'bob', { role: 'operator' });
        await storage.put('tokens', 't1', { user: 'alice' });
        await storage.delete('users', 'alice');
        await storage.batch([
          { op: 'put', collection: 'queue', key: 'web', value: { image: 'nginx' } },
          { op: 'delete', collection: 'tokens', key: 't1' },
        ]);
        await storage.put('sessions', 's1', {});
        await storage.clear('sessions');
        const again = await reopen();
        if (again === undefined) throw new Error('reopen disappeared');
        for (const collection of ['users', 'tokens', 'queue', 'sessions']) {
          expect(await again.list(collection), collection).toEqual(await storage.list(collection));
        }
        expect(await again.list('users')).toEqual([{ key: 'bob', value: { role: 'operator' } }]);
        expect(await again.list('queue')).toEqual([{ key: 'web', value: { image: 'nginx' } }]);
      });

      it('flush waits for writes that were not awaited', async () => {
        const pending = Array.from({ length: 20 }, (_, i) => storage.put('flushed', `k${String(i).padStart(2, '0')}`, i));
        await storage.flush();
        const again = await reopen();
        await onCountOf(again ?? storage, 'flushed', 20);
        await Promise.all(pending);
      });

      it('close waits for pending writes, which resolve', async () => {
        const pending = Array.from({ length: 20 }, (_, i) => storage.put('closing', `k${String(i).padStart(2, '0')}`, i));
        const deleted = storage.delete('closing', 'k00');
        await storage.close();
        await expect(Promise.all(pending)).resolves.toHaveLength(20);
        await expect(deleted).resolves.toBe(true);
        const again = await reopen();
        if (again !== undefined) {
          expect(await again.count('closing')).toBe(19);
          expect(await again.get('closing', 'k19')).toBe(19);
        }
      });

      async function onCountOf(store: StoragePort, collection: string, expected: number): Promise<void> {
        expect(await store.count(collection)).toBe(expected);
        expect(await store.list(collection)).toEqual(
          Array.from({ length: expected }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, value: i })),
        );
      }
    });

    describe('close', () => {
      it('every later call rejects', async () => {
        await storage.put('users', 'alice', 1);
        await storage.close();
        const calls: Array<[string, () => Promise<unknown>]> = [
          ['get', () => storage.get('users', 'alice')],
          ['put', () => storage.put('users', 'bob', 2)],
          ['delete', () => storage.delete('users', 'alice')],
          ['list', () => storage.list('users')],
          ['count', () => storage.count('users')],
          ['batch', () => storage.batch([{ op: 'put', collection: 'users', key: 'carol', value: 3 }])],
          ['clear', () => storage.clear('users')],
          ['flush', () => storage.flush()],
        ];
        for (const [method, call] of calls) {
          await expect(call(), `${method} after close`).rejects.toThrow();
        }
        const again = await reopen();
        if (again !== undefined) {
          expect(await again.list('users')).toEqual([{ key: 'alice', value: 1 }]);
        }
      });

      it('closing twice is harmless', async () => {
        await storage.close();
        await expect(storage.close()).resolves.toBeUndefined();
      });
    });
  });
}

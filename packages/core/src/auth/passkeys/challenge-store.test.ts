import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../ports/clock.js';
import { createMemoryStorage } from '../../storage/index.js';
import { createChallengeStore } from './challenge-store.js';

describe('challenge store', () => {
  it('hands a challenge back once, and never after it expired', async () => {
    const clock = createManualClock();
    const storage = createMemoryStorage();
    const store = createChallengeStore<{ userId: string }>(storage, clock, { collection: 'c', ttlMs: 1000 });
    await store.issue('abc', { userId: 'u1' });
    await store.issue('def', { userId: 'u2' });
    expect(await store.consume('abc')).toEqual({ userId: 'u1' });
    expect(await store.consume('abc')).toBeUndefined();
    expect(await store.consume('unknown')).toBeUndefined();
    await clock.advance(1000);
    expect(await store.consume('def')).toBeUndefined();
  });

  it('stores only a hash of the challenge, and only one of two concurrent consumers wins', async () => {
    const storage = createMemoryStorage();
    const store = createChallengeStore<number>(storage, createManualClock(), { collection: 'c' });
    await store.issue('the-secret-challenge', 7);
    expect(JSON.stringify(await storage.list('c'))).not.toContain('the-secret-challenge');
    const results = await Promise.all([store.consume('the-secret-challenge'), store.consume('the-secret-challenge')]);
    expect(results.filter((r) => r === 7)).toHaveLength(1);
  });

  it('keeps at most `max` challenges, forgetting the oldest first, and prunes expired ones', async () => {
    const clock = createManualClock();
    const storage = createMemoryStorage();
    const store = createChallengeStore<string>(storage, clock, { collection: 'c', ttlMs: 10_000, max: 3 });
    for (const c of ['a', 'b', 'c', 'd']) {
      await store.issue(c, c);
      await clock.advance(1);
    }
    expect(await storage.count('c')).toBe(3);
    expect(await store.consume('a')).toBeUndefined();
    expect(await store.consume('d')).toBe('d');
    await clock.advance(10_000);
    expect(await store.prune()).toBe(2);
    expect(await storage.count('c')).toBe(0);
  });
});

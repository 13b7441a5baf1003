import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidError, NotFoundError } from '../../errors/index.js';
import { createManualClock } from '../../ports/clock.js';
import { createMemoryStorage } from '../../storage/index.js';
import { createPasskeyStore } from './passkey-store.js';

const key = { publicKey: 'pQECAyYgASFY', counter: 0 };

describe('passkey store', () => {
  it('adds, finds by credential id, lists per user oldest first and refuses a duplicate credential', async () => {
    const clock = createManualClock();
    const store = createPasskeyStore(createMemoryStorage(), clock);
    const a = await store.add({ ...key, userId: 'u1', credentialId: 'cred-a', name: '  Laptop ' });
    await clock.advance(1000);
    const b = await store.add({ ...key, userId: 'u1', credentialId: 'cred-b' });
    await store.add({ ...key, userId: 'u2', credentialId: 'cred-c' });
    expect(a).toMatchObject({ id: expect.stringMatching(/^pk_/), name: 'Laptop', lastUsedAt: null, createdAt: '2025-01-01T00:00:00.000Z' });
    expect(b.name).toBe('Passkey');
    expect((await store.findByCredentialId('cred-b'))?.id).toBe(b.id);
    expect((await store.listForUser('u1')).map((p) => p.id)).toEqual([a.id, b.id]);
    expect(await store.hasAny('u3')).toBe(false);
    expect(await store.count()).toBe(3);
    await expect(store.add({ ...key, userId: 'u2', credentialId: 'cred-a' })).rejects.toBeInstanceOf(ConflictError);
    await expect(store.add({ ...key, userId: 'u2', credentialId: 'cred-d', name: 'x'.repeat(65) })).rejects.toBeInstanceOf(InvalidError);
    await expect(store.add({ ...key, userId: 'u2', credentialId: 'not base64url!' })).rejects.toBeInstanceOf(InvalidError);
  });

  it('accepts only a growing counter (or 0 from authenticators without one) and records the use', async () => {
    const clock = createManualClock();
    const store = createPasskeyStore(createMemoryStorage(), clock);
    const p = await store.add({ ...key, userId: 'u1', credentialId: 'c1', counter: 5 });
    await clock.advance(60_000);
    expect(await store.recordUse(p.id, 6)).toMatchObject({ counter: 6, lastUsedAt: '2025-01-01T00:01:00.000Z' });
    await expect(store.recordUse(p.id, 6)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.recordUse(p.id, 2)).rejects.toBeInstanceOf(ConflictError);
    const counterless = await store.add({ ...key, userId: 'u1', credentialId: 'c2' });
    await store.recordUse(counterless.id, 0);
    expect((await store.recordUse(counterless.id, 0)).counter).toBe(0);
  });

  it('removes only the owner’s passkey, and everything of a deleted user', async () => {
    const store = createPasskeyStore(createMemoryStorage(), createManualClock());
    const p = await store.add({ ...key, userId: 'u1', credentialId: 'c1' });
    await store.add({ ...key, userId: 'u1', credentialId: 'c2' });
    await expect(store.remove('u2', p.id)).rejects.toBeInstanceOf(NotFoundError);
    await store.remove('u1', p.id);
    expect(await store.findByCredentialId('c1')).toBeUndefined();
    const handle = await store.userHandle('u1');
    expect(await store.removeAllForUser('u1')).toBe(1);
    expect(await store.hasAny('u1')).toBe(false);
    expect(await store.userForHandle(handle)).toBeUndefined();
  });

  it('gives each user one stable, random user handle', async () => {
    const store = createPasskeyStore(createMemoryStorage(), createManualClock());
    const h = await store.userHandle('usr_1');
    expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h).not.toContain('usr_1');
    expect(await store.userHandle('usr_1')).toBe(h);
    expect(await store.userHandle('usr_2')).not.toBe(h);
    expect(await store.userForHandle(h)).toBe('usr_1');
  });
});

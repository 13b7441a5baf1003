import { describe, expect, it } from 'vitest';
import { createManualClock } from '../ports/clock.js';
import { createMemoryStorage } from '../storage/memory-storage.js';
import { createSessionStore } from './sessions.js';

const info = { ip: '192.0.2.7', userAgent: 'vitest', method: 'password' } as const;
const HOUR = 3_600_000;

function setup() {
  const clock = createManualClock();
  const storage = createMemoryStorage();
  return { clock, storage, store: createSessionStore(storage, clock) };
}

describe('sessions', () => {
  it('issues a token and CSRF token that are stored only hashed', async () => {
    const { store, storage } = setup();
    const { token, csrfToken, session } = await store.create('usr_1', info);
    expect(token).toMatch(/^snses_[\w-]{43}$/);
    expect(session.id).toMatch(/^ses_/);
    expect(session).toMatchObject({ userId: 'usr_1', ip: '192.0.2.7', userAgent: 'vitest', method: 'password' });
    const dump = JSON.stringify(storage.snapshot());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(csrfToken);
    expect(await store.resolve(token)).toMatchObject({ id: session.id });
    expect(await store.verifyCsrf(session.id, csrfToken)).toBe(true);
    expect(await store.verifyCsrf(session.id, token)).toBe(false);
    expect(await store.verifyCsrf(session.id, '')).toBe(false);
  });

  it('ends after 24 h without use', async () => {
    const { store, clock } = setup();
    const { token } = await store.create('usr_1', info);
    await clock.advance(23 * HOUR);
    expect(await store.resolve(token)).toBeDefined();
    // Used at 23 h: the idle timer restarts.
    await clock.advance(23 * HOUR);
    expect(await store.resolve(token)).toBeDefined();
    await clock.advance(24 * HOUR);
    expect(await store.resolve(token)).toBeUndefined();
  });

  it('ends 7 days after login however busy', async () => {
    const { store, clock } = setup();
    const { token, session } = await store.create('usr_1', info);
    expect(Date.parse(session.expiresAt) - clock.now()).toBe(7 * 24 * HOUR);
    for (let i = 0; i < 13; i++) {
      await clock.advance(12 * HOUR);
      expect(await store.resolve(token)).toBeDefined();
    }
    await clock.advance(12 * HOUR);
    expect(await store.resolve(token)).toBeUndefined();
  });

  it('lists a user’s sessions newest first and revokes one, or all but one', async () => {
    const { store, clock } = setup();
    const a = await store.create('usr_1', info);
    await clock.advance(1000);
    const b = await store.create('usr_1', info);
    await clock.advance(1000);
    const c = await store.create('usr_1', info);
    const other = await store.create('usr_2', info);
    expect((await store.listForUser('usr_1')).map((s) => s.id)).toEqual([c.session.id, b.session.id, a.session.id]);
    expect(await store.revoke(a.session.id)).toBe(true);
    expect(await store.resolve(a.token)).toBeUndefined();
    expect(await store.revokeForUser('usr_1', c.session.id)).toBe(1);
    expect(await store.resolve(b.token)).toBeUndefined();
    expect(await store.resolve(c.token)).toBeDefined();
    expect(await store.resolve(other.token)).toBeDefined();
  });

  it('prunes expired sessions and refuses tokens that are not session tokens', async () => {
    const { store, clock, storage } = setup();
    await store.create('usr_1', info);
    await clock.advance(25 * HOUR);
    expect(await store.prune()).toBe(1);
    expect(await storage.count('auth_sessions')).toBe(0);
    expect(await store.resolve('sntkn_something')).toBeUndefined();
  });
});

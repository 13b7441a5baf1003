import { describe, expect, it } from 'vitest';
import { createManualClock } from '../ports/clock.js';
import { createMemoryStorage } from '../storage/memory-storage.js';
import { createCredentialStore } from './credentials.js';

function setup() {
  const clock = createManualClock();
  const storage = createMemoryStorage();
  return { clock, storage, store: createCredentialStore(storage, clock) };
}

describe('credential store', () => {
  it('issues a prefixed secret once and stores only its hash', async () => {
    const { store, storage } = setup();
    const { secret, credential } = await store.issue({ kind: 'api_token', name: 'CI Token', ownerUserId: 'usr_1' });
    expect(secret).toMatch(/^sntkn_[\w-]{43}$/);
    expect(credential).toMatchObject({ kind: 'api_token', name: 'CI Token', ownerUserId: 'usr_1', scopes: [], lastUsedAt: null, expiresAt: null, revokedAt: null });
    expect(credential.id).toMatch(/^tok_[0-9a-f]{20}$/);
    expect(credential.prefix).toBe(secret.slice(0, 10));
    expect(credential).not.toHaveProperty('hash');
    expect(JSON.stringify(storage.snapshot())).not.toContain(secret);
  });

  it('uses the documented prefix of every surface', async () => {
    const { store } = setup();
    expect((await store.issue({ kind: 'agent_key', name: 'agents', scopes: ['agent'], organization: '1' })).secret).toMatch(/^sk_agent_/);
    expect((await store.issue({ kind: 'api_key', name: 'automation' })).secret).toMatch(/^vp_/);
  });

  it('verifies a live secret of the right kind and records its use', async () => {
    const { store, clock } = setup();
    const { secret, credential } = await store.issue({ kind: 'agent_key', name: 'agents', scopes: ['agent'] });
    const found = await store.verify('agent_key', secret);
    expect(found).toMatchObject({ id: credential.id, scopes: ['agent'], lastUsedAt: new Date(clock.now()).toISOString() });
    expect(await store.verify('api_token', secret)).toBeUndefined();
    expect(await store.verify('agent_key', `${secret}x`)).toBeUndefined();
    expect(await store.verify('agent_key', 'sk_agent_short')).toBeUndefined();
  });

  it('checks the id as well when the format carries one (X-AUTH-TOKEN secret/id)', async () => {
    const { store } = setup();
    const a = await store.issue({ kind: 'integration_token', name: 'cbc' });
    const b = await store.issue({ kind: 'integration_token', name: 'edr' });
    expect(await store.verify('integration_token', a.secret, { id: a.credential.id })).toMatchObject({ id: a.credential.id });
    expect(await store.verify('integration_token', a.secret, { id: b.credential.id })).toBeUndefined();
  });

  it('refuses revoked and expired credentials, and lists only live ones by default', async () => {
    const { store, clock } = setup();
    const a = await store.issue({ kind: 'api_token', name: 'a', ownerUserId: 'usr_1' });
    await clock.advance(1);
    const b = await store.issue({ kind: 'api_token', name: 'b', ownerUserId: 'usr_1', expiresAt: clock.now() + 60_000 });
    expect(await store.revoke(a.credential.id)).toBe(true);
    expect(await store.revoke(a.credential.id)).toBe(false);
    expect(await store.verify('api_token', a.secret)).toBeUndefined();
    expect(await store.verify('api_token', b.secret)).toBeDefined();
    await clock.advance(60_000);
    expect(await store.verify('api_token', b.secret)).toBeUndefined();
    expect(await store.list({ ownerUserId: 'usr_1' })).toEqual([]);
    expect((await store.list({ ownerUserId: 'usr_1', includeRevoked: true })).map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('revokes everything a user owns', async () => {
    const { store } = setup();
    const mine = await store.issue({ kind: 'api_token', name: 'mine', ownerUserId: 'usr_1' });
    const theirs = await store.issue({ kind: 'api_token', name: 'theirs', ownerUserId: 'usr_2' });
    await store.issue({ kind: 'api_key', name: 'mine too', ownerUserId: 'usr_1' });
    expect(await store.revokeAllOwnedBy('usr_1')).toBe(2);
    expect(await store.verify('api_token', mine.secret)).toBeUndefined();
    expect(await store.verify('api_token', theirs.secret)).toBeDefined();
  });

  it('refuses bad input without writing anything', async () => {
    const { store, storage, clock } = setup();
    await expect(store.issue({ kind: 'api_token', name: '  ' })).rejects.toThrow('name must be');
    await expect(store.issue({ kind: 'api_token', name: 'x', permissions: ['root' as never] })).rejects.toThrow('unknown permission "root"');
    await expect(store.issue({ kind: 'api_token', name: 'x', expiresAt: clock.now() })).rejects.toThrow('expiry must be in the future');
    await expect(store.issue({ kind: 'nope' as never, name: 'x' })).rejects.toThrow('unknown credential kind');
    expect(await storage.count('auth_credentials')).toBe(0);
  });
});

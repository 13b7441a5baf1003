import { describe, expect, it } from 'vitest';
import { ConflictError, createAuthService, createManualClock, createMemoryStorage, InvalidError, RateLimitedError, silentLogger, UnauthenticatedError } from '@sentinel-kit/core';
import { createPasskeyService, passkeyOptionsFromEnv } from '../src/auth/passkeys.js';
import { SoftAuthenticator } from './support/soft-authenticator.js';

const ORIGIN = 'https://sentinel.example.com';
const RP = { rpId: 'sentinel.example.com', origins: [ORIGIN] };

function setup(options: { enabledByDefault?: boolean } = {}) {
  const clock = createManualClock();
  const storage = createMemoryStorage();
  const auth = createAuthService({ storage, clock, passwordCost: 4, enabledByDefault: options.enabledByDefault ?? true });
  const passkeys = createPasskeyService({ auth, storage, clock, logger: silentLogger, challengeTtlMs: 60_000 });
  return { clock, storage, auth, passkeys, authenticator: new SoftAuthenticator({ origin: ORIGIN }) };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('passkey service', () => {
  it('refuses a challenge answered after it expired (injected clock), for registration and sign-in', async () => {
    const { clock, auth, passkeys, authenticator } = setup();
    const user = await auth.users.create({ username: 'ana', password: 'ana-password-1', role: 'operator' });
    const late = authenticator.create(await passkeys.registrationOptions(user.id, RP));
    await clock.advance(60_001);
    expect(await failure(passkeys.register(user.id, late))).toBeInstanceOf(InvalidError);
    expect(await passkeys.list(user.id)).toEqual([]);

    authenticator.credentials.length = 0; // the refused credential is not on the server
    await passkeys.register(user.id, authenticator.create(await passkeys.registrationOptions(user.id, RP)));
    const slow = authenticator.get(await passkeys.authenticationOptions(RP));
    await clock.advance(60_001);
    expect(await failure(passkeys.authenticate(slow, { ip: '10.0.0.1' }))).toBeInstanceOf(UnauthenticatedError);
    const { user: signedIn } = await passkeys.authenticate(authenticator.get(await passkeys.authenticationOptions(RP)), { ip: '10.0.0.1' });
    expect(signedIn.username).toBe('ana');
  });

  it('counts failed sign-ins against the client address like wrong passwords', async () => {
    const { auth, passkeys, authenticator } = setup();
    const user = await auth.users.create({ username: 'ben', password: 'ben-password-1', role: 'viewer' });
    await passkeys.register(user.id, authenticator.create(await passkeys.registrationOptions(user.id, RP)));
    const options = await passkeys.authenticationOptions(RP);
    for (let i = 0; i < 20; i++) {
      const forged = authenticator.get(options, { challenge: `forged-${i}` });
      expect(await failure(passkeys.authenticate(forged, { ip: '10.0.0.9' }))).toBeInstanceOf(UnauthenticatedError);
    }
    const locked = await failure(passkeys.authenticate(authenticator.get(await passkeys.authenticationOptions(RP)), { ip: '10.0.0.9' }));
    expect(locked).toBeInstanceOf(RateLimitedError);
    // Another address is not affected.
    expect((await passkeys.authenticate(authenticator.get(await passkeys.authenticationOptions(RP)), { ip: '10.0.0.10' })).user.id).toBe(user.id);
  });

  it('lets an admin who signs in only with a passkey enable authentication, and never deletes their last way in', async () => {
    const { auth, passkeys, authenticator } = setup({ enabledByDefault: false });
    const admin = await auth.users.create({ username: 'root', role: 'admin' });
    expect(await failure(auth.setEnabled(true))).toBeInstanceOf(ConflictError);
    const key = await passkeys.register(admin.id, authenticator.create(await passkeys.registrationOptions(admin.id, RP)), 'YubiKey');
    await auth.setEnabled(true);
    expect(await auth.isEnabled()).toBe(true);

    expect(await failure(passkeys.remove(admin.id, key.id))).toBeInstanceOf(ConflictError);
    const second = await passkeys.register(admin.id, new SoftAuthenticator({ origin: ORIGIN }).create(await passkeys.registrationOptions(admin.id, RP)));
    await passkeys.remove(admin.id, key.id);
    expect((await passkeys.list(admin.id)).map((p) => p.id)).toEqual([second.id]);
  });

  it('forgets the passkeys of a deleted user at their next use', async () => {
    const { auth, passkeys, authenticator } = setup();
    await auth.users.create({ username: 'admin', password: 'admin-password-1', role: 'admin' });
    const gone = await auth.users.create({ username: 'gone', password: 'gone-password-1', role: 'viewer' });
    await passkeys.register(gone.id, authenticator.create(await passkeys.registrationOptions(gone.id, RP)));
    await auth.users.delete(gone.id);
    expect(await failure(passkeys.authenticate(authenticator.get(await passkeys.authenticationOptions(RP)), { ip: '10.0.0.1' }))).toBeInstanceOf(UnauthenticatedError);
    expect(await passkeys.available()).toBe(false);
  });

  it('derives the relying party from the request unless configured, and reads SENTINEL_RP_ID / SENTINEL_ORIGIN', () => {
    const { passkeys } = setup();
    expect(passkeys.relyingParty({ url: 'http://localhost:8080/api/auth/passkeys/login/begin', secure: false })).toEqual({ rpId: 'localhost', origins: ['http://localhost:8080'] });
    expect(passkeys.relyingParty({ url: 'http://sentinel.lan/x', secure: true })).toEqual({ rpId: 'sentinel.lan', origins: ['https://sentinel.lan'] });
    expect(passkeyOptionsFromEnv({ SENTINEL_RP_ID: 'Example.com', SENTINEL_ORIGIN: 'https://a.example.com, https://b.example.com:8443' })).toEqual({
      rpId: 'example.com',
      origin: ['https://a.example.com', 'https://b.example.com:8443'],
    });
    expect(passkeyOptionsFromEnv({})).toEqual({});
    expect(() => passkeyOptionsFromEnv({ SENTINEL_ORIGIN: 'https://a.example.com/login' })).toThrow(/SENTINEL_ORIGIN/);
    expect(() => passkeyOptionsFromEnv({ SENTINEL_RP_ID: 'https://example.com' })).toThrow(/SENTINEL_RP_ID/);
    const storage = createMemoryStorage();
    const auth = createAuthService({ storage, passwordCost: 4 });
    const configured = createPasskeyService({ auth, storage, clock: createManualClock(), logger: silentLogger, origin: 'https://sentinel.example.com:8443' });
    expect(configured.relyingParty({ url: 'http://10.0.0.5:8080/', secure: false })).toEqual({ rpId: 'sentinel.example.com', origins: ['https://sentinel.example.com:8443'] });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, ConflictError, NotFoundError } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { ADMIN, BASE_URL, createAuthFixture } from '../support/auth-fixture.js';
import type { AuthFixture } from '../support/auth-fixture.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const open: AuthFixture[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

async function fixture(options: Parameters<typeof createAuthFixture>[0] = {}): Promise<AuthFixture> {
  const f = await createAuthFixture(options);
  open.push(f);
  return f;
}

async function rejection(p: Promise<unknown>): Promise<Error & { status?: number; body?: unknown }> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/** A browser-less client signed in with the admin's password (a session, like a browser). */
async function signedIn(f: AuthFixture): Promise<SentinelClient> {
  const c = f.client();
  await c.auth.login(ADMIN.username, ADMIN.password);
  return c;
}

/** Register one passkey for the admin with a software authenticator on the app's own origin. */
async function registerAdminPasskey(f: AuthFixture, name = 'Laptop'): Promise<{ authenticator: SoftAuthenticator; admin: SentinelClient; id: string }> {
  const admin = await signedIn(f);
  const authenticator = new SoftAuthenticator({ origin: BASE_URL });
  const created = await admin.passkeys.registerFinish(authenticator.create(await admin.passkeys.registerBegin()), name);
  return { authenticator, admin, id: created.id };
}

describe('client.passkeys: registration and sign-in with a software authenticator', () => {
  it('registers a passkey, lists it without key material, and signs in with it on a fresh client', async () => {
    const f = await fixture();
    const anonymous = f.client();
    expect(await anonymous.passkeys.available()).toEqual({ available: false });

    const admin = await signedIn(f);
    const options = await admin.passkeys.registerBegin();
    expect(options).toMatchObject({
      rp: { id: 'sentinel.test', name: 'Sentinel Kit' },
      user: { name: 'admin', displayName: 'admin' },
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      excludeCredentials: [],
    });
    // The WebAuthn user handle is random, never the username or our user id.
    expect(options.user.id).not.toContain(f.admin.id);

    const authenticator = new SoftAuthenticator({ origin: BASE_URL });
    const registration = authenticator.create(options);
    const created = await admin.passkeys.registerFinish(registration, 'Laptop');
    expect(created).toEqual({ id: expect.stringMatching(/^pk_/), name: 'Laptop', created_at: expect.any(String), last_used_at: null });
    const listed = await admin.passkeys.list();
    expect(listed).toEqual([created]);
    expect(JSON.stringify(listed)).not.toContain(registration.response.attestationObject.slice(0, 40));
    expect(await anonymous.passkeys.available()).toEqual({ available: true });
    // A second registration excludes the authenticator already used.
    expect((await admin.passkeys.registerBegin()).excludeCredentials).toEqual([{ id: registration.id, type: 'public-key', transports: ['internal'] }]);

    const browser = f.client();
    const loginOptions = await browser.passkeys.loginBegin();
    expect(loginOptions).toMatchObject({ rpId: 'sentinel.test', userVerification: 'preferred', allowCredentials: [] });
    expect(await browser.passkeys.loginFinish(authenticator.get(loginOptions))).toEqual({ redirect: '/' });
    expect(await browser.auth.me()).toMatchObject({ id: f.admin.id, username: 'admin', via: 'session' });
    expect((await browser.auth.listSessions()).find((s) => s.current)).toMatchObject({ method: 'passkey' });
    expect((await admin.passkeys.list())[0]?.last_used_at).toEqual(expect.any(String));
  });

  it('refuses a replayed assertion: the used challenge, and a fresh challenge signed with an old counter', async () => {
    const f = await fixture();
    const { authenticator } = await registerAdminPasskey(f);
    const first = f.client();
    const assertion = authenticator.get(await first.passkeys.loginBegin());
    await first.passkeys.loginFinish(assertion);

    const replay = f.client();
    const replayed = await rejection(replay.passkeys.loginFinish(assertion));
    expect(replayed).toBeInstanceOf(AuthenticationError);
    expect(replayed.message).toContain('challenge');
    expect(replayed.message).not.toContain(JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url').toString()).challenge);

    // A cloned authenticator signs a new challenge but cannot know the counter moved on.
    const stale = authenticator.get(await replay.passkeys.loginBegin(), { counter: 1 });
    const refused = await rejection(replay.passkeys.loginFinish(stale));
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused.message).toMatch(/counter/i);
    expect(await rejection(replay.auth.me())).toBeInstanceOf(AuthenticationError);
  });

  it('refuses an assertion over a challenge the server never issued, and a credential it never registered', async () => {
    const f = await fixture();
    const { authenticator } = await registerAdminPasskey(f);
    const browser = f.client();

    const options = await browser.passkeys.loginBegin();
    const forged = authenticator.get(options, { challenge: Buffer.from('not the server challenge, 32 b!').toString('base64url') });
    expect(await rejection(browser.passkeys.loginFinish(forged))).toBeInstanceOf(AuthenticationError);

    const stranger = new SoftAuthenticator({ origin: BASE_URL });
    stranger.create({ ...(await (await signedIn(f)).passkeys.registerBegin()) }); // made, never sent to the server
    const unknown = await rejection(browser.passkeys.loginFinish(stranger.get(await browser.passkeys.loginBegin())));
    expect(unknown).toBeInstanceOf(AuthenticationError);
    expect(unknown.message).toContain('not registered');

    // The real authenticator still works afterwards: the failures changed nothing.
    expect(await browser.passkeys.loginFinish(authenticator.get(await browser.passkeys.loginBegin()))).toEqual({ redirect: '/' });
  });

  it('binds a registration challenge to the user who asked for it and answers malformed input with 400', async () => {
    const f = await fixture();
    const admin = await signedIn(f);
    const viewer = await f.createUser('viewer');
    const viewerClient = f.client(viewer.token);
    const authenticator = new SoftAuthenticator({ origin: BASE_URL });
    const adminsChallenge = authenticator.create(await admin.passkeys.registerBegin());
    expect(await rejection(viewerClient.passkeys.registerFinish(adminsChallenge))).toBeInstanceOf(BadRequestError);
    // …and it was consumed by that attempt: the admin must begin again.
    expect(await rejection(admin.passkeys.registerFinish(adminsChallenge))).toBeInstanceOf(BadRequestError);

    const garbage = await rejection(admin.passkeys.registerFinish({ ...adminsChallenge, response: { ...adminsChallenge.response, clientDataJSON: 'bm90IGpzb24' } }));
    expect(garbage).toBeInstanceOf(BadRequestError);
    expect(garbage.message).toContain('clientDataJSON');
    expect(await rejection(admin.request({ method: 'POST', path: '/api/auth/passkeys/login/finish', json: { credential: { id: 'x' } } }))).toBeInstanceOf(BadRequestError);
    expect(await viewerClient.passkeys.list()).toEqual([]);
    expect(await admin.passkeys.list()).toEqual([]);
  });

  it('deletes only your own passkeys; a deleted passkey no longer signs in', async () => {
    const f = await fixture();
    const { authenticator, admin, id } = await registerAdminPasskey(f);
    const viewer = f.client((await f.createUser('viewer')).token);
    expect(await rejection(viewer.passkeys.delete(id))).toBeInstanceOf(NotFoundError);
    expect(await admin.passkeys.list()).toHaveLength(1);

    expect(await admin.passkeys.delete(id)).toEqual({ message: 'passkey deleted' });
    expect(await admin.passkeys.list()).toEqual([]);
    expect(await rejection(admin.passkeys.delete(id))).toBeInstanceOf(NotFoundError);
    const browser = f.client();
    expect(await rejection(browser.passkeys.loginFinish(authenticator.get(await browser.passkeys.loginBegin())))).toBeInstanceOf(AuthenticationError);
    expect(await browser.passkeys.available()).toEqual({ available: false });
  });

  it('registering a credential that is registered already answers 409; another authenticator is added', async () => {
    const f = await fixture();
    const { authenticator, admin } = await registerAdminPasskey(f);
    const registered = authenticator.credentials[0];
    if (registered === undefined) throw new Error('the authenticator holds no credential');
    const duplicate = authenticator.create(await admin.passkeys.registerBegin(), { credential: registered });
    expect(await rejection(admin.passkeys.registerFinish(duplicate))).toBeInstanceOf(ConflictError);
    const phone = new SoftAuthenticator({ origin: BASE_URL });
    expect(await admin.passkeys.registerFinish(phone.create(await admin.passkeys.registerBegin()))).toMatchObject({ name: 'Passkey' });
    expect((await admin.passkeys.list()).map((p) => p.name)).toEqual(['Laptop', 'Passkey']);
  });
});

describe('passkeys with a configured relying party (SENTINEL_RP_ID / SENTINEL_ORIGIN)', () => {
  it('uses the configured RP id and refuses a response made on another origin', async () => {
    const f = await fixture({ app: { passkeys: { rpId: 'example.com', origin: 'https://sentinel.example.com' } } });
    const admin = await signedIn(f);
    const options = await admin.passkeys.registerBegin();
    expect(options.rp.id).toBe('example.com');

    const phished = new SoftAuthenticator({ origin: 'https://sentinel-example.evil' }).create(options);
    const refused = await rejection(admin.passkeys.registerFinish(phished));
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused.message).toContain('origin');

    const authenticator = new SoftAuthenticator({ origin: 'https://sentinel.example.com' });
    await admin.passkeys.registerFinish(authenticator.create(await admin.passkeys.registerBegin()));
    const browser = f.client();
    const loginOptions = await browser.passkeys.loginBegin();
    expect(loginOptions.rpId).toBe('example.com');
    expect(await rejection(browser.passkeys.loginFinish(authenticator.get(loginOptions, { origin: 'http://sentinel.test' })))).toBeInstanceOf(AuthenticationError);
    expect(await browser.passkeys.loginFinish(authenticator.get(await browser.passkeys.loginBegin()))).toEqual({ redirect: '/' });
  });
});

import { describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, ConflictError, NotFoundError, PermissionDeniedError, RateLimitError, createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { createManualClock, generateTotp, ROLE_PERMISSIONS } from '@sentinel-kit/core';
import type { ManualClock } from '@sentinel-kit/core';
import { ADMIN, AUTH_ENABLED } from '../support/auth-fixture.js';
import { BASE_URL, setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

/** An app with authentication on (first run), and a client with no credentials yet. */
function authApp(clock?: ManualClock): ClientFixture {
  return setup({ fixture: { app: { ...AUTH_ENABLED, ...(clock === undefined ? {} : { clock }) } }, client: { retry: 0 } });
}

const another = (f: ClientFixture, token?: string): SentinelClient =>
  createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0, ...(token === undefined ? {} : { token }) });

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('client.auth: setup and login without a browser', () => {
  it('setupStatus() and setup() create the first admin and keep its session in the client', async () => {
    const f = authApp();
    expect(await f.client.auth.setupStatus()).toEqual({ setup_required: true, message: expect.stringContaining('POST') });
    expect(await f.client.auth.setup(ADMIN.username, ADMIN.password)).toEqual({ id: expect.stringMatching(/^usr_/), username: 'admin', role_id: 'admin', redirect: '/' });
    // The session cookie is kept and the CSRF token sent on unsafe requests, with no extra code.
    expect(await f.client.auth.me()).toEqual({
      id: expect.stringMatching(/^usr_/),
      username: 'admin',
      role_id: 'admin',
      permissions: [...ROLE_PERMISSIONS.admin],
      auth_enabled: true,
      via: 'session',
      totp_enabled: false,
    });
    expect(await f.client.scan()).toEqual({ message: 'Scan started' });
    await f.sentinel.idle();
    expect(await rejection(f.client.auth.setup('again', 'another-password'))).toBeInstanceOf(ConflictError);
  });

  it('login() then createToken(): the token works on a fresh client, shown once and listed without its value', async () => {
    const f = authApp();
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    const script = another(f);
    expect(await script.auth.login('admin', ADMIN.password)).toEqual({ redirect: '/' });
    const created = await script.auth.createToken('CI Token');
    expect(created).toMatchObject({ id: expect.stringMatching(/^tok_/), name: 'CI Token', token: expect.stringMatching(/^sntkn_/), permissions: null, expires_at: null });
    const ci = another(f, created.token);
    expect(await ci.containers.list()).toEqual([]);
    expect(await ci.auth.me()).toMatchObject({ username: 'admin', via: 'api_token' });
    const listed = await script.auth.listTokens();
    expect(listed).toEqual([expect.objectContaining({ id: created.id, name: 'CI Token', prefix: created.token.slice(0, 10) })]);
    expect(JSON.stringify(listed)).not.toContain(created.token);

    expect(await script.auth.deleteToken(created.id)).toEqual({ message: 'token deleted' });
    expect(await rejection(ci.containers.list())).toBeInstanceOf(AuthenticationError);
    expect(await rejection(script.auth.deleteToken(created.id))).toBeInstanceOf(NotFoundError);
  });

  it('createToken() narrows a token to the permissions asked for, never more than the caller has', async () => {
    const f = authApp();
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    const narrow = await f.client.auth.createToken('read only', { permissions: ['containers.view'], expiresInDays: 30 });
    expect(narrow.permissions).toEqual(['containers.view']);
    expect(Date.parse(narrow.expires_at ?? '') - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const ro = another(f, narrow.token);
    expect(await ro.containers.list()).toEqual([]);
    expect(await rejection(ro.scan())).toBeInstanceOf(PermissionDeniedError);
    expect(await rejection(ro.auth.createToken('escalate', { permissions: ['settings.modify'] }))).toBeInstanceOf(PermissionDeniedError);
    const unknown = await rejection(f.client.auth.createToken('x', { permissions: ['root'] }));
    expect(unknown).toBeInstanceOf(BadRequestError);
    expect((unknown as Error).message).toContain('unknown permission "root"');
    expect(await f.client.auth.listTokens()).toHaveLength(1);
  });

  it('the same error for an unknown user and a wrong password, then 429 with retryAfter', async () => {
    const f = authApp();
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    const script = another(f);
    const unknown = await rejection(script.auth.login('nobody', 'some-password-1'));
    const wrong = await rejection(script.auth.login('admin', 'some-password-1'));
    expect(unknown).toBeInstanceOf(AuthenticationError);
    expect(wrong).toBeInstanceOf(AuthenticationError);
    expect((unknown as Error).message).toBe('invalid username or password');
    expect((wrong as Error).message).toBe('invalid username or password');
    for (let i = 0; i < 4; i++) await rejection(script.auth.login('admin', 'some-password-1'));
    const limited = await rejection(script.auth.login('admin', ADMIN.password));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfter).toBe(900);
  });

  it('logout() ends the session and forgets the cookies', async () => {
    const f = authApp();
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    expect(await f.client.auth.logout()).toEqual({ message: 'signed out', redirect: '/login' });
    expect(await rejection(f.client.auth.me())).toBeInstanceOf(AuthenticationError);
  });
});

describe('client.auth: own account', () => {
  it('listSessions(), revokeSession() and revokeOtherSessions() manage one’s sessions by opaque id', async () => {
    const f = authApp();
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    const laptop = another(f);
    const phone = another(f);
    await laptop.auth.login('admin', ADMIN.password);
    await phone.auth.login('admin', ADMIN.password);
    const sessions = await f.client.auth.listSessions();
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    for (const s of sessions) {
      expect(s.id).toMatch(/^ses_/);
      expect(s).toMatchObject({ method: expect.stringMatching(/^(setup|password)$/), user_agent: expect.any(String) });
      expect(Date.parse(s.idle_expires_at)).toBeLessThanOrEqual(Date.parse(s.expires_at));
    }
    const laptopId = (await laptop.auth.listSessions()).find((s) => s.current)?.id ?? '';
    expect(await f.client.auth.revokeSession(laptopId)).toEqual({ message: 'session revoked' });
    expect(await rejection(laptop.auth.me())).toBeInstanceOf(AuthenticationError);
    expect(await rejection(f.client.auth.revokeSession(laptopId))).toBeInstanceOf(NotFoundError);
    expect(await f.client.auth.revokeOtherSessions()).toEqual({ message: '1 other session(s) revoked', revoked: 1 });
    expect(await rejection(phone.auth.me())).toBeInstanceOf(AuthenticationError);
    expect((await f.client.auth.listSessions()).map((s) => s.current)).toEqual([true]);
  });

  it('another user’s session id is answered like an unknown one', async () => {
    const f = authApp();
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    const adminSession = (await f.client.auth.listSessions())[0]?.id ?? '';
    await f.client.users.create({ username: 'viewer1', password: 'viewer-password', role_id: 'viewer' });
    const viewer = another(f);
    await viewer.auth.login('viewer1', 'viewer-password');
    expect(await rejection(viewer.auth.revokeSession(adminSession))).toBeInstanceOf(NotFoundError);
    expect(await f.client.auth.me()).toMatchObject({ username: 'admin' });
  });

  it('changePassword() needs the current password, applies the policy and ends other sessions', async () => {
    const f = authApp();
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    const other = another(f);
    await other.auth.login('admin', ADMIN.password);
    const wrong = await rejection(f.client.auth.changePassword('not-my-password', 'a-new-password-1'));
    expect(wrong).toBeInstanceOf(BadRequestError);
    expect((wrong as Error).message).toBe('current password is incorrect');
    const weak = await rejection(f.client.auth.changePassword(ADMIN.password, 'short'));
    expect((weak as Error).message).toBe('password must be at least 10 characters');
    expect(await other.auth.me()).toMatchObject({ username: 'admin' });

    expect(await f.client.auth.changePassword(ADMIN.password, 'a-new-password-1')).toEqual({ message: 'password changed; 1 other session(s) ended' });
    expect(await rejection(other.auth.me())).toBeInstanceOf(AuthenticationError);
    expect(await f.client.auth.me()).toMatchObject({ username: 'admin' });
    expect(await another(f).auth.login('admin', 'a-new-password-1')).toEqual({ redirect: '/' });
  });

  it('own-account routes need a signed-in user, not the anonymous caller of a server without authentication', async () => {
    const f = setup({ client: { retry: 0 } });
    expect(await f.client.auth.me()).toMatchObject({ id: 'anonymous', auth_enabled: false });
    const err = await rejection(f.client.auth.createToken('x'));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain('needs a signed-in user');
  });
});

describe('client.auth: two-factor authentication', () => {
  it('totpSetup → totpConfirm → login answers totp_required → verifyTotp signs in; codes and recovery codes work once', async () => {
    const clock = createManualClock(Date.now());
    const f = authApp(clock);
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    expect(await f.client.auth.totpStatus()).toEqual({ enabled: false, pending: false, recovery_codes_remaining: 0 });
    const { secret, uri } = await f.client.auth.totpSetup();
    expect(uri).toMatch(/^otpauth:\/\/totp\/Sentinel%20Kit:admin\?/);
    expect(await f.client.auth.totpStatus()).toMatchObject({ pending: true });
    expect(await rejection(f.client.auth.totpConfirm('000000'))).toBeInstanceOf(BadRequestError);
    const { recovery_codes } = await f.client.auth.totpConfirm(generateTotp({ base32: secret }, clock.now()));
    expect(recovery_codes).toHaveLength(10);
    expect(await f.client.auth.totpStatus()).toEqual({ enabled: true, pending: false, recovery_codes_remaining: 10 });
    expect(await rejection(f.client.auth.totpSetup())).toBeInstanceOf(ConflictError);

    await clock.advance(30_000);
    const phone = another(f);
    const first = await phone.auth.login('admin', ADMIN.password);
    expect(first).toEqual({ totp_required: true, totp_token: expect.stringMatching(/^pending_/) });
    // Not signed in yet.
    expect(await rejection(phone.auth.me())).toBeInstanceOf(AuthenticationError);
    const token = 'totp_token' in first ? first.totp_token : '';
    const code = generateTotp({ base32: secret }, clock.now());
    expect(await phone.auth.verifyTotp(token, code)).toEqual({ redirect: '/' });
    expect(await phone.auth.me()).toMatchObject({ username: 'admin', totp_enabled: true });
    expect((await phone.auth.listSessions()).find((s) => s.current)?.method).toBe('totp');

    // The same code cannot open a second session.
    const again = await another(f).auth.login('admin', ADMIN.password);
    const err = await rejection(another(f).auth.verifyTotp('totp_token' in again ? again.totp_token : '', code));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toBe('invalid code');

    const laptop = another(f);
    const viaRecovery = await laptop.auth.login('admin', ADMIN.password);
    const recoveryToken = 'totp_token' in viaRecovery ? viaRecovery.totp_token : '';
    expect(await laptop.auth.verifyTotp(recoveryToken, recovery_codes[0] ?? '')).toEqual({ redirect: '/' });
    const reuse = await another(f).auth.login('admin', ADMIN.password);
    expect(await rejection(another(f).auth.verifyTotp('totp_token' in reuse ? reuse.totp_token : '', recovery_codes[0] ?? ''))).toBeInstanceOf(AuthenticationError);
    expect((await f.client.auth.totpStatus()).recovery_codes_remaining).toBe(9);
  });

  it('an expired code is refused; totpDisable() needs the password', async () => {
    const clock = createManualClock(Date.now());
    const f = authApp(clock);
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    const { secret } = await f.client.auth.totpSetup();
    await f.client.auth.totpConfirm(generateTotp({ base32: secret }, clock.now()));
    const old = generateTotp({ base32: secret }, clock.now() + 30_000);
    await clock.advance(5 * 30_000);
    const login = await another(f).auth.login('admin', ADMIN.password);
    expect(await rejection(another(f).auth.verifyTotp('totp_token' in login ? login.totp_token : '', old))).toBeInstanceOf(AuthenticationError);
    expect(await rejection(another(f).auth.verifyTotp('pending_unknown', '123456'))).toBeInstanceOf(AuthenticationError);

    expect(await rejection(f.client.auth.totpDisable('wrong-password-1'))).toBeInstanceOf(BadRequestError);
    expect((await f.client.auth.totpStatus()).enabled).toBe(true);
    expect(await f.client.auth.totpDisable(ADMIN.password)).toEqual({ message: 'two-factor authentication disabled' });
    expect(await another(f).auth.login('admin', ADMIN.password)).toEqual({ redirect: '/' });
  });
});

describe('client.auth.setEnabled', () => {
  it('turns authentication off (everything open) and on again without locking the admin out', async () => {
    const f = authApp();
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    const anonymous = another(f);
    expect(await rejection(anonymous.containers.list())).toBeInstanceOf(AuthenticationError);
    expect(await f.client.auth.setEnabled(false)).toMatchObject({ auth_enabled: false });
    expect(await anonymous.containers.list()).toEqual([]);
    expect(await f.client.auth.setEnabled(true)).toMatchObject({ auth_enabled: true });
    expect(await f.client.auth.me()).toMatchObject({ username: 'admin', auth_enabled: true });
    expect(await rejection(anonymous.containers.list())).toBeInstanceOf(AuthenticationError);
  });

  it('a viewer may not change it', async () => {
    const f = authApp();
    await f.client.auth.setup(ADMIN.username, ADMIN.password);
    await f.client.users.create({ username: 'viewer1', password: 'viewer-password', role_id: 'viewer' });
    const viewer = another(f);
    await viewer.auth.login('viewer1', 'viewer-password');
    expect(await rejection(viewer.auth.setEnabled(false))).toBeInstanceOf(PermissionDeniedError);
    expect(await f.client.auth.me()).toMatchObject({ auth_enabled: true });
  });
});

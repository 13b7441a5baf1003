import { describe, expect, it } from 'vitest';
import { isSentinelError } from '../errors/index.js';
import { createManualClock } from '../ports/clock.js';
import { createMemoryStorage } from '../storage/memory-storage.js';
import { createAuthService } from './auth-service.js';
import type { AuthService } from './auth-service.js';
import { ROLE_PERMISSIONS } from './permissions.js';
import { generateTotp } from './totp.js';

const ADMIN_PW = 'admin-password-1';
const where = { ip: '192.0.2.10', userAgent: 'vitest' };

async function setup(options: { enabledByDefault?: boolean } = {}) {
  const clock = createManualClock();
  const storage = createMemoryStorage();
  const auth = createAuthService({ storage, clock, passwordCost: 4, ...options });
  const admin = await auth.setup({ username: 'admin', password: ADMIN_PW });
  return { clock, storage, auth, admin };
}

/** The error a promise rejects with, for asserting its code and message. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; retryAfterMs?: number }> {
  try {
    await p;
  } catch (error) {
    if (isSentinelError(error)) return error as never;
    throw error;
  }
  throw new Error('expected a failure');
}

async function sessionPrincipal(auth: AuthService, userId: string) {
  const issued = await auth.createSession(userId, { ...where, method: 'password' });
  const principal = await auth.authenticate({ type: 'session', token: issued.token });
  if (principal === undefined) throw new Error('session did not authenticate');
  return { issued, principal };
}

describe('first-run setup', () => {
  it('creates the first admin once, then answers conflict', async () => {
    const clock = createManualClock();
    const auth = createAuthService({ storage: createMemoryStorage(), clock, passwordCost: 4 });
    expect(await auth.setupRequired()).toBe(true);
    expect(await failure(auth.setup({ username: 'admin', password: 'short' }))).toMatchObject({ code: 'INVALID' });
    expect(await auth.setupRequired()).toBe(true);
    const admin = await auth.setup({ username: 'admin', password: ADMIN_PW });
    expect(admin).toMatchObject({ username: 'admin', role: 'admin', hasPassword: true, totpEnabled: false });
    expect(admin.id).toMatch(/^usr_/);
    expect(await auth.setupRequired()).toBe(false);
    expect(await failure(auth.setup({ username: 'other', password: ADMIN_PW }))).toMatchObject({ code: 'CONFLICT', message: 'setup already complete' });
  });

  it('lets only one of two concurrent setups win', async () => {
    const auth = createAuthService({ storage: createMemoryStorage(), passwordCost: 4 });
    const results = await Promise.allSettled([auth.setup({ username: 'one', password: ADMIN_PW }), auth.setup({ username: 'two', password: ADMIN_PW })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await auth.users.count()).toBe(1);
  });
});

describe('login', () => {
  it('answers the same error for an unknown user and a wrong password', async () => {
    const { auth } = await setup();
    const unknown = await failure(auth.login({ username: 'nobody', password: ADMIN_PW, ip: '1.1.1.1' }));
    const wrong = await failure(auth.login({ username: 'admin', password: 'wrong-password-1', ip: '1.1.1.2' }));
    expect(unknown).toMatchObject({ code: 'UNAUTHENTICATED', message: 'invalid username or password' });
    expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED', message: 'invalid username or password' });
    expect(await auth.login({ username: 'ADMIN', password: ADMIN_PW, ip: '1.1.1.3' })).toMatchObject({ status: 'ok', user: { username: 'admin' } });
  });

  it('locks a username out after 5 failures, even for the right password, until the lock-out ends', async () => {
    const { auth, clock } = await setup();
    for (let i = 0; i < 5; i++) await failure(auth.login({ username: 'admin', password: 'wrong-password-1', ip: `10.0.0.${i}` }));
    const locked = await failure(auth.login({ username: 'admin', password: ADMIN_PW, ip: '10.0.1.1' }));
    expect(locked).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 15 * 60_000 });
    await clock.advance(15 * 60_000);
    expect(await auth.login({ username: 'admin', password: ADMIN_PW, ip: '10.0.1.1' })).toMatchObject({ status: 'ok' });
  });

  it('locks unknown usernames the same way (no hint that they do not exist)', async () => {
    const { auth } = await setup();
    for (let i = 0; i < 5; i++) await failure(auth.login({ username: 'ghost', password: 'wrong-password-1', ip: `10.0.0.${i}` }));
    expect(await failure(auth.login({ username: 'ghost', password: 'wrong-password-1', ip: '10.0.1.1' }))).toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('sessions and principals', () => {
  it('resolves a session to the user with the role’s permissions, until it is revoked', async () => {
    const { auth, admin } = await setup();
    const { issued, principal } = await sessionPrincipal(auth, admin.id);
    expect(principal).toMatchObject({ kind: 'user', userId: admin.id, username: 'admin', role: 'admin', via: 'session', credentialId: issued.session.id, method: 'password' });
    expect(principal.permissions).toEqual(ROLE_PERMISSIONS.admin);
    expect(await auth.verifyCsrf(principal, issued.csrfToken)).toBe(true);
    expect(await auth.verifyCsrf(principal, 'forged')).toBe(false);
    expect(await auth.verifyCsrf(principal, undefined)).toBe(false);
    await auth.sessions.revoke(issued.session.id);
    expect(await auth.authenticate({ type: 'session', token: issued.token })).toBeUndefined();
  });

  it('follows role changes at once', async () => {
    const { auth } = await setup();
    const op = await auth.users.create({ username: 'op', password: 'operator-pass-1', role: 'operator' });
    const { issued } = await sessionPrincipal(auth, op.id);
    await auth.users.setRole(op.id, 'viewer');
    expect((await auth.authenticate({ type: 'session', token: issued.token }))?.permissions).toEqual(ROLE_PERMISSIONS.viewer);
  });
});

describe('API tokens', () => {
  it('resolves a token to its owner, narrowed to the permissions it was given', async () => {
    const { auth, admin, storage } = await setup();
    const { principal } = await sessionPrincipal(auth, admin.id);
    const full = await auth.createApiToken(principal, { name: 'CI Token' });
    const narrow = await auth.createApiToken(principal, { name: 'read only', permissions: ['containers.view', 'history.view'] });
    expect(full.token).toMatch(/^sntkn_/);
    expect(full.credential.id).toMatch(/^tok_/);
    expect(await auth.authenticate({ type: 'credential', kind: 'api_token', secret: full.token })).toMatchObject({ userId: admin.id, role: 'admin', via: 'api_token', permissions: ROLE_PERMISSIONS.admin });
    expect((await auth.authenticate({ type: 'credential', kind: 'api_token', secret: narrow.token }))?.permissions).toEqual(['containers.view', 'history.view']);
    expect((await auth.listApiTokens(admin.id)).map((t) => t.name)).toEqual(expect.arrayContaining(['CI Token', 'read only']));
    expect(JSON.stringify(storage.snapshot())).not.toContain(full.token);
  });

  it('never grants more than the creator has, nor unknown permissions', async () => {
    const { auth } = await setup();
    const viewer = await auth.users.create({ username: 'viewer1', password: 'viewer-pass-1', role: 'viewer' });
    const { principal } = await sessionPrincipal(auth, viewer.id);
    expect(await failure(auth.createApiToken(principal, { name: 'x', permissions: ['settings.modify'] }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(auth.createApiToken(principal, { name: 'x', permissions: ['root'] }))).toMatchObject({ code: 'INVALID' });
    // A narrowed token creating a token passes on its limits.
    const narrow = await auth.createApiToken(principal, { name: 'n', permissions: ['logs.view'] });
    const narrowPrincipal = await auth.authenticate({ type: 'credential', kind: 'api_token', secret: narrow.token });
    const child = await auth.createApiToken(narrowPrincipal as never, { name: 'child' });
    expect((await auth.authenticate({ type: 'credential', kind: 'api_token', secret: child.token }))?.permissions).toEqual(['logs.view']);
    expect(await auth.listApiTokens(viewer.id)).toHaveLength(2);
  });

  it('revokes only one’s own live tokens', async () => {
    const { auth, admin } = await setup();
    const other = await auth.users.create({ username: 'other', password: 'other-password-1', role: 'operator' });
    const { principal } = await sessionPrincipal(auth, admin.id);
    const t = await auth.createApiToken(principal, { name: 'mine' });
    expect(await failure(auth.revokeApiToken(other.id, t.credential.id))).toMatchObject({ code: 'NOT_FOUND' });
    await auth.revokeApiToken(admin.id, t.credential.id);
    expect(await auth.authenticate({ type: 'credential', kind: 'api_token', secret: t.token })).toBeUndefined();
    expect(await failure(auth.revokeApiToken(admin.id, t.credential.id))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('resolves an ownerless service key to its own permissions and scopes', async () => {
    const { auth } = await setup();
    const { secret, credential } = await auth.credentials.issue({ kind: 'agent_key', name: 'fleet agents', organization: '1', scopes: ['agent'] });
    expect(await auth.authenticate({ type: 'credential', kind: 'agent_key', secret })).toEqual({
      kind: 'service',
      permissions: [],
      scopes: ['agent'],
      organization: '1',
      via: 'agent_key',
      credentialId: credential.id,
    });
  });
});

describe('users and self-protection', () => {
  it('refuses to delete yourself or the last admin, and to demote the last admin', async () => {
    const { auth, admin } = await setup();
    const op = await auth.users.create({ username: 'op', password: 'operator-pass-1', role: 'operator' });
    expect(await failure(auth.users.delete(admin.id, { actorId: admin.id }))).toMatchObject({ code: 'FORBIDDEN', message: 'you cannot delete your own account' });
    expect(await failure(auth.users.delete(admin.id, { actorId: op.id }))).toMatchObject({ code: 'FORBIDDEN', message: 'the last admin cannot be deleted' });
    expect(await failure(auth.users.setRole(admin.id, 'operator'))).toMatchObject({ code: 'FORBIDDEN', message: 'the last admin cannot be demoted' });
    expect((await auth.users.get(admin.id))?.role).toBe('admin');
    const second = await auth.users.create({ username: 'admin2', password: 'admin2-password', role: 'admin' });
    await auth.users.setRole(admin.id, 'operator');
    expect(await failure(auth.users.delete(second.id, { actorId: op.id }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('deleting a user ends its sessions and revokes its tokens', async () => {
    const { auth, admin } = await setup();
    const op = await auth.users.create({ username: 'op', password: 'operator-pass-1', role: 'operator' });
    const { issued, principal } = await sessionPrincipal(auth, op.id);
    const token = await auth.createApiToken(principal, { name: 't' });
    await auth.users.delete(op.id, { actorId: admin.id });
    expect(await auth.authenticate({ type: 'session', token: issued.token })).toBeUndefined();
    expect(await auth.authenticate({ type: 'credential', kind: 'api_token', secret: token.token })).toBeUndefined();
    expect(await auth.users.findByUsername('op')).toBeUndefined();
  });

  it('refuses duplicate usernames (any case), unknown roles and weak passwords, creating nothing', async () => {
    const { auth } = await setup();
    expect(await failure(auth.users.create({ username: 'Admin', password: 'another-pass-1', role: 'viewer' }))).toMatchObject({ code: 'CONFLICT' });
    expect(await failure(auth.users.create({ username: 'x', password: 'another-pass-1', role: 'root' as never }))).toMatchObject({ code: 'INVALID', message: expect.stringContaining('unknown role') });
    expect(await failure(auth.users.create({ username: 'x', password: 'weak', role: 'viewer' }))).toMatchObject({ code: 'INVALID' });
    expect(await failure(auth.users.create({ username: 'bad name!', password: 'another-pass-1', role: 'viewer' }))).toMatchObject({ code: 'INVALID' });
    expect(await auth.users.count()).toBe(1);
  });

  it('finds users by external identity, for sign-in providers', async () => {
    const { auth } = await setup();
    const u = await auth.users.create({ username: 'sso-user', role: 'viewer', external: { provider: 'https://idp.test', subject: 'abc' } });
    expect(u.hasPassword).toBe(false);
    expect(await auth.users.findByExternal({ provider: 'https://idp.test', subject: 'abc' })).toMatchObject({ id: u.id });
    expect(await failure(auth.users.create({ username: 'sso-2', role: 'viewer', external: { provider: 'https://idp.test', subject: 'abc' } }))).toMatchObject({ code: 'CONFLICT' });
  });
});

describe('change password', () => {
  it('needs the current password, applies the policy, and ends the other sessions', async () => {
    const { auth, admin } = await setup();
    const keep = await sessionPrincipal(auth, admin.id);
    const other = await sessionPrincipal(auth, admin.id);
    expect(await failure(auth.changePassword(admin.id, { currentPassword: 'wrong-password-1', newPassword: 'new-password-12' }))).toMatchObject({
      code: 'INVALID',
      message: 'current password is incorrect',
    });
    expect(await failure(auth.changePassword(admin.id, { currentPassword: ADMIN_PW, newPassword: 'short' }))).toMatchObject({ code: 'INVALID' });
    expect(await auth.login({ username: 'admin', password: ADMIN_PW })).toMatchObject({ status: 'ok' });
    expect(await auth.changePassword(admin.id, { currentPassword: ADMIN_PW, newPassword: 'new-password-12', keepSessionId: keep.issued.session.id })).toEqual({ sessionsEnded: 1 });
    expect(await auth.authenticate({ type: 'session', token: keep.issued.token })).toBeDefined();
    expect(await auth.authenticate({ type: 'session', token: other.issued.token })).toBeUndefined();
    expect(await failure(auth.login({ username: 'admin', password: ADMIN_PW }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await auth.login({ username: 'admin', password: 'new-password-12' })).toMatchObject({ status: 'ok' });
  });
});

describe('TOTP', () => {
  async function withTotp() {
    const s = await setup();
    const { secret, uri } = await s.auth.totp.begin(s.admin.id);
    expect(uri).toContain(`secret=${secret}`);
    expect(await s.auth.totp.status(s.admin.id)).toEqual({ enabled: false, pending: true, recoveryCodesRemaining: 0 });
    const { recoveryCodes } = await s.auth.totp.confirm(s.admin.id, generateTotp({ base32: secret }, s.clock.now()));
    expect(recoveryCodes).toHaveLength(10);
    await s.clock.advance(30_000);
    return { ...s, secret, recoveryCodes };
  }

  it('requires a second step after the password, and accepts each code only once', async () => {
    const { auth, clock, secret } = await withTotp();
    const first = await auth.login({ username: 'admin', password: ADMIN_PW });
    if (first.status !== 'totp_required') throw new Error('expected totp_required');
    expect(first.totpToken).toMatch(/^pending_/);
    const code = generateTotp({ base32: secret }, clock.now());
    expect(await auth.completeTotpLogin({ totpToken: first.totpToken, code })).toMatchObject({ user: { username: 'admin' }, method: 'totp' });
    // The pending login is used up, and the same code cannot open a second one.
    expect(await failure(auth.completeTotpLogin({ totpToken: first.totpToken, code }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    const second = await auth.login({ username: 'admin', password: ADMIN_PW });
    if (second.status !== 'totp_required') throw new Error('expected totp_required');
    expect(await failure(auth.completeTotpLogin({ totpToken: second.totpToken, code }))).toMatchObject({ code: 'UNAUTHENTICATED', message: 'invalid code' });
  });

  it('refuses an expired code and an expired pending login', async () => {
    const { auth, clock, secret } = await withTotp();
    const old = generateTotp({ base32: secret }, clock.now());
    await clock.advance(90_000);
    const login = await auth.login({ username: 'admin', password: ADMIN_PW });
    if (login.status !== 'totp_required') throw new Error('expected totp_required');
    expect(await failure(auth.completeTotpLogin({ totpToken: login.totpToken, code: old }))).toMatchObject({ message: 'invalid code' });
    await clock.advance(5 * 60_000);
    expect(await failure(auth.completeTotpLogin({ totpToken: login.totpToken, code: generateTotp({ base32: secret }, clock.now()) }))).toMatchObject({
      message: expect.stringContaining('expired'),
    });
  });

  it('accepts each recovery code once', async () => {
    const { auth, recoveryCodes } = await withTotp();
    const [code = ''] = recoveryCodes;
    const a = await auth.login({ username: 'admin', password: ADMIN_PW });
    if (a.status !== 'totp_required') throw new Error('expected totp_required');
    expect(await auth.completeTotpLogin({ totpToken: a.totpToken, code: code.toUpperCase() })).toMatchObject({ method: 'recovery_code' });
    const b = await auth.login({ username: 'admin', password: ADMIN_PW });
    if (b.status !== 'totp_required') throw new Error('expected totp_required');
    expect(await failure(auth.completeTotpLogin({ totpToken: b.totpToken, code }))).toMatchObject({ message: 'invalid code' });
    expect((await auth.totp.status((await auth.users.findByUsername('admin'))?.id ?? '')).recoveryCodesRemaining).toBe(9);
  });

  it('is turned off only with the password', async () => {
    const { auth, admin } = await withTotp();
    expect(await failure(auth.totp.disable(admin.id, 'wrong-password-1'))).toMatchObject({ code: 'INVALID' });
    expect((await auth.totp.status(admin.id)).enabled).toBe(true);
    await auth.totp.disable(admin.id, ADMIN_PW);
    expect(await auth.totp.status(admin.id)).toEqual({ enabled: false, pending: false, recoveryCodesRemaining: 0 });
    expect(await auth.login({ username: 'admin', password: ADMIN_PW })).toMatchObject({ status: 'ok' });
  });

  it('refuses a wrong confirmation code and a second setup while on', async () => {
    const { auth, admin } = await setup();
    await auth.totp.begin(admin.id);
    expect(await failure(auth.totp.confirm(admin.id, '000000'))).toMatchObject({ code: 'INVALID' });
    expect((await auth.totp.status(admin.id)).enabled).toBe(false);
    expect(await failure(auth.totp.confirm(admin.id, 'abc'))).toMatchObject({ code: 'INVALID' });
  });
});

describe('enabling authentication', () => {
  it('is refused while no admin could sign in, allowed once one can', async () => {
    const auth = createAuthService({ storage: createMemoryStorage(), passwordCost: 4, enabledByDefault: false });
    expect(await auth.isEnabled()).toBe(false);
    expect(await failure(auth.setEnabled(true))).toMatchObject({ code: 'CONFLICT' });
    await auth.users.create({ username: 'sso-admin', role: 'admin' });
    expect(await failure(auth.setEnabled(true))).toMatchObject({ code: 'CONFLICT' });
    // Another sign-in method (passkeys) can vouch for a user without a password.
    auth.registerLoginMethod('passkey', async () => true);
    await auth.setEnabled(true);
    expect(await auth.isEnabled()).toBe(true);
  });

  it('remembers the choice in storage', async () => {
    const { auth, storage } = await setup();
    await auth.setEnabled(false);
    expect(await createAuthService({ storage, passwordCost: 4 }).isEnabled()).toBe(false);
  });
});

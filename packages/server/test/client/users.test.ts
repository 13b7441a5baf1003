import { describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, ConflictError, createSentinelClient, NotFoundError, PermissionDeniedError } from '@sentinel-kit/client';
import { ADMIN, AUTH_ENABLED } from '../support/auth-fixture.js';
import { BASE_URL, setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

async function signedIn(): Promise<ClientFixture & { adminId: string }> {
  const f = setup({ fixture: { app: AUTH_ENABLED }, client: { retry: 0 } });
  const { id } = await f.client.auth.setup(ADMIN.username, ADMIN.password);
  return { ...f, adminId: id };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const login = async (f: ClientFixture, username: string, password: string) => {
  const c = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0 });
  await c.auth.login(username, password);
  return c;
};

describe('client.users', () => {
  it('create() and list(): the new user signs in with its role', async () => {
    const f = await signedIn();
    expect(await f.client.users.create({ username: 'operator1', password: 'strongpass123', role_id: 'operator' })).toEqual({
      id: expect.stringMatching(/^usr_/),
      username: 'operator1',
      role_id: 'operator',
    });
    const users = await f.client.users.list();
    expect(users.map((u) => [u.username, u.role_id])).toEqual([
      ['admin', 'admin'],
      ['operator1', 'operator'],
    ]);
    expect(users[1]).toMatchObject({ has_password: true, totp_enabled: false, created_at: expect.any(String) });
    expect(JSON.stringify(users)).not.toMatch(/strongpass123|scrypt|hash/);
    const op = await login(f, 'operator1', 'strongpass123');
    expect(await op.auth.me()).toMatchObject({ username: 'operator1', role_id: 'operator', permissions: expect.not.arrayContaining(['users.manage']) });
    expect(await rejection(op.users.list())).toBeInstanceOf(PermissionDeniedError);
  });

  it('refuses duplicate usernames, unknown roles and weak or empty passwords, creating nothing', async () => {
    const f = await signedIn();
    await f.client.users.create({ username: 'operator1', password: 'strongpass123', role_id: 'operator' });
    const dup = await rejection(f.client.users.create({ username: 'OPERATOR1', password: 'strongpass123', role_id: 'viewer' }));
    expect(dup).toBeInstanceOf(ConflictError);
    expect(dup.message).toBe('username "OPERATOR1" is already taken');
    const role = await rejection(f.client.users.create({ username: 'x1', password: 'strongpass123', role_id: 'root' }));
    expect(role).toBeInstanceOf(BadRequestError);
    expect(role.message).toBe('unknown role "root": valid roles are admin, operator, viewer');
    expect((await rejection(f.client.users.create({ username: 'x2', password: 'short', role_id: 'viewer' }))).message).toBe('password must be at least 10 characters');
    expect((await rejection(f.client.users.create({ username: 'x3', password: '', role_id: 'viewer' }))).message).toBe('password is required');
    expect(await rejection(f.client.users.create({ username: '', password: 'strongpass123', role_id: 'viewer' }))).toBeInstanceOf(BadRequestError);
    expect(await rejection(f.client.users.create({ username: 'bad name', password: 'strongpass123', role_id: 'viewer' }))).toBeInstanceOf(BadRequestError);
    expect((await f.client.users.list()).map((u) => u.username)).toEqual(['admin', 'operator1']);
  });

  it('update() changes a role at once, and never demotes the last admin', async () => {
    const f = await signedIn();
    const { id } = await f.client.users.create({ username: 'op', password: 'strongpass123', role_id: 'operator' });
    const op = await login(f, 'op', 'strongpass123');
    expect(await f.client.users.update(id, { role_id: 'viewer' })).toMatchObject({ id, role_id: 'viewer' });
    expect(await rejection(op.scan())).toBeInstanceOf(PermissionDeniedError);
    const last = await rejection(f.client.users.update(f.adminId, { role_id: 'operator' }));
    expect(last).toBeInstanceOf(PermissionDeniedError);
    expect(last.message).toBe('the last admin cannot be demoted');
    expect(await rejection(f.client.users.update('usr_missing', { role_id: 'viewer' }))).toBeInstanceOf(NotFoundError);
    expect(await rejection(f.client.users.update(id, { role_id: 'root' }))).toBeInstanceOf(BadRequestError);
    expect(await f.client.auth.me()).toMatchObject({ role_id: 'admin' });
  });

  it('delete() ends the user’s sessions; deleting yourself or the last admin is refused', async () => {
    const f = await signedIn();
    const { id } = await f.client.users.create({ username: 'op', password: 'strongpass123', role_id: 'operator' });
    const op = await login(f, 'op', 'strongpass123');
    const self = await rejection(f.client.users.delete(f.adminId));
    expect(self).toBeInstanceOf(PermissionDeniedError);
    expect(self.message).toBe('you cannot delete your own account');
    expect(await f.client.users.delete(id)).toEqual({ message: 'user deleted' });
    expect(await rejection(op.auth.me())).toBeInstanceOf(AuthenticationError);
    expect(await rejection(f.client.users.delete(id))).toBeInstanceOf(NotFoundError);

    // With two admins one may delete the other; the one left is the last admin.
    const { id: second } = await f.client.users.create({ username: 'admin2', password: 'strongpass123', role_id: 'admin' });
    const admin2 = await login(f, 'admin2', 'strongpass123');
    expect(await admin2.users.delete(f.adminId)).toEqual({ message: 'user deleted' });
    const lastAdmin = await rejection(admin2.users.delete(second));
    expect(lastAdmin).toBeInstanceOf(PermissionDeniedError);
  });
});

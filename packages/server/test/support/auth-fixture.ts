import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import type { Role } from '@sentinel-kit/core';
import { createAppFixture } from './app-fixture.js';
import type { AppFixture } from './app-fixture.js';

export const BASE_URL = 'http://sentinel.test';

/** The first admin every authenticated fixture creates through `POST /setup`. */
export const ADMIN = { username: 'admin', password: 'admin-password-1' } as const;

/** App options for tests with authentication on: cheap password hashing so tests stay fast. */
export const AUTH_ENABLED = { authMode: 'enabled', authOptions: { passwordCost: 4 } } as const;

export interface TestUser {
  id: string;
  username: string;
  password: string;
  role: Role;
  /** A personal API token (`sntkn_…`) of the user. */
  token: string;
}

export interface AuthFixture extends AppFixture {
  /** The admin created by setup, with an API token. */
  admin: TestUser;
  /** A client over the in-process app: with `token`, a bearer client; without, a client that can log in. */
  client(token?: string): SentinelClient;
  /** Create a user with `role` (through the API, as the admin) and a token for it. */
  createUser(role: Role, username?: string): Promise<TestUser>;
}

let seq = 0;

/**
 * `createAppFixture()` with authentication enabled, first-run setup done
 * through `POST /setup`, and an admin API token. Close it with `close()`.
 */
export async function createAuthFixture(options: Parameters<typeof createAppFixture>[0] = {}): Promise<AuthFixture> {
  const fixture = createAppFixture({ ...options, app: { ...AUTH_ENABLED, ...options.app } });
  const client = (token?: string): SentinelClient => createSentinelClient({ baseUrl: BASE_URL, fetch: fixture.fetch, retry: 0, ...(token === undefined ? {} : { token }) });
  const setupClient = client();
  const created = await setupClient.auth.setup(ADMIN.username, ADMIN.password);
  const adminToken = (await setupClient.auth.createToken('test admin')).token;
  const adminClient = client(adminToken);
  const admin: TestUser = { id: created.id, username: ADMIN.username, password: ADMIN.password, role: 'admin', token: adminToken };
  return {
    ...fixture,
    admin,
    client,
    async createUser(role, username = `${role}-${++seq}`) {
      const password = `${username}-password`;
      const { id } = await adminClient.users.create({ username, password, role_id: role });
      const user = client();
      await user.auth.login(username, password);
      const { token } = await user.auth.createToken(`${username} token`);
      return { id, username, password, role, token };
    },
  };
}

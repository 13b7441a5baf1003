import { createSentinelClient } from '@sentinel-kit/client';

/**
 * First run of a server with authentication on, as a script does it: create
 * the admin (`POST /setup`), sign in with the password (the client keeps the
 * session cookie and CSRF token), and create an API token to use from then on.
 */
export async function setupAdminToken(baseUrl: string, options: { username?: string; password?: string } = {}): Promise<string> {
  const username = options.username ?? 'admin';
  const password = options.password ?? 'e2e-admin-password';
  await createSentinelClient({ baseUrl, retry: 0 }).auth.setup(username, password);
  const script = createSentinelClient({ baseUrl, retry: 0 });
  const login = await script.auth.login(username, password);
  if (!('redirect' in login)) throw new Error('the new admin unexpectedly needs a second factor');
  return (await script.auth.createToken('e2e')).token;
}

import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, NotFoundError, PermissionDeniedError } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { ADMIN, BASE_URL, createAuthFixture } from '../support/auth-fixture.js';
import type { AuthFixture } from '../support/auth-fixture.js';
import { ProviderBrowser, startOidcProvider } from '../support/oidc-provider.js';
import type { TestOidcProvider } from '../support/oidc-provider.js';

const CALLBACK = `${BASE_URL}/api/auth/oidc/callback`;

let provider: TestOidcProvider;
beforeAll(async () => {
  provider = await startOidcProvider({
    redirectUri: CALLBACK,
    accounts: {
      'alice-sub': { preferred_username: 'alice', email: 'alice@example.com', email_verified: true, groups: ['staff', 'sentinel-ops'] },
      'carol-sub': { preferred_username: 'carol', groups: ['sentinel-admins', 'sentinel-ops'] },
      'dave-sub': { preferred_username: 'dave', groups: ['staff'] },
      'boss-sub': { preferred_username: ADMIN.username, groups: [] },
    },
  });
});
afterAll(() => provider?.close());

const open: AuthFixture[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

async function fixture(options: { allowHttp?: boolean } = {}): Promise<{ f: AuthFixture; admin: SentinelClient }> {
  const f = await createAuthFixture({ app: options.allowHttp === false ? {} : { oidc: { allowInsecureRequests: true } } });
  open.push(f);
  return { f, admin: f.client(f.admin.token) };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const SETTINGS = () => ({
  enabled: true,
  issuer_url: provider.issuer,
  client_id: provider.clientId,
  client_secret: provider.clientSecret,
  scopes: 'openid profile email groups',
  role_claim: 'groups',
  role_mapping: { 'sentinel-ops': 'operator', 'sentinel-admins': 'admin' },
  default_role: 'viewer',
  auto_provision: true,
});

/** A browser's whole sign-in: our login → the provider's pages → our callback. */
async function signIn(f: AuthFixture, account: string, idp = new ProviderBrowser(provider.issuer)): Promise<SentinelClient> {
  const browser = f.client();
  const { redirect } = await browser.oidc.login();
  const back = await idp.authorize(redirect, account);
  expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
  expect(await browser.oidc.callback(back.searchParams)).toEqual({ redirect: '/' });
  return browser;
}

describe('client.oidc: settings', () => {
  it('saves settings after discovering the issuer, masks the secret, and keeps it when the mask is sent back', async () => {
    const { f, admin } = await fixture();
    expect(await admin.oidc.getSettings()).toMatchObject({ enabled: false, issuer_url: '', client_secret: '', scopes: ['openid', 'profile', 'email'], default_role: 'viewer', auto_provision: false, allow_linking: false });

    const saved = await admin.oidc.saveSettings(SETTINGS());
    expect(saved).toEqual({
      enabled: true,
      issuer_url: provider.issuer,
      client_id: provider.clientId,
      client_secret: '****',
      redirect_url: '',
      effective_redirect_url: CALLBACK,
      scopes: ['openid', 'profile', 'email', 'groups'],
      username_claim: 'preferred_username',
      role_claim: 'groups',
      role_mapping: { 'sentinel-ops': 'operator', 'sentinel-admins': 'admin' },
      default_role: 'viewer',
      auto_provision: true,
      allow_linking: false,
      updated_at: expect.any(String),
    });
    expect(JSON.stringify(await admin.oidc.getSettings())).not.toContain(provider.clientSecret);

    // The mask sent back keeps the stored secret: the token exchange below authenticates with it.
    await admin.oidc.saveSettings({ ...(await admin.oidc.getSettings()), client_secret: '****' });
    expect((await (await signIn(f, 'alice-sub')).auth.me()).username).toBe('alice');
    // …and the secret matters: with a wrong one the provider refuses the code exchange.
    await admin.oidc.saveSettings({ client_secret: 'not-the-client-secret' });
    const refused = await rejection(signIn(f, 'alice-sub'));
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused.message).toContain('invalid_client');
    expect(refused.message).not.toContain('not-the-client-secret');
  });

  it('answers 400 with the reason when the issuer cannot be discovered, and changes nothing', async () => {
    const { admin } = await fixture();
    await admin.oidc.saveSettings(SETTINGS());
    const before = await admin.oidc.getSettings();
    const notAnIssuer = await rejection(admin.oidc.saveSettings({ issuer_url: `${provider.issuer}/not-here` }));
    expect(notAnIssuer).toBeInstanceOf(BadRequestError);
    expect(notAnIssuer.message).toContain('could not discover the OpenID provider');
    const nobody = await rejection(admin.oidc.saveSettings({ issuer_url: `http://127.0.0.1:${await closedPort()}` }));
    expect(nobody).toBeInstanceOf(BadRequestError);
    expect(nobody.message).toMatch(/could not discover .*fetch failed/);
    expect(await rejection(admin.oidc.saveSettings({ default_role: 'root' }))).toBeInstanceOf(BadRequestError);
    expect(await rejection(admin.oidc.saveSettings({ enabled: true, issuer_url: '' }))).toBeInstanceOf(BadRequestError);
    expect(await admin.oidc.getSettings()).toEqual(before);
  });

  it('refuses a plain-http issuer unless the server allows it, and settings to non-admins', async () => {
    const { f, admin } = await fixture({ allowHttp: false });
    const refused = await rejection(admin.oidc.saveSettings(SETTINGS()));
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused.message).toContain('SENTINEL_OIDC_ALLOW_HTTP');
    const operator = f.client((await f.createUser('operator')).token);
    expect(await rejection(operator.oidc.getSettings())).toBeInstanceOf(PermissionDeniedError);
    expect(await rejection(operator.oidc.saveSettings({ enabled: false }))).toBeInstanceOf(PermissionDeniedError);
  });
});

describe('client.oidc: the authorization code flow against a real provider', () => {
  it('is unavailable while disabled: available is false and login answers 404', async () => {
    const { f, admin } = await fixture();
    const anonymous = f.client();
    expect(await anonymous.oidc.available()).toEqual({ available: false, login_url: '/api/auth/oidc/login' });
    expect(await rejection(anonymous.oidc.login())).toBeInstanceOf(NotFoundError);
    await admin.oidc.saveSettings(SETTINGS());
    expect(await anonymous.oidc.available()).toEqual({ available: true, login_url: '/api/auth/oidc/login' });
    await admin.oidc.saveSettings({ enabled: false });
    expect((await anonymous.oidc.available()).available).toBe(false);
    expect(await rejection(anonymous.oidc.login())).toBeInstanceOf(NotFoundError);
  });

  it('sends the browser to the provider with state, nonce and PKCE; a browser gets a 302', async () => {
    const { f, admin } = await fixture();
    await admin.oidc.saveSettings(SETTINGS());
    const { redirect } = await f.client().oidc.login();
    const url = new URL(redirect);
    expect(`${url.origin}`).toBe(provider.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: provider.clientId,
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid profile email groups',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.stringMatching(/.{20,}/),
      nonce: expect.stringMatching(/.{20,}/),
    });
    const page = await f.app.request('/api/auth/oidc/login', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(new RegExp(`^${provider.issuer}/auth\\?`));
    expect(page.headers.get('set-cookie')).toMatch(/sentinel_oidc_state=[^;]+;.*HttpOnly/);
  });

  it('provisions a new user with the mapped role, and a second login reuses the same user', async () => {
    const { f, admin } = await fixture();
    await admin.oidc.saveSettings(SETTINGS());
    const idp = new ProviderBrowser(provider.issuer);
    const first = await signIn(f, 'alice-sub', idp);
    const me = await first.auth.me();
    expect(me).toMatchObject({ username: 'alice', role_id: 'operator', via: 'session' });
    expect((await first.auth.listSessions()).find((s) => s.current)).toMatchObject({ method: 'oidc' });
    const users = await admin.users.list();
    expect(users.find((u) => u.username === 'alice')).toMatchObject({ id: me.id, role_id: 'operator', has_password: false, external: { provider: provider.issuer, subject: 'alice-sub' } });

    // The provider remembers the browser: no forms this time, straight back with a code.
    const second = await signIn(f, 'alice-sub', idp);
    expect((await second.auth.me()).id).toBe(me.id);
    expect(await admin.users.list()).toHaveLength(users.length);

    expect((await (await signIn(f, 'carol-sub')).auth.me()).role_id).toBe('admin');
    expect((await (await signIn(f, 'dave-sub')).auth.me()).role_id).toBe('viewer');
  });

  it('refuses a callback whose state was forged, comes from another browser, or was used already', async () => {
    const { f, admin } = await fixture();
    await admin.oidc.saveSettings(SETTINGS());
    const idp = new ProviderBrowser(provider.issuer);

    const victim = f.client();
    const back = await idp.authorize((await victim.oidc.login()).redirect, 'alice-sub');
    // Login CSRF: an attacker's genuine callback URL opened in a browser that never started this sign-in.
    const other = f.client();
    const foreign = await rejection(other.oidc.callback(back.searchParams));
    expect(foreign).toBeInstanceOf(BadRequestError);
    expect(foreign.message).toContain('state');
    expect(await rejection(other.auth.me())).toBeInstanceOf(AuthenticationError);

    const forged = new URLSearchParams(back.searchParams);
    forged.set('state', 'forged-state-value');
    expect(await rejection(victim.oidc.callback(forged))).toBeInstanceOf(BadRequestError);
    expect(await rejection(victim.auth.me())).toBeInstanceOf(AuthenticationError);

    const honest = f.client();
    const ok = await idp.authorize((await honest.oidc.login()).redirect, 'alice-sub');
    await honest.oidc.callback(ok.searchParams);
    expect(await rejection(honest.oidc.callback(ok.searchParams))).toBeInstanceOf(BadRequestError);
    expect(await rejection(f.client().oidc.callback(''))).toBeInstanceOf(BadRequestError);
  });

  it('answers 401 when the user cancels at the provider', async () => {
    const { f, admin } = await fixture();
    await admin.oidc.saveSettings(SETTINGS());
    const browser = f.client();
    const back = await new ProviderBrowser(provider.issuer).authorize((await browser.oidc.login()).redirect, 'alice-sub', { abort: true });
    expect(back.searchParams.get('error')).toBe('access_denied');
    const refused = await rejection(browser.oidc.callback(back.searchParams));
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused.message).toContain('access_denied');
  });

  it('links to an existing username only when the admin allowed linking; otherwise refuses without provisioning', async () => {
    const { f, admin } = await fixture();
    await admin.oidc.saveSettings({ ...SETTINGS(), auto_provision: false });
    const noAccount = await rejection(signIn(f, 'dave-sub'));
    expect(noAccount).toBeInstanceOf(PermissionDeniedError);
    expect(noAccount.message).toContain('no Sentinel Kit user');

    await admin.oidc.saveSettings({ auto_provision: true });
    // "admin" exists and linking is off: the identity must not take the account over.
    const taken = await rejection(signIn(f, 'boss-sub'));
    expect(taken).toBeInstanceOf(PermissionDeniedError);
    expect(taken.message).toContain('already exists');
    expect((await admin.users.list()).map((u) => u.username)).toEqual(['admin']);

    await admin.oidc.saveSettings({ allow_linking: true });
    const linked = await signIn(f, 'boss-sub');
    expect(await linked.auth.me()).toMatchObject({ id: f.admin.id, username: 'admin', role_id: 'admin' });
    expect((await admin.users.list()).find((u) => u.id === f.admin.id)?.external).toEqual({ provider: provider.issuer, subject: 'boss-sub' });
    // The password still works too.
    expect(await f.client().auth.login(ADMIN.username, ADMIN.password)).toEqual({ redirect: '/' });
  });
});

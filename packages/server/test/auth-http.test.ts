import { afterEach, describe, expect, it } from 'vitest';
import { createAuthService, createManualClock, hashPassword } from '@sentinel-kit/core';
import type { Logger } from '@sentinel-kit/core';
import { createAppFixture } from './support/app-fixture.js';
import type { AppFixture } from './support/app-fixture.js';
import { ADMIN, AUTH_ENABLED } from './support/auth-fixture.js';

/**
 * The HTTP side of authentication, checked on the wire: cookies and their
 * attributes, CSRF, the first-run gate, throttling headers, the auth toggle,
 * and that no secret ever reaches a response body, a log line or an export.
 */
const open: AppFixture[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

function app(options: Parameters<typeof createAppFixture>[0] = {}): AppFixture {
  const f = createAppFixture({ ...options, app: { ...AUTH_ENABLED, ...options.app } });
  open.push(f);
  return f;
}

/** Cookies of a response, by name: `{ value, attributes }`. */
function cookiesOf(res: Response): Map<string, { value: string; attributes: string[] }> {
  const out = new Map<string, { value: string; attributes: string[] }>();
  for (const line of res.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    out.set(pair.slice(0, eq), { value: pair.slice(eq + 1), attributes: attributes.map((a) => a.toLowerCase()) });
  }
  return out;
}

interface Signed {
  session: string;
  csrf: string;
  cookie: string;
}

async function setup(f: AppFixture, url = 'http://sentinel.test/setup', headers: Record<string, string> = {}): Promise<Signed & { res: Response }> {
  const res = await f.app.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(ADMIN) });
  expect(res.status).toBe(201);
  const cookies = cookiesOf(res);
  const session = cookies.get('sentinel_session')?.value ?? '';
  const csrf = cookies.get('sentinel_csrf')?.value ?? '';
  return { res, session, csrf, cookie: `sentinel_session=${session}; sentinel_csrf=${csrf}` };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

describe('first run', () => {
  it('answers 503 with how to create the admin everywhere but the health check and /setup', async () => {
    const lines: string[] = [];
    const f = app({ app: { logger: recordingLogger(lines) } });
    await f.app.start();
    expect(lines.join('\n')).toMatch(/warn no users yet — setup required: POST \/setup/);
    for (const [method, path] of [
      ['GET', '/api/containers'],
      ['POST', '/login'],
      ['GET', '/openapi.json'],
      ['GET', '/api/auth/me'],
      ['GET', '/no/such/route'],
    ] as const) {
      const res = await f.app.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/^setup required: POST \/setup/) });
    }
    expect((await f.app.request('/api/health')).status).toBe(200);
    const status = await f.app.request('http://sentinel.test/setup');
    expect(await status.json()).toEqual({ setup_required: true, message: expect.stringContaining('http://sentinel.test/setup') });
  });

  it('POST /setup takes a form, signs the admin in with both cookies, and then answers 409', async () => {
    const f = app();
    const res = await f.app.request('http://sentinel.test/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(ADMIN).toString(),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: expect.stringMatching(/^usr_/), username: 'admin', role_id: 'admin', redirect: '/' });
    const cookies = cookiesOf(res);
    const session = cookies.get('sentinel_session');
    const csrf = cookies.get('sentinel_csrf');
    expect(session?.value).toMatch(/^snses_/);
    expect(session?.attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', `max-age=${7 * 86400}`]));
    expect(session?.attributes).not.toContain('secure');
    expect(csrf?.value).toMatch(/^[\w-]{43}$/);
    expect(csrf?.attributes).not.toContain('httponly');
    expect(csrf?.attributes).toContain('samesite=lax');

    const again = await f.app.request('/setup', json({ username: 'second', password: 'second-password' }));
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'setup already complete' });
    expect(await (await f.app.request('/setup')).json()).toMatchObject({ setup_required: false });
  });

  it('refuses a body over 16 KiB on the public forms with 413', async () => {
    const f = app();
    const res = await f.app.request('/setup', json({ username: 'admin', password: 'x'.repeat(20_000) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: expect.stringContaining('too large') });
    expect((await f.app.request('/setup')).status).toBe(200);
    expect(await (await f.app.request('/setup')).json()).toMatchObject({ setup_required: true });
  });

  it('refuses a weak first password with 400 and stays in setup', async () => {
    const f = app();
    const res = await f.app.request('/setup', json({ username: 'admin', password: 'short' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'password must be at least 10 characters' });
    expect((await f.app.request('/api/containers')).status).toBe(503);
  });
});

describe('session cookies', () => {
  it('are Secure over TLS, and behind a proxy only when the proxy is trusted', async () => {
    const tls = await setup(app(), 'https://sentinel.test/setup');
    expect(cookiesOf(tls.res).get('sentinel_session')?.attributes).toContain('secure');

    const untrusted = await setup(app(), 'http://sentinel.test/setup', { 'x-forwarded-proto': 'https' });
    expect(cookiesOf(untrusted.res).get('sentinel_session')?.attributes).not.toContain('secure');

    const trusted = await setup(app({ app: { trustProxy: true } }), 'http://sentinel.test/setup', { 'x-forwarded-proto': 'https' });
    expect(cookiesOf(trusted.res).get('sentinel_session')?.attributes).toContain('secure');
    expect(cookiesOf(trusted.res).get('sentinel_csrf')?.attributes).toContain('secure');
  });

  it('unsafe session requests need the CSRF token; safe ones and bearer requests do not', async () => {
    const f = app();
    const s = await setup(f);
    expect((await f.app.request('/api/auth/me', { headers: { cookie: s.cookie } })).status).toBe(200);

    const missing = await f.app.request('/api/auth/tokens', json({ name: 'x' }, { cookie: s.cookie }));
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ error: expect.stringContaining('CSRF') });
    const wrong = await f.app.request('/api/auth/tokens', json({ name: 'x' }, { cookie: s.cookie, 'x-csrf-token': 'not-the-token' }));
    expect(wrong.status).toBe(403);
    // Nothing was created by the refused requests.
    expect(await (await f.app.request('/api/auth/tokens', { headers: { cookie: s.cookie } })).json()).toEqual([]);

    const created = await f.app.request('/api/auth/tokens', json({ name: 'CI Token' }, { cookie: s.cookie, 'x-csrf-token': s.csrf }));
    expect(created.status).toBe(201);
    const token = (await created.json()) as { id: string; name: string; token: string };
    expect(token).toMatchObject({ id: expect.stringMatching(/^tok_/), name: 'CI Token', token: expect.stringMatching(/^sntkn_/) });

    // Bearer requests are CSRF-exempt, with an API token or with the session token itself.
    expect((await f.app.request('/api/auth/tokens', json({ name: 'y' }, { authorization: `Bearer ${token.token}` }))).status).toBe(201);
    expect((await f.app.request('/api/auth/tokens', json({ name: 'z' }, { authorization: `Bearer ${s.session}` }))).status).toBe(201);
  });

  it('logout ends the session on the server and clears both cookies', async () => {
    const f = app();
    const s = await setup(f);
    const res = await f.app.request('/logout', { method: 'POST', headers: { cookie: s.cookie } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'signed out', redirect: '/login' });
    const cleared = cookiesOf(res);
    expect(cleared.get('sentinel_session')?.value).toBe('');
    expect(cleared.get('sentinel_session')?.attributes).toContain('max-age=0');
    expect(cleared.get('sentinel_csrf')?.value).toBe('');
    const after = await f.app.request('/api/auth/me', { headers: { cookie: s.cookie } });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('a new login ends the session the browser still carried', async () => {
    const f = app();
    const s = await setup(f);
    const res = await f.app.request('/login', json(ADMIN, { cookie: s.cookie }));
    expect(await res.json()).toEqual({ redirect: '/' });
    expect((await f.app.request('/api/auth/me', { headers: { cookie: s.cookie } })).status).toBe(401);
    const fresh = cookiesOf(res).get('sentinel_session')?.value ?? '';
    expect((await f.app.request('/api/auth/me', { headers: { cookie: `sentinel_session=${fresh}` } })).status).toBe(200);
  });
});

describe('credentials on the wire', () => {
  it('answers 401 with a reason for malformed, unknown and unsupported credentials', async () => {
    const f = app();
    await setup(f);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ authorization: 'Bearer garbage' }, /malformed bearer token/],
      [{ authorization: 'Bearer sntkn_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG' }, /invalid, expired or revoked/],
      [{ authorization: 'Basic YWRtaW46YWRtaW4=' }, /unsupported Authorization header/],
      [{ 'x-auth-token': 'no-slash' }, /malformed X-AUTH-TOKEN/],
      [{ cookie: 'sentinel_session=snses_forged' }, /session expired or signed out/],
      [{}, /authentication required/],
    ];
    for (const [headers, message] of cases) {
      const res = await f.app.request('/api/containers', { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
  });

  it('resolves the other surfaces’ key formats to their principals', async () => {
    const f = app();
    await setup(f);
    // A second service over the same storage stands in for the surface that issues these keys.
    const issuer = createAuthService({ storage: f.sentinel.storage, passwordCost: 4 });
    const admin = await issuer.users.findByUsername('admin');
    const agent = await issuer.credentials.issue({ kind: 'agent_key', name: 'agents', scopes: ['agent'], organization: '1' });
    const viewing = await issuer.credentials.issue({ kind: 'agent_key', name: 'viewing agent', permissions: ['containers.view'] });
    const apiKey = await issuer.credentials.issue({ kind: 'api_key', name: 'automation', ownerUserId: admin?.id ?? '' });
    const integration = await issuer.credentials.issue({ kind: 'integration_token', name: 'edr', permissions: ['containers.view'] });

    // Authenticated, but an agent key holds no native permission: 403, not 401.
    expect((await f.app.request('/api/containers', { headers: { 'x-agent-key': agent.secret } })).status).toBe(403);
    expect(await (await f.app.request('/api/auth/me', { headers: { 'x-agent-key': agent.secret } })).json()).toMatchObject({ via: 'agent_key', permissions: [] });
    expect((await f.app.request('/api/containers', { headers: { 'x-agent-key': viewing.secret } })).status).toBe(200);
    expect(await (await f.app.request('/api/auth/me', { headers: { 'x-api-key': apiKey.secret } })).json()).toMatchObject({ username: 'admin', via: 'api_key', role_id: 'admin' });
    expect((await f.app.request('/api/containers', { headers: { 'x-auth-token': `${integration.secret}/${integration.credential.id}` } })).status).toBe(200);
    expect((await f.app.request('/api/containers', { headers: { 'x-auth-token': `"${integration.secret}/${integration.credential.id}"` } })).status).toBe(200);
    expect((await f.app.request('/api/containers', { headers: { authorization: `Token ${integration.secret}` } })).status).toBe(200);
    // A key only works in its own header.
    expect((await f.app.request('/api/containers', { headers: { 'x-api-key': agent.secret } })).status).toBe(401);
    expect((await f.app.request('/api/containers', { headers: { 'x-auth-token': `${integration.secret}/${agent.credential.id}` } })).status).toBe(401);
  });
});

describe('login throttling', () => {
  it('answers 429 with Retry-After after repeated failures, the same for unknown users, and lifts it on the clock', async () => {
    const clock = createManualClock(Date.now());
    const f = app({ app: { clock } });
    await setup(f);
    const wrong = await f.app.request('/login', json({ username: 'admin', password: 'wrong-password-1' }));
    const unknown = await f.app.request('/login', json({ username: 'nobody', password: 'wrong-password-1' }));
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.json()).toEqual(await unknown.json());
    for (let i = 0; i < 4; i++) await f.app.request('/login', json({ username: 'admin', password: 'wrong-password-1' }));
    const limited = await f.app.request('/login', json(ADMIN));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('900');
    expect(await limited.json()).toEqual({ error: expect.stringContaining('too many failed attempts') });
    await clock.advance(15 * 60_000);
    expect((await f.app.request('/login', json(ADMIN))).status).toBe(200);
  });

  it('counts failures per client address behind a trusted proxy', async () => {
    const f = app({ app: { trustProxy: true } });
    await setup(f);
    for (let i = 0; i < 20; i++) {
      await f.app.request('/login', json({ username: `user${i}`, password: 'wrong-password-1' }, { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' }));
    }
    expect((await f.app.request('/login', json(ADMIN, { 'x-forwarded-for': '203.0.113.9' }))).status).toBe(429);
    expect((await f.app.request('/login', json(ADMIN, { 'x-forwarded-for': '203.0.113.10' }))).status).toBe(200);
  });
});

describe('turning authentication off and on', () => {
  it('off opens every endpoint; on again keeps the caller’s session', async () => {
    const f = app();
    const s = await setup(f);
    const off = await f.app.request('/api/auth/settings', json({ auth_enabled: false }, { cookie: s.cookie, 'x-csrf-token': s.csrf }));
    expect(await off.json()).toMatchObject({ auth_enabled: false });
    expect((await f.app.request('/api/containers')).status).toBe(200);
    expect(await (await f.app.request('/api/auth/me')).json()).toMatchObject({ id: 'anonymous', auth_enabled: false, via: 'anonymous', role_id: 'admin' });
    // Signed-in callers are still themselves.
    expect(await (await f.app.request('/api/auth/me', { headers: { cookie: s.cookie } })).json()).toMatchObject({ username: 'admin', via: 'session' });

    const on = await f.app.request('/api/auth/settings', json({ enabled: true }, { cookie: s.cookie }));
    expect(await on.json()).toMatchObject({ auth_enabled: true });
    expect((await f.app.request('/api/containers')).status).toBe(401);
    expect((await f.app.request('/api/containers', { headers: { cookie: s.cookie } })).status).toBe(200);
  });

  it('refuses to turn on while no admin could sign in', async () => {
    const f = createAppFixture();
    open.push(f);
    const res = await f.app.request('/api/auth/settings', json({ auth_enabled: true }));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: expect.stringContaining('no admin could sign in') });
    expect((await f.app.request('/api/containers')).status).toBe(200);
  });

  it('the default fixture keeps authentication off (every route open, no setup gate)', async () => {
    const f = createAppFixture();
    open.push(f);
    expect((await f.app.request('/api/containers')).status).toBe(200);
    expect(await (await f.app.request('/api/auth/me')).json()).toMatchObject({ auth_enabled: false });
  });
});

describe('secrets', () => {
  it('never appear in responses, logs or the configuration export', async () => {
    const lines: string[] = [];
    const f = app({ app: { logger: recordingLogger(lines) } });
    const s = await setup(f);
    const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const token = ((await (await f.app.request('/api/auth/tokens', json({ name: 'CI' }, headers))).json()) as { token: string }).token;
    await f.app.request('/api/auth/users', json({ username: 'op', password: 'operator-password', role_id: 'operator' }, headers));
    const totp = (await (await f.app.request('/api/auth/totp/setup', { method: 'POST', headers })).json()) as { secret: string };
    await f.app.request('/login', json({ username: 'admin', password: 'wrong-password-9' }));
    const bodies = await Promise.all(
      ['/api/auth/users', '/api/auth/tokens', '/api/auth/sessions', '/api/auth/me', '/api/auth/totp/status', '/api/config/export?secrets=true'].map(async (p) =>
        (await f.app.request(p, { headers })).text(),
      ),
    );
    expect(bodies[5]).toContain('"settings"');
    const everything = [...bodies, ...lines].join('\n');
    for (const secret of [ADMIN.password, 'operator-password', 'wrong-password-9', token, s.session, s.csrf, totp.secret, 'scrypt$']) {
      expect(everything, secret).not.toContain(secret);
    }
    // The stored form is a hash: nothing readable, whatever the cost.
    expect(await hashPassword(ADMIN.password, 4)).not.toContain(ADMIN.password);
  });
});

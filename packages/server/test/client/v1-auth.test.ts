import { describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, NotFoundError, PermissionDeniedError, RateLimitError } from '@sentinel-kit/client';
import { generateTotp } from '@sentinel-kit/core';
import { ADMIN, createV1Fixture } from './v1-fixture.js';

/** Decode a JWT's payload without verifying it (what a script would inspect). */
function claims(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function rejection(promise: Promise<unknown>): Promise<{ status: number; body: unknown; headers: Record<string, string>; name: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; body: unknown; headers: Record<string, string>; name: string };
    return { status: e.status, body: e.body, headers: e.headers, name: e.name };
  }
  throw new Error('expected the request to fail');
}

describe('POST /api/v1/auth/token', () => {
  it('answers a bearer JWT for a username and password, as JSON, that works on every /api/v1 route', async () => {
    const f = await createV1Fixture();
    const token = await f.client().v1.auth.token({ username: ADMIN.username, password: ADMIN.password });
    expect(token.token_type).toBe('bearer');
    expect(token.expires_in).toBe(86_400);
    expect(token.access_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const payload = claims(token.access_token);
    expect(payload.scope).toBe('api');
    expect(typeof payload.sub).toBe('string');
    expect((payload.exp as number) - (payload.iat as number)).toBe(86_400);
    const systems = await f.client({ token: token.access_token }).v1.systems.list();
    expect(systems.status).toBe('success');
  });

  it('takes the documented form body too', async () => {
    const f = await createV1Fixture();
    const res = await f.app.request('/api/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=${ADMIN.username}&password=${encodeURIComponent(ADMIN.password)}`,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    const systems = await f.app.request('/api/v1/systems', { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(systems.status).toBe(200);
  });

  it('refuses a wrong password or an unknown user with the same 401 body, and throttles repeated failures', async () => {
    const f = await createV1Fixture({ app: { authOptions: { passwordCost: 4, loginThrottle: { perUser: { maxFailures: 3, windowMs: 60_000, lockoutMs: 60_000 } } } } });
    const wrong = await rejection(f.client().v1.auth.token({ username: ADMIN.username, password: 'not-the-password' }));
    expect(wrong.name).toBe('AuthenticationError');
    expect(wrong.body).toEqual({ detail: 'invalid username or password', error_code: 'UNAUTHORIZED', status_code: 401 });
    const unknown = await rejection(f.client().v1.auth.token({ username: 'nobody', password: 'not-the-password' }));
    expect(unknown.body).toEqual(wrong.body);
    await rejection(f.client().v1.auth.token({ username: ADMIN.username, password: 'not-the-password' }));
    await rejection(f.client().v1.auth.token({ username: ADMIN.username, password: 'not-the-password' }));
    const locked = await rejection(f.client().v1.auth.token({ username: ADMIN.username, password: ADMIN.password }));
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error_code: 'RATE_LIMITED', status_code: 429 });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers invalid input with a 400 in the documented error body', async () => {
    const f = await createV1Fixture();
    const missing = await rejection(f.client().v1.auth.token({ username: ADMIN.username } as never));
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error_code: 'VALIDATION_ERROR', status_code: 400 });
    expect((missing.body as { detail: string }).detail).toContain('password');
    const res = await f.app.request('/api/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'invalid JSON in request body', error_code: 'BAD_REQUEST', status_code: 400 });
  });

  it('asks users with two-factor authentication for totp_code, and accepts it', async () => {
    const f = await createV1Fixture();
    const native = f.client({ token: f.adminToken });
    const { secret } = await native.auth.totpSetup();
    const now = f.clock.now();
    await native.auth.totpConfirm(generateTotp({ base32: secret }, now));
    const asked = await rejection(f.client().v1.auth.token({ username: ADMIN.username, password: ADMIN.password }));
    expect(asked.status).toBe(401);
    expect((asked.body as { detail: string }).detail).toContain('totp_code');
    // The next 30-second step: a code is accepted once.
    const later = generateTotp({ base32: secret }, now + 30_000);
    const f2 = await rejection(f.client().v1.auth.token({ username: ADMIN.username, password: ADMIN.password, totp_code: '000000' }));
    expect(f2.status).toBe(401);
    const token = await f.client().v1.auth.token({ username: ADMIN.username, password: ADMIN.password, totp_code: later });
    expect(token.token_type).toBe('bearer');
  });

  it('stops working when it expires and when its user is deleted', async () => {
    const f = await createV1Fixture({ manualClock: true, app: { apiV1: { tokenTtlSeconds: 600 } } });
    const expired = (await f.client().v1.auth.token({ username: ADMIN.username, password: ADMIN.password })).access_token;
    await f.manual?.advance(601_000);
    const late = await rejection(f.client({ token: expired }).v1.systems.list());
    expect(late.status).toBe(401);
    expect(late.body).toEqual({ detail: 'invalid, expired or revoked credentials', error_code: 'UNAUTHORIZED', status_code: 401 });

    const admin = f.client({ token: f.adminToken });
    const created = await admin.users.create({ username: 'auditor', password: 'auditor-password-1', role_id: 'viewer' });
    const jwt = (await f.client().v1.auth.token({ username: 'auditor', password: 'auditor-password-1' })).access_token;
    expect((await f.client({ token: jwt }).v1.systems.list()).status).toBe('success');
    await admin.users.delete(created.id);
    expect((await rejection(f.client({ token: jwt }).v1.systems.list())).status).toBe(401);
  });

  it('refuses a tampered or foreign token', async () => {
    const f = await createV1Fixture();
    const [header, payload] = f.jwt.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    expect((await rejection(f.client({ token: forged }).v1.systems.list())).status).toBe(401);
    const other = await createV1Fixture();
    // Another server's key signs another server's tokens.
    expect((await rejection(other.client({ token: f.jwt }).v1.systems.list())).status).toBe(401);
    // Still "malformed" for the native surface's own bearer format.
    const garbage = await f.app.request('/api/containers', { headers: { authorization: 'Bearer garbage' } });
    expect(await garbage.json()).toEqual({ error: 'malformed bearer token: expected sntkn_…' });
  });
});

describe('the /api/v1 error body and credentials', () => {
  it('answers 401 without a credential and 403 for a credential without the api scope, in the documented body', async () => {
    const f = await createV1Fixture();
    const anonymous = await rejection(f.client().v1.systems.list());
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error_code: 'UNAUTHORIZED', status_code: 401 });
    expect((anonymous.body as { detail: string }).detail).toContain('/api/v1/auth/token');
    // A native API token is a user's credential without the api scope.
    const native = await rejection(f.client({ token: f.adminToken }).v1.systems.list());
    expect(native.name).toBe('PermissionDeniedError');
    expect(native.body).toEqual({ detail: 'a credential with the api scope is required', error_code: 'FORBIDDEN', status_code: 403 });
    // Native routes keep their own body.
    const nativeRoute = await f.app.request('/api/containers');
    expect(await nativeRoute.json()).toEqual({ error: 'authentication required: log in or send Authorization: Bearer sntkn_…' });
  });

  it('answers unknown /api/v1 paths and bad parameters in the documented body, and elsewhere the native one', async () => {
    const f = await createV1Fixture();
    const unknown = await f.app.request('/api/v1/nothing-here', { headers: { authorization: `Bearer ${f.jwt}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'no route for GET /api/v1/nothing-here', error_code: 'NOT_FOUND', status_code: 404 });
    const bad = await rejection(f.api.v1.systems.list({ per_page: 0 }));
    expect(bad.name).toBe('BadRequestError');
    expect(bad.body).toMatchObject({ error_code: 'VALIDATION_ERROR', status_code: 400 });
    expect((bad.body as { detail: string }).detail).toMatch(/^per_page: /);
    const native = await f.app.request('/api/nothing-here', { headers: { authorization: `Bearer ${f.adminToken}` } });
    expect(await native.json()).toEqual({ error: 'no route for GET /api/nothing-here' });
  });
});

describe('API keys', () => {
  it('creates a vp_ key shown once, which works as X-API-Key and as X-AUTH-TOKEN <key>/<id>, lists it masked and revokes it', async () => {
    const f = await createV1Fixture();
    const created = await f.api.v1.apiKeys.create({ name: 'CI pipeline' });
    expect(created.key).toMatch(/^vp_[\w-]{40,}$/);
    expect(created.id).toMatch(/^key_/);
    expect(created.name).toBe('CI pipeline');

    const viaKey = f.client({ apiKey: created.key });
    expect((await viaKey.v1.systems.list()).status).toBe('success');
    const viaAuthToken = await f.app.request('/api/v1/systems', { headers: { 'x-auth-token': `${created.key}/${created.id}` } });
    expect(viaAuthToken.status).toBe(200);
    // The id must be the key's own.
    const mismatched = await f.app.request('/api/v1/systems', { headers: { 'x-auth-token': `${created.key}/key_00000000000000000000` } });
    expect(mismatched.status).toBe(401);

    const listed = await viaKey.v1.apiKeys.list();
    expect(listed.data.api_keys).toEqual([{ id: created.id, name: 'CI pipeline', prefix: created.prefix, organization_id: 1, created_at: created.created_at, last_used_at: expect.any(String) }]);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    expect(await f.api.v1.apiKeys.delete(created.id)).toEqual({ status: 'success', data: { id: created.id, deleted: true } });
    expect((await rejection(viaKey.v1.systems.list())).status).toBe(401);
    expect((await f.api.v1.apiKeys.list()).data.api_keys).toEqual([]);
  });

  it('answers bad names with 400, unknown or foreign keys with 404, and changes nothing', async () => {
    const f = await createV1Fixture();
    expect((await rejection(f.api.v1.apiKeys.create({ name: '' }))).status).toBe(400);
    expect((await rejection(f.api.v1.apiKeys.create({ name: 'x'.repeat(101) }))).status).toBe(400);
    expect((await rejection(f.api.v1.apiKeys.create({ name: 'ok', extra: 1 } as never))).status).toBe(400);
    expect((await f.api.v1.apiKeys.list()).data.total).toBe(0);
    const missing = await rejection(f.api.v1.apiKeys.delete('key_missing'));
    expect(missing.body).toEqual({ detail: 'API key key_missing not found', error_code: 'NOT_FOUND', status_code: 404 });

    // Another user's key is not yours to see or revoke.
    const admin = f.client({ token: f.adminToken });
    await admin.users.create({ username: 'operator1', password: 'operator-password-1', role_id: 'operator' });
    const other = f.client({ token: (await f.client().v1.auth.token({ username: 'operator1', password: 'operator-password-1' })).access_token });
    const theirs = await other.v1.apiKeys.create({ name: 'theirs' });
    expect((await f.api.v1.apiKeys.list()).data.api_keys).toEqual([]);
    expect((await rejection(f.api.v1.apiKeys.delete(theirs.id))).status).toBe(404);
    expect((await other.v1.apiKeys.list()).data.api_keys.map((k) => k.id)).toEqual([theirs.id]);
  });

  it('keeps the error classes of the client', async () => {
    const f = await createV1Fixture();
    await expect(f.client().v1.systems.list()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(f.client({ token: f.adminToken }).v1.systems.list()).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(f.api.v1.systems.get('agt_missing')).rejects.toBeInstanceOf(NotFoundError);
    await expect(f.api.v1.audits.list({ limit: 0 })).rejects.toBeInstanceOf(BadRequestError);
    expect(RateLimitError).toBeDefined();
  });
});

import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import { testRegistryCredential } from './test-credential.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const fetch: FetchLike = (input, init) => globalThis.fetch(input, init);
const SECRET = 'dckr_pat_s3cr3t';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Docker Hub as it behaves: /v2/ challenges with Bearer, auth.docker.io issues tokens to valid logins only. */
function dockerHub(): { tokenRequests: URL[] } {
  const seen = { tokenRequests: [] as URL[] };
  server.use(
    http.get('https://registry-1.docker.io/v2/', ({ request }) => {
      if (request.headers.get('authorization') !== null) return HttpResponse.json({ errors: [{ code: 'UNAUTHORIZED' }] }, { status: 401 });
      return HttpResponse.json(
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' } },
      );
    }),
    http.get('https://auth.docker.io/token', ({ request }) => {
      seen.tokenRequests.push(new URL(request.url));
      if (request.headers.get('authorization') !== basic('myuser', SECRET)) {
        return HttpResponse.json({ details: 'incorrect username or password' }, { status: 401 });
      }
      return HttpResponse.json({ token: 'tok', access_token: 'tok', expires_in: 300 });
    }),
  );
  return seen;
}

describe('testRegistryCredential', () => {
  it('valid Docker Hub credentials: anonymous ping, then a token exchange with Basic auth for the account', async () => {
    const seen = dockerHub();
    const result = await testRegistryCredential('docker.io', { username: 'myuser', password: SECRET }, { fetch, clock: systemClock });
    expect(result).toEqual({ success: true, message: 'Credentials valid' });
    expect(seen.tokenRequests).toHaveLength(1);
    expect(seen.tokenRequests[0]?.searchParams.get('service')).toBe('registry.docker.io');
    expect(seen.tokenRequests[0]?.searchParams.get('account')).toBe('myuser');
  });

  it('a wrong password is success false with the reason, and the secret is not in it', async () => {
    dockerHub();
    const result = await testRegistryCredential('docker.io', { username: 'myuser', password: 'wrong-password' }, { fetch, clock: systemClock });
    expect(result.success).toBe(false);
    expect(result.message).toMatch(/Invalid username or password/);
    expect(result.message).not.toContain('wrong-password');
  });

  it('a registry with Basic auth is checked with Basic auth on /v2/', async () => {
    server.use(
      http.get('https://registry.lan:5000/v2/', ({ request }) =>
        request.headers.get('authorization') === basic('ci', SECRET)
          ? HttpResponse.json({})
          : HttpResponse.json({ errors: [{ code: 'UNAUTHORIZED' }] }, { status: 401, headers: { 'www-authenticate': 'Basic realm="Registry Realm"' } }),
      ),
    );
    expect(await testRegistryCredential('registry.lan:5000', { username: 'ci', password: SECRET }, { fetch, clock: systemClock })).toEqual({ success: true, message: 'Credentials valid' });
    const bad = await testRegistryCredential('registry.lan:5000', { username: 'ci', password: 'nope' }, { fetch, clock: systemClock });
    expect(bad).toMatchObject({ success: false, message: expect.stringMatching(/Invalid username or password/) });
  });

  it('a registry open to anonymous pulls says so instead of claiming the credentials were verified', async () => {
    server.use(http.get('https://open.example.com/v2/', () => HttpResponse.json({})));
    const result = await testRegistryCredential('open.example.com', { username: 'u', password: SECRET }, { fetch, clock: systemClock });
    expect(result.success).toBe(true);
    expect(result.message).toMatch(/anonymous access/);
  });

  it('refuses to send the password to a plain-http token realm announced by an https registry', async () => {
    let tokenCalled = false;
    server.use(
      http.get('https://sneaky.example.com/v2/', () =>
        HttpResponse.json({}, { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://auth.sneaky.example.com/token",service="x"' } }),
      ),
      http.get('http://auth.sneaky.example.com/token', () => {
        tokenCalled = true;
        return HttpResponse.json({ token: 't' });
      }),
    );
    const result = await testRegistryCredential('sneaky.example.com', { username: 'u', password: SECRET }, { fetch, clock: systemClock });
    expect(result).toMatchObject({ success: false, message: expect.stringMatching(/refusing/) });
    expect(tokenCalled).toBe(false);
  });

  it('an unreachable registry or an unexpected status is success false with the reason', async () => {
    server.use(
      http.get('https://down.example.com/v2/', () => HttpResponse.error()),
      http.get('https://broken.example.com/v2/', () => new HttpResponse(null, { status: 503 })),
    );
    expect(await testRegistryCredential('down.example.com', { username: 'u', password: SECRET }, { fetch, clock: systemClock })).toMatchObject({
      success: false,
      message: expect.stringMatching(/Could not reach down\.example\.com/),
    });
    expect(await testRegistryCredential('broken.example.com', { username: 'u', password: SECRET }, { fetch, clock: systemClock })).toMatchObject({
      success: false,
      message: expect.stringMatching(/503/),
    });
  });

  it('speaks plain http to loopback registries', async () => {
    server.use(
      http.get('http://127.0.0.1:5999/v2/', ({ request }) =>
        request.headers.get('authorization') === basic('u', SECRET)
          ? HttpResponse.json({})
          : HttpResponse.json({}, { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }),
      ),
    );
    expect(await testRegistryCredential('127.0.0.1:5999', { username: 'u', password: SECRET }, { fetch, clock: systemClock })).toEqual({ success: true, message: 'Credentials valid' });
  });
});

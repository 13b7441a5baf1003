import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, PayloadTooLargeError } from '@sentinel-kit/client';
import type { FetchLike, Logger } from '@sentinel-kit/core';
import { createFakeRegistry } from '@sentinel-kit/core/testing';
import { REGISTRY_HOST } from '../support/app-fixture.js';
import { setup } from './client-fixture.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const SECRET = 'dckr_pat_Sup3rS3cret';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Everything logged, as text, so a test can check that no secret was written. */
function capturingLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }, text: () => lines.join('\n') };
}

/** The fake registry behind Basic auth, like a self-hosted `registry:2` with htpasswd. */
function basicAuthGate(inner: FetchLike, user: string, password: string): FetchLike {
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (request.headers.get('authorization') !== basic(user, password)) {
      return new Response(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED' }] }), {
        status: 401,
        headers: { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="Registry Realm"' },
      });
    }
    return inner(request);
  };
}

/** Docker Hub's API check and token service, through msw. */
function dockerHub(): void {
  server.use(
    http.get('https://registry-1.docker.io/v2/', () =>
      HttpResponse.json({ errors: [{ code: 'UNAUTHORIZED' }] }, { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' } }),
    ),
    http.get('https://auth.docker.io/token', ({ request }) =>
      request.headers.get('authorization') === basic('myuser', SECRET)
        ? HttpResponse.json({ token: 'tok', expires_in: 300 })
        : HttpResponse.json({ details: 'incorrect username or password' }, { status: 401 }),
    ),
  );
}

describe('client.registries', () => {
  it('save() then list(): secrets are masked, and the seed answer is returned', async () => {
    const f = setup();
    expect(await f.client.registries.list()).toEqual({ credentials: [], rate_limits: [], health: 'ok' });
    const saved = await f.client.registries.save([{ id: 'r1', registry: 'docker.io', username: 'myuser', secret: SECRET }]);
    expect(saved).toEqual({ status: 'ok', message: 'registry credentials saved' });
    const list = await f.client.registries.list();
    expect(list.credentials).toEqual([{ id: 'r1', registry: 'docker.io', username: 'myuser', secret: '****' }]);
    expect(list.rate_limits).toEqual([{ registry: 'docker.io', has_credentials: true, remaining: null, limit: null, reset: null, status: 'ok' }]);
    expect(JSON.stringify(list)).not.toContain(SECRET);
    expect(f.registryCredentials.lookup('docker.io')).toEqual({ username: 'myuser', password: SECRET });
  });

  it('saving the listed credentials back (secrets ****) keeps the saved secrets', async () => {
    const f = setup();
    await f.client.registries.save([{ id: 'r1', registry: 'docker.io', username: 'myuser', secret: SECRET }]);
    const { credentials } = await f.client.registries.list();
    await f.client.registries.save([...credentials, { id: 'r2', registry: 'ghcr.io', username: 'octo', secret: 'ghp_x' }]);
    expect(f.registryCredentials.lookup('docker.io')).toEqual({ username: 'myuser', password: SECRET });
    expect(f.registryCredentials.lookup('ghcr.io')).toEqual({ username: 'octo', password: 'ghp_x' });
  });

  it('bad input is 400 with {"error"} and changes nothing', async () => {
    const f = setup();
    await f.client.registries.save([{ id: 'r1', registry: 'docker.io', username: 'myuser', secret: SECRET }]);
    const bad: unknown[] = [
      [{ id: 'r1', registry: 'docker.io', username: 'myuser' }],
      [{ id: 'r 1', registry: 'docker.io', username: 'u', secret: 's' }],
      [{ id: 'r2', registry: 'https://example.com/path', username: 'u', secret: 's' }],
      [{ id: 'r2', registry: 'ghcr.io', username: 'u', secret: 's', extra: true }],
      [{ id: 'r1', registry: 'ghcr.io', username: 'u', secret: '****' }],
      [
        { id: 'a', registry: 'ghcr.io', username: 'u', secret: 's' },
        { id: 'b', registry: 'GHCR.IO', username: 'u', secret: 's' },
      ],
      { id: 'r1' },
    ];
    for (const body of bad) {
      const error = await f.client.request({ method: 'PUT', path: '/api/settings/registries', json: body }).catch((e: unknown) => e);
      expect(error, JSON.stringify(body)).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).body).toMatchObject({ error: expect.any(String) });
    }
    expect((await f.client.registries.list()).credentials).toEqual([{ id: 'r1', registry: 'docker.io', username: 'myuser', secret: '****' }]);
    expect(f.registryCredentials.lookup('docker.io')?.password).toBe(SECRET);
    expect(f.registryCredentials.lookup('ghcr.io')).toBeUndefined();
  });

  it('a body over the limit is 413', async () => {
    const f = setup({ fixture: { app: { bodyLimitBytes: 1024 } } });
    const huge = [{ id: 'r1', registry: 'docker.io', username: 'u', secret: 'x'.repeat(4096) }];
    await expect(f.client.registries.save(huge)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect((await f.client.registries.list()).credentials).toEqual([]);
  });

  it('delete(id) removes one credential; an unknown id is 404', async () => {
    const f = setup();
    await f.client.registries.save([
      { id: 'r1', registry: 'docker.io', username: 'myuser', secret: SECRET },
      { id: 'r2', registry: 'ghcr.io', username: 'octo', secret: 'ghp_x' },
    ]);
    expect(await f.client.registries.delete('r1')).toEqual({ status: 'ok', message: 'registry credential r1 (docker.io) deleted' });
    expect((await f.client.registries.list()).credentials.map((c) => c.id)).toEqual(['r2']);
    expect(f.registryCredentials.lookup('docker.io')).toBeUndefined();
    await expect(f.client.registries.delete('r1')).rejects.toBeInstanceOf(NotFoundError);
    await expect(f.client.registries.delete('bad id!')).rejects.toBeInstanceOf(BadRequestError);
  });

  it('test() checks the credential against Docker Hub for real: valid, and invalid with the reason', async () => {
    dockerHub();
    const f = setup();
    expect(await f.client.registries.test({ registry: 'docker.io', username: 'myuser', secret: SECRET })).toEqual({ success: true, message: 'Credentials valid' });
    const wrong = await f.client.registries.test({ registry: 'docker.io', username: 'myuser', secret: 'nope' });
    expect(wrong).toMatchObject({ success: false, message: expect.stringMatching(/Invalid username or password/) });
  });

  it('test() with a masked secret tests the saved one; a mask with nothing saved is 400', async () => {
    dockerHub();
    const f = setup();
    await f.client.registries.save([{ id: 'r1', registry: 'docker.io', username: 'myuser', secret: SECRET }]);
    expect(await f.client.registries.test({ id: 'r1', registry: 'docker.io', username: 'myuser', secret: '****' })).toEqual({ success: true, message: 'Credentials valid' });
    await expect(f.client.registries.test({ registry: 'ghcr.io', username: 'x', secret: '****' })).rejects.toBeInstanceOf(BadRequestError);
    await expect(f.client.registries.test({ registry: 'not a host', username: 'x', secret: 'y' })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('secrets never appear in responses, events or logs', async () => {
    dockerHub();
    const log = capturingLogger();
    const f = setup({ fixture: { app: { logger: log.logger } } });
    const events: string[] = [];
    f.sentinel.events.subscribe((e) => events.push(JSON.stringify(e)));
    const answers = [
      await f.client.registries.save([{ id: 'r1', registry: 'docker.io', username: 'myuser', secret: SECRET }]),
      await f.client.registries.list(),
      await f.client.registries.test({ registry: 'docker.io', username: 'myuser', secret: SECRET }),
      await f.client.registries.test({ registry: 'docker.io', username: 'myuser', secret: `${SECRET}-wrong` }),
      await f.client.registries.delete('r1'),
      await f.client.request({ method: 'PUT', path: '/api/settings/registries', json: [{ id: 'x y', registry: 'docker.io', username: 'u', secret: SECRET }] }).catch((e: unknown) => e),
    ];
    expect(log.text()).toContain('registry credentials saved');
    for (const text of [JSON.stringify(answers), log.text(), events.join('\n')]) expect(text).not.toContain(SECRET);
  });
});

describe('registry credentials reach the registry client and pulls', () => {
  it('a registry requiring Basic auth is scanned only once the credential is saved, and the pull carries it', async () => {
    const f = setup({ fixture: { registryFetch: (inner) => basicAuthGate(inner, 'ci-bot', SECRET) } });
    f.publish('team/api', '1.0.0');
    f.publish('team/api', '1.1.0');
    f.docker.seedContainer({ name: 'api', image: f.ref('team/api', '1.0.0') });

    const before = await f.sentinel.scan();
    expect(before.failed).toBe(1);
    expect(before.errors[0]?.error).toMatch(/authentication failed/);
    expect(await f.client.queue.count()).toBe(0);

    await f.client.registries.save([{ id: 'lan', registry: REGISTRY_HOST, username: 'ci-bot', secret: SECRET }]);
    const after = await f.sentinel.scan();
    expect(after).toMatchObject({ failed: 0, updates_available: 1, queued: 1 });
    expect((await f.client.queue.list())[0]).toMatchObject({ container_name: 'api', newer_versions: ['1.1.0'] });

    f.docker.clearCalls();
    await f.client.queue.approve('api');
    await f.sentinel.idle();
    expect((await f.client.containers.get('api')).image).toBe(f.ref('team/api', '1.1.0'));
    const pulls = f.docker.calls('pullImage');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]?.args[0]).toBe(f.ref('team/api', '1.1.0'));
    // The fake records the password as *** (it never keeps secrets); the user and server are what Docker receives.
    expect(pulls[0]?.args[1]).toMatchObject({ auth: { username: 'ci-bot', password: '***', serveraddress: REGISTRY_HOST } });
  });

  it('test() reaches a Basic-auth registry with the saved credential', async () => {
    // The credential test uses the app's outbound fetch: point it at a fake registry behind the same gate.
    const outbound = basicAuthGate(createFakeRegistry({ host: REGISTRY_HOST }).fetch, 'ci-bot', SECRET);
    const g = setup({ fixture: { app: { fetch: outbound } } });
    expect(await g.client.registries.test({ registry: REGISTRY_HOST, username: 'ci-bot', secret: SECRET })).toEqual({ success: true, message: 'Credentials valid' });
    expect(await g.client.registries.test({ registry: REGISTRY_HOST, username: 'ci-bot', secret: 'wrong' })).toMatchObject({ success: false });
  });
});

describe('client.registries.rateLimits()', () => {
  it('reports what the registry headers said, with the health', async () => {
    const f = setup({
      fixture: {
        registryFetch: (inner) => async (input, init) => {
          const res = await inner(input, init);
          const headers = new Headers(res.headers);
          headers.set('ratelimit-limit', '100;w=21600');
          headers.set('ratelimit-remaining', '7;w=21600');
          return new Response(res.body, { status: res.status, headers });
        },
      },
    });
    expect(await f.client.registries.rateLimits()).toEqual({ health: 'ok', registries: [] });
    f.publish('web', '1.0.0');
    f.docker.seedContainer({ name: 'web', image: f.ref('web', '1.0.0') });
    await f.client.containers.check('web');
    const limits = await f.client.registries.rateLimits();
    expect(limits.health).toBe('low');
    expect(limits.registries).toEqual([
      { registry: REGISTRY_HOST, remaining: 7, limit: 100, reset: null, window_seconds: 21600, updated_at: expect.any(String), status: 'low' },
    ]);
    const list = await f.client.registries.list();
    expect(list.rate_limits).toEqual([{ registry: REGISTRY_HOST, has_credentials: false, remaining: 7, limit: 100, reset: null, status: 'low' }]);
    expect(list.health).toBe('low');
  });
});

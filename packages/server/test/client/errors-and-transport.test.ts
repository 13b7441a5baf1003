import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  BadRequestError,
  ConflictError,
  createSentinelClient,
  InternalServerError,
  isApiError,
  isNetworkError,
  isTimeoutError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  TimeoutError,
} from '@sentinel-kit/client';
import { BASE_URL, seedWithVersions, setup } from './client-fixture.js';

const TOKEN = 'sntkn_supersecret_0123456789';
const CSRF = 'csrf-supersecret-abcdef';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A loopback HTTP server that accepts requests and never answers them. */
async function silentServer(): Promise<string> {
  const server = createServer(() => {
    // Never respond: the client must give up by itself.
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback address on which nothing listens (a port that was just released). */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('errors through the client', () => {
  it('maps a 404 to NotFoundError with status, parsed body and the server message', async () => {
    const f = setup();
    const error = await f.client.containers.versions('ghost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(ApiError);
    expect(isApiError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'NotFoundError', status: 404, message: 'container ghost not found', body: { error: 'container ghost not found' } });
    expect((error as NotFoundError).request).toMatchObject({ method: 'GET', url: `${BASE_URL}/api/containers/ghost/versions` });
  });

  it('encodes path parameters: a name cannot reach another route', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    // Unencoded, "../stats" would have fetched /api/stats and "web/logs" the logs of web.
    for (const name of ['../stats', 'web/logs', 'web?host=x', 'web#frag']) {
      const error = await f.client.containers.get(name).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).message, name).toBe('name: invalid container name');
    }
    expect(() => f.client.containers.get('..')).toThrow(TypeError);
  });

  it('maps an oversized body to PayloadTooLargeError', async () => {
    const f = setup({ fixture: { app: { bodyLimitBytes: 1024 } } });
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    const error = await f.client.containers.updateToVersion('web', 'x'.repeat(4096)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({ name: 'PayloadTooLargeError', status: 413, message: 'request body too large (limit 1024 bytes)' });
  });

  it('maps a second concurrent update to ConflictError', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0']);
    await f.client.containers.updateToVersion('web', '1.1.0');
    // The first update is still in its health gate (grace period): the lock is held.
    const error = await f.client.containers.update('web').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, message: 'update already in progress for web' });
    await f.sentinel.idle();
    expect((await f.client.containers.get('web')).image).toBe(f.ref('web', '1.1.0'));
  });

  it('maps an unreachable engine (503) to InternalServerError', async () => {
    const f = setup({ client: { retry: 0 } });
    f.docker.setReachable(false);
    const error = await f.client.containers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(503);
  });

  it('reports an unreachable server as NetworkError', async () => {
    const client = createSentinelClient({ baseUrl: await closedPort(), retry: 0 });
    const error = await client.stats().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(isNetworkError(error)).toBe(true);
    expect(isApiError(error)).toBe(false);
    expect((error as NetworkError).message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/stats failed/);
    expect((error as NetworkError).cause).toBeInstanceOf(Error);
  });

  it('reports a server that does not answer in time as TimeoutError', async () => {
    const client = createSentinelClient({ baseUrl: await silentServer(), timeoutMs: 150, retry: 0 });
    const error = await client.queue.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(isTimeoutError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'TimeoutError', timeoutMs: 150 });
  });

  it('never keeps the token or the CSRF token on an error', async () => {
    const f = setup({ client: { token: TOKEN, csrfToken: CSRF, retry: 0 } });
    const apiError = await f.client.containers.restart('ghost').catch((e: unknown) => e);
    expect(apiError).toBeInstanceOf(NotFoundError);
    expect((apiError as NotFoundError).request?.headers).toMatchObject({ authorization: '[REDACTED]', 'x-csrf-token': '[REDACTED]' });

    const network = await createSentinelClient({ baseUrl: await closedPort(), token: TOKEN, csrfToken: CSRF, retry: 0 })
      .scan()
      .catch((e: unknown) => e);
    const timeout = await createSentinelClient({ baseUrl: await silentServer(), token: TOKEN, timeoutMs: 100, retry: 0 })
      .stats()
      .catch((e: unknown) => e);
    expect(network).toBeInstanceOf(NetworkError);
    expect(timeout).toBeInstanceOf(TimeoutError);
    for (const error of [apiError, network, timeout]) {
      const dump = `${inspect(error, { depth: 10, showHidden: true })}${JSON.stringify(error)}${String(error)}`;
      expect(dump).not.toContain(TOKEN);
      expect(dump).not.toContain(CSRF);
    }
  });
});

describe('client transport options', () => {
  /** Records each request's method, path and headers, then serves it from the app. */
  function recording(fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>) {
    const seen: Array<{ method: string; path: string; headers: Headers }> = [];
    const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      seen.push({ method: request.method, path: new URL(request.url).pathname, headers: request.headers });
      return fetch(request);
    };
    return { seen, fetch: wrapped };
  }

  it('sends the bearer token, extra headers, and the CSRF token on unsafe methods only', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    const rec = recording(f.fetch);
    let csrf = 'first';
    const client = createSentinelClient({ baseUrl: BASE_URL, fetch: rec.fetch, token: TOKEN, headers: { 'X-Client': 'tests' }, csrfToken: () => csrf });

    await client.containers.list();
    await client.containers.setPolicy('web', 'pinned');
    csrf = 'second';
    await client.containers.clearPolicy('web');

    expect(rec.seen.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/containers', 'POST /api/containers/web/policy', 'DELETE /api/containers/web/policy']);
    for (const r of rec.seen) {
      expect(r.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
      expect(r.headers.get('x-client')).toBe('tests');
    }
    expect(rec.seen.map((r) => r.headers.get('x-csrf-token'))).toEqual([null, 'first', 'second']);
  });

  it('keeps a path prefix of the base URL', async () => {
    const f = setup();
    // A reverse proxy mounting the server under /sentinel/.
    const proxy = async (input: string | URL | Request): Promise<Response> => {
      const request = input as Request;
      return f.fetch(new Request(request.url.replace('/sentinel/', '/'), request));
    };
    const rec = recording(proxy);
    const client = createSentinelClient({ baseUrl: `${BASE_URL}/sentinel/`, fetch: rec.fetch });
    expect(await client.queue.count()).toBe(0);
    expect(rec.seen.map((r) => r.path)).toEqual(['/sentinel/api/queue/count']);
  });

  it('retries a GET once after a network failure, and never retries a POST', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    let failuresLeft = 0;
    const calls: string[] = [];
    const flaky = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      calls.push(request.method);
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new TypeError('fetch failed');
      }
      return f.fetch(request);
    };

    const client = createSentinelClient({ baseUrl: BASE_URL, fetch: flaky });
    failuresLeft = 1;
    expect((await client.containers.list()).map((c) => c.name)).toEqual(['web']);
    expect(calls).toEqual(['GET', 'GET']);

    calls.length = 0;
    failuresLeft = 1;
    await expect(client.containers.restart('web')).rejects.toBeInstanceOf(NetworkError);
    expect(calls).toEqual(['POST']);
    expect(f.docker.calls('restartContainer')).toHaveLength(0);

    calls.length = 0;
    failuresLeft = 1;
    const noRetry = createSentinelClient({ baseUrl: BASE_URL, fetch: flaky, retry: 0 });
    await expect(noRetry.stats()).rejects.toBeInstanceOf(NetworkError);
    expect(calls).toEqual(['GET']);
  });

  it('request() reaches an endpoint without a typed method, with the same errors', async () => {
    const f = setup();
    const doc = await f.client.request<{ openapi: string; paths: Record<string, unknown> }>({ method: 'GET', path: '/openapi.json' });
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/events');
    await expect(f.client.request({ method: 'GET', path: '/api/nope' })).rejects.toMatchObject({ name: 'NotFoundError', message: 'no route for GET /api/nope' });
  });
});

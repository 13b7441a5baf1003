import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { NotFoundError, RateLimitedError, UpstreamError } from '../errors/index.js';
import { createManualClock } from '../ports/clock.js';
import type { ManualClock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import { MANIFEST_MEDIA_TYPES, OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from './media-types.js';
import { createRegistryClient } from './registry-client.js';
import type { RegistryClientOptions } from './registry-client.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// Resolved on every call, so the client always reaches msw's interception of the global fetch.
const mswFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

const REG = 'https://reg.example.com';
const AUTH = 'https://auth.example.com/token';
const PASSWORD = 's3cr3t-Pa55word';

function setup(overrides: Partial<RegistryClientOptions> = {}): { client: ReturnType<typeof createRegistryClient>; clock: ManualClock } {
  const clock = createManualClock();
  return { client: createRegistryClient({ fetch: mswFetch, clock, ...overrides }), clock };
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** Every message, detail and cause text an error carries, for secret checks. */
function everythingSaidBy(error: unknown): string {
  const e = error as { message?: string; details?: unknown; cause?: unknown; stack?: string };
  return [String(error), e.message, e.stack, JSON.stringify(e.details ?? null), e.cause === undefined ? '' : String(e.cause)].join('\n');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** A registry guarded by a bearer token server; counts what it sees. */
function bearerRegistry(opts: { expiresIn?: number; expectBasic?: string } = {}) {
  const seen = { tokenRequests: [] as URL[], tokenAuth: [] as Array<string | null>, unauthorized: 0, authorizations: [] as string[] };
  let issued = 0;
  server.use(
    http.get(AUTH, ({ request }) => {
      const url = new URL(request.url);
      seen.tokenRequests.push(url);
      const auth = request.headers.get('authorization');
      seen.tokenAuth.push(auth);
      if (opts.expectBasic !== undefined && auth !== opts.expectBasic) return new HttpResponse(null, { status: 401 });
      issued++;
      return HttpResponse.json({ token: `tok-${issued}-${url.searchParams.get('scope')}`, ...(opts.expiresIn === undefined ? {} : { expires_in: opts.expiresIn }) });
    }),
    http.get(`${REG}/v2/:ns/:name/tags/list`, ({ request, params }) => {
      const repo = `${String(params['ns'])}/${String(params['name'])}`;
      const auth = request.headers.get('authorization') ?? '';
      const scope = `repository:${repo}:pull`;
      if (!auth.startsWith('Bearer tok-') || !auth.endsWith(scope)) {
        seen.unauthorized++;
        return HttpResponse.json(
          { errors: [{ code: 'UNAUTHORIZED' }] },
          { status: 401, headers: { 'WWW-Authenticate': `Bearer realm="${AUTH}",service="reg.example.com",scope="${scope}"` } },
        );
      }
      seen.authorizations.push(auth);
      return HttpResponse.json({ name: repo, tags: ['1.0', '1.1'] });
    }),
  );
  return seen;
}

describe('listTags', () => {
  it('follows Link pages until the last one and sends the page size', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${REG}/v2/team/app/tags/list`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        const last = url.searchParams.get('last');
        if (last === null) {
          return HttpResponse.json({ name: 'team/app', tags: ['1.0', '1.1'] }, { headers: { Link: '</v2/team/app/tags/list?n=2&last=1.1>; rel="next"' } });
        }
        if (last === '1.1') {
          // An absolute link with extra link-params works too.
          return HttpResponse.json(
            { name: 'team/app', tags: ['1.2', '2.0'] },
            { headers: { Link: `<${REG}/v2/team/app/tags/list?n=2&last=2.0>; title="more"; rel=next` } },
          );
        }
        return HttpResponse.json({ name: 'team/app', tags: ['2.1'] });
      }),
    );
    const { client } = setup({ tagsPageSize: 2 });
    await expect(client.listTags('reg.example.com/team/app:1.0')).resolves.toEqual(['1.0', '1.1', '1.2', '2.0', '2.1']);
    expect(requests.map((u) => u.searchParams.get('last'))).toEqual([null, '1.1', '2.0']);
    expect(requests[0]?.searchParams.get('n')).toBe('2');
    expect(client.stats().requests.tags).toBe(3);
  });

  it('reads a repository without tags (`"tags": null`) as empty', async () => {
    server.use(http.get(`${REG}/v2/team/empty/tags/list`, () => HttpResponse.json({ name: 'team/empty', tags: null })));
    await expect(setup().client.listTags('reg.example.com/team/empty')).resolves.toEqual([]);
  });

  it('talks to registry-1.docker.io for Docker Hub names', async () => {
    server.use(http.get('https://registry-1.docker.io/v2/library/nginx/tags/list', () => HttpResponse.json({ name: 'library/nginx', tags: ['1.27'] })));
    const { client } = setup();
    await expect(client.listTags('nginx')).resolves.toEqual(['1.27']);
    expect(Object.keys(client.stats().byRegistry)).toEqual(['docker.io']);
  });

  it('throws NotFoundError for an unknown repository', async () => {
    server.use(http.get(`${REG}/v2/team/nope/tags/list`, () => HttpResponse.json({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known' }] }, { status: 404 })));
    const error = await rejection(setup().client.listTags('reg.example.com/team/nope'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('reg.example.com/team/nope');
  });

  it('refuses a next link to another host rather than sending it our token', async () => {
    server.use(
      http.get(`${REG}/v2/team/app/tags/list`, () =>
        HttpResponse.json({ name: 'team/app', tags: ['1'] }, { headers: { Link: '<https://evil.example.com/v2/team/app/tags/list?last=1>; rel="next"' } }),
      ),
    );
    await expect(setup().client.listTags('reg.example.com/team/app')).rejects.toBeInstanceOf(UpstreamError);
  });

  it('stops a registry whose next link points back at a page already read', async () => {
    server.use(
      http.get(`${REG}/v2/team/app/tags/list`, () =>
        HttpResponse.json({ name: 'team/app', tags: ['1'] }, { headers: { Link: '</v2/team/app/tags/list?n=1000>; rel="next"' } }),
      ),
    );
    await expect(setup().client.listTags('reg.example.com/team/app')).rejects.toThrow(/keeps paging/);
  });
});

describe('scheme', () => {
  it('uses http for loopback registries and https elsewhere, with overrides', async () => {
    const urls: string[] = [];
    const fetch: FetchLike = async (input) => {
      urls.push(String(input));
      return Response.json({ tags: [] });
    };
    const clock = createManualClock();
    const client = createRegistryClient({ fetch, clock, insecureRegistries: ['reg.lan:5000'] });
    for (const ref of ['localhost:5000/a', '127.0.0.1:5000/a', '[::1]:5000/a', 'reg.lan:5000/a', 'reg.lan:5001/a', 'ghcr.io/o/a']) await client.listTags(ref);
    expect(urls.map((u) => u.split('/v2/')[0])).toEqual([
      'http://localhost:5000',
      'http://127.0.0.1:5000',
      'http://[::1]:5000',
      'http://reg.lan:5000',
      'https://reg.lan:5001',
      'https://ghcr.io',
    ]);
    const forced = createRegistryClient({ fetch, clock, scheme: () => 'https' });
    await forced.listTags('localhost:5000/a');
    expect(urls.at(-1)).toMatch(/^https:\/\/localhost:5000\//);
  });
});

describe('getDigest', () => {
  const digest = sha256('{"schemaVersion":2}');

  it('HEADs the manifest accepting all four manifest media types', async () => {
    let accept = '';
    server.use(
      http.head(`${REG}/v2/team/app/manifests/1.0`, ({ request }) => {
        accept = request.headers.get('accept') ?? '';
        return new HttpResponse(null, { headers: { 'Docker-Content-Digest': digest, 'Content-Type': OCI_INDEX_MEDIA_TYPE } });
      }),
    );
    const { client } = setup();
    await expect(client.getDigest('reg.example.com/team/app:1.0')).resolves.toEqual({ digest, mediaType: OCI_INDEX_MEDIA_TYPE });
    const accepted = accept.split(',').map((s) => s.trim());
    expect(accepted).toEqual([...MANIFEST_MEDIA_TYPES]);
    expect(accepted).toHaveLength(4);
    expect(client.stats().requests).toMatchObject({ manifest_head: 1, manifest_get: 0 });
  });

  it('falls back to a GET and hashes the body when the registry omits Docker-Content-Digest', async () => {
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST_MEDIA_TYPE, config: { mediaType: 'x', digest, size: 1 }, layers: [] });
    server.use(
      http.head(`${REG}/v2/team/app/manifests/1.0`, () => new HttpResponse(null, { headers: { 'Content-Type': OCI_MANIFEST_MEDIA_TYPE } })),
      http.get(`${REG}/v2/team/app/manifests/1.0`, () => new HttpResponse(body, { headers: { 'Content-Type': OCI_MANIFEST_MEDIA_TYPE } })),
    );
    const { client } = setup();
    await expect(client.getDigest('reg.example.com/team/app:1.0')).resolves.toEqual({ digest: sha256(body), mediaType: OCI_MANIFEST_MEDIA_TYPE });
    expect(client.stats().requests).toMatchObject({ manifest_head: 1, manifest_get: 1 });
  });

  it('throws NotFoundError for an unknown tag', async () => {
    server.use(http.head(`${REG}/v2/team/app/manifests/nope`, () => new HttpResponse(null, { status: 404 })));
    const error = await rejection(setup().client.getDigest('reg.example.com/team/app:nope'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('reg.example.com/team/app:nope');
  });

  it('reports a 5xx as UpstreamError naming registry and repository', async () => {
    server.use(http.head(`${REG}/v2/team/app/manifests/1.0`, () => new HttpResponse(null, { status: 503 })));
    const error = await rejection(setup().client.getDigest('reg.example.com/team/app:1.0'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(503);
    expect((error as Error).message).toMatch(/reg\.example\.com.*team\/app/);
  });

  it('reports a network failure as UpstreamError', async () => {
    server.use(http.head(`${REG}/v2/team/app/manifests/1.0`, () => HttpResponse.error()));
    const error = await rejection(setup().client.getDigest('reg.example.com/team/app:1.0'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toContain('reg.example.com');
  });

  it('gives up on a request whose answer never comes, on the injected clock', async () => {
    const fetch: FetchLike = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const clock = createManualClock();
    const client = createRegistryClient({ fetch, clock, requestTimeoutMs: 10_000 });
    const pending = rejection(client.getDigest('reg.example.com/team/app:1.0'));
    await clock.advance(10_000);
    const error = await pending;
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/timed out/);
  });
});

describe('getManifest and getBlob', () => {
  it('parses an index and reports its digest and media type', async () => {
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX_MEDIA_TYPE,
      manifests: [{ mediaType: OCI_MANIFEST_MEDIA_TYPE, digest: sha256('m'), size: 1, platform: { architecture: 'amd64', os: 'linux' } }],
    });
    server.use(http.get(`${REG}/v2/team/app/manifests/1.0`, () => new HttpResponse(body, { headers: { 'Content-Type': OCI_INDEX_MEDIA_TYPE } })));
    const got = await setup().client.getManifest('reg.example.com/team/app:1.0');
    expect(got.kind).toBe('index');
    expect(got.digest).toBe(sha256(body));
    expect(got.mediaType).toBe(OCI_INDEX_MEDIA_TYPE);
    if (got.kind === 'index') expect(got.manifest.manifests[0]?.platform?.architecture).toBe('amd64');
  });

  it('refuses a manifest fetched by digest whose bytes do not match it', async () => {
    const wanted = sha256('the real one');
    server.use(
      http.get(`${REG}/v2/team/app/manifests/${wanted}`, () =>
        HttpResponse.json({ schemaVersion: 2, config: { mediaType: 'x', digest: wanted, size: 1 }, layers: [] }, { headers: { 'Content-Type': OCI_MANIFEST_MEDIA_TYPE } }),
      ),
    );
    await expect(setup().client.getManifest(`reg.example.com/team/app@${wanted}`)).rejects.toThrow(/does not match/);
  });

  it('follows a blob redirect to another host without forwarding credentials', async () => {
    const content = 'layer bytes';
    const digest = sha256(content);
    let cdnAuthorization: string | null = 'unset';
    server.use(
      http.get(`${REG}/v2/team/app/blobs/${digest}`, ({ request }) => {
        if (request.headers.get('authorization') === null) {
          return new HttpResponse(null, { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="r"' } });
        }
        return new HttpResponse(null, { status: 307, headers: { Location: `https://cdn.example.net/blob/${digest}` } });
      }),
      http.get(`https://cdn.example.net/blob/${digest}`, ({ request }) => {
        cdnAuthorization = request.headers.get('authorization');
        return new HttpResponse(content);
      }),
    );
    const { client } = setup({ credentials: () => ({ username: 'u', password: PASSWORD }) });
    const res = await client.getBlob('reg.example.com/team/app', digest);
    expect(await res.text()).toBe(content);
    expect(cdnAuthorization).toBeNull();
    await expect(client.getBlobBytes('reg.example.com/team/app', digest)).resolves.toEqual(new TextEncoder().encode(content));
  });
});

describe('bearer token auth', () => {
  it('answers the challenge, caches the token per scope and refreshes it after expires_in on the clock', async () => {
    const seen = bearerRegistry({ expiresIn: 300 });
    const { client, clock } = setup();

    await expect(client.listTags('reg.example.com/team/app')).resolves.toEqual(['1.0', '1.1']);
    expect(seen.unauthorized).toBe(1);
    expect(seen.tokenRequests).toHaveLength(1);
    expect(seen.tokenRequests[0]?.searchParams.get('service')).toBe('reg.example.com');
    expect(seen.tokenRequests[0]?.searchParams.get('scope')).toBe('repository:team/app:pull');
    expect(seen.tokenAuth[0]).toBeNull(); // anonymous token: no credentials configured

    await clock.advance(250_000);
    await client.listTags('reg.example.com/team/app');
    expect(seen.tokenRequests).toHaveLength(1); // still cached
    expect(seen.unauthorized).toBe(1);

    await clock.advance(60_000); // past expires_in
    await client.listTags('reg.example.com/team/app');
    expect(seen.tokenRequests).toHaveLength(2);
    expect(seen.unauthorized).toBe(1); // the registry's realm is known, so no new 401 round trip
    expect(seen.authorizations.at(-1)).toMatch(/^Bearer tok-2-/);
    expect(client.stats().requests.token).toBe(2);
  });

  it('treats a token without expires_in as valid for 60 seconds', async () => {
    const seen = bearerRegistry();
    const { client, clock } = setup();
    await client.listTags('reg.example.com/team/app');
    await clock.advance(30_000);
    await client.listTags('reg.example.com/team/app');
    expect(seen.tokenRequests).toHaveLength(1);
    await clock.advance(31_000);
    await client.listTags('reg.example.com/team/app');
    expect(seen.tokenRequests).toHaveLength(2);
  });

  it('fetches a token for a new repository up front once the realm is known', async () => {
    const seen = bearerRegistry({ expiresIn: 300 });
    const { client } = setup();
    await client.listTags('reg.example.com/team/app');
    await client.listTags('reg.example.com/team/other');
    expect(seen.unauthorized).toBe(1);
    expect(seen.tokenRequests.map((u) => u.searchParams.get('scope'))).toEqual(['repository:team/app:pull', 'repository:team/other:pull']);
  });

  it('shares one token request between concurrent callers of the same scope', async () => {
    const seen = bearerRegistry({ expiresIn: 300 });
    const { client } = setup();
    await client.listTags('reg.example.com/team/app'); // learn the realm
    await Promise.all(Array.from({ length: 5 }, () => client.listTags('reg.example.com/team/third')));
    expect(seen.tokenRequests.filter((u) => u.searchParams.get('scope') === 'repository:team/third:pull')).toHaveLength(1);
  });

  it('sends configured credentials to the token realm with Basic auth', async () => {
    const expected = `Basic ${Buffer.from(`robot:${PASSWORD}`).toString('base64')}`;
    const seen = bearerRegistry({ expectBasic: expected, expiresIn: 300 });
    const { client } = setup({ credentials: (registry) => (registry === 'reg.example.com' ? { username: 'robot', password: PASSWORD } : undefined) });
    await expect(client.listTags('reg.example.com/team/app')).resolves.toEqual(['1.0', '1.1']);
    expect(seen.tokenAuth).toEqual([expected]);
    expect(seen.tokenRequests[0]?.searchParams.get('account')).toBe('robot');
  });

  it('refuses to send credentials to a plain-http realm of an https registry', async () => {
    let realmCalled = false;
    server.use(
      http.get('http://auth.example.com/token', () => {
        realmCalled = true;
        return HttpResponse.json({ token: 't' });
      }),
      http.get(`${REG}/v2/team/app/tags/list`, () =>
        new HttpResponse(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="http://auth.example.com/token",service="reg"' } }),
      ),
    );
    const { client } = setup({ credentials: () => ({ username: 'robot', password: PASSWORD }) });
    const error = await rejection(client.listTags('reg.example.com/team/app'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/plain HTTP/);
    expect(realmCalled).toBe(false);
  });

  it('fails cleanly with the wrong password, without echoing it', async () => {
    bearerRegistry({ expectBasic: 'Basic never-matches' });
    const { client } = setup({ credentials: () => ({ username: 'robot', password: PASSWORD }) });
    const error = await rejection(client.listTags('reg.example.com/team/app'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(401);
    expect((error as Error).message).toBe('authentication failed for reg.example.com');
    expect(everythingSaidBy(error)).not.toContain(PASSWORD);
    expect(everythingSaidBy(error)).not.toContain(Buffer.from(`robot:${PASSWORD}`).toString('base64'));
  });

  it('reports "authentication failed" when the registry refuses even a fresh token, without the token', async () => {
    server.use(
      http.get(AUTH, () => HttpResponse.json({ token: 'very-secret-token-value' })),
      http.head(`${REG}/v2/team/app/manifests/1.0`, () => new HttpResponse(null, { status: 401, headers: { 'WWW-Authenticate': `Bearer realm="${AUTH}",service="reg"` } })),
    );
    const { client } = setup();
    const error = await rejection(client.getDigest('reg.example.com/team/app:1.0'));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(401);
    expect((error as Error).message).toBe('authentication failed for reg.example.com');
    expect(everythingSaidBy(error)).not.toContain('very-secret-token-value');
    // Anonymous try, then one retry with the token: never a loop.
    expect(client.stats().requests).toMatchObject({ manifest_head: 2, token: 1 });
  });
});

describe('basic auth', () => {
  const good = `Basic ${Buffer.from(`user:${PASSWORD}`).toString('base64')}`;
  function basicRegistry() {
    const seen = { unauthorized: 0, ok: 0 };
    server.use(
      http.get(`${REG}/v2/team/app/tags/list`, ({ request }) => {
        if (request.headers.get('authorization') !== good) {
          seen.unauthorized++;
          return HttpResponse.json({ errors: [{ code: 'UNAUTHORIZED' }] }, { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Registry Realm"' } });
        }
        seen.ok++;
        return HttpResponse.json({ name: 'team/app', tags: ['1'] });
      }),
    );
    return seen;
  }

  it('answers a Basic challenge with the configured credentials and sends them up front afterwards', async () => {
    const seen = basicRegistry();
    const { client } = setup({ credentials: () => ({ username: 'user', password: PASSWORD }) });
    await expect(client.listTags('reg.example.com/team/app')).resolves.toEqual(['1']);
    await expect(client.listTags('reg.example.com/team/app')).resolves.toEqual(['1']);
    expect(seen).toEqual({ unauthorized: 1, ok: 2 });
    expect(client.stats().requests.token).toBe(0);
  });

  it('fails without credentials and with a wrong password, never echoing it', async () => {
    basicRegistry();
    const anonymous = await rejection(setup().client.listTags('reg.example.com/team/app'));
    expect((anonymous as Error).message).toBe('authentication failed for reg.example.com');
    const wrong = await rejection(setup({ credentials: () => ({ username: 'user', password: 'Wr0ng-Pa55' }) }).client.listTags('reg.example.com/team/app'));
    expect(wrong).toBeInstanceOf(UpstreamError);
    expect((wrong as UpstreamError).status).toBe(401);
    expect(everythingSaidBy(wrong)).not.toContain('Wr0ng-Pa55');
  });
});

describe('rate limits', () => {
  it('records Docker Hub rate-limit headers per registry with the time seen', async () => {
    let remaining = 76;
    server.use(
      http.head('https://registry-1.docker.io/v2/library/nginx/manifests/1.27', () => {
        remaining--;
        return new HttpResponse(null, {
          headers: { 'Docker-Content-Digest': sha256('x'), 'Content-Type': OCI_INDEX_MEDIA_TYPE, 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': `${remaining};w=21600` },
        });
      }),
    );
    const { client, clock } = setup();
    expect(client.rateLimits()).toEqual([]);
    await client.getDigest('nginx:1.27');
    const first = clock.now();
    expect(client.rateLimits()).toEqual([{ registry: 'docker.io', limit: 100, remaining: 75, windowSeconds: 21600, updatedAt: first }]);
    await clock.advance(1000);
    await client.getDigest('nginx:1.27');
    expect(client.rateLimits()).toEqual([{ registry: 'docker.io', limit: 100, remaining: 74, windowSeconds: 21600, updatedAt: first + 1000 }]);
  });

  it('waits Retry-After seconds on the clock after a 429 and retries', async () => {
    let calls = 0;
    server.use(
      http.head(`${REG}/v2/team/app/manifests/1.0`, () => {
        calls++;
        if (calls === 1) return new HttpResponse(null, { status: 429, headers: { 'Retry-After': '5' } });
        return new HttpResponse(null, { headers: { 'Docker-Content-Digest': sha256('x'), 'Content-Type': OCI_MANIFEST_MEDIA_TYPE } });
      }),
    );
    const { client, clock } = setup();
    let settled = false;
    const pending = client.getDigest('reg.example.com/team/app:1.0').finally(() => (settled = true));
    await clock.advance(4_999);
    expect(settled).toBe(false);
    expect(calls).toBe(1);
    await clock.advance(1);
    await expect(pending).resolves.toEqual({ digest: sha256('x'), mediaType: OCI_MANIFEST_MEDIA_TYPE });
    expect(calls).toBe(2);
  });

  it('understands an HTTP-date Retry-After', async () => {
    const { client, clock } = setup();
    let calls = 0;
    server.use(
      http.get(`${REG}/v2/team/app/tags/list`, () => {
        calls++;
        if (calls === 1) return new HttpResponse(null, { status: 429, headers: { 'Retry-After': new Date(clock.now() + 20_000).toUTCString() } });
        return HttpResponse.json({ tags: ['1'] });
      }),
    );
    const pending = client.listTags('reg.example.com/team/app');
    await clock.advance(19_000);
    expect(calls).toBe(1);
    await clock.advance(1_000);
    await expect(pending).resolves.toEqual(['1']);
  });

  it('throws RateLimitedError with retryAfterMs once maxRetries are spent', async () => {
    let calls = 0;
    server.use(
      http.head(`${REG}/v2/team/app/manifests/1.0`, () => {
        calls++;
        return new HttpResponse(null, { status: 429, headers: { 'Retry-After': '3' } });
      }),
    );
    const { client, clock } = setup({ maxRetries: 2 });
    const pending = rejection(client.getDigest('reg.example.com/team/app:1.0'));
    await clock.advance(3_000);
    await clock.advance(3_000);
    const error = await pending;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(3_000);
    expect(calls).toBe(3);
  });

  it('does not sit out a Retry-After longer than maxRetryAfterMs', async () => {
    server.use(http.head(`${REG}/v2/team/app/manifests/1.0`, () => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '21600' } })));
    const { client } = setup();
    const error = await rejection(client.getDigest('reg.example.com/team/app:1.0'));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(21_600_000);
    expect(client.stats().requests.manifest_head).toBe(1);
  });
});

describe('concurrency', () => {
  it('keeps at most concurrencyPerRegistry requests in flight per registry, served in call order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const started: string[] = [];
    const gates: Array<() => void> = [];
    server.use(
      http.head(`${REG}/v2/team/app/manifests/:tag`, async ({ params }) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        started.push(String(params['tag']));
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight--;
        return new HttpResponse(null, { headers: { 'Docker-Content-Digest': sha256(String(params['tag'])), 'Content-Type': OCI_MANIFEST_MEDIA_TYPE } });
      }),
      http.head('https://other.example.com/v2/team/app/manifests/1', () =>
        new HttpResponse(null, { headers: { 'Docker-Content-Digest': sha256('other'), 'Content-Type': OCI_MANIFEST_MEDIA_TYPE } }),
      ),
    );
    const { client } = setup({ concurrencyPerRegistry: 3 });
    const tags = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const all = Promise.all(tags.map((t) => client.getDigest(`reg.example.com/team/app:${t}`)));

    await vi.waitFor(() => expect(gates).toHaveLength(3));
    // A saturated registry does not hold up another one.
    await expect(client.getDigest('other.example.com/team/app:1')).resolves.toMatchObject({ digest: sha256('other') });
    expect(started).toEqual(['t0', 't1', 't2']);

    let released = 0;
    while (released < tags.length) {
      await vi.waitFor(() => expect(gates.length).toBeGreaterThan(released));
      gates[released]?.();
      released++;
    }
    const results = await all;
    expect(results.map((r) => r.digest)).toEqual(tags.map((t) => sha256(t)));
    expect(maxInFlight).toBe(3);
    expect(started).toEqual(tags);
  });
});

describe('stats', () => {
  it('counts every request by kind and registry until reset', async () => {
    server.use(
      http.get(`${REG}/v2/team/app/tags/list`, () => HttpResponse.json({ tags: ['1'] })),
      http.head(`${REG}/v2/team/app/manifests/1`, () => new HttpResponse(null, { headers: { 'Docker-Content-Digest': sha256('1'), 'Content-Type': OCI_MANIFEST_MEDIA_TYPE } })),
      http.get('https://ghcr.io/v2/o/a/tags/list', () => HttpResponse.json({ tags: [] })),
    );
    const { client } = setup();
    await client.listTags('reg.example.com/team/app');
    await client.getDigest('reg.example.com/team/app:1');
    await client.listTags('ghcr.io/o/a');
    expect(client.stats()).toEqual({
      requests: { token: 0, tags: 2, manifest_head: 1, manifest_get: 0, blob: 0 },
      byRegistry: {
        'reg.example.com': { token: 0, tags: 1, manifest_head: 1, manifest_get: 0, blob: 0 },
        'ghcr.io': { token: 0, tags: 1, manifest_head: 0, manifest_get: 0, blob: 0 },
      },
    });
    client.resetStats();
    expect(client.stats()).toEqual({ requests: { token: 0, tags: 0, manifest_head: 0, manifest_get: 0, blob: 0 }, byRegistry: {} });
  });
});

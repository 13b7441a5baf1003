import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors/index.js';
import { createManualClock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import { OCI_INDEX_MEDIA_TYPE } from './media-types.js';
import { createRegistryClient } from './registry-client.js';
import { createScanSession } from './scan-session.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const mswFetch: FetchLike = (input, init) => globalThis.fetch(input, init);
const AUTH = 'https://auth.example.com/token';
const digestOf = (tag: string): string => `sha256:${createHash('sha256').update(tag).digest('hex')}`;

/** A bearer-protected registry with two repositories; counts requests by kind. */
function registry() {
  const seen = { tags: new Map<string, number>(), heads: new Map<string, number>(), tokens: 0 };
  const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  const challenge = (repo: string) =>
    new HttpResponse(null, { status: 401, headers: { 'WWW-Authenticate': `Bearer realm="${AUTH}",service="reg",scope="repository:${repo}:pull"` } });
  server.use(
    http.get(AUTH, ({ request }) => {
      seen.tokens++;
      return HttpResponse.json({ token: `t ${new URL(request.url).searchParams.get('scope')}`, expires_in: 3600 });
    }),
    http.get('https://reg.example.com/v2/:ns/:name/tags/list', async ({ request, params }) => {
      const repo = `${String(params['ns'])}/${String(params['name'])}`;
      if (request.headers.get('authorization') !== `Bearer t repository:${repo}:pull`) return challenge(repo);
      bump(seen.tags, repo);
      if (repo === 'team/gone') return HttpResponse.json({ errors: [{ code: 'NAME_UNKNOWN' }] }, { status: 404 });
      return HttpResponse.json({ name: repo, tags: ['1.0', '1.1', '2.0'] });
    }),
    http.head('https://reg.example.com/v2/:ns/:name/manifests/:tag', ({ request, params }) => {
      const repo = `${String(params['ns'])}/${String(params['name'])}`;
      if (request.headers.get('authorization') !== `Bearer t repository:${repo}:pull`) return challenge(repo);
      bump(seen.heads, `${repo}:${String(params['tag'])}`);
      return new HttpResponse(null, { headers: { 'Docker-Content-Digest': digestOf(String(params['tag'])), 'Content-Type': OCI_INDEX_MEDIA_TYPE } });
    }),
  );
  return seen;
}

describe('createScanSession', () => {
  it('fetches a repository tag list once for all the containers that use it, concurrent or not', async () => {
    const seen = registry();
    const client = createRegistryClient({ fetch: mswFetch, clock: createManualClock() });
    const session = createScanSession(client);
    const containers = [
      ...Array.from({ length: 20 }, (_, i) => `reg.example.com/team/app:1.${i % 2}`),
      ...Array.from({ length: 5 }, () => 'reg.example.com/team/db:2.0'),
    ];
    const lists = await Promise.all(containers.map((image) => session.listTags(image)));
    expect(lists.every((l) => l.join() === '1.0,1.1,2.0')).toBe(true);
    await session.listTags('reg.example.com/team/app:9'); // later in the same scan
    expect(Object.fromEntries(seen.tags)).toEqual({ 'team/app': 1, 'team/db': 1 });
    expect(client.stats().requests.tags).toBe(4); // per repository: one anonymous try and one with the token
  });

  it('fetches each tag digest once per scan and asks again in the next scan', async () => {
    const seen = registry();
    const client = createRegistryClient({ fetch: mswFetch, clock: createManualClock() });
    const first = createScanSession(client);
    const digests = await Promise.all(['1.0', '1.0', '1.0', '1.1'].map((t) => first.getDigest(`reg.example.com/team/app:${t}`)));
    expect(digests.map((d) => d.digest)).toEqual([digestOf('1.0'), digestOf('1.0'), digestOf('1.0'), digestOf('1.1')]);
    expect(Object.fromEntries(seen.heads)).toEqual({ 'team/app:1.0': 1, 'team/app:1.1': 1 });

    const second = createScanSession(client);
    await second.getDigest('reg.example.com/team/app:1.0');
    await second.listTags('reg.example.com/team/app');
    expect(seen.heads.get('team/app:1.0')).toBe(2);
    // The token outlives the scan: the second scan needed no new one.
    expect(seen.tokens).toBe(1);
  });

  it('shares one failure between the callers of a missing repository', async () => {
    const seen = registry();
    const session = createScanSession(createRegistryClient({ fetch: mswFetch, clock: createManualClock() }));
    const results = await Promise.allSettled([session.listTags('reg.example.com/team/gone:1'), session.listTags('reg.example.com/team/gone:2')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(results[0]?.status === 'rejected' && results[0].reason).toBeInstanceOf(NotFoundError);
    expect(seen.tags.get('team/gone')).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { UpstreamError, createManualClock, createMemoryOciRegistry } from '@sentinel-kit/core';
import type { FetchLike } from '@sentinel-kit/core';
import { listRegistryCatalog } from './registry-catalog.js';

const clock = createManualClock(0);
const image = [[{ path: 'etc/os-release', content: 'ID=alpine\n' }]];

describe('listRegistryCatalog', () => {
  it('follows Link pages and answers Basic challenges with the saved credentials', async () => {
    const oci = createMemoryOciRegistry({ host: 'registry.lan:5000', auth: { username: 'ci', password: 's3cret' }, catalogPageSize: 2 });
    for (const repo of ['a/one', 'a/two', 'b/three', 'c/four', 'd/five']) await oci.pushImage(repo, '1', { layers: image });
    const repos = await listRegistryCatalog('registry.lan:5000', { fetch: oci.fetch, clock, scheme: 'https', credentials: { username: 'ci', password: 's3cret' } });
    expect(repos).toEqual(['a/one', 'a/two', 'b/three', 'c/four', 'd/five']);
    // One challenge, then three pages with the credentials.
    expect(oci.requests()).toMatchObject({ catalog: 3, unauthorized: 1 });
    // Capped.
    expect(await listRegistryCatalog('registry.lan:5000', { fetch: oci.fetch, clock, scheme: 'https', credentials: { username: 'ci', password: 's3cret' }, maxRepositories: 3 })).toEqual([
      'a/one',
      'a/two',
      'b/three',
    ]);
    await expect(listRegistryCatalog('registry.lan:5000', { fetch: oci.fetch, clock, scheme: 'https' })).rejects.toThrow(/answered 401/);
  });

  it('fetches a bearer token for registry:catalog:* when challenged, over http for loopback registries', async () => {
    const seen: string[] = [];
    const fetch: FetchLike = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      const auth = new Headers(init?.headers).get('authorization');
      seen.push(`${url.protocol}//${url.host}${url.pathname}${url.search} ${auth ?? '-'}`);
      if (url.pathname === '/token') return Response.json({ token: 'tok-1' });
      if (auth !== 'Bearer tok-1') {
        return new Response('{}', { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://127.0.0.1:5000/token",service="local-registry"' } });
      }
      return Response.json({ repositories: ['team/app'] });
    };
    expect(await listRegistryCatalog('127.0.0.1:5000', { fetch, clock })).toEqual(['team/app']);
    expect(seen).toEqual([
      'http://127.0.0.1:5000/v2/_catalog?n=100 -',
      'http://127.0.0.1:5000/token?service=local-registry&scope=registry%3Acatalog%3A* -',
      'http://127.0.0.1:5000/v2/_catalog?n=100 Bearer tok-1',
    ]);
  });

  it('reports registries without a catalogue, malformed answers and links to other hosts as UpstreamError', async () => {
    const answer = (response: () => Response): FetchLike => async () => response();
    await expect(listRegistryCatalog('ghcr.io', { fetch: answer(() => new Response('{}', { status: 404 })), clock })).rejects.toBeInstanceOf(UpstreamError);
    await expect(listRegistryCatalog('ghcr.io', { fetch: answer(() => Response.json({ nope: true })), clock })).rejects.toThrow(/without a repositories list/);
    await expect(
      listRegistryCatalog('ghcr.io', { fetch: answer(() => Response.json({ repositories: ['x'] }, { headers: { link: '<https://evil.test/v2/_catalog?last=x>; rel="next"' } })), clock }),
    ).rejects.toThrow(/another host/);
    await expect(listRegistryCatalog('ghcr.io', { fetch: async () => Promise.reject(new TypeError('fetch failed')), clock })).rejects.toThrow(/catalog request to ghcr.io failed/);
  });
});

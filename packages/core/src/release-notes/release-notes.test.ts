import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { QueueItem } from '../contract/native.js';
import { createManualClock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import { createReleaseNotesResolver, enrichQueueWithReleaseNotes, releaseTagCandidates } from './release-notes.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// Resolved on every call so that msw's interception of the global fetch is always reached.
const mswFetch: FetchLike = (input, init) => globalThis.fetch(input, init);
const GH = 'https://api.github.com';

/** GitHub answering `releases/tags/{tag}` for the listed tags of one repository; counts requests. */
function github(repo: string, tags: string[]): { requests: string[] } {
  const requests: string[] = [];
  server.use(
    http.get(`${GH}/repos/:owner/:repo/releases/tags/:tag`, ({ params, request }) => {
      requests.push(`${String(params.owner)}/${String(params.repo)}@${String(params.tag)}`);
      expect(request.headers.get('accept')).toBe('application/vnd.github+json');
      if (`${String(params.owner)}/${String(params.repo)}` === repo && tags.includes(String(params.tag))) {
        return HttpResponse.json({ tag_name: params.tag, html_url: `https://github.com/${repo}/releases/tag/${String(params.tag)}` });
      }
      return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
    }),
  );
  return { requests };
}

const item = (name: string, image: string, target: string, kind: 'version' | 'digest' = 'version'): QueueItem => ({
  container_name: name,
  current_image: image,
  newer_versions: [target],
  resolved_current_version: '1.0.0',
  resolved_target_version: target,
  key: name,
  host_id: '',
  target_image: image.replace(/:[^:]+$/, `:${target}`),
  kind,
  detected_at: '2025-01-01T00:00:00.000Z',
});

describe('release notes resolver', () => {
  it('tries the version as written and with a v prefix', () => {
    expect(releaseTagCandidates('1.27.5')).toEqual(['1.27.5', 'v1.27.5']);
    expect(releaseTagCandidates('v2.0.0')).toEqual(['v2.0.0', '2.0.0']);
  });

  it('finds a release tagged v<version>, and caches found and missing answers', async () => {
    const gh = github('acme/app', ['v1.2.0']);
    const resolver = createReleaseNotesResolver({ fetch: mswFetch });
    expect(await resolver.lookup('acme/app', '1.2.0')).toBe('https://github.com/acme/app/releases/tag/v1.2.0');
    expect(await resolver.lookup('acme/app', '9.9.9')).toBeUndefined();
    expect(gh.requests).toEqual(['acme/app@1.2.0', 'acme/app@v1.2.0', 'acme/app@9.9.9', 'acme/app@v9.9.9']);
    expect(await resolver.lookup('acme/app', '1.2.0')).toBe('https://github.com/acme/app/releases/tag/v1.2.0');
    expect(await resolver.lookup('acme/app', '9.9.9')).toBeUndefined();
    expect(gh.requests).toHaveLength(4);
    expect(resolver.cached('acme/app', '9.9.9')).toBeNull();
  });

  it('shares one request between concurrent lookups and forgets answers after their TTL', async () => {
    const clock = createManualClock();
    const gh = github('acme/app', ['1.0.0']);
    const resolver = createReleaseNotesResolver({ fetch: mswFetch, clock, ttlMs: 60_000 });
    const [a, b] = await Promise.all([resolver.lookup('acme/app', '1.0.0'), resolver.lookup('acme/app', '1.0.0')]);
    expect(a).toBe('https://github.com/acme/app/releases/tag/1.0.0');
    expect(b).toBe(a);
    expect(gh.requests).toEqual(['acme/app@1.0.0']);
    clock.set(clock.now() + 61_000);
    expect(resolver.cached('acme/app', '1.0.0')).toBeUndefined();
    await resolver.lookup('acme/app', '1.0.0');
    expect(gh.requests).toHaveLength(2);
  });

  it('answers undefined when GitHub fails (rate limit) and sends the token', async () => {
    const seen: Array<string | null> = [];
    server.use(
      http.get(`${GH}/repos/:owner/:repo/releases/tags/:tag`, ({ request }) => {
        seen.push(request.headers.get('authorization'));
        return HttpResponse.json({ message: 'API rate limit exceeded' }, { status: 403 });
      }),
    );
    const resolver = createReleaseNotesResolver({ fetch: mswFetch, token: 'ghp_test' });
    expect(await resolver.lookup('acme/app', '1.0.0')).toBeUndefined();
    expect(seen[0]).toBe('Bearer ghp_test');
  });
});

describe('enrichQueueWithReleaseNotes', () => {
  it('adds URLs from mappings and from the OCI source label; leaves digest updates and unknown images alone', async () => {
    github('nginx/nginx', ['1.27.5']);
    server.use(
      http.get(`${GH}/repos/acme/web/releases/tags/:tag`, ({ params }) =>
        params.tag === 'v2.0.0' ? HttpResponse.json({ html_url: 'https://github.com/acme/web/releases/tag/v2.0.0' }) : HttpResponse.json({}, { status: 404 }),
      ),
    );
    const resolver = createReleaseNotesResolver({ fetch: mswFetch });
    const items = [item('nginx', 'nginx:1.27.4', '1.27.5'), item('web', 'registry.test/web:1.0.0', '2.0.0'), item('db', 'registry.test/db:1.0.0', '1.1.0'), item('cache', 'redis:7', 'sha256:x', 'digest')];
    const labels: Record<string, Record<string, string>> = { web: { 'org.opencontainers.image.source': 'https://github.com/acme/web' } };
    const out = await enrichQueueWithReleaseNotes(items, { resolver, sources: [{ image_pattern: 'nginx', github_repo: 'nginx/nginx' }], labelsOf: async (n) => labels[n] });
    expect(out.map((i) => [i.container_name, i.release_notes_url])).toEqual([
      ['nginx', 'https://github.com/nginx/nginx/releases/tag/1.27.5'],
      ['web', 'https://github.com/acme/web/releases/tag/v2.0.0'],
      ['db', undefined],
      ['cache', undefined],
    ]);
    // The input is not modified.
    expect(items[0]?.release_notes_url).toBeUndefined();
  });

  it('does not wait for a slow GitHub past waitMs, and the background lookup fills the cache', async () => {
    const clock = createManualClock();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const hit = new Promise<void>((r) => (reached = r));
    server.use(
      http.get(`${GH}/repos/acme/slow/releases/tags/:tag`, async () => {
        reached();
        await gate;
        return HttpResponse.json({ html_url: 'https://github.com/acme/slow/releases/tag/1.1.0' });
      }),
    );
    const resolver = createReleaseNotesResolver({ fetch: mswFetch, clock });
    const options = { resolver, sources: [{ image_pattern: '*slow', github_repo: 'acme/slow' }], labelsOf: async () => undefined, waitMs: 1500, clock };
    const pending = enrichQueueWithReleaseNotes([item('slow', 'registry.test/slow:1.0.0', '1.1.0')], options);
    await hit;
    await clock.advance(1500);
    expect((await pending)[0]?.release_notes_url).toBeUndefined();

    release();
    await resolver.idle();
    const again = await enrichQueueWithReleaseNotes([item('slow', 'registry.test/slow:1.0.0', '1.1.0')], options);
    expect(again[0]?.release_notes_url).toBe('https://github.com/acme/slow/releases/tag/1.1.0');
  });
});

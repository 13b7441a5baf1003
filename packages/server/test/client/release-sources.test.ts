import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { BadRequestError } from '@sentinel-kit/client';
import { seedWithVersions, setup } from './client-fixture.js';

// GitHub is the only host reached through the global fetch (the registry and the client use the fixture's own fetch).
const github = setupServer();
beforeAll(() => github.listen({ onUnhandledRequest: 'error' }));
afterEach(() => github.resetHandlers());
afterAll(() => github.close());

/** GitHub with releases for `repo` at the given tags; returns the tags asked for. */
function releases(repo: string, tags: string[]): string[] {
  const asked: string[] = [];
  github.use(
    http.get('https://api.github.com/repos/:owner/:repo/releases/tags/:tag', ({ params }) => {
      const name = `${String(params.owner)}/${String(params.repo)}`;
      asked.push(`${name}@${String(params.tag)}`);
      if (name === repo && tags.includes(String(params.tag))) return HttpResponse.json({ tag_name: params.tag, html_url: `https://github.com/${repo}/releases/tag/${String(params.tag)}` });
      return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
    }),
  );
  return asked;
}

describe('client.releaseSources', () => {
  it('list() is empty at first; replace() saves the mappings in order', async () => {
    const f = setup();
    expect(await f.client.releaseSources.list()).toEqual([]);
    const sources = [
      { image_pattern: 'registry.test/web*', github_repo: 'acme/web' },
      { image_pattern: 'nginx', github_repo: 'nginx/nginx' },
    ];
    expect(await f.client.releaseSources.replace(sources)).toEqual(sources);
    expect(await f.client.releaseSources.list()).toEqual(sources);
    expect(await f.client.releaseSources.replace([])).toEqual([]);
    expect(await f.client.releaseSources.list()).toEqual([]);
  });

  it('refuses bad mappings with 400 and keeps the saved ones', async () => {
    const f = setup();
    const saved = [{ image_pattern: 'nginx', github_repo: 'nginx/nginx' }];
    await f.client.releaseSources.replace(saved);
    const bad: unknown[] = [
      [{ image_pattern: 'nginx', github_repo: 'https://github.com/nginx/nginx' }],
      [{ image_pattern: 'has space', github_repo: 'a/b' }],
      [{ image_pattern: 'nginx', github_repo: 'a/b', note: 'extra' }],
      [
        { image_pattern: 'x', github_repo: 'a/b' },
        { image_pattern: 'x', github_repo: 'c/d' },
      ],
      { image_pattern: 'nginx', github_repo: 'nginx/nginx' },
    ];
    for (const body of bad) {
      await expect(f.client.request({ method: 'PUT', path: '/api/release-sources', json: body })).rejects.toBeInstanceOf(BadRequestError);
    }
    expect(await f.client.releaseSources.list()).toEqual(saved);
  });
});

describe('release notes in client.queue.list()', () => {
  it('adds release_notes_url from a mapping (v-prefixed tag) and from the OCI source label', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    seedWithVersions(f, 'db', 'db', ['2.0.0', '2.1.0'], { 'sentinel.policy': 'manual', 'org.opencontainers.image.source': 'https://github.com/acme/db' });
    seedWithVersions(f, 'cache', 'cache', ['3.0.0', '3.0.1'], { 'sentinel.policy': 'manual' });
    await f.client.releaseSources.replace([{ image_pattern: 'registry.test/web', github_repo: 'acme/web' }]);
    const asked = releases('acme/web', ['v1.1.0']);
    github.use(http.get('https://api.github.com/repos/acme/db/releases/tags/:tag', ({ params }) => (params.tag === '2.1.0' ? HttpResponse.json({ html_url: 'https://github.com/acme/db/releases/tag/2.1.0' }) : HttpResponse.json({}, { status: 404 }))));
    await f.client.scan();
    await f.sentinel.idle();

    const byName = new Map((await f.client.queue.list()).map((q) => [q.container_name, q]));
    expect(byName.get('web')?.release_notes_url).toBe('https://github.com/acme/web/releases/tag/v1.1.0');
    expect(byName.get('db')?.release_notes_url).toBe('https://github.com/acme/db/releases/tag/2.1.0');
    expect(byName.get('cache')?.release_notes_url).toBeUndefined();
    expect(byName.get('cache')).toBeDefined();
    expect(asked).toEqual(['acme/web@1.1.0', 'acme/web@v1.1.0']);

    // Answers are cached: listing again asks GitHub nothing.
    await f.client.queue.list();
    expect(asked).toHaveLength(2);
    // The count stays the lightweight call it is documented to be.
    expect(await f.client.queue.count()).toBe(3);
  });

  it('leaves the URL out when GitHub fails, without failing the queue', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    await f.client.releaseSources.replace([{ image_pattern: '*web', github_repo: 'acme/web' }]);
    github.use(http.get('https://api.github.com/repos/:owner/:repo/releases/tags/:tag', () => HttpResponse.json({ message: 'API rate limit exceeded' }, { status: 403 })));
    await f.client.scan();
    await f.sentinel.idle();
    const [item] = await f.client.queue.list();
    expect(item).toMatchObject({ container_name: 'web', resolved_target_version: '1.1.0' });
    expect(item?.release_notes_url).toBeUndefined();
  });
});

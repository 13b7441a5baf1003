import { describe, expect, it } from 'vitest';
import { InvalidError } from '../errors/index.js';
import { createMemoryStorage } from '../storage/memory-storage.js';
import { createReleaseSourceStore, githubRepoFromSourceUrl, globToRegExp, matchReleaseSource, releaseRepoFor } from './release-sources.js';

describe('release sources', () => {
  it('matches globs against the familiar, repository and full names of an image', () => {
    const sources = [
      { image_pattern: 'linuxserver/*', github_repo: 'linuxserver/docker-generic' },
      { image_pattern: 'nginx', github_repo: 'nginx/nginx' },
      { image_pattern: 'ghcr.io/acme/*', github_repo: 'acme/platform' },
      { image_pattern: 'registry.test/team/ap?', github_repo: 'team/app' },
    ];
    expect(matchReleaseSource('nginx:1.27.4', sources)).toBe('nginx/nginx');
    expect(matchReleaseSource('docker.io/library/nginx:1.27.4', sources)).toBe('nginx/nginx');
    expect(matchReleaseSource('lscr.io/linuxserver/sonarr:4.0.0', sources)).toBe('linuxserver/docker-generic');
    expect(matchReleaseSource('ghcr.io/acme/api/server:v2', sources)).toBe('acme/platform');
    expect(matchReleaseSource('registry.test/team/app:1.0.0', sources)).toBe('team/app');
    expect(matchReleaseSource('registry.test/team/apps:1.0.0', sources)).toBeUndefined();
    expect(matchReleaseSource('redis:7', sources)).toBeUndefined();
  });

  it('escapes everything but the wildcards', () => {
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('a.b').test('A.B')).toBe(true);
  });

  it('reads GitHub repositories from OCI source URLs', () => {
    expect(githubRepoFromSourceUrl('https://github.com/nginx/nginx')).toBe('nginx/nginx');
    expect(githubRepoFromSourceUrl('https://github.com/acme/app.git')).toBe('acme/app');
    expect(githubRepoFromSourceUrl('git@github.com:acme/app.git')).toBe('acme/app');
    expect(githubRepoFromSourceUrl('https://github.com/acme/app/tree/main/docker')).toBe('acme/app');
    expect(githubRepoFromSourceUrl('https://gitlab.com/acme/app')).toBeUndefined();
    expect(githubRepoFromSourceUrl('https://github.com/acme')).toBeUndefined();
  });

  it('prefers a mapping over the OCI label, and uses the label when nothing maps', () => {
    const labels = { 'org.opencontainers.image.source': 'https://github.com/acme/web' };
    expect(releaseRepoFor('registry.test/web:1.0.0', [{ image_pattern: '*web', github_repo: 'acme/web-mapped' }], labels)).toBe('acme/web-mapped');
    expect(releaseRepoFor('registry.test/web:1.0.0', [], labels)).toBe('acme/web');
    expect(releaseRepoFor('registry.test/web:1.0.0', [], {})).toBeUndefined();
  });

  it('stores a validated list and refuses bad input without changing it', async () => {
    const store = createReleaseSourceStore(createMemoryStorage());
    expect(await store.list()).toEqual([]);
    const saved = await store.replace([{ image_pattern: 'nginx*', github_repo: 'nginx/nginx' }]);
    expect(saved).toEqual([{ image_pattern: 'nginx*', github_repo: 'nginx/nginx' }]);
    for (const bad of [
      [{ image_pattern: 'nginx', github_repo: 'not a repo' }],
      [{ image_pattern: '', github_repo: 'a/b' }],
      [{ image_pattern: 'x y', github_repo: 'a/b' }],
      [{ image_pattern: 'a', github_repo: 'a/b', extra: true }],
      [
        { image_pattern: 'dup', github_repo: 'a/b' },
        { image_pattern: 'DUP', github_repo: 'c/d' },
      ],
      { image_pattern: 'a', github_repo: 'a/b' },
    ]) {
      await expect(store.replace(bad)).rejects.toBeInstanceOf(InvalidError);
    }
    expect(await store.list()).toEqual([{ image_pattern: 'nginx*', github_repo: 'nginx/nginx' }]);
  });
});

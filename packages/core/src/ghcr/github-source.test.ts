import { describe, expect, it } from 'vitest';
import { ghcrRepositoryCandidates, githubRepositoryFromSource } from './github-source.js';

describe('githubRepositoryFromSource', () => {
  it('reads the forms image builders write', () => {
    const expected = { owner: 'linuxserver', repo: 'docker-sonarr', url: 'https://github.com/linuxserver/docker-sonarr' };
    for (const source of [
      'https://github.com/linuxserver/docker-sonarr',
      'https://github.com/linuxserver/docker-sonarr.git',
      'https://github.com/linuxserver/docker-sonarr/tree/main/root',
      'git@github.com:linuxserver/docker-sonarr.git',
      'git+https://github.com/linuxserver/docker-sonarr',
      'github.com/linuxserver/docker-sonarr',
      ' https://www.github.com/linuxserver/docker-sonarr/ ',
    ]) {
      expect(githubRepositoryFromSource(source), source).toEqual(expected);
    }
  });

  it('is undefined for other hosts and malformed owners or repositories', () => {
    for (const source of [
      'https://gitlab.com/org/repo',
      'https://github.com.evil.com/org/repo',
      'https://github.com/org',
      'https://github.com/-bad/repo',
      'https://github.com/org/re po',
      'javascript:alert(1)',
      '',
    ]) {
      expect(githubRepositoryFromSource(source), source).toBeUndefined();
    }
  });
});

describe('ghcrRepositoryCandidates', () => {
  it('tries the repository, the Docker Hub name and the name without docker-, lowercased and without duplicates', () => {
    const source = { owner: 'LinuxServer', repo: 'docker-Sonarr', url: '' };
    expect(ghcrRepositoryCandidates(source, 'linuxserver/sonarr')).toEqual(['linuxserver/docker-sonarr', 'linuxserver/sonarr']);
    expect(ghcrRepositoryCandidates({ owner: 'traefik', repo: 'traefik', url: '' }, 'library/traefik')).toEqual(['traefik/traefik']);
  });

  it('leaves out names ghcr.io cannot hold', () => {
    expect(ghcrRepositoryCandidates({ owner: 'org', repo: '.hidden', url: '' }, 'org/app')).toEqual(['org/app']);
  });
});

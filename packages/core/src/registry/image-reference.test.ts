import { describe, expect, it } from 'vitest';
import { InvalidError } from '../errors/index.js';
import { formatReference, parseImageReference } from './image-reference.js';

const D = `sha256:${'a1'.repeat(32)}`;

describe('parseImageReference', () => {
  it.each([
    ['nginx', 'docker.io', 'registry-1.docker.io', 'library/nginx', 'latest', undefined, 'nginx:latest'],
    ['nginx:1.27-alpine', 'docker.io', 'registry-1.docker.io', 'library/nginx', '1.27-alpine', undefined, 'nginx:1.27-alpine'],
    ['user/app:1.2', 'docker.io', 'registry-1.docker.io', 'user/app', '1.2', undefined, 'user/app:1.2'],
    ['docker.io/library/redis:7', 'docker.io', 'registry-1.docker.io', 'library/redis', '7', undefined, 'redis:7'],
    ['docker.io/redis', 'docker.io', 'registry-1.docker.io', 'library/redis', 'latest', undefined, 'redis:latest'],
    ['index.docker.io/user/app', 'docker.io', 'registry-1.docker.io', 'user/app', 'latest', undefined, 'user/app:latest'],
    ['ghcr.io/org/app:v1', 'ghcr.io', 'ghcr.io', 'org/app', 'v1', undefined, 'ghcr.io/org/app:v1'],
    ['127.0.0.1:5000/team/app:1.0.0', '127.0.0.1:5000', '127.0.0.1:5000', 'team/app', '1.0.0', undefined, '127.0.0.1:5000/team/app:1.0.0'],
    ['localhost:5000/app', 'localhost:5000', 'localhost:5000', 'app', 'latest', undefined, 'localhost:5000/app:latest'],
    ['localhost/app', 'localhost', 'localhost', 'app', 'latest', undefined, 'localhost/app:latest'],
    ['registry.example.com:8443/a/b/c:tag', 'registry.example.com:8443', 'registry.example.com:8443', 'a/b/c', 'tag', undefined, 'registry.example.com:8443/a/b/c:tag'],
    ['[::1]:5000/app:2', '[::1]:5000', '[::1]:5000', 'app', '2', undefined, '[::1]:5000/app:2'],
    [`redis@${D}`, 'docker.io', 'registry-1.docker.io', 'library/redis', undefined, D, `redis@${D}`],
    [`ghcr.io/org/app:v1@${D}`, 'ghcr.io', 'ghcr.io', 'org/app', 'v1', D, `ghcr.io/org/app:v1@${D}`],
    ['quay.io/my_org/my-app.web__x:1', 'quay.io', 'quay.io', 'my_org/my-app.web__x', '1', undefined, 'quay.io/my_org/my-app.web__x:1'],
  ])('%s', (input, registry, apiHost, repository, tag, digest, familiar) => {
    const ref = parseImageReference(input);
    expect(ref).toMatchObject({ registry, apiHost, repository, tag, digest, familiar });
  });

  it('gives the familiar name without tag or digest', () => {
    expect(parseImageReference('nginx:1').familiarName).toBe('nginx');
    expect(parseImageReference('docker.io/user/app:1').familiarName).toBe('user/app');
    expect(parseImageReference('docker.io/library/a/b').familiarName).toBe('library/a/b');
    expect(parseImageReference('ghcr.io/org/app').familiarName).toBe('ghcr.io/org/app');
  });

  it.each([
    ['', 'empty'],
    ['Nginx', 'uppercase repository'],
    ['ghcr.io/Org/app', 'uppercase repository path'],
    ['nginx:', 'empty tag'],
    [':latest', 'no name'],
    ['ghcr.io/', 'no repository'],
    ['nginx:bad tag', 'whitespace'],
    [' nginx', 'leading space'],
    ['nginx:-x', 'tag may not start with a dash'],
    [`nginx:${'a'.repeat(129)}`, 'tag too long'],
    ['a//b', 'empty path component'],
    ['a/b_', 'trailing separator'],
    ['a/-b', 'leading separator'],
    ['a/b___c', 'three underscores'],
    ['nginx@sha256:abc', 'short digest'],
    [`nginx@sha256:${'A1'.repeat(32)}`, 'uppercase digest'],
    [`nginx@md5:${'a1'.repeat(32)}`, 'unknown algorithm'],
    ['a1'.repeat(32), 'image id'],
    ['http://ghcr.io/org/app', 'URL'],
    [`ghcr.io/${'a'.repeat(250)}`, 'name too long'],
    ['reg-.example.com/app', 'bad host'],
  ])('rejects %j (%s)', (input) => {
    expect(() => parseImageReference(input)).toThrow(InvalidError);
  });
});

describe('formatReference', () => {
  it('round-trips familiar references', () => {
    for (const s of ['nginx:1.27', 'user/app:1.2', 'ghcr.io/org/app:v1', `redis@${D}`, `localhost:5000/app:1@${D}`]) {
      expect(formatReference(parseImageReference(s))).toBe(s);
    }
  });

  it('builds the same image at another tag', () => {
    expect(formatReference({ ...parseImageReference('nginx:1.25'), tag: '1.27' })).toBe('nginx:1.27');
    expect(formatReference({ registry: 'ghcr.io', repository: 'org/app', tag: 'v2' })).toBe('ghcr.io/org/app:v2');
  });

  it('spells everything out on request', () => {
    expect(formatReference(parseImageReference('nginx'), { familiar: false })).toBe('docker.io/library/nginx:latest');
    expect(formatReference(parseImageReference('user/app:1'), { familiar: false })).toBe('docker.io/user/app:1');
  });
});

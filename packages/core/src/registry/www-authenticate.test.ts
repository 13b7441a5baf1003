import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from './www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('reads a Docker Hub bearer challenge', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } },
    ]);
  });

  it('keeps commas, equals signs and escaped quotes inside quoted values', () => {
    const [c] = parseWwwAuthenticate('Bearer realm="https://a.example/token?x=1,y=2", scope="repository:a/b:pull,push", error="say \\"hi\\""');
    expect(c?.params).toEqual({ realm: 'https://a.example/token?x=1,y=2', scope: 'repository:a/b:pull,push', error: 'say "hi"' });
  });

  it('accepts unquoted values, spaces around = and mixed-case names', () => {
    const [c] = parseWwwAuthenticate('BASIC  Realm = registry ,  charset="UTF-8"');
    expect(c).toEqual({ scheme: 'basic', params: { realm: 'registry', charset: 'UTF-8' } });
  });

  it('splits several challenges in one header', () => {
    const got = parseWwwAuthenticate('Bearer realm="https://t.example/token",service="reg", Basic realm="Registry Realm"');
    expect(got.map((c) => c.scheme)).toEqual(['bearer', 'basic']);
    expect(got[1]?.params['realm']).toBe('Registry Realm');
  });

  it('reads a token68 challenge and a bare scheme', () => {
    expect(parseWwwAuthenticate('Negotiate abc+/def==')).toEqual([{ scheme: 'negotiate', params: { token68: 'abc+/def==' } }]);
    expect(parseWwwAuthenticate('Basic')).toEqual([{ scheme: 'basic', params: {} }]);
  });

  it('returns nothing for an empty or unreadable header', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('   ,, ')).toEqual([]);
  });
});

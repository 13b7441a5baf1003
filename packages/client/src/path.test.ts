import { describe, expect, it } from 'vitest';
import { path } from './path.js';

describe('path', () => {
  it('percent-encodes every parameter as a single segment', () => {
    expect(path`/api/containers/${'web'}/logs`).toBe('/api/containers/web/logs');
    expect(path`/api/approve/${'edge-1::web'}`).toBe('/api/approve/edge-1%3A%3Aweb');
    expect(path`/api/containers/${'../stats'}`).toBe('/api/containers/..%2Fstats');
    expect(path`/a/${'x y?z#w&v'}/b/${42}`).toBe('/a/x%20y%3Fz%23w%26v/b/42');
  });

  it('keeps the segment through URL parsing, so the server decodes the original value', () => {
    const url = new URL(`http://h${path`/api/approve/${'edge-1::web'}`}`);
    expect(url.pathname).toBe('/api/approve/edge-1%3A%3Aweb');
    expect(decodeURIComponent(url.pathname.split('/')[3] ?? '')).toBe('edge-1::web');
  });

  it('refuses values that URL normalisation would turn into another path', () => {
    expect(() => path`/api/containers/${'..'}`).toThrow(TypeError);
    expect(() => path`/api/containers/${'.'}/logs`).toThrow(TypeError);
    expect(() => path`/api/containers/${''}/logs`).toThrow(TypeError);
  });
});

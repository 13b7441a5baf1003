import { describe, expect, it } from 'vitest';
import { compileScanFilters, validateScanFilters } from './scan-filters.js';

describe('scan filters', () => {
  it('excludes matching names; the last matching pattern wins and "!" includes again', () => {
    const excluded = compileScanFilters(['test-*', '!test-keep', 'db?']);
    expect(['test-a', 'test-keep', 'web', 'db1', 'db12', 'mytest-a'].filter(excluded)).toEqual(['test-a', 'db1']);
    expect(compileScanFilters([])('anything')).toBe(false);
    // Dots are literal, not "any character".
    expect(compileScanFilters(['a.b'])('axb')).toBe(false);
  });

  it('refuses patterns with characters container names cannot have', () => {
    expect(validateScanFilters([' web-* '])).toEqual(['web-*']);
    for (const bad of ['a/b', '', '!', 'x y', '(.*)']) expect(() => validateScanFilters([bad]), bad).toThrow(/invalid filter pattern/);
  });
});

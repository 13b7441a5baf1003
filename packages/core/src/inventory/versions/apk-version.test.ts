import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareApkVersions } from './apk-version.js';

// apk-tools test/version.data, verbatim (fixtures/apk-version.data): "a op b  # comment".
const vectors = readFileSync(new URL('../fixtures/apk-version.data', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter((line) => line !== '')
  .map((line) => line.split(/\s+/) as [string, string, string]);

const EXPECTED: Record<string, number> = { '<': -1, '=': 0, '>': 1 };

describe('compareApkVersions', () => {
  it('reads every vector of apk-tools test/version.data', () => {
    expect(vectors.length).toBeGreaterThan(700);
  });

  it.each(vectors)('%s %s %s', (a, op, b) => {
    expect(compareApkVersions(a, b)).toBe(EXPECTED[op]);
    expect(compareApkVersions(b, a)).toBe(-(EXPECTED[op] as number) || 0);
  });

  it('orders the suffixes alpha < beta < pre < rc < (none) < p, and revisions last', () => {
    const versions = ['1.0-r1', '1.0_p1', '1.0', '1.0_rc1', '1.0_pre1', '1.0_beta1', '1.0_alpha1'];
    expect([...versions].sort(compareApkVersions)).toEqual(['1.0_alpha1', '1.0_beta1', '1.0_pre1', '1.0_rc1', '1.0', '1.0-r1', '1.0_p1']);
  });
});

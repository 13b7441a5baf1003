import { describe, expect, it } from 'vitest';
import { compareRpmFragment, compareRpmVersions } from './rpm-version.js';

// rpm's tests/rpmvercmp.at, RPMVERCMP(a, b, expected), in file order.
const RPMVERCMP = `
1.0 1.0 0
1.0 2.0 -1
2.0 1.0 1
2.0.1 2.0.1 0
2.0 2.0.1 -1
2.0.1 2.0 1
2.0.1a 2.0.1a 0
2.0.1a 2.0.1 1
2.0.1 2.0.1a -1
5.5p1 5.5p1 0
5.5p1 5.5p2 -1
5.5p2 5.5p1 1
5.5p10 5.5p10 0
5.5p1 5.5p10 -1
5.5p10 5.5p1 1
10xyz 10.1xyz -1
10.1xyz 10xyz 1
xyz10 xyz10 0
xyz10 xyz10.1 -1
xyz10.1 xyz10 1
xyz.4 xyz.4 0
xyz.4 8 -1
8 xyz.4 1
xyz.4 2 -1
2 xyz.4 1
5.5p2 5.6p1 -1
5.6p1 5.5p2 1
5.6p1 6.5p1 -1
6.5p1 5.6p1 1
6.0.rc1 6.0 1
6.0 6.0.rc1 -1
10b2 10a1 1
10a2 10b2 -1
1.0aa 1.0aa 0
1.0a 1.0aa -1
1.0aa 1.0a 1
10.0001 10.0001 0
10.0001 10.1 0
10.1 10.0001 0
10.0001 10.0039 -1
10.0039 10.0001 1
4.999.9 5.0 -1
5.0 4.999.9 1
20101121 20101121 0
20101121 20101122 -1
20101122 20101121 1
2_0 2_0 0
2.0 2_0 0
2_0 2.0 0
a a 0
a+ a+ 0
a+ a_ 0
a_ a+ 0
+a +a 0
+a _a 0
_a +a 0
+_ +_ 0
_+ +_ 0
_+ _+ 0
+ _ 0
_ + 0
1.0~rc1 1.0~rc1 0
1.0~rc1 1.0 -1
1.0 1.0~rc1 1
1.0~rc1 1.0~rc2 -1
1.0~rc2 1.0~rc1 1
1.0~rc1~git123 1.0~rc1~git123 0
1.0~rc1~git123 1.0~rc1 -1
1.0~rc1 1.0~rc1~git123 1
`
  .trim()
  .split('\n')
  .map((line) => line.split(' ') as [string, string, string]);

describe('compareRpmFragment (rpmvercmp)', () => {
  it.each(RPMVERCMP)('rpmvercmp(%s, %s) = %s', (a, b, expected) => {
    expect(compareRpmFragment(a, b)).toBe(Number(expected));
  });

  it('sorts a caret after the base version but before the next one (rpm ≥ 4.15)', () => {
    expect(compareRpmFragment('1.0^git1', '1.0')).toBe(1);
    expect(compareRpmFragment('1.0^git1', '1.0.1')).toBe(-1);
    expect(compareRpmFragment('1.0^git1', '1.0^git2')).toBe(-1);
  });
});

describe('compareRpmVersions', () => {
  it('compares epoch first, then version, then release', () => {
    expect(compareRpmVersions('1:1.0-1', '2.0-1')).toBe(1);
    expect(compareRpmVersions('1.1.1k-7.el8_6', '1.1.1k-12.el8_9')).toBe(-1);
    expect(compareRpmVersions('1.1.1k-7.el8_6', '1.1.1l-1.el8')).toBe(-1);
  });

  it('ignores the release when only one side has one (an upstream bound)', () => {
    expect(compareRpmVersions('1.1.1k-7.el8_6', '1.1.1k')).toBe(0);
    expect(compareRpmVersions('3.0.7-27.el9', '3.0.8')).toBe(-1);
  });
});

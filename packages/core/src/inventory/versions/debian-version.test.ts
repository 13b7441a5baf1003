import { describe, expect, it } from 'vitest';
import { compareDebianFragment, compareDebianVersions, parseDebianVersion } from './debian-version.js';
import { compareVersions } from './version-scheme.js';

// dpkg's own vectors: scripts/t/Dpkg_Version.t (__DATA__: a b expected).
const DPKG_VECTORS = `
1.0-1 2.0-2 -1
2.2~rc-4 2.2-1 -1
2.2-1 2.2~rc-4 1
1.0000-1 1.0-1 0
1 0:1 0
0 0:0-0 0
2:2.5 1:7.5 1
1:foo foo 1
0:foo foo 0
foo foo 0
foo- foo 0
foo- foo-0 0
foo fo 1
foo- foo+ -1
foo~1 foo -1
foo~foo+Bar foo~foo+bar -1
foo~~ foo~ -1
1~ 1 -1
12345+that-really-is-some-ver-0 12345+that-really-is-some-ver-10 -1
foo-0 foo-01 -1
foo.bar foobar 1
foo.bar foo1bar 1
foo.bar foo0bar 1
1foo-1 foo-1 -1
foo2.0 foo2 1
foo2.0.0 foo2.10.0 -1
foo2.0 foo2.0.0 -1
foo2.0 foo2.10 -1
foo2.1 foo2.10 -1
1.09 1.9 0
1.0.8+nmu1 1.0.8 1
3.11 3.10+nmu1 1
0.9j-20080306-4 0.9i-20070324-2 1
1.2.0~b7-1 1.2.0~b6-1 1
1.011-1 1.06-2 1
0.0.9+dfsg1-1 0.0.8+dfsg1-3 1
4.6.99+svn6582-1 4.6.99+svn6496-1 1
53 52 1
0.9.9~pre122-1 0.9.9~pre111-1 1
2:2.3.2-2+lenny2 2:2.3.2-2 1
1:3.8.1-1 3.8.GA-1 1
1.0.1+gpl-1 1.0.1-2 1
1a 1000a -1
`
  .trim()
  .split('\n')
  .map((line) => line.split(' ') as [string, string, string]);

describe('compareDebianVersions', () => {
  it.each(DPKG_VECTORS)('dpkg vector: %s vs %s = %s', (a, b, expected) => {
    expect(compareDebianVersions(a, b)).toBe(Number(expected));
    // The relation must be antisymmetric, or sorting is meaningless.
    expect(compareDebianVersions(b, a)).toBe(-Number(expected) || 0);
  });

  it('follows lib/dpkg/t/t-version.c: epoch, upstream and revision each decide', () => {
    expect(compareDebianVersions('0:0-0', '1:0-0')).toBe(-1);
    expect(compareDebianVersions('0:a-0', '0:b-0')).toBe(-1);
    expect(compareDebianVersions('0:0-a', '0:0-b')).toBe(-1);
    expect(compareDebianVersions('0:0-00', '0:00-0')).toBe(0);
    expect(compareDebianVersions('1:2-3', '1:2-3')).toBe(0);
    // Leading and trailing whitespace is ignored.
    expect(compareDebianVersions('  \t0:0-1', '0:0-1')).toBe(0);
    expect(compareDebianVersions('0:0-1\t  ', '0:0-1')).toBe(0);
  });

  it('splits on the first colon and the last hyphen (t-version.c parse tests)', () => {
    expect(parseDebianVersion('0:0-0-0')).toEqual({ epoch: 0, upstream: '0-0', revision: '0' });
    expect(parseDebianVersion('0:0:0-0')).toEqual({ epoch: 0, upstream: '0:0', revision: '0' });
    expect(parseDebianVersion('0:0-0:0-0')).toEqual({ epoch: 0, upstream: '0-0:0', revision: '0' });
    expect(parseDebianVersion('0:09azAZ.-+~:-0')).toEqual({ epoch: 0, upstream: '09azAZ.-+~:', revision: '0' });
    expect(parseDebianVersion('5:1')).toEqual({ epoch: 5, upstream: '1', revision: '' });
  });

  it('sorts tilde before the end of a part, as Debian Policy §5.6.12 orders "~~ ~~a ~ (empty) a"', () => {
    const parts = ['a', '', '~', '~~a', '~~'];
    expect([...parts].sort(compareDebianFragment)).toEqual(['~~', '~~a', '~', '', 'a']);
  });

  it('orders a realistic security-update sequence', () => {
    const versions = ['3.0.11-1~deb12u2', '3.0.11-1~deb12u1', '3.0.9-1', '3.0.11-1', '1:1.0-1'];
    expect([...versions].sort((a, b) => compareVersions('deb', a, b))).toEqual([
      '3.0.9-1',
      '3.0.11-1~deb12u1',
      '3.0.11-1~deb12u2',
      '3.0.11-1',
      '1:1.0-1',
    ]);
  });
});

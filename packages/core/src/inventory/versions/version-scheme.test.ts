import { describe, expect, it } from 'vitest';
import { compareGenericVersions } from './generic-version.js';
import { inVersionRange } from './version-range.js';
import { compareVersions, detectScheme, schemeForEcosystem, upstreamVersion } from './version-scheme.js';

describe('compareVersions("semver")', () => {
  it('follows SemVer 2.0 §11 precedence', () => {
    // The example chain of semver.org §11.
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let i = 1; i < chain.length; i++) expect(compareVersions('semver', chain[i - 1] as string, chain[i] as string)).toBe(-1);
    expect(compareVersions('semver', '1.0.0', '2.0.0')).toBe(-1);
    expect(compareVersions('semver', '2.1.0', '2.1.1')).toBe(-1);
    // Build metadata does not take part in precedence.
    expect(compareVersions('semver', '1.0.0+20130313144700', '1.0.0')).toBe(0);
    expect(compareVersions('semver', 'v1.2.3', '1.2.3')).toBe(0);
  });

  it('falls back to the generic order for versions outside SemVer', () => {
    expect(compareVersions('semver', '1.2', '1.10')).toBe(-1);
    expect(compareVersions('semver', '2024.1', '2023.12.1')).toBe(1);
  });
});

describe('compareGenericVersions', () => {
  it.each([
    ['1.0.1f', '1.0.1g', -1],
    ['1.0.1', '1.0.1a', -1],
    ['1.0.2', '1.0.1zz', 1],
    ['2.0', '2.0.0', 0],
    ['2.0.0rc1', '2.0', -1],
    ['2.0.0-rc1', '2.0.0', -1],
    ['2.0.0-beta1', '2.0.0-rc1', -1],
    ['1.0a1', '1.0', -1],
    ['1.10', '1.9', 1],
    ['17.6.5', '17.6.10', -1],
    ['2.7.2', '2.7.2_1', -1],
    ['V1.2', '1.2', 0],
    ['1.0.0.Final', '1.0.0.Final', 0],
  ] as const)('%s vs %s = %i', (a, b, expected) => {
    expect(compareGenericVersions(a, b)).toBe(expected);
    expect(compareGenericVersions(b, a)).toBe(-expected || 0);
  });

  it('never throws and stays antisymmetric on arbitrary input', () => {
    const alphabet = ['0', '1', '9', '.', '-', '_', '~', '+', ':', 'a', 'b', 'rc', 'alpha', 'Z', ' ', 'é', '*'];
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const make = (): string =>
      Array.from({ length: Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 2000; i++) {
      const a = make();
      const b = make();
      for (const scheme of ['generic', 'semver', 'deb', 'rpm', 'apk', 'no-such-scheme']) {
        const forward = compareVersions(scheme, a, b);
        expect([-1, 0, 1]).toContain(forward);
        if (scheme !== 'apk') expect(compareVersions(scheme, b, a)).toBe(-forward || 0);
      }
    }
  });
});

describe('detectScheme', () => {
  it('reads the package URL type first', () => {
    expect(detectScheme({ purl: 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64', package_type: 'npm' })).toBe('deb');
    expect(detectScheme({ purl: 'pkg:rpm/redhat/openssl@1.1.1k-7.el8_6' })).toBe('rpm');
    expect(detectScheme({ purl: 'pkg:apk/alpine/busybox@1.36.1-r15' })).toBe('apk');
    expect(detectScheme({ purl: 'pkg:npm/lodash@4.17.20' })).toBe('semver');
    expect(detectScheme({ purl: 'pkg:pypi/django@4.2.1' })).toBe('generic');
  });

  it('then the package type, the ecosystem, the OS family and the CPE target_sw', () => {
    expect(detectScheme({ package_type: 'dpkg' })).toBe('deb');
    expect(detectScheme({ ecosystem: 'Alpine:v3.18' })).toBe('apk');
    expect(detectScheme({ os_family: 'Ubuntu 22.04.3 LTS' })).toBe('deb');
    expect(detectScheme({ os_family: 'Rocky Linux 9.2' })).toBe('rpm');
    expect(detectScheme({ cpe: 'cpe:2.3:a:lodash:lodash:4.17.20:*:*:*:*:node.js:*:*' })).toBe('semver');
    expect(detectScheme({ os_family: 'FreeBSD 14.0-RELEASE' })).toBe('generic');
    expect(detectScheme({})).toBe('generic');
  });

  it('maps OSV ecosystems', () => {
    expect(schemeForEcosystem('Debian:12')).toBe('deb');
    expect(schemeForEcosystem('Red Hat:rhel_aus:8.4::appstream')).toBe('rpm');
    expect(schemeForEcosystem('crates.io')).toBe('semver');
    expect(schemeForEcosystem('PyPI')).toBe('generic');
  });
});

describe('upstreamVersion and inVersionRange', () => {
  it('strips distribution epochs and revisions', () => {
    expect(upstreamVersion('deb', '1:2.4.57-2+deb12u1')).toBe('2.4.57');
    expect(upstreamVersion('rpm', '1:1.1.1k-7.el8_6')).toBe('1.1.1k');
    expect(upstreamVersion('apk', '3.1.4-r0')).toBe('3.1.4');
    expect(upstreamVersion('semver', 'v1.2.3')).toBe('1.2.3');
  });

  it('applies including and excluding bounds', () => {
    const log4j = { versionStartIncluding: '2.13.0', versionEndExcluding: '2.15.0' };
    expect(inVersionRange('generic', '2.14.1', log4j)).toBe(true);
    expect(inVersionRange('generic', '2.13.0', log4j)).toBe(true);
    expect(inVersionRange('generic', '2.15.0', log4j)).toBe(false);
    expect(inVersionRange('generic', '2.12.4', log4j)).toBe(false);
    expect(inVersionRange('generic', '1.0.1f', { versionStartExcluding: '1.0.0', versionEndIncluding: '1.0.1f' })).toBe(true);
    expect(inVersionRange('generic', '1.0.0', { versionStartExcluding: '1.0.0' })).toBe(false);
    expect(inVersionRange('generic', 'anything', {})).toBe(true);
  });
});

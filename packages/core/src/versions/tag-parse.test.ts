import { describe, expect, it } from 'vitest';
import { isIgnoredTag, isVersionTag, parseTag } from './index.js';

describe('parseTag', () => {
  it('splits numbers, variant and kind', () => {
    expect(parseTag('1.27.4-alpine')).toMatchObject({
      raw: '1.27.4-alpine',
      kind: 'semver',
      prefix: '',
      numbers: [1, 27, 4],
      variant: 'alpine',
      prerelease: undefined,
      build: undefined,
    });
  });

  it('keeps a versioned distro and multi-word variants whole', () => {
    expect(parseTag('16.2-alpine3.19')).toMatchObject({ numbers: [16, 2], variant: 'alpine3.19' });
    expect(parseTag('20.11.1-bookworm-slim')).toMatchObject({ numbers: [20, 11, 1], variant: 'bookworm-slim' });
    expect(parseTag('1.25.3-alpine3.18-perl')).toMatchObject({ numbers: [1, 25, 3], variant: 'alpine3.18-perl' });
  });

  it('drops leading zeros', () => {
    expect(parseTag('1.2.03')?.numbers).toEqual([1, 2, 3]);
    expect(parseTag('2026.04.0')?.numbers).toEqual([2026, 4, 0]);
  });

  it('records a v or word prefix', () => {
    expect(parseTag('v1.2.3')).toMatchObject({ prefix: 'v', numbers: [1, 2, 3] });
    expect(parseTag('version-4.0.2.1183')).toMatchObject({ prefix: 'version-', numbers: [4, 0, 2, 1183] });
    expect(parseTag('jammy-20240111')).toMatchObject({ prefix: 'jammy-', numbers: [20240111], kind: 'calver' });
  });

  it.each([
    ['1.2.3-rc1', 'rc', 'rc', [1]],
    ['1.2.3-rc.1', 'rc', 'rc', [1]],
    ['1.2.3-rc-1', 'rc', 'rc', [1]],
    ['1.2.3-RC2', 'rc', 'rc', [2]],
    ['3.13.0b1', 'beta', 'beta', [1]],
    ['3.13.0a4', 'alpha', 'alpha', [4]],
    ['3.13.0rc2', 'rc', 'rc', [2]],
    ['17beta3', 'beta', 'beta', [3]],
    ['1.0.0-beta', 'beta', 'beta', []],
    ['1.0.0-alpha.2', 'alpha', 'alpha', [2]],
    ['1.0.0.dev1', 'dev', 'dev', [1]],
    ['2.0.0-dev', 'dev', 'dev', []],
    ['1.2.3-nightly', 'nightly', 'dev', []],
    ['1.2.3-nightly-20240101', 'nightly', 'dev', [20240101]],
    ['1.2.3-SNAPSHOT', 'snapshot', 'dev', []],
    ['15.0.0-canary.12', 'canary', 'dev', [12]],
    ['11.0.0-preview', 'preview', 'preview', []],
    ['3.19-edge', 'edge', 'dev', []],
    ['8.0-M02', 'milestone', 'preview', [2]],
  ])('recognises the pre-release in %s', (tag, label, stage, numbers) => {
    expect(parseTag(tag)?.prerelease).toMatchObject({ label, stage, numbers });
  });

  it('separates a pre-release from the variant wherever it sits', () => {
    expect(parseTag('3.13.0b1-slim-bookworm')).toMatchObject({ numbers: [3, 13, 0], variant: 'slim-bookworm', prerelease: { label: 'beta' } });
    expect(parseTag('7.4-rc2-alpine')).toMatchObject({ numbers: [7, 4], variant: 'alpine', prerelease: { label: 'rc', numbers: [2] } });
    expect(parseTag('1.2.3-alpine-rc1')).toMatchObject({ variant: 'alpine', prerelease: { label: 'rc' } });
  });

  it('does not mistake variant words for pre-release letters', () => {
    expect(parseTag('1.2.3-alpine')?.prerelease).toBeUndefined();
    expect(parseTag('1.2.3-bookworm')?.prerelease).toBeUndefined();
    expect(parseTag('1.2.3-nextcloud')?.prerelease).toBeUndefined();
    expect(parseTag('1.2.3-developer')?.prerelease).toBeUndefined();
  });

  it.each([
    ['v1.2.3-ls45', 'ls', 45, ''],
    ['4.0.2.1183-ls230', 'ls', 230, ''],
    ['8.2.1-debian-12-r3', 'r', 3, 'debian-12'],
    ['21.0.2_13-jdk-jammy', '', 13, 'jdk-jammy'],
    ['7.2.0-v10', 'v', 10, ''],
    ['1.2.3-1', '', 1, ''],
  ])('reads the build counter of %s', (tag, label, number, variant) => {
    expect(parseTag(tag)).toMatchObject({ build: { label, number }, variant });
  });

  it('sets an embedded commit hash aside', () => {
    expect(parseTag('1.40.0.7998-c29d4c0c8-ls220')).toMatchObject({
      numbers: [1, 40, 0, 7998],
      commit: 'c29d4c0c8',
      variant: '',
      build: { label: 'ls', number: 220 },
    });
  });

  it('classifies date versions as calver', () => {
    expect(parseTag('2026.4.0')?.kind).toBe('calver');
    expect(parseTag('20240101')).toMatchObject({ kind: 'calver', numbers: [20240101] });
    expect(parseTag('2024-01-01')).toMatchObject({ kind: 'calver', numbers: [2024, 1, 1], variant: '' });
    expect(parseTag('0.118.5')?.kind).toBe('semver');
    expect(parseTag('24.04')?.kind).toBe('semver');
  });

  it('gives compatible tags the same family and incompatible ones different families', () => {
    const family = (tag: string): string | undefined => parseTag(tag)?.family;
    expect(family('1.27.4-alpine')).toBe(family('1.28.0-alpine'));
    expect(family('3.13.0b1')).toBe(family('3.13.0'));
    expect(family('v1.2.3-ls45')).toBe(family('v1.3.0-ls1'));
    expect(family('1.27.4')).not.toBe(family('1.27.4-alpine'));
    expect(family('1.27.4')).not.toBe(family('1.27'));
    expect(family('1.2.3')).not.toBe(family('v1.2.3'));
    expect(family('1.2.3')).not.toBe(family('1.2.4-abc1234'));
    expect(family('1.2.3')).not.toBe(family('1.2.3-ls4'));
    expect(family('16.2-alpine3.19')).not.toBe(family('16.3-alpine3.20'));
    expect(family('2024.1.1')).not.toBe(family('2024-01-01'));
  });

  it('returns undefined for non-version and invalid tags', () => {
    for (const tag of ['latest', 'stable', 'main', 'edge', 'mainline-alpine', 'alpine3.19', 'lts-bookworm-slim', 'nightly', '', '-1.2', '1.2.', '1.2.3--alpine', 'a'.repeat(129)]) {
      expect(parseTag(tag), tag).toBeUndefined();
    }
  });

  it('returns the same frozen object for repeated calls', () => {
    const first = parseTag('1.27.4-alpine');
    expect(parseTag('1.27.4-alpine')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.numbers)).toBe(true);
  });
});

describe('isVersionTag', () => {
  it.each(['1.27.4', '8', '8.1', 'v1.2.3', '3.13.0b1', '2026.4.0', '20240101', '16.2-alpine3.19', '1-alpine'])('accepts %s', (tag) => {
    expect(isVersionTag(tag)).toBe(true);
  });
  it.each(['latest', 'stable', 'main', 'master', 'edge', 'nightly', 'dev', 'beta', 'alpine', 'bookworm', 'mainline', 'sha-abc1234', 'abc1234f', 'sha256-' + 'a'.repeat(64) + '.sig'])(
    'rejects %s',
    (tag) => {
      expect(isVersionTag(tag)).toBe(false);
    },
  );
});

describe('isIgnoredTag', () => {
  const digest = 'sha256-3f2a9c1b' + '0'.repeat(56);
  it.each(['3f2a9c1', 'abc1234', '3f2a9c1b4e5d6f708192a3b4c5d6e7f801234567', 'sha-abc1234', 'sha-3f2a9c1b4e5d', 'git-abc1234', digest, `${digest}.sig`, `${digest}.att`, `${digest}.sbom`, 'v1.2.3.sig'])(
    'ignores the artifact %s',
    (tag) => {
      expect(isIgnoredTag(tag)).toBe(true);
    },
  );
  it.each(['20240101', '1234567', 'latest', '1.2.3', 'deadbeefcafe-alpine', '1.2.3-abc1234'])('does not ignore %s', (tag) => {
    expect(isIgnoredTag(tag)).toBe(false);
  });
});

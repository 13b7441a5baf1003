import { describe, expect, it } from 'vitest';
import { DEFAULT_VERSION_SCOPE, VERSION_SCOPES, isVersionScope, newerVersions, pickTarget, withinScope } from './index.js';

describe('DEFAULT_VERSION_SCOPE', () => {
  it('is major', () => {
    expect(DEFAULT_VERSION_SCOPE).toBe('major');
  });
});

describe('isVersionScope', () => {
  it('accepts the three scopes only', () => {
    expect(VERSION_SCOPES.every(isVersionScope)).toBe(true);
    for (const value of ['', 'Major', 'all', 'none', undefined, 1, null]) expect(isVersionScope(value)).toBe(false);
  });
});

describe('withinScope', () => {
  it.each([
    ['1.27.4', '1.27.9', 'patch', true],
    ['1.27.4', '1.28.0', 'patch', false],
    ['1.27.4', '1.28.0', 'minor', true],
    ['1.27.4', '2.0.0', 'minor', false],
    ['1.27.4', '2.0.0', 'major', true],
    ['1.40.0.7998', '1.40.1.8227', 'patch', true],
    ['1.27.4-alpine', '1.27.5-alpine', 'patch', true],
    ['v1.2.3-ls45', 'v1.2.3-ls46', 'patch', true],
    ['3.13.0b1', '3.13.0', 'patch', true],
    ['3.13.0b1', '3.14.0', 'patch', false],
  ] as const)('%s → %s under %s: %s', (current, candidate, scope, expected) => {
    expect(withinScope(current, candidate, scope)).toBe(expected);
  });

  it('scopes a two-component tag as major.minor: patches arrive as new digests of the same tag', () => {
    expect(withinScope('8.1', '8.2', 'patch')).toBe(false);
    expect(withinScope('8.1', '8.2', 'minor')).toBe(true);
    expect(withinScope('8.1', '9.0', 'minor')).toBe(false);
    expect(withinScope('8.1', '9.0', 'major')).toBe(true);
  });

  it('moves a one-component tag only under major', () => {
    expect(withinScope('8', '9', 'patch')).toBe(false);
    expect(withinScope('8', '9', 'minor')).toBe(false);
    expect(withinScope('8', '9', 'major')).toBe(true);
  });

  it('scopes calver by position and 8-digit dates as year.month.day', () => {
    expect(withinScope('2026.4.0', '2026.4.1', 'patch')).toBe(true);
    expect(withinScope('2026.4.0', '2026.5.0', 'patch')).toBe(false);
    expect(withinScope('2026.4.0', '2026.5.0', 'minor')).toBe(true);
    expect(withinScope('2026.4.0', '2027.1.0', 'minor')).toBe(false);
    expect(withinScope('20240101', '20240115', 'patch')).toBe(true);
    expect(withinScope('20240101', '20240201', 'patch')).toBe(false);
    expect(withinScope('20240101', '20240201', 'minor')).toBe(true);
    expect(withinScope('20240101', '20250101', 'minor')).toBe(false);
    expect(withinScope('20240101', '20250101', 'major')).toBe(true);
  });

  it('is false for incompatible or non-version tags, whatever the scope', () => {
    expect(withinScope('1.27.4', '1.27.5-alpine', 'major')).toBe(false);
    expect(withinScope('1.27.4', '1.28', 'major')).toBe(false);
    expect(withinScope('latest', '1.27.5', 'major')).toBe(false);
    expect(withinScope('1.27.4', 'latest', 'major')).toBe(false);
  });
});

describe('pickTarget', () => {
  const tags = ['1.27.4', '1.27.5', '1.27.6', '1.28.0', '1.28.1', '2.0.0', '2.0.1-rc.1', 'latest'];

  it('picks the newest candidate within scope', () => {
    const newer = newerVersions('1.27.4', tags);
    expect(newer).toEqual(['2.0.0', '1.28.1', '1.28.0', '1.27.6', '1.27.5']);
    expect(pickTarget('1.27.4', newer, 'patch')).toBe('1.27.6');
    expect(pickTarget('1.27.4', newer, 'minor')).toBe('1.28.1');
    expect(pickTarget('1.27.4', newer, 'major')).toBe('2.0.0');
  });

  it('uses the major scope by default', () => {
    expect(pickTarget('1.27.4', ['1.27.5', '2.0.0'])).toBe('2.0.0');
  });

  it('returns undefined when nothing is within scope', () => {
    expect(pickTarget('1.27.4', ['2.0.0'], 'minor')).toBeUndefined();
    expect(pickTarget('1.27.4', [], 'major')).toBeUndefined();
    expect(pickTarget('8', ['9'], 'minor')).toBeUndefined();
    expect(pickTarget('latest', ['1.0.0'], 'major')).toBeUndefined();
  });

  it('does not depend on the order of the list', () => {
    expect(pickTarget('1.27.4', ['1.27.5', '1.28.1', '1.27.6', '1.28.0'], 'minor')).toBe('1.28.1');
  });

  it('never returns an older, equal, incompatible or pre-release tag even if listed', () => {
    expect(pickTarget('1.27.4', ['1.27.3', '1.27.04', '1.27.5-alpine', '1.27.5-rc.1', '1.28'], 'major')).toBeUndefined();
  });

  it('lets a pre-release reach the stable release within scope', () => {
    const newer = newerVersions('3.13.0b1', ['3.13.0b2', '3.13.0rc1', '3.13.0', '3.13.1', '3.14.0']);
    expect(pickTarget('3.13.0b1', newer, 'patch')).toBe('3.13.1');
    expect(pickTarget('3.13.0b1', ['3.13.0b2', '3.13.0rc1'], 'patch')).toBe('3.13.0rc1');
  });

  it('follows build counters within patch scope', () => {
    expect(pickTarget('v1.2.3-ls45', ['v1.2.3-ls46', 'v1.3.0-ls48'], 'patch')).toBe('v1.2.3-ls46');
  });
});

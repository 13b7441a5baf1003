import { describe, expect, it } from 'vitest';
import { isSelfProtected, resolvePolicy } from './resolve-policy.js';

const base = { labels: {}, onNonVersionTag: false, latestAutoUpdate: false, defaultPolicy: 'manual' as const };

describe('resolvePolicy', () => {
  it('stored override wins over everything', () => {
    expect(resolvePolicy({ ...base, override: 'pinned', labels: { 'sentinel.policy': 'auto' }, latestAutoUpdate: true, onNonVersionTag: true })).toEqual({
      policy: 'pinned',
      source: 'override',
    });
  });
  it('label beats latest-auto-update and default', () => {
    expect(resolvePolicy({ ...base, labels: { 'sentinel.policy': 'Manual' }, latestAutoUpdate: true, onNonVersionTag: true })).toEqual({
      policy: 'manual',
      source: 'label',
    });
  });
  it('an unknown label value is ignored', () => {
    expect(resolvePolicy({ ...base, labels: { 'sentinel.policy': 'yolo' } })).toEqual({ policy: 'manual', source: 'default' });
  });
  it('latest-auto-update only applies to non-version tags', () => {
    expect(resolvePolicy({ ...base, latestAutoUpdate: true, onNonVersionTag: true })).toEqual({ policy: 'auto', source: 'latest_auto_update' });
    expect(resolvePolicy({ ...base, latestAutoUpdate: true, onNonVersionTag: false })).toEqual({ policy: 'manual', source: 'default' });
  });
  it('falls back to the default policy', () => {
    expect(resolvePolicy({ ...base, defaultPolicy: 'auto' })).toEqual({ policy: 'auto', source: 'default' });
  });
});

describe('isSelfProtected', () => {
  it('reads sentinel.self=true only', () => {
    expect(isSelfProtected({ 'sentinel.self': 'true' })).toBe(true);
    expect(isSelfProtected({ 'sentinel.self': 'TRUE ' })).toBe(true);
    expect(isSelfProtected({ 'sentinel.self': 'false' })).toBe(false);
    expect(isSelfProtected({})).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { compactGoDuration, formatGoDuration, msToNanoseconds, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['6h', 21_600_000],
    ['4h0m0s', 14_400_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['0', 0],
    ['5m', 300_000],
  ])('%s → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', '6', 'h', '6x', '6h ', 'six hours', '-5m', '1h 30m'])('refuses %j', (input) => {
    if (input === '6h ') {
      expect(parseDuration(input)).toBe(21_600_000); // surrounding white space is forgiven
      return;
    }
    expect(() => parseDuration(input)).toThrow(/invalid duration/);
  });
});

describe('formatGoDuration', () => {
  it.each([
    [14_400_000, '4h0m0s'],
    [21_600_000, '6h0m0s'],
    [90_000, '1m30s'],
    [1500, '1.5s'],
    [500, '500ms'],
    [0, '0s'],
    [3_661_000, '1h1m1s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });

  it('round-trips with parseDuration', () => {
    for (const text of ['4h0m0s', '1m30s', '2h5m7s']) expect(formatGoDuration(parseDuration(text))).toBe(text);
  });
});

describe('msToNanoseconds', () => {
  it('matches the seed example (12.5 s)', () => {
    expect(msToNanoseconds(12_500)).toBe(12_500_000_000);
  });
});

describe('compactGoDuration', () => {
  it.each([
    ['6h0m0s', '6h'],
    ['1h30m0s', '1h30m'],
    ['2m0s', '2m'],
    ['30s', '30s'],
    ['1h0m30s', '1h0m30s'],
    ['manual', 'manual'],
  ])('%s → %s', (input, output) => {
    expect(compactGoDuration(input)).toBe(output);
  });
});

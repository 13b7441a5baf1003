import { describe, expect, it } from 'vitest';
import { generateRecoveryCodes, generateTotp, hashRecoveryCode, matchTotp, totpUri, createTotpKey } from './totp.js';
import type { TotpAlgorithm } from './totp.js';

// RFC 6238 Appendix B: the seeds are ASCII strings of the hash's block-size key length.
const SEEDS: Record<TotpAlgorithm, string> = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
};
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

// Appendix B, "Test Vectors": time in seconds, then the 8-digit TOTP per mode.
const VECTORS: Array<[number, Record<TotpAlgorithm, string>]> = [
  [59, { SHA1: '94287082', SHA256: '46119246', SHA512: '90693936' }],
  [1111111109, { SHA1: '07081804', SHA256: '68084774', SHA512: '25091201' }],
  [1111111111, { SHA1: '14050471', SHA256: '67062674', SHA512: '99943326' }],
  [1234567890, { SHA1: '89005924', SHA256: '91819424', SHA512: '93441116' }],
  [2000000000, { SHA1: '69279037', SHA256: '90698825', SHA512: '38618901' }],
  [20000000000, { SHA1: '65353130', SHA256: '77737706', SHA512: '47863826' }],
];

describe('TOTP (RFC 6238)', () => {
  for (const [seconds, codes] of VECTORS) {
    for (const algorithm of ['SHA1', 'SHA256', 'SHA512'] as const) {
      it(`${algorithm} at T=${seconds} is ${codes[algorithm]}`, () => {
        const key = { bytes: bytes(SEEDS[algorithm]) };
        expect(generateTotp(key, seconds * 1000, { algorithm, digits: 8 })).toBe(codes[algorithm]);
        // The same vector verifies, and names the RFC's time step T = floor(t / 30).
        expect(matchTotp(key, codes[algorithm], seconds * 1000, { algorithm, digits: 8 })).toBe(Math.floor(seconds / 30));
      });
    }
  }

  it('accepts one step of drift either way and refuses older (expired) codes', () => {
    const key = { base32: createTotpKey() };
    const t = Date.UTC(2025, 0, 1, 12, 0, 10);
    const code = generateTotp(key, t);
    expect(code).toMatch(/^\d{6}$/);
    const step = Math.floor(t / 30_000);
    expect(matchTotp(key, code, t)).toBe(step);
    expect(matchTotp(key, code, t + 30_000)).toBe(step);
    expect(matchTotp(key, code, t - 30_000)).toBe(step);
    expect(matchTotp(key, code, t + 90_000)).toBeUndefined();
  });

  it('refuses malformed codes', () => {
    const key = { base32: createTotpKey() };
    for (const bad of ['', '12345', '1234567', 'abcdef', '12 34 5x']) expect(matchTotp(key, bad, Date.now())).toBeUndefined();
  });

  it('builds the otpauth URI authenticator apps import', () => {
    const uri = totpUri('JBSWY3DPEHPK3PXP', 'alice', 'Sentinel Kit');
    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Sentinel Kit:alice');
    expect(url.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(url.searchParams.get('issuer')).toBe('Sentinel Kit');
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
  });
});

describe('recovery codes', () => {
  it('are ten distinct readable codes, hashed independently of case and dashes', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
    const [first = ''] = codes;
    expect(hashRecoveryCode(first.toUpperCase().replace('-', ' '))).toBe(hashRecoveryCode(first));
    expect(hashRecoveryCode(first)).not.toContain(first.replace('-', ''));
    expect(hashRecoveryCode(first)).not.toBe(hashRecoveryCode(codes[1] ?? ''));
  });
});

import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { hashSecret } from './secrets.js';

/**
 * Time-based one-time passwords (RFC 6238) over the `otpauth` package, and
 * single-use recovery codes. Authenticator apps expect the defaults: SHA-1,
 * 6 digits, 30-second steps.
 */
export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpParameters {
  /** @default 'SHA1' */
  algorithm?: TotpAlgorithm;
  /** @default 6 */
  digits?: number;
  /** Step length in seconds. @default 30 */
  period?: number;
}

/** The key of a TOTP: base32 text (what apps and `otpauth://` URIs carry) or raw bytes. */
export type TotpKey = { base32: string } | { bytes: Uint8Array };

const DEFAULTS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** Codes one step before or after the current one are accepted, for clock drift. */
const WINDOW = 1;

const secretOf = (key: TotpKey): Secret =>
  'base32' in key ? Secret.fromBase32(key.base32) : new Secret({ buffer: key.bytes.buffer.slice(key.bytes.byteOffset, key.bytes.byteOffset + key.bytes.byteLength) as ArrayBuffer });

/** A new random 160-bit TOTP key, base32 (RFC 4226's recommended length). */
export function createTotpKey(): string {
  return new Secret({ size: 20 }).base32;
}

/** The code for `timestamp` (epoch ms). */
export function generateTotp(key: TotpKey, timestamp: number, params: TotpParameters = {}): string {
  return TOTP.generate({ secret: secretOf(key), timestamp, ...DEFAULTS, ...params });
}

/**
 * The time step (counter) a code belongs to, if it is valid at `timestamp`
 * within one step of drift; `undefined` otherwise. Callers keep the last
 * counter used and refuse codes at or before it, so a code works only once.
 */
export function matchTotp(key: TotpKey, code: string, timestamp: number, params: TotpParameters = {}): number | undefined {
  const p = { ...DEFAULTS, ...params };
  const token = code.replace(/\s+/g, '');
  if (!new RegExp(`^\\d{${p.digits}}$`).test(token)) return undefined;
  const delta = TOTP.validate({ token, secret: secretOf(key), timestamp, window: WINDOW, ...p });
  if (delta === null) return undefined;
  return TOTP.counter({ period: p.period, timestamp }) + delta;
}

/** The `otpauth://totp/…` URI an authenticator app scans (as a QR code) or imports. */
export function totpUri(base32: string, account: string, issuer: string): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(base32), ...DEFAULTS }).toString();
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** `count` fresh recovery codes such as `k7mq2-x9rta` (50 bits each). */
export function generateRecoveryCodes(count = 10): string[] {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    let code = '';
    while (code.length < 10) {
      for (const b of randomBytes(16)) {
        // Rejection sampling: bytes past the last whole multiple of the alphabet would bias the code.
        if (b >= 248 || code.length === 10) continue;
        code += RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length];
      }
    }
    codes.push(`${code.slice(0, 5)}-${code.slice(5)}`);
  }
  return codes;
}

/** The stored form of a recovery code; case, spaces and dashes do not matter. */
export function hashRecoveryCode(code: string): string {
  return hashSecret(`recovery:${code.toLowerCase().replace(/[\s-]+/g, '')}`);
}

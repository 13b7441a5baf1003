import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { InvalidError } from '../errors/index.js';
import { createSemaphore } from '../registry/semaphore.js';

/**
 * Password hashing with scrypt (node:crypto) and the password policy.
 *
 * A stored hash names its own parameters (`scrypt$<log2 N>$<r>$<p>$<salt>$<key>`,
 * base64url), so raising the cost later keeps existing hashes verifiable.
 */

/** log2 of scrypt's N used for new hashes. 15 (N = 32768, 32 MiB) is OWASP's minimum; tests use 4. */
export const DEFAULT_PASSWORD_COST = 15;
export const PASSWORD_MIN_LENGTH = 10;
/** Long enough for any passphrase, short enough that hashing a request body stays cheap. */
export const PASSWORD_MAX_LENGTH = 256;

const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

// Each derivation holds 128·N·r bytes (32 MiB at cost 15): a burst of logins must not take all the memory.
const derivations = createSemaphore(4);

async function derive(password: string, salt: Buffer, cost: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** cost;
  const release = await derivations.acquire();
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      // The default maxmem (32 MiB) is exactly what cost 15 needs, so give headroom.
      scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
    });
  } finally {
    release();
  }
}

/**
 * Hash a password for storage.
 * @param cost log2 of scrypt's N. @default 15
 */
export async function hashPassword(password: string, cost: number = DEFAULT_PASSWORD_COST): Promise<string> {
  if (!Number.isInteger(cost) || cost < 1 || cost > 20) throw new InvalidError(`password cost must be an integer from 1 to 20, got ${cost}`);
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, cost, BLOCK_SIZE, PARALLELISM);
  return ['scrypt', cost, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Whether `password` matches `stored` (a string from {@link hashPassword}).
 * The derived keys are compared in constant time; a malformed stored hash
 * never matches.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [cost, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![cost, r, p].every((n) => Number.isInteger(n) && n > 0) || cost > 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length === 0 || expected.length !== KEY_LENGTH) return false;
  const actual = await derive(password, salt, cost, r, p);
  return timingSafeEqual(actual, expected);
}

/** Whether a stored hash was made with a lower cost than `cost` (re-hash it at the next login). */
export function needsRehash(stored: string, cost: number): boolean {
  const parts = stored.split('$');
  return parts[0] !== 'scrypt' || Number(parts[1]) < cost;
}

/**
 * The password policy: at least 10 characters, at most 256, not only
 * whitespace, and not the username itself.
 * @throws InvalidError saying which rule failed
 */
export function checkPasswordPolicy(password: unknown, username?: string): asserts password is string {
  if (typeof password !== 'string' || password === '') throw new InvalidError('password is required');
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) throw new InvalidError(`password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) throw new InvalidError(`password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (password.trim() === '') throw new InvalidError('password must not be only whitespace');
  if (username !== undefined && password.toLowerCase() === username.toLowerCase()) throw new InvalidError('password must not be the username');
}

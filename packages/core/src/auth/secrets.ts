import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Random secrets and their stored form. Bearer secrets carry 256 bits of
 * randomness, so a fast SHA-256 is the right stored hash (a slow hash only
 * matters for guessable secrets such as passwords).
 */

/** A new random secret: `prefix` + 32 random bytes in base64url (43 characters). */
export function generateSecret(prefix = '', bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** A new random identifier such as `usr_3f9a0c61d2b84e57a1c0`. */
export function generateId(prefix: string): string {
  return prefix + randomBytes(10).toString('hex');
}

/** The stored form of a high-entropy secret: SHA-256, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compare two hex hashes in constant time (different lengths never match). */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  if (x.length !== y.length || x.length === 0) return false;
  return timingSafeEqual(x, y);
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  return hashesEqual(hashSecret(secret), storedHash);
}

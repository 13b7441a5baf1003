import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', 4);
    expect(stored).toMatch(/^scrypt\$4\$8\$1\$[\w-]+\$[\w-]{43}$/);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password here', 4)).not.toBe(await hashPassword('same password here', 4));
  });

  it('keeps hashes made at another cost verifiable, and says when to re-hash', async () => {
    const old = await hashPassword('an older password', 5);
    expect(await verifyPassword('an older password', old)).toBe(true);
    expect(needsRehash(old, 6)).toBe(true);
    expect(needsRehash(old, 5)).toBe(false);
  });

  it('never matches a malformed stored hash', async () => {
    for (const bad of ['', 'plain', 'scrypt$4$8$1$$', 'bcrypt$4$8$1$c2FsdA$aGFzaA', 'scrypt$99$8$1$c2FsdA$aGFzaA']) {
      expect(await verifyPassword('whatever password', bad)).toBe(false);
    }
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const stored = await hashPassword('caf\u00e9 au lait!', 4);
    expect(await verifyPassword('cafe\u0301 au lait!', stored)).toBe(true);
  });
});

describe('password policy', () => {
  it.each([
    [undefined, 'password is required'],
    ['', 'password is required'],
    ['short', 'at least 10 characters'],
    ['123456789', 'at least 10 characters'],
    ['          ', 'only whitespace'],
    ['x'.repeat(257), 'at most 256 characters'],
  ])('refuses %j', (password, message) => {
    expect(() => checkPasswordPolicy(password)).toThrow(message);
  });

  it('refuses the username as password, and accepts 10 characters or more', () => {
    expect(() => checkPasswordPolicy('operator-one', 'Operator-One')).toThrow('must not be the username');
    expect(() => checkPasswordPolicy('0123456789', 'admin')).not.toThrow();
    // Characters, not UTF-16 units: ten emoji are ten characters.
    expect(() => checkPasswordPolicy('🔑'.repeat(10))).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidError } from '../../errors/index.js';
import { createManualClock } from '../../ports/clock.js';
import { createMemoryStorage } from '../../storage/index.js';
import { createOidcSettingsStore, DEFAULT_OIDC_SETTINGS, maskOidcSettings, mergeOidcSettings, OIDC_SECRET_MASK, roleFromClaims, usernameFromClaims } from './oidc-settings.js';

describe('OIDC settings', () => {
  it('merges a partial update, keeps the stored secret when the mask comes back, and masks it on read', async () => {
    const store = createOidcSettingsStore(createMemoryStorage(), createManualClock());
    expect(await store.get()).toEqual(DEFAULT_OIDC_SETTINGS);
    const saved = await store.save(await store.prepare({ issuerUrl: 'https://id.example.com/realms/main/', clientId: 'sentinel', clientSecret: 's3cret-value', scopes: 'profile email groups' }));
    expect(saved).toMatchObject({ issuerUrl: 'https://id.example.com/realms/main', scopes: ['openid', 'profile', 'email', 'groups'], updatedAt: '2025-01-01T00:00:00.000Z' });
    expect(maskOidcSettings(saved).clientSecret).toBe(OIDC_SECRET_MASK);
    expect(JSON.stringify(maskOidcSettings(saved))).not.toContain('s3cret-value');

    const next = await store.save(await store.prepare({ clientSecret: OIDC_SECRET_MASK, enabled: true, autoProvision: true }));
    expect(next).toMatchObject({ clientSecret: 's3cret-value', enabled: true, autoProvision: true, clientId: 'sentinel' });
    expect((await store.prepare({ clientSecret: '' })).clientSecret).toBe('');
    expect(maskOidcSettings(await store.prepare({ clientSecret: '' })).clientSecret).toBe('');
  });

  it('refuses bad values with the field named, and enabling without issuer and client id', () => {
    const base = { ...DEFAULT_OIDC_SETTINGS, scopes: [...DEFAULT_OIDC_SETTINGS.scopes], roleMapping: {} };
    const cases: Array<[Parameters<typeof mergeOidcSettings>[1], RegExp]> = [
      [{ issuerUrl: 'ftp://id.example.com' }, /issuer_url/],
      [{ issuerUrl: 'not a url' }, /issuer_url/],
      [{ redirectUrl: 'https://s.example.com/cb?x=1' }, /redirect_url/],
      [{ scopes: ['openid', 'bad"scope'] }, /scope/],
      [{ roleMapping: { admins: 'root' as never } }, /role_mapping\["admins"\]/],
      [{ defaultRole: 'superuser' as never }, /default_role/],
      [{ usernameClaim: 'a b' }, /username_claim/],
      [{ enabled: true }, /issuer_url and client_id/],
    ];
    for (const [input, message] of cases) {
      expect(() => mergeOidcSettings(base, input)).toThrow(InvalidError);
      expect(() => mergeOidcSettings(base, input)).toThrow(message);
    }
  });

  it('maps the role claim (a list, a string or a nested path) to the most privileged mapped role, else the default', () => {
    const s = { roleClaim: 'groups', roleMapping: { ops: 'operator' as const, 'sentinel-admins': 'admin' as const }, defaultRole: 'viewer' as const };
    expect(roleFromClaims({ groups: ['ops', 'sentinel-admins', 'other'] }, s)).toBe('admin');
    expect(roleFromClaims({ groups: 'ops' }, s)).toBe('operator');
    expect(roleFromClaims({ groups: ['nobody'] }, s)).toBe('viewer');
    expect(roleFromClaims({}, s)).toBe('viewer');
    expect(roleFromClaims({ groups: ['toString', '__proto__'] }, s)).toBe('viewer');
    expect(roleFromClaims({ realm_access: { roles: ['ops'] } }, { ...s, roleClaim: 'realm_access.roles' })).toBe('operator');
    expect(usernameFromClaims({ preferred_username: ' ana ' }, { usernameClaim: 'preferred_username' })).toBe('ana');
    expect(usernameFromClaims({ email: 42 }, { usernameClaim: 'email' })).toBeUndefined();
  });
});

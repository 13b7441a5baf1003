import { InvalidError } from '../../errors/index.js';
import type { Clock } from '../../ports/clock.js';
import type { StoragePort } from '../../ports/storage.js';
import { ROLES } from '../permissions.js';
import type { Role } from '../permissions.js';
import { isRole } from '../users.js';

/**
 * Single sign-on settings (OpenID Connect, authorization code flow with
 * PKCE), as an admin saves them. The client secret is stored as it must be
 * (it is sent to the provider's token endpoint) and leaves the server only
 * masked.
 */
export interface OidcSettings {
  enabled: boolean;
  /** The provider's issuer identifier, e.g. `https://id.example.com/realms/main`. */
  issuerUrl: string;
  clientId: string;
  /** Empty for a public client (PKCE only). */
  clientSecret: string;
  /** Where the provider sends the browser back; empty = `<request origin>/api/auth/oidc/callback`. */
  redirectUrl: string;
  /** Always contains `openid`. */
  scopes: string[];
  /** The claim whose value is the Sentinel Kit username (new users, and linking). */
  usernameClaim: string;
  /** The claim (dotted path, e.g. `realm_access.roles`) whose values `roleMapping` maps to roles. */
  roleClaim: string;
  /** Claim value → role; the most privileged match wins. */
  roleMapping: Record<string, Role>;
  /** Role of a new user whose claims match no mapping. */
  defaultRole: Role;
  /** Create a user on first sign-in when no user is linked (and none was linked by username). */
  autoProvision: boolean;
  /**
   * Link a first-time identity to the existing user whose username equals
   * the `usernameClaim` value. Off by default: whoever controls that claim at
   * the provider would take over the account.
   */
  allowLinking: boolean;
  updatedAt: string | null;
}

/** What a save may change; absent fields keep their stored value, a masked secret keeps the stored secret. */
export type OidcSettingsInput = Partial<Omit<OidcSettings, 'updatedAt' | 'scopes'>> & { scopes?: string | readonly string[] };

/** What a masked secret reads; sending it back keeps the stored secret. */
export const OIDC_SECRET_MASK = '****';

export const DEFAULT_OIDC_SETTINGS: Readonly<OidcSettings> = Object.freeze({
  enabled: false,
  issuerUrl: '',
  clientId: '',
  clientSecret: '',
  redirectUrl: '',
  scopes: ['openid', 'profile', 'email'],
  usernameClaim: 'preferred_username',
  roleClaim: 'groups',
  roleMapping: {},
  defaultRole: 'viewer',
  autoProvision: false,
  allowLinking: false,
  updatedAt: null,
});

const COLLECTION = 'auth_oidc';
const KEY = 'settings';
// RFC 6749 §3.3 scope-token characters.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const CLAIM_PATH = /^[A-Za-z0-9_:\-./]{1,128}$/;
const ROLE_RANK: Record<Role, number> = { admin: 3, operator: 2, viewer: 1 };

/** The settings with the secret masked (`****` when one is stored, `''` when none). */
export function maskOidcSettings(settings: OidcSettings): OidcSettings {
  return { ...settings, roleMapping: { ...settings.roleMapping }, scopes: [...settings.scopes], clientSecret: settings.clientSecret === '' ? '' : OIDC_SECRET_MASK };
}

function httpUrl(field: string, value: string, options: { allowEmpty: boolean }): string {
  const v = value.trim();
  if (v === '' && options.allowEmpty) return '';
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new InvalidError(`${field} must be an absolute http(s) URL, got "${v.slice(0, 200)}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidError(`${field} must be an http(s) URL`);
  if (url.username !== '' || url.password !== '') throw new InvalidError(`${field} must not contain credentials`);
  if (url.hash !== '' || url.search !== '') throw new InvalidError(`${field} must not contain a query or a fragment`);
  return v;
}

function parseScopes(raw: string | readonly string[]): string[] {
  const tokens = (typeof raw === 'string' ? raw.split(/[\s,]+/) : [...raw]).map((s) => (typeof s === 'string' ? s.trim() : '')).filter((s) => s !== '');
  for (const t of tokens) if (!SCOPE_TOKEN.test(t)) throw new InvalidError(`invalid scope "${t.slice(0, 128)}"`);
  // The flow is OpenID Connect: without `openid` there is no ID token to verify.
  return [...new Set(['openid', ...tokens])];
}

function claimPath(field: string, value: string): string {
  const v = value.trim();
  if (!CLAIM_PATH.test(v)) throw new InvalidError(`${field} must be a claim name (letters, digits, _ : - . /), got "${v.slice(0, 128)}"`);
  return v;
}

/**
 * Merge `input` onto `current` and validate the result (nothing is written).
 * Throws `InvalidError` naming the field.
 */
export function mergeOidcSettings(current: OidcSettings, input: OidcSettingsInput): OidcSettings {
  const next: OidcSettings = { ...current, roleMapping: { ...current.roleMapping }, scopes: [...current.scopes] };
  if (input.enabled !== undefined) next.enabled = input.enabled === true;
  if (input.issuerUrl !== undefined) next.issuerUrl = httpUrl('issuer_url', input.issuerUrl, { allowEmpty: true }).replace(/\/+$/, '');
  if (input.clientId !== undefined) {
    const id = input.clientId.trim();
    if (id.length > 256) throw new InvalidError('client_id must be at most 256 characters');
    next.clientId = id;
  }
  if (input.clientSecret !== undefined && input.clientSecret !== OIDC_SECRET_MASK) {
    if (input.clientSecret.length > 1024) throw new InvalidError('client_secret must be at most 1024 characters');
    next.clientSecret = input.clientSecret;
  }
  if (input.redirectUrl !== undefined) next.redirectUrl = httpUrl('redirect_url', input.redirectUrl, { allowEmpty: true });
  if (input.scopes !== undefined) next.scopes = parseScopes(input.scopes);
  if (input.usernameClaim !== undefined) next.usernameClaim = claimPath('username_claim', input.usernameClaim);
  if (input.roleClaim !== undefined) next.roleClaim = input.roleClaim.trim() === '' ? '' : claimPath('role_claim', input.roleClaim);
  if (input.roleMapping !== undefined) {
    const mapping: Record<string, Role> = {};
    for (const [value, role] of Object.entries(input.roleMapping)) {
      if (value === '' || value.length > 256) throw new InvalidError('role_mapping keys must be 1 to 256 characters');
      if (!isRole(role)) throw new InvalidError(`role_mapping["${value.slice(0, 64)}"]: unknown role "${String(role)}": valid roles are ${ROLES.join(', ')}`);
      mapping[value] = role;
    }
    next.roleMapping = mapping;
  }
  if (input.defaultRole !== undefined) {
    if (!isRole(input.defaultRole)) throw new InvalidError(`default_role: unknown role "${String(input.defaultRole)}": valid roles are ${ROLES.join(', ')}`);
    next.defaultRole = input.defaultRole;
  }
  if (input.autoProvision !== undefined) next.autoProvision = input.autoProvision === true;
  if (input.allowLinking !== undefined) next.allowLinking = input.allowLinking === true;
  if (next.enabled && (next.issuerUrl === '' || next.clientId === '')) {
    throw new InvalidError('single sign-on cannot be enabled without issuer_url and client_id');
  }
  return next;
}

/** A claim by name, or by dotted path into nested objects (`realm_access.roles`). */
export function claimValue(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (path === '') return undefined;
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The role for a new user: the most privileged `roleMapping` match among the role claim's values, else `defaultRole`. */
export function roleFromClaims(claims: Readonly<Record<string, unknown>>, settings: Pick<OidcSettings, 'roleClaim' | 'roleMapping' | 'defaultRole'>): Role {
  const raw = claimValue(claims, settings.roleClaim);
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v)).map(String);
  let best: Role | undefined;
  for (const v of values) {
    const role = Object.hasOwn(settings.roleMapping, v) ? settings.roleMapping[v] : undefined;
    if (role !== undefined && (best === undefined || ROLE_RANK[role] > ROLE_RANK[best])) best = role;
  }
  return best ?? settings.defaultRole;
}

/** The `usernameClaim` value as a string, or `undefined` when the claim is absent or not a string. */
export function usernameFromClaims(claims: Readonly<Record<string, unknown>>, settings: Pick<OidcSettings, 'usernameClaim'>): string | undefined {
  const v = claimValue(claims, settings.usernameClaim);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export interface OidcSettingsStore {
  /** The stored settings (defaults before the first save), secret in clear: for the server's own use only. */
  get(): Promise<OidcSettings>;
  /** Validate `input` against the stored settings without writing (see {@link mergeOidcSettings}). */
  prepare(input: OidcSettingsInput): Promise<OidcSettings>;
  /** Write settings produced by `prepare`; resolves them with `updatedAt` set. */
  save(settings: OidcSettings): Promise<OidcSettings>;
}

export function createOidcSettingsStore(storage: StoragePort, clock: Clock): OidcSettingsStore {
  const store: OidcSettingsStore = {
    async get() {
      const stored = await storage.get<Partial<OidcSettings>>(COLLECTION, KEY);
      return { ...DEFAULT_OIDC_SETTINGS, ...stored, scopes: [...(stored?.scopes ?? DEFAULT_OIDC_SETTINGS.scopes)], roleMapping: { ...stored?.roleMapping } };
    },
    async prepare(input) {
      return mergeOidcSettings(await store.get(), input);
    },
    async save(settings) {
      const next = { ...settings, updatedAt: new Date(clock.now()).toISOString() };
      await storage.put(COLLECTION, KEY, next);
      return next;
    },
  };
  return store;
}

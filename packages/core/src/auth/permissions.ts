/**
 * The 10 permissions and the 3 built-in roles, exactly as the native API
 * documents them. One table, used by the server's enforcement and by the tests.
 */
export const PERMISSIONS = [
  'containers.view',
  'containers.update',
  'containers.manage',
  'containers.approve',
  'containers.rollback',
  'history.view',
  'logs.view',
  'settings.view',
  'settings.modify',
  'users.manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  operator: [
    'containers.view',
    'containers.update',
    'containers.manage',
    'containers.approve',
    'containers.rollback',
    'history.view',
    'logs.view',
    'settings.view',
  ],
  viewer: ['containers.view', 'history.view', 'logs.view'],
};

/**
 * What a route requires: a permission, `public` (no credential at all),
 * `authenticated` (any signed-in principal), or a surface-specific credential
 * checked by the route itself (`webhook-secret`).
 */
export type RouteAccess = Permission | 'public' | 'authenticated' | 'webhook-secret' | ScopeAccess;

/**
 * A route of another surface that only credentials carrying this scope may
 * use (`scope:agent` for inventory reports sent with `X-Agent-Key`). Users'
 * sessions and API tokens carry no scope, so they get 403 there.
 */
export type ScopeAccess = `scope:${string}`;

/** The scope a `scope:<name>` access requires, or undefined for other accesses. */
export function scopeOf(access: RouteAccess): string | undefined {
  return access.startsWith('scope:') ? access.slice('scope:'.length) : undefined;
}

/** Whether a declared access is one the enforcement understands. */
export function isRouteAccess(value: unknown): value is RouteAccess {
  return (
    typeof value === 'string' &&
    (isPermission(value) || value === 'public' || value === 'authenticated' || value === 'webhook-secret' || /^scope:[a-z][a-z0-9_.-]*$/.test(value))
  );
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

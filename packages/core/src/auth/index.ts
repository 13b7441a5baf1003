export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, isPermission, roleHas } from './permissions.js';
export type { Permission, Role, RouteAccess } from './permissions.js';

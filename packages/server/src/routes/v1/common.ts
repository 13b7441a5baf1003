import type { Context } from 'hono';
import { V1ErrorBodySchema } from '@sentinel-kit/core/contract';
import type { Principal } from '@sentinel-kit/core';
import { getPrincipal } from '../../auth/context.js';

/** OpenAPI tags of the audit & compliance API: one group per resource, all prefixed so the surface reads as one in /docs. */
export const V1_TAGS = {
  auth: 'Audit API v1: Authentication',
  systems: 'Audit API v1: Systems & agents',
  audits: 'Audit API v1: Audits',
  compliance: 'Audit API v1: Compliance',
  vulnerabilities: 'Audit API v1: Vulnerabilities',
  webhooks: 'Audit API v1: Webhooks',
} as const;

/** Security schemes of the surface, as registered in the OpenAPI document. */
export const V1_SECURITY = [{ V1Bearer: [] }, { V1ApiKey: [] }];

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: invalid parameters (`VALIDATION_ERROR`, `BAD_REQUEST`)',
  401: 'Missing, invalid or expired token or key (`UNAUTHORIZED`)',
  403: 'The credential lacks the `api` scope (`FORBIDDEN`)',
  404: 'Not found (`NOT_FOUND`)',
  409: 'Conflict (`CONFLICT`)',
  413: 'Request body too large (`PAYLOAD_TOO_LARGE`)',
  429: 'Rate limited (`RATE_LIMITED`), with `Retry-After`',
  503: 'Service unavailable',
};

/** Error responses of a `/api/v1` route, in the surface's `{"detail","error_code","status_code"}` body. */
export function v1Errors(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413 | 503>) {
  const out: Record<number, { description: string; content: { 'application/json': { schema: typeof V1ErrorBodySchema } } }> = {};
  for (const s of [...new Set([...statuses, 429])].sort()) out[s] = { description: DESCRIPTIONS[s] ?? 'Error', content: { 'application/json': { schema: V1ErrorBodySchema } } };
  return out;
}

/** Errors of a route that requires the `api` scope. */
export function v1ScopedErrors(...statuses: Array<400 | 404 | 409 | 413 | 503>) {
  return v1Errors(401, 403, ...statuses);
}

/** A credential's organization (stored as the organization id, `"1"`) as a number; the built-in organization (1) when it has none. */
export function organizationId(organization: string | undefined): number {
  const n = Number(organization);
  return organization !== undefined && Number.isInteger(n) && n > 0 ? n : 1;
}

/** The organization a principal acts in: its credential's, else the built-in one (id 1). */
export function organizationOf(principal: Principal | undefined): number {
  return organizationId(principal?.organization);
}

export function principalOf(c: Context): Principal | undefined {
  return getPrincipal(c);
}

/** `{"status": "success", "data": …}`. */
export const success = <T>(data: T): { status: 'success'; data: T } => ({ status: 'success', data });

import { createRoute } from '@hono/zod-openapi';
import type { RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ErrorBodySchema } from '@sentinel-kit/core/contract';
import type { RouteAccess } from '@sentinel-kit/core';

/**
 * Decides whether the request may use a route that requires `access`.
 * Returns nothing to let it through, or a Response (401/403) to refuse it.
 */
export type Authorizer = (c: Parameters<MiddlewareHandler>[0], access: RouteAccess) => Promise<Response | undefined>;

/** Per-request holder so routes declared at module level reach the app's authorizer. */
export const AUTHORIZER_KEY = 'sentinel.authorizer';

const requireAccess = (access: RouteAccess): MiddlewareHandler => async (c, next) => {
  const authorize = c.get(AUTHORIZER_KEY as never) as Authorizer | undefined;
  if (authorize === undefined) throw new Error('no authorizer installed on the app');
  const refused = await authorize(c, access);
  if (refused !== undefined) return refused;
  await next();
};

type DeclaredRoute<R extends RouteConfig> = R & { 'x-permission': RouteAccess };

/**
 * Declare a route once: its OpenAPI description, its permission (stored as
 * the `x-permission` extension so tests can walk the document) and the
 * middleware that enforces it.
 */
export function defineRoute<R extends Omit<RouteConfig, 'middleware'>>(access: RouteAccess, config: R): DeclaredRoute<R & { middleware: MiddlewareHandler }> {
  return createRoute({
    ...config,
    'x-permission': access,
    middleware: requireAccess(access),
  } as R & { middleware: MiddlewareHandler; 'x-permission': RouteAccess }) as DeclaredRoute<R & { middleware: MiddlewareHandler }>;
}

const errorContent = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBodySchema } } });

/** Error responses a native route documents, by status. */
export function errors(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413 | 429 | 501 | 502 | 503>) {
  const descriptions: Record<number, string> = {
    400: 'Bad request / validation failure',
    401: 'Not authenticated',
    403: 'Insufficient permissions or self-protection',
    404: 'Resource not found',
    409: 'Conflict',
    413: 'Request body too large',
    429: 'Rate limited',
    501: 'Not implemented',
    502: 'Registry check failed (upstream error)',
    503: 'Docker engine unreachable',
  };
  const out: Record<number, ReturnType<typeof errorContent>> = {};
  for (const s of [401, 403, ...statuses]) out[s] = errorContent(descriptions[s] ?? 'Error');
  return out;
}

export const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

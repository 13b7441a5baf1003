import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import {
  ImageFacetRequestSchema,
  ImageFacetResponseSchema,
  ImageInventoryStatusSchema,
  ImageScanRequestSchema,
  ImageScanResponseSchema,
  ImageSearchRequestSchema,
  ImageSearchResponseSchema,
  RepositorySearchRequestSchema,
  RepositorySearchResponseSchema,
} from '@sentinel-kit/core/contract';
import { NotFoundError, facetImages, searchImages, searchRepositories } from '@sentinel-kit/core';
import type { ImageInventoryEntry, RepositoryEntry } from '@sentinel-kit/core';
import { getPrincipal } from '../auth/context.js';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';
import { imageInventoryFor } from '../inventory/image-inventory-services.js';
import type { ImageInventoryOptions } from '../inventory/image-inventory-services.js';
import { inventoryFor } from '../inventory/inventory-services.js';

const seedTags = ['Image inventory (seed 002)'];
const nativeTags = ['Images'];
/** The surface's path prefix; `{org_key}` is an organization key (`default`). */
export const IMAGE_INVENTORY_PREFIX = '/containers/v1beta/orgs/{org_key}/inventory';
const BODY_LIMIT = 256 * 1024;
/** Images live in the server's own organization: the built-in one. */
const INVENTORY_ORGANIZATION_ID = 1;

const orgParams = z.object({ org_key: z.string().min(1).max(64) });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

export const searchRepositoriesRoute = defineRoute('scope:api', {
  method: 'post',
  path: `${IMAGE_INVENTORY_PREFIX}/repositories/_search`,
  tags: seedTags,
  summary: 'Search repositories of the monitored registries and Docker host',
  request: { params: orgParams, body: body(RepositorySearchRequestSchema) },
  responses: { 200: json(RepositorySearchResponseSchema, 'The search completed successfully'), ...errors(400, 404, 413) },
});

export const searchImagesRoute = defineRoute('scope:api', {
  method: 'post',
  path: `${IMAGE_INVENTORY_PREFIX}/images/_search`,
  tags: seedTags,
  summary: 'Search images that match the criteria',
  request: { params: orgParams, body: body(ImageSearchRequestSchema) },
  responses: { 200: json(ImageSearchResponseSchema, 'The search completed successfully'), ...errors(400, 404, 413) },
});

export const facetImagesRoute = defineRoute('scope:api', {
  method: 'post',
  path: `${IMAGE_INVENTORY_PREFIX}/images/_facet`,
  tags: seedTags,
  summary: 'Facets that guide image searches',
  request: { params: orgParams, body: body(ImageFacetRequestSchema) },
  responses: { 200: json(ImageFacetResponseSchema, 'The search completed successfully'), ...errors(400, 404, 413) },
});

export const scanImagesRoute = defineRoute('containers.update', {
  method: 'post',
  path: '/api/images/scan',
  tags: nativeTags,
  summary: 'Scan images for OS packages and vulnerabilities (in the background)',
  request: { body: { required: false, content: { 'application/json': { schema: ImageScanRequestSchema } } } },
  responses: { 202: json(ImageScanResponseSchema, 'Scans queued'), ...errors(400, 404, 503) },
});

export const imageScanStatusRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/images/scan',
  tags: nativeTags,
  summary: 'Image inventory and scan status',
  responses: { 200: json(ImageInventoryStatusSchema, 'Images by scan status, running scans, registry catalogues, recent failures') },
});

/**
 * The organization of `{org_key}`, if the caller may see it: a credential
 * bound to an organization (by key or id) sees only that one; one without
 * an organization belongs to the built-in organization; with authentication
 * disabled every organization is open. Anything else is 404, so other
 * organizations' keys are not revealed.
 */
async function organizationFor(c: Context, ctx: RouteContext, orgKey: string): Promise<{ id: number; key: string }> {
  const org = await inventoryFor(ctx).assets.organization(orgKey);
  const principal = getPrincipal(c);
  const allowed =
    org !== undefined &&
    (principal === undefined ||
      principal.kind === 'anonymous' ||
      (principal.organization === undefined ? org.id === INVENTORY_ORGANIZATION_ID : principal.organization === org.key || principal.organization === String(org.id)));
  if (!allowed || org === undefined) throw new NotFoundError(`organization ${orgKey} not found`);
  return org;
}

/**
 * Seed 002's image inventory surface (`/containers/v1beta/orgs/{org_key}/inventory/…`,
 * `X-AUTH-TOKEN` with an API-scoped key) and the native routes that trigger
 * and show image scans (`/api/images/scan`).
 */
export function registerImageInventoryRoutes(app: OpenAPIHono, ctx: RouteContext, options: ImageInventoryOptions = {}): void {
  const inventory = imageInventoryFor(ctx, options);
  app.use(
    '/containers/v1beta/*',
    bodyLimit({ maxSize: BODY_LIMIT, onError: (c) => c.json({ error: `request body too large (limit ${BODY_LIMIT} bytes)` }, 413) }),
  );

  const imagesOf = async (c: Context, orgKey: string): Promise<readonly ImageInventoryEntry[]> => {
    const org = await organizationFor(c, ctx, orgKey);
    if (org.id !== INVENTORY_ORGANIZATION_ID) return [];
    await inventory.ensureFresh();
    return inventory.entries();
  };
  const repositoriesOf = async (c: Context, orgKey: string): Promise<RepositoryEntry[]> => {
    const org = await organizationFor(c, ctx, orgKey);
    if (org.id !== INVENTORY_ORGANIZATION_ID) return [];
    await inventory.ensureFresh();
    return inventory.repositories();
  };

  app.openapi(searchRepositoriesRoute, async (c) => {
    const { org_key } = c.req.valid('param');
    return c.json(searchRepositories(await repositoriesOf(c, org_key), c.req.valid('json')), 200);
  });

  app.openapi(searchImagesRoute, async (c) => {
    const { org_key } = c.req.valid('param');
    return c.json(searchImages(await imagesOf(c, org_key), c.req.valid('json')), 200);
  });

  app.openapi(facetImagesRoute, async (c) => {
    const { org_key } = c.req.valid('param');
    return c.json(facetImages(await imagesOf(c, org_key), c.req.valid('json')), 200);
  });

  app.openapi(scanImagesRoute, async (c) => {
    const request = c.req.header('content-type')?.includes('json') === true ? c.req.valid('json') : {};
    const queued = await inventory.scan(request ?? {});
    ctx.logger.info('image scans queued', { count: queued.length });
    const message = queued.length === 0 ? 'Nothing to scan: every image is scanned or already queued' : `Queued ${queued.length} image${queued.length === 1 ? '' : 's'} for scanning`;
    return c.json({ status: 'started' as const, queued, message }, 202);
  });

  app.openapi(imageScanStatusRoute, async (c) => {
    await inventory.ensureFresh();
    return c.json(inventory.status(), 200);
  });
}

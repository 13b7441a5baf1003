import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ImageIdSchema, ImageSchema, PruneImagesResponseSchema, RemoveImageResponseSchema } from '@sentinel-kit/core/contract';
import type { ImageBody } from '@sentinel-kit/core/contract';
import { ConflictError, NotFoundError } from '@sentinel-kit/core';
import type { ImageSummary } from '@sentinel-kit/core';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Images'];

export const listImagesRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/images',
  tags,
  summary: 'List all Docker images',
  responses: { 200: json(z.array(ImageSchema), 'Local images, newest first'), ...errors(503) },
});

export const pruneImagesRoute = defineRoute('containers.manage', {
  method: 'post',
  path: '/api/images/prune',
  tags,
  summary: 'Remove dangling images',
  responses: { 200: json(PruneImagesResponseSchema, 'What was removed and the bytes reclaimed'), ...errors(503) },
});

export const removeImageRoute = defineRoute('containers.manage', {
  method: 'delete',
  path: '/api/images/{id}',
  tags,
  summary: 'Remove a specific image (409 while a container uses it)',
  request: { params: z.object({ id: ImageIdSchema }) },
  responses: { 200: json(RemoveImageResponseSchema, 'Removed'), ...errors(400, 404, 409, 503) },
});

/** `1.5 MB`: decimal units, as `docker system df` prints them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function toBody(image: ImageSummary): ImageBody {
  return {
    id: image.id,
    repo_tags: image.repoTags,
    repo_digests: image.repoDigests,
    created: image.created,
    size: image.size,
    containers: image.containers,
    in_use: image.containers > 0,
    dangling: image.dangling,
    labels: image.labels,
  };
}

/** The Images section: list, prune dangling, remove one. */
export function registerImageRoutes(app: OpenAPIHono, { sentinel, logger }: RouteContext): void {
  const { docker } = sentinel;

  app.openapi(listImagesRoute, async (c) => c.json((await docker.listImages()).map(toBody), 200));

  app.openapi(pruneImagesRoute, async (c) => {
    const { removed, spaceReclaimed } = await docker.pruneImages();
    const message =
      removed.length === 0 ? 'No dangling images to remove' : `Removed ${removed.length} dangling image${removed.length === 1 ? '' : 's'}, reclaimed ${formatBytes(spaceReclaimed)}`;
    logger.info('dangling images pruned', { count: removed.length, space_reclaimed: spaceReclaimed });
    return c.json({ status: 'ok' as const, removed, count: removed.length, space_reclaimed: spaceReclaimed, message }, 200);
  });

  app.openapi(removeImageRoute, async (c) => {
    const requested = c.req.valid('param').id;
    const hex = requested.replace(/^sha256:/, '');
    // The engine resolves a full id with its algorithm and a short id as bare hex (as `docker rmi abc123def456` does).
    const image = await docker.inspectImage(hex.length === 64 ? `sha256:${hex}` : hex);
    // A short id must be a prefix of the image's own id, never a repository name that happens to look like hex.
    if (image === undefined || !image.id.startsWith(`sha256:${hex}`)) throw new NotFoundError(`image ${requested} not found`);
    if (image.containers > 0) {
      throw new ConflictError(`image ${image.id.slice(7, 19)} is in use by ${image.containers} container${image.containers === 1 ? '' : 's'}; remove ${image.containers === 1 ? 'it' : 'them'} first`);
    }
    await docker.removeImage(image.id);
    logger.info('image removed', { id: image.id, tags: image.repoTags });
    return c.json({ status: 'ok' as const, id: image.id, message: `image ${image.id.slice(7, 19)} removed` }, 200);
  });
}

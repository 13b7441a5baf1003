import type { OpenAPIHono } from '@hono/zod-openapi';
import { ActionResponseSchema, ContainerGhcrResponseSchema, GhcrAlternativesResponseSchema } from '@sentinel-kit/core/contract';
import type { ActionResponse } from '@sentinel-kit/core/contract';
import { ConflictError, createGhcrAlternatives, createGhcrChecker, ForbiddenError, isSelfProtected, NotFoundError } from '@sentinel-kit/core';
import type { ContainerSummary, Sentinel } from '@sentinel-kit/core';
import { assertLocalHost } from '../http/app-types.js';
import type { RouteContext } from '../http/app-types.js';
import { ContainerNameParam, HostQuery } from '../http/params.js';
import { defineRoute, errors, json } from '../http/route.js';

export const containerGhcrRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/containers/{name}/ghcr',
  tags: ['Containers'],
  summary: 'GHCR alternative image info (cached for a day; checked now when missing or stale)',
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(ContainerGhcrResponseSchema, 'Whether the Docker Hub image is also on ghcr.io, and why not'), ...errors(400, 404, 429, 501, 502, 503) },
});

export const ghcrAlternativesRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/ghcr/alternatives',
  tags: ['Containers'],
  summary: 'All known GHCR alternatives (cached; a stale cache is refreshed in the background)',
  responses: { 200: json(GhcrAlternativesResponseSchema, 'Containers whose Docker Hub image is also published on ghcr.io'), ...errors(503) },
});

export const switchGhcrRoute = defineRoute('containers.update', {
  method: 'post',
  path: '/api/containers/{name}/switch-ghcr',
  tags: ['Container Actions'],
  summary: 'Migrate from Docker Hub to GHCR through the update transaction; runs asynchronously',
  request: { params: ContainerNameParam, query: HostQuery },
  responses: { 200: json(ActionResponseSchema, 'Migration started'), ...errors(400, 403, 404, 409, 429, 501, 502, 503) },
});

// ghcr.io is checked politely: at most this many images at once, whatever the scan concurrency.
const MAX_GHCR_CONCURRENCY = 4;

/** GHCR alternatives of Docker Hub images, and the switch to them. */
export function registerGhcrRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const { sentinel, clock, logger } = ctx;
  const alternatives = createGhcrAlternatives({
    checker: createGhcrChecker({ registry: sentinel.registry, docker: sentinel.docker, clock }),
    docker: sentinel.docker,
    storage: sentinel.storage,
    events: sentinel.events,
    clock,
    logger,
    concurrency: async () => Math.min(MAX_GHCR_CONCURRENCY, await sentinel.settings.get('scan_concurrency')),
  });

  ctx.onStart(() => {
    // Every scan may bring new containers or tags: refresh what is stale once it is done.
    const unsubscribe = sentinel.events.subscribe((event) => {
      if (event.type === 'scan_complete') alternatives.startRefresh();
    });
    ctx.onClose(async () => {
      unsubscribe();
      await alternatives.idle();
    });
  });

  const findContainer = async (name: string): Promise<ContainerSummary> => {
    const found = (await sentinel.docker.listContainers()).find((c) => c.name === name);
    if (found === undefined) throw new NotFoundError(`container ${name} not found`);
    return found;
  };

  app.openapi(containerGhcrRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    const container = await findContainer(c.req.valid('param').name);
    const check = await alternatives.checkContainer(container);
    return c.json({ container_name: container.name, ...check }, 200);
  });

  app.openapi(ghcrAlternativesRoute, async (c) => {
    if (await alternatives.isStale()) alternatives.startRefresh();
    const list = await alternatives.list();
    return c.json({ alternatives: list, refreshing: alternatives.refreshing(), checked_at: (await alternatives.lastChecked()) ?? null }, 200);
  });

  app.openapi(switchGhcrRoute, async (c) => {
    assertLocalHost(c.req.valid('query').host);
    const container = await findContainer(c.req.valid('param').name);
    if (isSelfProtected(container.labels)) throw new ForbiddenError(`${container.name} is Sentinel itself (sentinel.self=true) and is protected`);
    // Always ask the registries now: the tag must exist on ghcr.io at the moment of the switch.
    const check = await alternatives.checkContainer(container, { fresh: true });
    if (!check.available || check.ghcr_image === null) {
      throw new ConflictError(`${container.name} has no GHCR alternative: ${check.reason ?? 'not available'}`);
    }
    await sentinel.startUpdateToImage(container.name, check.ghcr_image);
    logger.info('switch to GHCR started', { name: container.name, from: container.image, to: check.ghcr_image });
    const body: ActionResponse = { status: 'started', name: container.name, message: `Switching ${container.name} from ${container.image} to ${check.ghcr_image}` };
    return c.json(body, 200);
  });
}

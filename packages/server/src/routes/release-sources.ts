import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { createReleaseNotesResolver, createReleaseSourceStore, enrichQueueWithReleaseNotes } from '@sentinel-kit/core';
import type { ReleaseNotesResolver, Sentinel } from '@sentinel-kit/core';
import type { QueueItem } from '@sentinel-kit/core/contract';
import { ReleaseSourceSchema } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Settings'];

export const listReleaseSourcesRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/release-sources',
  tags,
  summary: 'Release note source mappings',
  responses: { 200: json(z.array(ReleaseSourceSchema), 'Mappings, in the order they are tried') },
});

export const replaceReleaseSourcesRoute = defineRoute('settings.modify', {
  method: 'put',
  path: '/api/release-sources',
  tags,
  summary: 'Replace release note source mappings',
  description:
    'The whole list is replaced. `image_pattern` is a glob over the image name (`*` any run of characters, `?` one), tried against ' +
    'the short name (`nginx`), the repository (`library/nginx`) and the full name (`docker.io/library/nginx`); `github_repo` is `owner/repo`. ' +
    'The first match wins; images no pattern matches fall back to their `org.opencontainers.image.source` label.',
  request: { body: { content: { 'application/json': { schema: z.array(ReleaseSourceSchema).max(500) } }, required: true } },
  responses: { 200: json(z.array(ReleaseSourceSchema), 'The saved mappings'), ...errors(400) },
});

const resolvers = new WeakMap<Sentinel, ReleaseNotesResolver>();

/** One release-notes cache per engine, so every route (and app) over it shares the GitHub answers. */
function resolverFor(ctx: RouteContext): ReleaseNotesResolver {
  let resolver = resolvers.get(ctx.sentinel);
  if (resolver === undefined) {
    resolver = createReleaseNotesResolver({ fetch: ctx.fetch, clock: ctx.clock, logger: ctx.logger });
    resolvers.set(ctx.sentinel, resolver);
  }
  return resolver;
}

/**
 * `GET /api/queue` enrichment: adds `release_notes_url` to version updates
 * whose image maps (or whose OCI source label points) to a GitHub repository
 * with a release for the target version. Waits at most `waitMs` for GitHub.
 */
export function queueReleaseNotes(ctx: RouteContext, options: { waitMs?: number } = {}): (items: QueueItem[]) => Promise<QueueItem[]> {
  const store = createReleaseSourceStore(ctx.sentinel.storage);
  return async (items) => {
    if (items.length === 0) return items;
    const resolver = resolverFor(ctx);
    let containers: Promise<Map<string, Record<string, string>>> | undefined;
    const labelsOf = async (name: string): Promise<Record<string, string> | undefined> => {
      // Listed once per request, and only when some image has no mapping.
      containers ??= ctx.sentinel.docker.listContainers().then((all) => new Map(all.map((c) => [c.name, c.labels])));
      return (await containers).get(name);
    };
    return enrichQueueWithReleaseNotes(items, { resolver, sources: await store.list(), labelsOf, clock: ctx.clock, ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }) });
  };
}

export function registerReleaseSourceRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const store = createReleaseSourceStore(ctx.sentinel.storage);
  app.openapi(listReleaseSourcesRoute, async (c) => c.json(await store.list(), 200));
  app.openapi(replaceReleaseSourcesRoute, async (c) => {
    const saved = await store.replace(c.req.valid('json'));
    ctx.sentinel.events.publish({ type: 'settings_change', message: `Release note sources replaced (${saved.length} mapping${saved.length === 1 ? '' : 's'})`, data: { key: 'release_sources' } });
    return c.json(saved, 200);
  });
}

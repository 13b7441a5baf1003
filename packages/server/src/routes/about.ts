import type { OpenAPIHono } from '@hono/zod-openapi';
import { formatGoDuration, parseImageReference } from '@sentinel-kit/core';
import { AboutResponseSchema } from '@sentinel-kit/core/contract';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, json } from '../http/route.js';
import { notifierFor } from '../notify/server-notifier.js';

export const aboutRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/about',
  tags: ['Settings'],
  summary: 'Version, uptime, stats, channels',
  description:
    '`runtime_version` (`node v20.19.0`) stands in for the seed\'s `go_version`: this server runs on Node.js. ' +
    '`registries` are the registries the containers\' images come from, with any that have saved credentials or were contacted.',
  responses: { 200: json(AboutResponseSchema, 'About this server') },
});

export interface AboutOptions {
  version: string;
  /** Epoch ms the server started. */
  startedAt: number;
  /** Build commit. @default `SENTINEL_COMMIT` from the environment, else `unknown` */
  commit?: string | undefined;
  /** Data directory shown to users. @default '' (not known to the app) */
  dataDirectory?: string | undefined;
  /** Registries with saved credentials. */
  credentialRegistries?: (() => string[]) | undefined;
}

/** `3d 12h 5m`: days and hours only once they are non-zero, minutes always. */
export function formatUptime(ms: number): string {
  const totalMinutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) return `${days}d ${hours}h ${minutes}m`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m`;
}

/** `6h`, `1h30m`, `45s`: a Go duration without its zero parts, as the seed's about page shows the poll interval. */
export function compactDuration(ms: number): string {
  return formatGoDuration(ms).replace(/(\d)h0m0s$/, '$1h').replace(/(\d)m0s$/, '$1m');
}

function envValue(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.[name];
  return v === undefined || v === '' ? undefined : v;
}

function runtimeVersion(): string {
  const g = globalThis as { process?: { versions?: Record<string, string | undefined>; version?: string } };
  const node = g.process?.versions?.node;
  return node === undefined ? 'unknown' : `node v${node}`;
}

export function registerAboutRoutes(app: OpenAPIHono, ctx: RouteContext, options: AboutOptions): void {
  const { sentinel } = ctx;
  const commit = options.commit ?? envValue('SENTINEL_COMMIT') ?? 'unknown';
  const notifier = notifierFor(ctx);

  app.openapi(aboutRoute, async (c) => {
    const now = ctx.clock.now();
    const containers = await sentinel.docker.listContainers().catch(() => undefined);
    const registries = new Set<string>();
    for (const container of containers ?? []) {
      try {
        registries.add(parseImageReference(container.image).registry);
      } catch {
        // An image reference the engine accepted but we cannot parse names no registry.
      }
    }
    for (const r of Object.keys(sentinel.registry.stats().byRegistry)) registries.add(r);
    for (const r of options.credentialRegistries?.() ?? []) registries.add(r);

    const history = await sentinel.history.all();
    const channels = (await notifier.listChannels()).map((ch) => ({ name: ch.name, type: ch.type }));

    return c.json(
      {
        version: options.version,
        commit,
        runtime_version: runtimeVersion(),
        data_directory: options.dataDirectory ?? '',
        uptime: formatUptime(now - options.startedAt),
        started_at: new Date(options.startedAt).toISOString(),
        poll_interval: compactDuration(await sentinel.settings.get('poll_interval')),
        last_scan: await sentinel.lastScan(),
        containers: containers?.length ?? 0,
        updates_applied: history.filter((h) => h.type === 'update' && h.outcome === 'success').length,
        snapshots: await sentinel.history.snapshotCount(),
        channels,
        registries: [...registries].sort(),
      },
      200,
    );
  });
}

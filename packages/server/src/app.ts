import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { silentLogger, systemClock } from '@sentinel-kit/core';
import type { Clock, FetchLike, Logger, Sentinel } from '@sentinel-kit/core';
import type { RouteContext } from './http/app-types.js';
import { nativeErrorResponse } from './http/error-handler.js';
import { AUTHORIZER_KEY } from './http/route.js';
import type { Authorizer } from './http/route.js';
import { formatValidationError } from './http/validation.js';
import { registerActionRoutes } from './routes/actions.js';
import { registerContainerRoutes } from './routes/containers.js';
import { registerEventRoutes } from './routes/events.js';
import type { EventStreamOptions } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerHistoryRoutes } from './routes/history.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerPolicyRoutes } from './routes/policy.js';
import { registerQueueRoutes } from './routes/queue.js';
import { SERVER_VERSION } from './version.js';

export interface AppOptions {
  sentinel: Sentinel;
  logger?: Logger;
  /**
   * Decides access to each route from its declared permission.
   * @default every route open ("authentication disabled")
   */
  authorize?: Authorizer;
  /** Largest accepted request body. @default 1 MiB */
  bodyLimitBytes?: number;
  sse?: EventStreamOptions;
  /** @default Date.now() */
  startedAt?: number;
  /** Serve `/metrics`. @default false */
  metrics?: boolean;
  /** Outbound HTTP for notification channels, connectors… @default globalThis.fetch */
  fetch?: FetchLike;
  /** @default systemClock */
  clock?: Clock;
}

/** The Hono app plus its lifecycle: `start()` once serving, `close()` on shutdown. */
export type SentinelApp = OpenAPIHono & {
  start(): Promise<void>;
  close(): Promise<void>;
};

/** Authentication disabled: every route is open, as the native API documents. */
export const allowAll: Authorizer = async () => undefined;

/**
 * Build the Hono app serving the documented API over a Sentinel engine.
 * Mount it on any runtime: `serve({ fetch: app.fetch })`, or call
 * `app.request()` in tests.
 */
export function createApp(options: AppOptions): SentinelApp {
  const logger = options.logger ?? silentLogger;
  const authorize = options.authorize ?? allowAll;
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return c.json({ error: formatValidationError(result.error) }, 400);
      return undefined;
    },
  });

  app.use('*', async (c, next) => {
    c.set(AUTHORIZER_KEY as never, authorize as never);
    await next();
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: options.bodyLimitBytes ?? 1024 * 1024,
      onError: (c) => c.json({ error: `request body too large (limit ${options.bodyLimitBytes ?? 1024 * 1024} bytes)` }, 413),
    }),
  );

  const starters: Array<() => void | Promise<void>> = [];
  const closers: Array<() => void | Promise<void>> = [];
  const ctx: RouteContext = {
    sentinel: options.sentinel,
    logger,
    clock: options.clock ?? systemClock,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    onStart: (fn) => void starters.push(fn),
    onClose: (fn) => void closers.push(fn),
  };
  registerHealthRoutes(app, ctx, { version: SERVER_VERSION, startedAt: options.startedAt ?? Date.now() });
  registerContainerRoutes(app, ctx);
  registerActionRoutes(app, ctx);
  registerQueueRoutes(app, ctx);
  registerPolicyRoutes(app, ctx);
  registerHistoryRoutes(app, ctx);
  registerEventRoutes(app, ctx, options.sse);
  registerMetricsRoutes(app, { enabled: options.metrics ?? false });

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Sentinel Kit API', version: SERVER_VERSION, description: 'The documented Docker Sentinel native API, served by Sentinel Kit.' },
  });

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => nativeErrorResponse(error, c, logger));

  let started = false;
  return Object.assign(app, {
    async start() {
      if (started) return;
      started = true;
      for (const fn of starters) await fn();
    },
    async close() {
      // Closers run in reverse registration order, like a stack of resources.
      for (const fn of [...closers].reverse()) {
        try {
          await fn();
        } catch (error) {
          logger.warn('shutdown step failed', { error: error instanceof Error ? error.message : String(error) });
        }
      }
    },
  });
}

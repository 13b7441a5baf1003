import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { NotFoundError } from '@sentinel-kit/core';
import type { RouteContext } from '../../http/app-types.js';
import { defineRoute } from '../../http/route.js';

/**
 * `/docs` (Swagger UI) and `/redoc` (ReDoc) over `/openapi.json`, served by
 * the server itself: the UI bundles come from the `swagger-ui-dist` and
 * `redoc` packages, never from a CDN, and the pages run no inline script.
 */

const require = createRequire(import.meta.url);

/** The files the two pages load, and where each comes from. */
const ASSETS = {
  'swagger-ui.css': { type: 'text/css; charset=utf-8', path: () => join(dirname(require.resolve('swagger-ui-dist/package.json')), 'swagger-ui.css') },
  'swagger-ui-bundle.js': { type: 'text/javascript; charset=utf-8', path: () => join(dirname(require.resolve('swagger-ui-dist/package.json')), 'swagger-ui-bundle.js') },
  'redoc.standalone.js': { type: 'text/javascript; charset=utf-8', path: () => join(dirname(require.resolve('redoc')), 'redoc.standalone.js') },
  'swagger-init.js': { type: 'text/javascript; charset=utf-8', path: undefined },
} as const;
type AssetName = keyof typeof ASSETS;

// Kept out of the page so that a Content-Security-Policy without 'unsafe-inline' scripts holds.
const SWAGGER_INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

// Scripts only from this server. The bundles style through inline styles, build a few functions at run time
// (ReDoc's templates, a globalThis fallback) and run ReDoc's search in a blob: worker.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

const page = (title: string, head: string, body: string): string => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${head}
</head>
<body>
${body}
</body>
</html>
`;

const SWAGGER_PAGE = page(
  'Sentinel Kit API — Swagger UI',
  '<link rel="stylesheet" href="/docs/assets/swagger-ui.css">',
  '<div id="swagger-ui"></div>\n<script src="/docs/assets/swagger-ui-bundle.js"></script>\n<script src="/docs/assets/swagger-init.js"></script>',
);

const REDOC_PAGE = page('Sentinel Kit API — ReDoc', '', '<redoc spec-url="/openapi.json"></redoc>\n<script src="/docs/assets/redoc.standalone.js"></script>');

const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

export const swaggerUiRoute = defineRoute('public', {
  method: 'get',
  path: '/docs',
  tags: ['Documentation'],
  summary: 'Interactive API documentation (Swagger UI) of every surface',
  responses: { 200: html('The Swagger UI page') },
});

export const redocRoute = defineRoute('public', {
  method: 'get',
  path: '/redoc',
  tags: ['Documentation'],
  summary: 'API reference (ReDoc) of every surface',
  responses: { 200: html('The ReDoc page') },
});

export const docsAssetRoute = defineRoute('public', {
  method: 'get',
  path: '/docs/assets/{file}',
  tags: ['Documentation'],
  summary: 'Scripts and styles of the documentation pages (from the swagger-ui-dist and redoc packages)',
  request: { params: z.object({ file: z.string().min(1).max(64) }) },
  responses: {
    200: { description: 'The file', content: { 'text/javascript': { schema: z.string() }, 'text/css': { schema: z.string() } } },
    404: { description: 'No such file', content: { 'application/json': { schema: z.object({ error: z.string() }) } } },
  },
});

export function registerDocsUiRoutes(app: OpenAPIHono, ctx: RouteContext): void {
  const cache = new Map<AssetName, Promise<Buffer>>();
  const load = (name: AssetName): Promise<Buffer> => {
    let pending = cache.get(name);
    if (pending === undefined) {
      const spec = ASSETS[name];
      pending = spec.path === undefined ? Promise.resolve(Buffer.from(SWAGGER_INIT)) : readFile(spec.path());
      // A failed read is retried by the next request rather than remembered.
      pending.catch((error: unknown) => {
        cache.delete(name);
        ctx.logger.error('documentation asset unavailable', { file: name, error: error instanceof Error ? error.message : String(error) });
      });
      cache.set(name, pending);
    }
    return pending;
  };

  const htmlPage = (body: string): Response =>
    new Response(body, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, 'cache-control': 'no-cache' } });

  app.openapi(swaggerUiRoute, () => htmlPage(SWAGGER_PAGE));
  app.openapi(redocRoute, () => htmlPage(REDOC_PAGE));
  app.openapi(docsAssetRoute, async (c) => {
    const { file } = c.req.valid('param');
    if (!Object.hasOwn(ASSETS, file)) throw new NotFoundError(`no documentation asset ${file}`);
    const name = file as AssetName;
    const body = await load(name);
    return new Response(new Uint8Array(body), { status: 200, headers: { 'content-type': ASSETS[name].type, 'cache-control': 'public, max-age=3600' } });
  });
}

import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { errorResponse } from '../http/error-handler.js';
import { createAssetLoader } from './assets.js';
import type { AssetLoaderOptions } from './assets.js';
import { DASHBOARD_HEADERS, renderShell } from './page.js';

export type { DashboardAsset, DashboardAssets, AssetLoaderOptions } from './assets.js';

/** Paths the dashboard answers; everything else is the API's. */
export const DASHBOARD_PATHS = ['/', '/ui/app.js', '/ui/app.css'] as const;

/**
 * Serve the web dashboard: the page at `/` and its bundle under `/ui/`.
 * Registered before the setup gate, because the page is what a first-run
 * visitor uses to create the admin; it holds no data, and every call it makes
 * goes through the API's own authentication and permissions.
 */
export function registerDashboard(app: OpenAPIHono, options: AssetLoaderOptions = {}): void {
  const assets = createAssetLoader(options);
  const failed = (c: Context, error: unknown): Response =>
    errorResponse(c, 503, `dashboard unavailable: ${error instanceof Error ? error.message : String(error)}`);

  app.get('/', async (c) => {
    try {
      const { version } = await assets();
      return c.html(renderShell(version), 200, { ...DASHBOARD_HEADERS, 'cache-control': 'no-cache' });
    } catch (error) {
      return failed(c, error);
    }
  });

  app.get('/ui/:file{app\\.(?:js|css)}', async (c) => {
    let loaded;
    try {
      loaded = await assets();
    } catch (error) {
      return failed(c, error);
    }
    const file = loaded.files.get(c.req.param('file'));
    if (file === undefined) return errorResponse(c, 404, `no route for GET ${c.req.path}`);
    const etag = `"${file.etag}"`;
    const headers = { ...DASHBOARD_HEADERS, etag, 'content-type': file.contentType, 'cache-control': 'public, max-age=31536000, immutable' };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(file.body, 200, headers);
  });
}

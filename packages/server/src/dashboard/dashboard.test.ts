import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { createMemoryDocker, createMemoryStorage, createSentinel } from '@sentinel-kit/core';
import { createApp } from '../app.js';
import { registerDashboard } from './index.js';

const app = () => createApp({ sentinel: createSentinel({ storage: createMemoryStorage(), docker: createMemoryDocker() }) });

describe('the dashboard routes', () => {
  it('serves the page at / before the first admin exists, while the API stays gated', async () => {
    const a = app();
    const page = await a.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    const html = await page.text();
    expect(html).toMatch(/<script type="module" src="\/ui\/app\.js\?v=[0-9a-f]{12}"><\/script>/);
    // Nothing is loaded from another origin.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect((await a.request('/api/containers')).status).toBe(503);
  });

  it('serves the bundle built from the sources, with a validator', async () => {
    const a = app();
    const js = await a.request('/ui/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const body = await js.text();
    expect(body.length).toBeGreaterThan(10_000);
    expect(body).toContain('/api/events');
    const etag = js.headers.get('etag') ?? '';
    expect((await a.request('/ui/app.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const css = await a.request('/ui/app.css');
    expect(css.status).toBe(200);
    expect(await css.text()).toMatch(/prefers-color-scheme: ?dark/);
    // Any other path is the API's: before setup, the gate answers it.
    expect((await a.request('/ui/other.js')).status).toBe(503);
  }, 30_000);

  it('answers 503 with the reason when there is neither a built bundle nor sources to build it from', async () => {
    const bare = new OpenAPIHono();
    registerDashboard(bare, { prebuiltDir: new URL('file:///nonexistent/ui/'), canBuild: async () => false });
    const r = await bare.request('/');
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ error: 'dashboard unavailable: the dashboard bundle is missing: run `pnpm build`' });
  });
});

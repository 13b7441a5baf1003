import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AUDIT_CHECKS, FRAMEWORKS } from '@sentinel-kit/core';
import { createV1Fixture } from './v1-fixture.js';

interface OpenApiDocument {
  paths: Record<string, Record<string, { tags?: string[]; 'x-permission'?: string; security?: unknown[] }>>;
  components?: { securitySchemes?: Record<string, { type: string }> };
}

describe('/docs, /redoc and /openapi.json', () => {
  it('serve Swagger UI and ReDoc from the npm packages, with no CDN', async () => {
    const f = await createV1Fixture();
    const docs = await f.client().v1.docs();
    expect(docs).toContain('<div id="swagger-ui"></div>');
    const redoc = await f.client().v1.redoc();
    expect(redoc).toContain('<redoc spec-url="/openapi.json"></redoc>');
    for (const page of [docs, redoc]) {
      // Every script and stylesheet is the server's own.
      for (const [, url] of page.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url).toMatch(/^\/docs\/assets\//);
      expect(page).not.toMatch(/https?:\/\//);
    }
    const page = await f.app.request('/docs');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    const bundle = await f.app.request('/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await bundle.text()).toContain('SwaggerUIBundle');
    const css = await f.app.request('/docs/assets/swagger-ui.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await css.text()).length).toBeGreaterThan(10_000);
    const init = await (await f.app.request('/docs/assets/swagger-init.js')).text();
    expect(init).toContain("url: '/openapi.json'");
    const standalone = await f.app.request('/docs/assets/redoc.standalone.js');
    expect(standalone.status).toBe(200);
    expect((await standalone.text()).length).toBeGreaterThan(100_000);
    const missing = await f.app.request('/docs/assets/..%2Fpackage.json');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: expect.stringContaining('no documentation asset') });
  });

  it('document every /api/v1 route with its tag, scope and security schemes, next to the other surfaces', async () => {
    const f = await createV1Fixture();
    const doc = (await (await f.app.request('/openapi.json')).json()) as OpenApiDocument;
    const v1 = Object.entries(doc.paths).filter(([path]) => path.startsWith('/api/v1/'));
    const operations = v1.flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));
    expect(operations.map((o) => o.key).sort()).toEqual(
      [
        'DELETE /api/v1/api-keys/{id}',
        'DELETE /api/v1/webhooks/{id}',
        'GET /api/v1/api-keys',
        'GET /api/v1/audits',
        'GET /api/v1/compliance/{framework}/status',
        'GET /api/v1/systems',
        'GET /api/v1/systems/{agent_id}',
        'GET /api/v1/vulnerabilities',
        'GET /api/v1/webhooks',
        'GET /api/v1/webhooks/{id}/deliveries',
        'POST /api/v1/agents/enroll',
        'POST /api/v1/agents/enrollment-token',
        'POST /api/v1/api-keys',
        'POST /api/v1/auth/token',
        'POST /api/v1/systems/{agent_id}/audit',
        'POST /api/v1/webhooks',
      ].sort(),
    );
    for (const { key, op } of operations) {
      expect(op.tags?.[0], key).toMatch(/^Audit API v1: /);
      const publicRoute = key === 'POST /api/v1/auth/token' || key === 'POST /api/v1/agents/enroll';
      expect(op['x-permission'], key).toBe(publicRoute ? 'public' : 'scope:api');
      if (!publicRoute) expect(op.security, key).toEqual([{ V1Bearer: [] }, { V1ApiKey: [] }]);
    }
    expect(doc.components?.securitySchemes?.V1Bearer?.type).toBe('http');
    expect(doc.components?.securitySchemes?.V1ApiKey?.type).toBe('apiKey');
    // The other surfaces are in the same document.
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/containers', '/api/agent/report', '/docs', '/redoc']));
  });
});

describe('docs/audit-and-compliance.md', () => {
  it('has the check → control mapping the audits use, row by row, and every control title', async () => {
    const doc = await readFile(new URL('../../../../docs/audit-and-compliance.md', import.meta.url), 'utf8');
    for (const c of AUDIT_CHECKS) {
      const row = `| \`${c.id}\` | ${c.title} | ${c.severity} | ${c.reference ?? '—'} | ${c.controls.nist.join(', ')} | ${c.controls.iso27001.join(', ')} | ${c.controls.soc2.join(', ')} | ${c.controls.hipaa.join(', ')} |`;
      expect(doc, c.id).toContain(row);
    }
    for (const framework of Object.values(FRAMEWORKS)) {
      for (const id of Object.keys(framework.controls)) expect(doc, `${framework.id} ${id}`).toContain(`${id} `);
    }
  });
});

import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  AuthenticationError,
  BadRequestError,
  createSentinelClient,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
} from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { createAuthService, systemClock } from '@sentinel-kit/core';
import type { AgentReportBody } from '@sentinel-kit/core/contract';
import { createAuthFixture } from '../support/auth-fixture.js';
import type { AuthFixture } from '../support/auth-fixture.js';
import { BASE_URL } from './client-fixture.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../core/src/inventory/fixtures/${name}`, import.meta.url), 'utf8');
const NVD = JSON.parse(fixture('nvd-cves.json')) as object;
const OSV = JSON.parse(fixture('osv-records.json')) as object[];
const KEV = JSON.parse(fixture('kev-catalog.json')) as object;

// Feeds "downloaded" by the server go through the global fetch: msw answers them.
const feeds = setupServer();
beforeAll(() => feeds.listen({ onUnhandledRequest: 'error' }));
afterEach(() => feeds.resetHandlers());
afterAll(() => feeds.close());

const open: AuthFixture[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

/** Authentication on, an admin client, and an agent key created through the client. */
async function setup(app: Parameters<typeof createAuthFixture>[0] = {}): Promise<{ f: AuthFixture; admin: SentinelClient; key: string; keyId: string }> {
  const f = await createAuthFixture(app);
  open.push(f);
  const admin = f.client(f.admin.token);
  const created = await admin.agentKeys.create('fleet agents');
  return { f, admin, key: created.key, keyId: created.id };
}

/** The seed's quick-start report. */
const QUICK_START: AgentReportBody = {
  hostname: 'custom-server-01',
  os: 'FreeBSD 14.0-RELEASE',
  organization_id: 1,
  software: [
    { name: 'nginx', version: '1.24.0', vendor: 'F5, Inc.' },
    { name: 'PostgreSQL', version: '15.4', vendor: 'PostgreSQL Global Development Group' },
    { name: 'OpenSSL', version: '1.0.1f', vendor: 'OpenSSL Project' },
  ],
};

async function rejection(p: Promise<unknown>): Promise<Error & { body?: unknown }> {
  try {
    await p;
  } catch (error) {
    return error as Error & { body?: unknown };
  }
  throw new Error('expected the call to fail');
}

describe('client.agentKeys', () => {
  it('create() shows the key once; list() masks it; delete() revokes it at once', async () => {
    const { f, admin, key, keyId } = await setup();
    expect(key).toMatch(/^sk_agent_[A-Za-z0-9_-]{20,}$/);
    const listed = await admin.agentKeys.list();
    expect(listed).toEqual([
      { id: keyId, name: 'fleet agents', prefix: `${key.slice(0, 13)}…`, organization_id: 1, agent_id: null, created_at: expect.any(String), last_used_at: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(key);

    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0 });
    await agent.inventory.report(QUICK_START, { agentKey: key });
    expect((await admin.agentKeys.list())[0]?.last_used_at).toEqual(expect.any(String));

    expect(await admin.agentKeys.delete(keyId)).toEqual({ message: 'agent key revoked' });
    expect(await admin.agentKeys.list()).toEqual([]);
    expect(await rejection(agent.inventory.report(QUICK_START, { agentKey: key }))).toBeInstanceOf(AuthenticationError);
    expect(await rejection(admin.agentKeys.delete(keyId))).toBeInstanceOf(NotFoundError);
  });

  it('refuses a blank name and an unknown organization (400), and viewers (403)', async () => {
    const { f, admin } = await setup();
    const blank = await rejection(admin.agentKeys.create('  '));
    expect(blank).toBeInstanceOf(BadRequestError);
    expect(blank.body).toEqual({ error: expect.stringContaining('name') });
    expect(await rejection(admin.agentKeys.create('elsewhere', { organization_id: 9 }))).toBeInstanceOf(BadRequestError);
    const viewer = f.client((await f.createUser('viewer')).token);
    expect(await rejection(viewer.agentKeys.list())).toBeInstanceOf(PermissionDeniedError);
    expect(await rejection(viewer.agentKeys.create('mine'))).toBeInstanceOf(PermissionDeniedError);
    expect(await admin.agentKeys.list()).toHaveLength(1);
  });
});

describe('client.inventory.report', () => {
  it('accepts the seed quick-start report and answers with counts computed from the vulnerability database', async () => {
    const { f, admin, key } = await setup();
    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0 });
    const imported = await admin.inventory.importDocument('nvd', NVD);
    expect(imported).toMatchObject({ source: 'nvd', processed: 4, added: 4, assets_rematched: 0 });

    expect(await agent.inventory.report(QUICK_START, { agentKey: key })).toEqual({
      status: 'accepted',
      asset_id: 1,
      hostname: 'custom-server-01',
      products_processed: 3,
      products_matched: 1,
      vulnerabilities_found: 1,
      delta: false,
    });

    const asset = await admin.inventory.asset(1);
    expect(asset).toMatchObject({ id: 1, hostname: 'custom-server-01', os: 'FreeBSD 14.0-RELEASE', organization_id: 1, tags: [], software_count: 3, products_matched: 1, vulnerabilities_found: 1 });
    const products = await admin.inventory.assetProducts(1);
    expect(products.total).toBe(3);
    const openssl = products.products.find((p) => p.name === 'OpenSSL');
    expect(openssl?.vulnerabilities.map((v) => [v.id, v.method])).toEqual([['CVE-2014-0160', 'vendor_product']]);
    expect(products.products.find((p) => p.name === 'nginx')?.vulnerabilities).toEqual([]);
    expect((await admin.inventory.assetProducts(1, { vulnerable: true })).products.map((p) => p.name)).toEqual(['OpenSSL']);

    const vulns = await admin.inventory.assetVulnerabilities(1);
    expect(vulns.vulnerabilities).toEqual([
      expect.objectContaining({ id: 'CVE-2014-0160', cve: 'CVE-2014-0160', source: 'nvd', products: [expect.objectContaining({ name: 'OpenSSL', version: '1.0.1f' })] }),
    ]);

    const record = await admin.inventory.vulnerability('CVE-2014-0160');
    expect(record.id).toBe('CVE-2014-0160');
    expect(record.configurations.length).toBeGreaterThan(0);
    expect(record.affected_assets).toEqual([{ id: 1, hostname: 'custom-server-01', organization_id: 1, products: [expect.objectContaining({ name: 'OpenSSL', version: '1.0.1f' })] }]);
    expect(await rejection(admin.inventory.vulnerability('CVE-1999-0001'))).toBeInstanceOf(NotFoundError);
    expect(await rejection(admin.inventory.asset(99))).toBeInstanceOf(NotFoundError);
  });

  it('a full report replaces the inventory; a delta changes only the listed items', async () => {
    const { f, admin, key } = await setup();
    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0 });
    await admin.inventory.importDocument('nvd', NVD);
    await agent.inventory.report(QUICK_START, { agentKey: key });

    const delta = await agent.inventory.report(
      { hostname: 'custom-server-01', delta: true, software_added: [{ name: 'OpenSSL', version: '1.0.1g', vendor: 'OpenSSL Project' }], software_removed: [{ name: 'OpenSSL', version: '1.0.1f' }] },
      { agentKey: key },
    );
    expect(delta).toEqual({ status: 'accepted', asset_id: 1, hostname: 'custom-server-01', products_processed: 3, products_matched: 0, vulnerabilities_found: 0, delta: true });
    const names = (await admin.inventory.assetProducts(1)).products.map((p) => `${p.name}@${p.version}`);
    expect(names.sort()).toEqual(['OpenSSL@1.0.1g', 'PostgreSQL@15.4', 'nginx@1.24.0']);
    // A delta leaves the OS as it was.
    expect((await admin.inventory.asset(1)).os).toBe('FreeBSD 14.0-RELEASE');

    const full = await agent.inventory.report({ hostname: 'custom-server-01', software: [{ name: 'xz', version: '5.6.1', vendor: 'Tukaani' }] }, { agentKey: key });
    expect(full).toMatchObject({ asset_id: 1, products_processed: 1, products_matched: 1, vulnerabilities_found: 1 });
    const asset = await admin.inventory.asset(1);
    expect(asset).toMatchObject({ software_count: 1, os: 'Unknown', highest_severity: 'critical' });
  });

  it('applies the documented defaults: os Unknown, organization from the key, tags [], ip_address from the request', async () => {
    const { f, admin, key } = await setup({ app: { trustProxy: true } });
    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0, headers: { 'x-forwarded-for': '198.51.100.7' } });
    await agent.inventory.report({ hostname: 'bare', software: [] }, { agentKey: key });
    await agent.inventory.report({ hostname: 'tagged', software: [], ip_address: '2001:db8::1', tags: ['prod', 'eu'] }, { agentKey: key });
    const page = await admin.inventory.assets();
    expect(page).toMatchObject({ total: 2, page: 1, per_page: 50 });
    expect(page.assets.map((a) => [a.hostname, a.os, a.organization_id, a.ip_address, a.tags])).toEqual([
      ['bare', 'Unknown', 1, '198.51.100.7', []],
      ['tagged', 'Unknown', 1, '2001:db8::1', ['prod', 'eu']],
    ]);
    expect((await admin.inventory.assets({ q: 'TAG', per_page: 1 })).assets.map((a) => a.hostname)).toEqual(['tagged']);
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    const { f, admin, key } = await setup();
    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0, headers: { 'x-forwarded-for': '198.51.100.7' } });
    await agent.inventory.report({ hostname: 'direct', software: [] }, { agentKey: key });
    expect((await admin.inventory.asset(1)).ip_address).not.toBe('198.51.100.7');
  });

  it('answers 400 naming the field and what is wrong, and writes nothing', async () => {
    const { f, admin, key } = await setup();
    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0 });
    const cases: Array<[unknown, RegExp]> = [
      [{ hostname: 'h' }, /^software: required/],
      [{ software: [] }, /^hostname: required/],
      [{ hostname: 'h', software: [{ name: 'nginx' }] }, /software\.0\.version/],
      [{ hostname: 'h', software: [{ name: '', version: '1' }] }, /software\.0\.name/],
      [{ hostname: 'h', software: [], ip_address: 'not-an-ip' }, /^ip_address: must be an IPv4 or IPv6 address/],
      [{ hostname: 'h', delta: true }, /^software_added: required in a delta report/],
      [{ hostname: 'h', software: [], software_added: [] }, /^software_added: only allowed with "delta": true/],
      [{ hostname: 'h', software: [], organization_id: 'one' }, /^organization_id:/],
    ];
    for (const [body, message] of cases) {
      const error = await rejection(agent.inventory.report(body as AgentReportBody, { agentKey: key }));
      expect(error, JSON.stringify(body)).toBeInstanceOf(BadRequestError);
      expect((error.body as { error: string }).error, JSON.stringify(body)).toMatch(message);
    }
    const raw = await f.app.request('/api/agent/report', { method: 'POST', headers: { 'x-agent-key': key, 'content-type': 'application/json' }, body: '{"hostname":' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ error: expect.stringContaining('JSON') });
    expect((await admin.inventory.assets()).total).toBe(0);
  });

  it('401 without or with a bad key; 403 for credentials without the agent scope or another organization', async () => {
    const { f, admin, key } = await setup();
    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0 });
    const missing = await f.app.request('/api/agent/report', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(QUICK_START) });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: expect.any(String) });
    expect(await rejection(agent.inventory.report(QUICK_START, { agentKey: 'sk_agent_not-a-real-key-000000' }))).toBeInstanceOf(AuthenticationError);

    // An API key of the audit surface (vp_…) is a valid credential without the agent scope.
    const auth = createAuthService({ storage: f.sentinel.storage, clock: systemClock });
    const { secret } = await auth.credentials.issue({ kind: 'api_key', name: 'automation', scopes: ['api'] });
    const viaApiKey = await f.app.request('/api/agent/report', { method: 'POST', headers: { 'x-api-key': secret, 'content-type': 'application/json' }, body: JSON.stringify(QUICK_START) });
    expect(viaApiKey.status).toBe(403);
    // A user's token is not an agent key either.
    expect(await rejection(admin.request({ method: 'POST', path: '/api/agent/report', json: QUICK_START }))).toBeInstanceOf(PermissionDeniedError);

    const otherOrg = await rejection(agent.inventory.report({ ...QUICK_START, organization_id: 2 }, { agentKey: key }));
    expect(otherOrg).toBeInstanceOf(PermissionDeniedError);
    expect(otherOrg.body).toEqual({ error: expect.stringContaining('organization_id 2') });
    expect((await admin.inventory.assets()).total).toBe(0);
  });

  it('limits reports per key (429 with Retry-After) and body size (413)', async () => {
    const { f, admin, key } = await setup({ app: { agentReports: { reportsPerMinute: 2, maxBodyBytes: 4096 } } });
    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0 });
    await agent.inventory.report({ hostname: 'a', software: [] }, { agentKey: key });
    await agent.inventory.report({ hostname: 'a', software: [] }, { agentKey: key });
    const limited = await rejection(agent.inventory.report({ hostname: 'a', software: [] }, { agentKey: key }));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfter).toBeGreaterThanOrEqual(1);
    expect((limited as RateLimitError).retryAfter).toBeLessThanOrEqual(30);
    // Another key has its own budget.
    const other = await admin.agentKeys.create('second');
    const big = { hostname: 'b', software: Array.from({ length: 200 }, (_, i) => ({ name: `package-${i}`, version: '1.0.0' })) };
    expect(await rejection(agent.inventory.report(big, { agentKey: other.key }))).toBeInstanceOf(PayloadTooLargeError);
    expect(await agent.inventory.report({ hostname: 'b', software: [] }, { agentKey: other.key })).toMatchObject({ status: 'accepted' });
  });
});

describe('client.inventory queries and imports', () => {
  it('products() lists products across the fleet with their assets and matches', async () => {
    const { f, admin, key } = await setup();
    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0 });
    await admin.inventory.importDocument('nvd', NVD);
    await agent.inventory.report(QUICK_START, { agentKey: key });
    await agent.inventory.report({ hostname: 'web-02', software: [{ name: 'OpenSSL', version: '1.0.1f', vendor: 'OpenSSL Project' }, { name: 'nginx', version: '1.25.3' }] }, { agentKey: key });

    const all = await admin.inventory.products();
    expect(all.total).toBe(4);
    expect(all.products.map((p) => `${p.name}@${p.version}`)).toEqual(['nginx@1.24.0', 'nginx@1.25.3', 'OpenSSL@1.0.1f', 'PostgreSQL@15.4']);
    const openssl = all.products.find((p) => p.name === 'OpenSSL');
    expect(openssl).toMatchObject({ asset_count: 2, assets: [{ id: 1, hostname: 'custom-server-01' }, { id: 2, hostname: 'web-02' }] });
    expect(openssl?.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2014-0160']);
    expect((await admin.inventory.products({ vulnerable: true })).products.map((p) => p.name)).toEqual(['OpenSSL']);
    expect((await admin.inventory.products({ q: 'ngin', per_page: 1, page: 2 })).products.map((p) => p.version)).toEqual(['1.25.3']);
    expect((await admin.inventory.assets({ vulnerable: false })).assets).toEqual([]);
  });

  it('an import re-matches only the assets its records concern', async () => {
    const { f, admin, key } = await setup();
    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0 });
    await agent.inventory.report({ hostname: 'legacy', software: [{ name: 'OpenSSL', version: '1.0.1f', vendor: 'OpenSSL Project' }] }, { agentKey: key });
    await agent.inventory.report({ hostname: 'python', software: [{ name: 'pikepdf', version: '2.8.0', package_type: 'pypi' }] }, { agentKey: key });
    await agent.inventory.report({ hostname: 'empty', software: [{ name: 'some-tool', version: '1.0' }] }, { agentKey: key });
    expect((await admin.inventory.assets({ vulnerable: true })).total).toBe(0);

    expect(await admin.inventory.importDocument('nvd', NVD)).toMatchObject({ added: 4, assets_rematched: 1 });
    expect((await admin.inventory.assetVulnerabilities(1)).vulnerabilities.map((v) => v.id)).toEqual(['CVE-2014-0160']);
    // The OSV records name pikepdf (the python host) and openssl (a Debian advisory: the legacy host shares the name); never the third host.
    expect(await admin.inventory.importDocument('osv', OSV)).toMatchObject({ source: 'osv', processed: 6, assets_rematched: 2 });
    expect((await admin.inventory.assetVulnerabilities(2)).vulnerabilities.map((v) => v.id)).toEqual(['PYSEC-2021-XXXX']);
    // Importing the same feed again changes nothing and matches nothing again.
    expect(await admin.inventory.importDocument('nvd', NVD)).toMatchObject({ added: 0, unchanged: 4, assets_rematched: 0 });
    expect((await admin.inventory.asset(3)).vulnerabilities_found).toBe(0);

    // KEV changes flags of stored matches.
    expect(await admin.inventory.importDocument('kev', KEV)).toMatchObject({ source: 'kev', assets_rematched: 1 });
    expect((await admin.inventory.assetVulnerabilities(1)).vulnerabilities[0]).toMatchObject({ id: 'CVE-2014-0160', in_kev: true });
    expect((await admin.inventory.asset(1)).kev_count).toBe(1);
  });

  it('a Linux distribution only serves platform conditions: NVD listing Debian 12 alone matches nothing', async () => {
    const { f, admin, key } = await setup();
    const agent = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0 });
    const os = 'Debian GNU/Linux 12 (bookworm)';
    await agent.inventory.report({ hostname: 'debian', os, software: [{ name: 'tar', version: '1.34+dfsg-1.2', package_type: 'deb' }] }, { agentKey: key });
    // CVE-2023-4863 lists debian_linux 12.0 as vulnerable next to libwebp: the host without libwebp is neither matched nor even re-matched.
    expect(await admin.inventory.importDocument('nvd', NVD)).toMatchObject({ added: 4, assets_rematched: 0 });
    expect((await admin.inventory.asset(1)).vulnerabilities_found).toBe(0);
    const withWebp = await agent.inventory.report(
      { hostname: 'debian', os, software: [{ name: 'tar', version: '1.34+dfsg-1.2', package_type: 'deb' }, { name: 'libwebp', version: '1.2.4-0.2', package_type: 'deb' }] },
      { agentKey: key },
    );
    expect(withWebp).toMatchObject({ products_matched: 1, vulnerabilities_found: 1 });
    expect((await admin.inventory.assetVulnerabilities(1)).vulnerabilities).toEqual([
      expect.objectContaining({ id: 'CVE-2023-4863', products: [expect.objectContaining({ name: 'libwebp', version: '1.2.4-0.2' })] }),
    ]);
  });

  it('importFromUrl() downloads the feed (gzip too); upstream failures answer 502, bad requests 400', async () => {
    const { admin } = await setup();
    const { gzipSync } = await import('node:zlib');
    feeds.use(
      http.get('https://feeds.example/osv.json', () => HttpResponse.json(OSV)),
      http.get('https://feeds.example/nvd.json.gz', () => new HttpResponse(gzipSync(JSON.stringify(NVD)), { headers: { 'content-type': 'application/gzip' } })),
      http.get('https://feeds.example/missing.json', () => HttpResponse.json({ message: 'nope' }, { status: 404 })),
    );
    expect(await admin.inventory.importFromUrl({ source: 'osv', url: 'https://feeds.example/osv.json' })).toMatchObject({ source: 'osv', processed: 6, added: 6 });
    expect(await admin.inventory.importFromUrl({ source: 'nvd', url: 'https://feeds.example/nvd.json.gz' })).toMatchObject({ source: 'nvd', processed: 4, added: 4 });
    const missing = await rejection(admin.inventory.importFromUrl({ source: 'nvd', url: 'https://feeds.example/missing.json' }));
    expect(missing).toBeInstanceOf(InternalServerError);
    expect((missing as InternalServerError).status).toBe(502);
    expect((missing as InternalServerError).body).toEqual({ error: 'fetching https://feeds.example/missing.json answered HTTP 404' });
    const bad = await rejection(admin.inventory.importFromUrl({ source: 'nvd', url: 'ftp://feeds.example/x' }));
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad.body as { error: string }).error).toMatch(/^url:/);
    expect(await rejection(admin.request({ method: 'POST', path: '/api/vulnerabilities/import', json: { source: 'cve.org', url: 'https://x.example' } }))).toBeInstanceOf(BadRequestError);
    expect(await rejection(admin.inventory.importDocument('nvd', { not: 'a feed' }))).toBeInstanceOf(BadRequestError);
  });

  it('streams a large raw document body into the importer and refuses one over the limit (413)', async () => {
    const { f } = await setup({ app: { vulnerabilityImport: { maxFeedBytes: 64 * 1024 } } });
    const text = JSON.stringify(NVD);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Small chunks, no Content-Length: the server reads the feed as it arrives.
        if (sent >= text.length) return controller.close();
        controller.enqueue(new TextEncoder().encode(text.slice(sent, sent + 500)));
        sent += 500;
      },
    });
    const res = await f.app.request('/api/vulnerabilities/import?source=nvd', {
      method: 'POST',
      headers: { authorization: `Bearer ${f.admin.token}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ processed: 4, added: 4 });

    const huge = JSON.stringify({ vulnerabilities: Array.from({ length: 400 }, () => ({ cve: { id: 'CVE-2000-0001', padding: 'x'.repeat(200) } })) });
    const tooBig = await f.app.request('/api/vulnerabilities/import?source=nvd', {
      method: 'POST',
      headers: { authorization: `Bearer ${f.admin.token}`, 'content-type': 'application/json', 'content-length': String(huge.length) },
      body: huge,
    });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toEqual({ error: expect.stringContaining('too large') });
  });
});

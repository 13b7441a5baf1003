import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, NotFoundError, PermissionDeniedError, createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { createAssetStore, createAuthService, createMemoryOciRegistry } from '@sentinel-kit/core';
import type { FetchLike, MemoryOciRegistry, TarWriteEntry } from '@sentinel-kit/core';
import type { ImageResult } from '@sentinel-kit/core/contract';
import { createAuthFixture } from '../support/auth-fixture.js';
import type { AuthFixture } from '../support/auth-fixture.js';
import { BASE_URL, eventually } from './client-fixture.js';

/**
 * The image inventory through the typed client against the in-process app:
 * images of containers on the (memory) Docker host and of a registry
 * catalogue, scanned for real from tar+gzip layers served by an in-memory
 * OCI registry, matched against an imported OSV feed, searched and faceted
 * with an API key in `X-AUTH-TOKEN`.
 */

const OCI_HOST = 'images.test';
const core = (path: string): string => readFileSync(new URL(`../../../core/src/inventory/${path}`, import.meta.url), 'utf8');
const STATUS = core('packages-db/fixtures/dpkg-status-debian12.txt');
const DEBIAN_OS = core('packages-db/fixtures/os-release-debian12.txt');
const ALPINE_INSTALLED = core('packages-db/fixtures/apk-installed-alpine318.txt');
const ALPINE_OS = core('packages-db/fixtures/os-release-alpine318.txt');
const DEBIAN_FEED = JSON.parse(core('images/fixtures/debian12-osv.json')) as unknown[];

const debianLayers: TarWriteEntry[][] = [
  [
    { path: 'usr/lib/os-release', content: DEBIAN_OS },
    { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    { path: 'var/lib/dpkg/status', content: 'Package: base-files\nStatus: install ok installed\nVersion: 12.1\n' },
  ],
  [{ path: 'var/lib/dpkg/status', content: STATUS }, { path: 'srv/app.js', content: 'console.log("shop")\n' }],
];
const alpineLayers: TarWriteEntry[][] = [[{ path: 'lib/apk/db/installed', content: ALPINE_INSTALLED }, { path: 'etc/os-release', content: ALPINE_OS }]];

const COMPOSE = (service: string) => ({ 'com.docker.compose.project': 'shop', 'com.docker.compose.service': service });

interface Scene {
  f: AuthFixture;
  oci: MemoryOciRegistry;
  admin: SentinelClient;
  /** Carries `X-AUTH-TOKEN: <vp_ key>/<id>` of an API key of the built-in organization. */
  api: SentinelClient;
  digests: { web: string; cli: string };
}

const open: AuthFixture[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

function routeTo(oci: MemoryOciRegistry, fallback: FetchLike): FetchLike {
  return (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    return new URL(url).host === OCI_HOST ? oci.fetch(input, init) : fallback(input, init);
  };
}

const noNetwork: FetchLike = async (input) => {
  throw new TypeError(`fetch failed: no network in tests (${input instanceof Request ? input.url : input.toString()})`);
};

async function apiKey(f: AuthFixture, organization: string): Promise<string> {
  // Issued straight into the app's credential store: what POST /api/v1/api-keys does for a signed-in user.
  const auth = createAuthService({ storage: f.sentinel.storage, passwordCost: 4 });
  const { secret, credential } = await auth.credentials.issue({ kind: 'api_key', name: 'image inventory', scopes: ['api'], organization });
  return `${secret}/${credential.id}`;
}

/** A Debian web app run by two compose containers, an Alpine CLI in a stopped container, and an older CLI tag only in the registry. */
async function scene(): Promise<Scene> {
  // A private registry behind Basic auth; its login is saved as a registry credential, which makes its catalogue part of the inventory.
  const oci = createMemoryOciRegistry({ host: OCI_HOST, auth: { username: 'ci', password: 'ci-registry-secret' } });
  const web = await oci.pushImage('shop/web', '2.0', { layers: debianLayers });
  const cli = await oci.pushImage('tools/cli', '1.0', { layers: alpineLayers });
  await oci.pushImage('tools/cli', '0.9', { layers: [[...(alpineLayers[0] ?? []), { path: 'usr/bin/cli', content: 'old' }]] });
  const f = await createAuthFixture({
    registryFetch: (fake) => routeTo(oci, fake),
    app: { fetch: routeTo(oci, noNetwork), imageInventory: { refreshIntervalMs: 0, hostMaxAgeMs: 0, initialRefreshDelayMs: 0 } },
  });
  open.push(f);
  f.docker.seedContainer({ name: 'shop-web-1', image: `${OCI_HOST}/shop/web:2.0`, labels: COMPOSE('web'), publish: { digest: web.digest } });
  f.docker.seedContainer({ name: 'shop-web-2', image: `${OCI_HOST}/shop/web:2.0`, labels: COMPOSE('web') });
  f.docker.seedContainer({ name: 'cli-job', image: `${OCI_HOST}/tools/cli:1.0`, state: 'exited', publish: { digest: cli.digest } });
  const admin = f.client(f.admin.token);
  await admin.registries.save([{ id: 'oci', registry: OCI_HOST, username: 'ci', secret: 'ci-registry-secret' }]);
  await admin.inventory.importDocument('osv', DEBIAN_FEED);
  await f.app.start();
  const api = createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0, headers: { 'X-AUTH-TOKEN': await apiKey(f, '1') } });
  return { f, oci, admin, api, digests: { web: web.digest, cli: cli.digest } };
}

async function settled(admin: SentinelClient): Promise<void> {
  await eventually(async () => {
    const status = await admin.imageInventory.scanStatus();
    return status.pending === 0 && status.scanning.length === 0 && status.last_refresh !== null;
  }, 'image scans to finish');
}

const byTag = (results: ImageResult[], fullTag: string): ImageResult | undefined => results.find((r) => r.full_tag === fullTag);

describe('client.imageInventory (seed 002 image inventory)', () => {
  it('scans the host’s images from their layers and shows them SCANNED with the right vulnerabilities summary', async () => {
    const { api, admin, oci, digests } = await scene();
    await settled(admin);
    const { num_found, results } = await api.imageInventory.searchImages('default', { rows: 50 });
    expect(num_found).toBe(3);
    const web = byTag(results, `${OCI_HOST}/shop/web:2.0`);
    expect(web).toMatchObject({
      registry: OCI_HOST,
      repo: 'shop/web',
      tag: '2.0',
      manifest_digest: digests.web,
      repo_digests: [`${OCI_HOST}/shop/web@${digests.web}`],
      scan_status: 'SCANNED',
      vulnerabilities_summary: {
        CRITICAL: { amount: 1, fixes: 0 },
        HIGH: { amount: 2, fixes: 1 },
        MEDIUM: { amount: 1, fixes: 1 },
        LOW: { amount: 0, fixes: 0 },
        UNKNOWN: { amount: 1, fixes: 0 },
      },
      fixes_available: 2,
      kubernetes_summary: { clusters: 1, deployments: 1, namespaces: 1, workloads: 2 },
      workloads_count: 2,
      exceptions: 0,
      can_rescan_image: true,
      error_type: '',
      has_malware: false,
      os: 'Debian GNU/Linux 12 (bookworm)',
      packages: 9,
      is_running: true,
    });
    expect(web?.scan_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(web?.last_scan_time).toBe(web?.scan_time);
    expect(byTag(results, `${OCI_HOST}/tools/cli:1.0`)).toMatchObject({
      scan_status: 'SCANNED',
      os: 'Alpine Linux v3.18',
      packages: 6,
      fixes_available: 0,
      is_running: false,
      workloads_count: 1,
    });
    // Only in the registry's catalogue: known, not scanned (registry tags are scanned on request).
    expect(byTag(results, `${OCI_HOST}/tools/cli:0.9`)).toMatchObject({ scan_status: 'NOT_SCANNED', manifest_digest: '', scan_time: null, workloads_count: 0, is_running: false });
    // Each layer of each scanned image was downloaded once.
    expect(oci.requests().blob).toBe(3);
  });

  it('answers criteria, sort, query and paging as documented', async () => {
    const { api, admin } = await scene();
    await settled(admin);
    const tags = (r: { results: ImageResult[] }) => r.results.map((x) => x.full_tag);
    const running = await api.imageInventory.searchImages('default', { query: '', start: 0, rows: 1, sort: [{ field: 'vulnerabilities', order: 'DESC' }], criteria: { is_running: true, vulnerabilities: ['CRITICAL'], repositories: ['shop/web'] } });
    expect(running.num_found).toBe(1);
    expect(tags(running)).toEqual([`${OCI_HOST}/shop/web:2.0`]);
    expect(tags(await api.imageInventory.searchImages('default', { criteria: { scan_status: ['NOT_SCANNED'] } }))).toEqual([`${OCI_HOST}/tools/cli:0.9`]);
    expect(tags(await api.imageInventory.searchImages('default', { criteria: { namespaces: ['shop'], clusters: ['memory'] } }))).toEqual([`${OCI_HOST}/shop/web:2.0`]);
    expect(tags(await api.imageInventory.searchImages('default', { criteria: { workloads: [{ name: 'cli-job', kind: 'container', namespace: 'default', cluster: 'memory' }] } }))).toEqual([`${OCI_HOST}/tools/cli:1.0`]);
    expect(tags(await api.imageInventory.searchImages('default', { criteria: { cves: [{ cve: 'CVE-2023-5678', package: 'libssl3-3.0.11-1~deb12u2', type: 'dpkg' }] } }))).toEqual([`${OCI_HOST}/shop/web:2.0`]);
    expect(tags(await api.imageInventory.searchImages('default', { criteria: { cves: [{ cve: 'CVE-2023-6246' }] } }))).toEqual([]);
    expect(tags(await api.imageInventory.searchImages('default', { criteria: { fixes: ['AVAILABLE_FIXES'], registries: [OCI_HOST] } }))).toEqual([`${OCI_HOST}/shop/web:2.0`]);
    expect(tags(await api.imageInventory.searchImages('default', { criteria: { vulnerabilities: ['NO_VULNERABILITIES'] } }))).toEqual([`${OCI_HOST}/tools/cli:1.0`]);
    expect(tags(await api.imageInventory.searchImages('default', { query: 'cve-2024-2961' }))).toEqual([`${OCI_HOST}/shop/web:2.0`]);
    expect(tags(await api.imageInventory.searchImages('default', { sort: [{ field: 'full_tag', order: 'DESC' }], start: 1, rows: 1 }))).toEqual([`${OCI_HOST}/tools/cli:0.9`]);
  });

  it('facets count images per value of each requested field', async () => {
    const { api, admin } = await scene();
    await settled(admin);
    const facets = await api.imageInventory.facetImages('default', {
      query: '',
      criteria: { is_running: false },
      terms: { fields: ['scan_status', 'reputations', 'vulnerabilities', 'fixes', 'namespaces', 'clusters', 'repositories'], rows: 50 },
    });
    expect(facets).toEqual({
      terms: [
        { field: 'scan_status', values: [{ name: 'SCANNED', total: 2 }, { name: 'NOT_SCANNED', total: 1 }] },
        { field: 'reputations', values: [] },
        {
          field: 'vulnerabilities',
          values: [
            { name: 'CRITICAL', total: 1 },
            { name: 'HIGH', total: 1 },
            { name: 'MEDIUM', total: 1 },
            { name: 'UNKNOWN', total: 1 },
            { name: 'NO_VULNERABILITIES', total: 1 },
          ],
        },
        { field: 'fixes', values: [{ name: 'AVAILABLE_FIXES', total: 1 }] },
        { field: 'namespaces', values: [{ name: 'default', total: 1 }, { name: 'shop', total: 1 }] },
        { field: 'clusters', values: [{ name: 'memory', total: 2 }] },
        { field: 'repositories', values: [{ name: 'tools/cli', total: 2 }, { name: 'shop/web', total: 1 }] },
      ],
    });
    const runningOnly = await api.imageInventory.facetImages('default', { criteria: { is_running: true }, terms: { fields: ['scan_status'] } });
    expect(runningOnly.terms).toEqual([{ field: 'scan_status', values: [{ name: 'SCANNED', total: 1 }] }]);
  });

  it('lists repositories with all_tags, scanned_tags and last_scan_time', async () => {
    const { api, admin } = await scene();
    await settled(admin);
    const images = (await api.imageInventory.searchImages('default')).results;
    const repos = await api.imageInventory.searchRepositories('default', { query: 'cli', start: 0, rows: 10, sort: [{ field: 'last_scanned', order: 'DESC' }] });
    expect(repos).toEqual({
      num_found: 1,
      results: [{ repo: 'tools/cli', registry: OCI_HOST, all_tags: 2, scanned_tags: 1, last_scan_time: byTag(images, `${OCI_HOST}/tools/cli:1.0`)?.last_scan_time ?? 'missing' }],
    });
    expect((await api.imageInventory.searchRepositories('default', { sort: [{ field: 'all_tags', order: 'DESC' }] })).results.map((r) => `${r.repo} ${r.all_tags}/${r.scanned_tags}`)).toEqual([
      'tools/cli 2/1',
      'shop/web 1/1',
    ]);
  });

  it('re-matches scanned images when the vulnerability data changes, without downloading them again', async () => {
    const { api, admin, oci } = await scene();
    await settled(admin);
    const before = byTag((await api.imageInventory.searchImages('default')).results, `${OCI_HOST}/shop/web:2.0`);
    const blobs = oci.requests().blob;
    await new Promise((r) => setTimeout(r, 5));
    await admin.inventory.importDocument('osv', {
      id: 'DEBIAN-CVE-2023-50495',
      aliases: ['CVE-2023-50495'],
      modified: '2024-02-01T00:00:00Z',
      summary: 'ncurses: segmentation fault via _nc_wrap_entry()',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:N/I:N/A:L' }],
      affected: [{ package: { name: 'ncurses', ecosystem: 'Debian:12' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '6.4-4+deb12u1' }] }] }],
    });
    let after: ImageResult | undefined;
    await eventually(async () => {
      after = byTag((await api.imageInventory.searchImages('default')).results, `${OCI_HOST}/shop/web:2.0`);
      return after?.vulnerabilities_summary.LOW.amount === 1;
    }, 're-match after the import');
    expect(after).toMatchObject({ scan_status: 'SCANNED', fixes_available: 3, vulnerabilities_summary: { LOW: { amount: 1, fixes: 1 }, CRITICAL: { amount: 1, fixes: 0 } } });
    expect(after?.scan_time).toBe(before?.scan_time);
    expect(after?.last_scan_time && before?.last_scan_time && after.last_scan_time > before.last_scan_time).toBe(true);
    expect(oci.requests().blob).toBe(blobs);
  });

  it('POST /api/images/scan scans registry tags on request; GET shows the status', async () => {
    const { api, admin } = await scene();
    await settled(admin);
    const queued = await admin.imageInventory.scan({ images: [`${OCI_HOST}/tools/cli:0.9`] });
    expect(queued).toEqual({ status: 'started', queued: [`${OCI_HOST}/tools/cli:0.9`], message: 'Queued 1 image for scanning' });
    await settled(admin);
    const old = byTag((await api.imageInventory.searchImages('default')).results, `${OCI_HOST}/tools/cli:0.9`);
    expect(old).toMatchObject({ scan_status: 'SCANNED', os: 'Alpine Linux v3.18', packages: 6 });
    expect(old?.manifest_digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const status = await admin.imageInventory.scanStatus();
    expect(status).toMatchObject({ images: { SCANNED: 3 }, repositories: 2, scanning: [], pending: 0, failures: [] });
    expect(status.registries).toEqual([{ registry: OCI_HOST, repositories: 2, error: null, listed_at: expect.stringMatching(/^\d{4}-/) }]);
    // Everything is scanned: nothing to queue by default.
    expect(await admin.imageInventory.scan()).toMatchObject({ queued: [], message: 'Nothing to scan: every image is scanned or already queued' });
    // `force` scans again even so.
    expect((await admin.imageInventory.scan({ images: ['images.test/shop/web:2.0'], force: true })).queued).toEqual([`${OCI_HOST}/shop/web:2.0`]);
    await settled(admin);
  });

  it('a scan that fails says why, and the image shows SCAN_FAILED', async () => {
    const { f, api, admin } = await scene();
    // A container whose image the registry does not have (deleted after the pull).
    f.docker.seedContainer({ name: 'ghost', image: `${OCI_HOST}/shop/ghost:1.0` });
    await settled(admin);
    await eventually(async () => (await admin.imageInventory.scanStatus()).failures.length > 0, 'the failed scan');
    const ghost = byTag((await api.imageInventory.searchImages('default', { criteria: { scan_status: ['SCAN_FAILED'] } })).results, `${OCI_HOST}/shop/ghost:1.0`);
    expect(ghost).toMatchObject({ scan_status: 'SCAN_FAILED', error_type: 'MANIFEST_NOT_FOUND', is_running: true });
    expect((await admin.imageInventory.scanStatus()).failures[0]).toMatchObject({ full_tag: `${OCI_HOST}/shop/ghost:1.0`, error_type: 'MANIFEST_NOT_FOUND' });
  });

  it('bad requests are 400 with {"error"} and change nothing', async () => {
    const { api, admin } = await scene();
    await settled(admin);
    const cases: Array<() => Promise<unknown>> = [
      () => api.imageInventory.searchImages('default', { rows: 10_001 }),
      () => api.imageInventory.searchImages('default', { sort: [{ field: 'size' as never, order: 'ASC' }] }),
      () => api.imageInventory.searchImages('default', { criteria: { vulnerabilities: ['SEVERE' as never] } }),
      () => api.imageInventory.searchImages('default', { start: -1 }),
      () => api.imageInventory.facetImages('default', { terms: { fields: ['colors' as never] } }),
      () => api.imageInventory.facetImages('default', {} as never),
      () => api.imageInventory.searchRepositories('default', { sort: [{ field: 'last_scanned', order: 'UP' as never }] }),
      () => admin.imageInventory.scan({ images: 'x' as never }),
    ];
    for (const call of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).body).toEqual({ error: expect.any(String) });
    }
    const unknown = await admin.imageInventory.scan({ images: ['images.test/nope:1'] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((await admin.imageInventory.scanStatus()).pending).toBe(0);
  });

  it('X-AUTH-TOKEN: 401 without a valid key, 403 for a credential without the api scope, 404 for another organization', async () => {
    const { f } = await scene();
    const client = (headers: Record<string, string>, token?: string) =>
      createSentinelClient({ baseUrl: BASE_URL, fetch: f.fetch, retry: 0, headers, ...(token === undefined ? {} : { token }) });
    const anonymous = await client({}).imageInventory.searchImages('default').catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(AuthenticationError);
    expect((anonymous as AuthenticationError).body).toEqual({ error: expect.any(String) });
    const forged = await client({ 'X-AUTH-TOKEN': 'vp_0123456789abcdef0123456789/key_nothing' }).imageInventory.searchImages('default').catch((e: unknown) => e);
    expect(forged).toBeInstanceOf(AuthenticationError);
    const malformed = await client({ 'X-AUTH-TOKEN': 'no-slash-here' }).imageInventory.searchImages('default').catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(AuthenticationError);
    // The admin's native API token has no api scope.
    const native = await client({}, f.admin.token).imageInventory.searchImages('default').catch((e: unknown) => e);
    expect(native).toBeInstanceOf(PermissionDeniedError);
    // The per-call option works as well as the client-wide header.
    const key = await apiKey(f, '1');
    expect((await client({}).imageInventory.searchImages('default', {}, { authToken: key })).num_found).toBeGreaterThan(0);
    // Another organization: its key sees its own (empty) inventory, and never the built-in one.
    await createAssetStore({ storage: f.sentinel.storage }).createOrganization('acme', 'Acme');
    const acme = client({ 'X-AUTH-TOKEN': await apiKey(f, 'acme') });
    expect(await acme.imageInventory.searchImages('acme')).toEqual({ num_found: 0, results: [] });
    const other = await acme.imageInventory.searchImages('default').catch((e: unknown) => e);
    expect(other).toBeInstanceOf(NotFoundError);
    expect((other as NotFoundError).body).toEqual({ error: 'organization default not found' });
    const unknownOrg = await client({}, undefined).imageInventory.facetImages('nope', { terms: { fields: ['scan_status'] } }, { authToken: key }).catch((e: unknown) => e);
    expect(unknownOrg).toBeInstanceOf(NotFoundError);
  });
});

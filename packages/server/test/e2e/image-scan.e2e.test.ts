import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { silentLogger } from '@sentinel-kit/core';
import type { ImageResult } from '@sentinel-kit/core/contract';
import { startServer } from '../../src/start-server.js';
import type { RunningServer } from '../../src/start-server.js';
import { setupAdminToken } from './support/first-run.js';
import { buildTestImage } from './support/images.js';
import { dockerCli, waitFor } from './support/wait.js';

/**
 * Image scanning end to end: an image that carries a real Debian 12 dpkg
 * `status` file and os-release is pushed to the stack's registry and run by
 * the real engine; the server reads the package database from the image's
 * layers (fetched from the registry), matches it against an imported OSV
 * feed, and the seed-002 search and facets answer through the typed client
 * with an API key in `X-AUTH-TOKEN`.
 */
const dockerHost = inject('dockerHost');
const registryAddr = inject('registryAddr');
const docker = dockerCli(dockerHost);
const core = (path: string): string => readFileSync(new URL(`../../../core/src/inventory/${path}`, import.meta.url), 'utf8');

const REPO = 'e2e/debian-app';
const CONTAINER = 'debian-app-1';

let server: RunningServer;
let admin: SentinelClient;
let api: SentinelClient;
let dataDir: string;
let running: string;
let registryOnly: string;
let runningDigest: string;
let engineName: string;


async function image(fullTag: string): Promise<ImageResult | undefined> {
  const { results } = await api.imageInventory.searchImages('default', { criteria: { repositories: [REPO] }, rows: 100 });
  return results.find((r) => r.full_tag === fullTag);
}

/** An API key (`vp_…`) as a script gets one: a JWT from `POST /api/v1/auth/token`, then `POST /api/v1/api-keys`. */
async function createApiKey(baseUrl: string, username: string, password: string): Promise<{ id: string; key: string }> {
  const tokenResponse = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  expect(tokenResponse.status).toBe(200);
  const { access_token } = (await tokenResponse.json()) as { access_token: string };
  const keyResponse = await fetch(`${baseUrl}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
    body: JSON.stringify({ name: 'image inventory e2e' }),
  });
  expect(keyResponse.status).toBe(201);
  const created = (await keyResponse.json()) as { id: string; name: string; key: string };
  expect(created).toMatchObject({ name: 'image inventory e2e', key: expect.stringMatching(/^vp_/) });
  return created;
}

beforeAll(async () => {
  const files = {
    '/var/lib/dpkg/status': core('packages-db/fixtures/dpkg-status-debian12.txt'),
    '/etc/os-release': core('packages-db/fixtures/os-release-debian12.txt'),
  };
  [running, registryOnly] = await Promise.all([
    buildTestImage({ repository: REPO, tag: '1.0.0', behavior: 'runs', files }),
    buildTestImage({ repository: REPO, tag: '1.1.0', behavior: 'runs', files }),
  ]);
  await docker(['run', '-d', '--name', CONTAINER, '--network', 'none', '--label', 'com.docker.compose.project=shop', '--label', 'com.docker.compose.service=web', running]);
  const repoDigest = (await docker(['image', 'inspect', '--format', '{{index .RepoDigests 0}}', running])).stdout.trim();
  runningDigest = repoDigest.slice(repoDigest.indexOf('@') + 1);
  engineName = (await docker(['info', '--format', '{{.Name}}'])).stdout.trim();

  dataDir = await mkdtemp(join(tmpdir(), 'sk-e2e-image-scan-'));
  server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir, dockerHost, metrics: false, logLevel: 'warn', settings: { poll_interval: 24 * 3_600_000 } },
    { logger: silentLogger },
  );
  const password = 'image-scan-e2e-password';
  const token = await setupAdminToken(server.url, { password });
  admin = createSentinelClient({ baseUrl: server.url, timeoutMs: 60_000, token });
  // Saving a login for the stack's registry makes it a configured registry, whose catalogue joins the inventory
  // (the registry runs without auth and ignores the credentials).
  await admin.registries.save([{ id: 'stack', registry: registryAddr, username: 'e2e', secret: 'e2e-registry-secret' }]);
  // The fixture feed: OSV records for Debian 12 source packages of the status file, some of them fixed at exact versions.
  const imported = await admin.inventory.importDocument('osv', JSON.parse(core('images/fixtures/debian12-osv.json')));
  expect(imported).toMatchObject({ added: 7 });
  const key = await createApiKey(server.url, 'admin', password);
  api = createSentinelClient({ baseUrl: server.url, timeoutMs: 60_000, retry: 0, headers: { 'X-AUTH-TOKEN': `${key.key}/${key.id}` } });
}, 600_000);

afterAll(async () => {
  await server?.close();
  await docker(['rm', '-f', CONTAINER]).catch(() => undefined);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('image scanning against a real engine and registry', () => {
  it('scans the running image from its layers: SCANNED, with the vulnerabilities of its exact package versions', async () => {
    // The server queues the host's images by itself; asking again is harmless (an image queued or scanned is not queued twice).
    await admin.imageInventory.scan({ images: [running] });
    const scanned = await waitFor('the running image to be scanned', async () => {
      const found = await image(running);
      return found?.scan_status === 'SCANNED' || found?.scan_status === 'SCAN_FAILED' ? found : undefined;
    }, { timeoutMs: 120_000 });
    expect(scanned).toMatchObject({
      full_tag: running,
      registry: registryAddr,
      repo: REPO,
      tag: '1.0.0',
      manifest_digest: runningDigest,
      scan_status: 'SCANNED',
      error_type: '',
      os: 'Debian GNU/Linux 12 (bookworm)',
      packages: 9,
      vulnerabilities_summary: {
        CRITICAL: { amount: 1, fixes: 0 },
        HIGH: { amount: 2, fixes: 1 },
        MEDIUM: { amount: 1, fixes: 1 },
        LOW: { amount: 0, fixes: 0 },
        UNKNOWN: { amount: 1, fixes: 0 },
      },
      fixes_available: 2,
      is_running: true,
      workloads_count: 1,
      kubernetes_summary: { clusters: 1, deployments: 1, namespaces: 1, workloads: 1 },
      can_rescan_image: true,
    });
    expect(scanned.repo_digests).toContain(`${registryAddr}/${REPO}@${runningDigest}`);
    // The other tag is only in the registry's catalogue: known, not scanned.
    expect(await image(registryOnly)).toMatchObject({ scan_status: 'NOT_SCANNED', is_running: false, workloads_count: 0 });
  });

  it('finds the image by criteria and counts it in the facets', async () => {
    const critical = await api.imageInventory.searchImages('default', {
      query: 'debian-app',
      rows: 10,
      sort: [{ field: 'vulnerabilities', order: 'DESC' }],
      criteria: { is_running: true, vulnerabilities: ['CRITICAL'], repositories: [REPO], clusters: [engineName], namespaces: ['shop'] },
    });
    expect(critical.num_found).toBe(1);
    expect(critical.results[0]?.full_tag).toBe(running);
    const byCve = await api.imageInventory.searchImages('default', { criteria: { cves: [{ cve: 'CVE-2024-2961', package: 'libc6-2.36-9+deb12u4', type: 'dpkg' }] } });
    expect(byCve.results.map((r) => r.full_tag)).toEqual([running]);
    // CVE-2023-6246 was fixed in exactly the installed glibc version: not a finding.
    expect((await api.imageInventory.searchImages('default', { criteria: { cves: [{ cve: 'CVE-2023-6246' }] } })).num_found).toBe(0);

    const facets = await api.imageInventory.facetImages('default', {
      criteria: { repositories: [REPO] },
      terms: { fields: ['scan_status', 'vulnerabilities', 'fixes', 'clusters', 'namespaces', 'repositories', 'reputations'] },
    });
    expect(facets.terms).toEqual([
      { field: 'scan_status', values: [{ name: 'SCANNED', total: 1 }, { name: 'NOT_SCANNED', total: 1 }] },
      {
        field: 'vulnerabilities',
        values: [
          { name: 'CRITICAL', total: 1 },
          { name: 'HIGH', total: 1 },
          { name: 'MEDIUM', total: 1 },
          { name: 'UNKNOWN', total: 1 },
        ],
      },
      { field: 'fixes', values: [{ name: 'AVAILABLE_FIXES', total: 1 }] },
      { field: 'clusters', values: [{ name: engineName, total: 1 }] },
      { field: 'namespaces', values: [{ name: 'shop', total: 1 }] },
      { field: 'repositories', values: [{ name: REPO, total: 2 }] },
      { field: 'reputations', values: [] },
    ]);
  });

  it('lists the repository from the registry catalogue, and scans its other tag on request', async () => {
    const before = await api.imageInventory.searchRepositories('default', { query: 'debian-app', sort: [{ field: 'last_scanned', order: 'DESC' }] });
    expect(before).toEqual({
      num_found: 1,
      results: [{ repo: REPO, registry: registryAddr, all_tags: 2, scanned_tags: 1, last_scan_time: expect.stringMatching(/^\d{4}-/) }],
    });
    expect(await admin.imageInventory.scan({ images: [registryOnly] })).toMatchObject({ status: 'started', queued: [registryOnly] });
    const scanned = await waitFor('the registry tag to be scanned', async () => {
      const found = await image(registryOnly);
      return found?.scan_status === 'SCANNED' || found?.scan_status === 'SCAN_FAILED' ? found : undefined;
    }, { timeoutMs: 120_000 });
    expect(scanned).toMatchObject({ scan_status: 'SCANNED', packages: 9, fixes_available: 2, is_running: false });
    expect(scanned.manifest_digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect((await api.imageInventory.searchRepositories('default', { query: 'debian-app' })).results[0]).toMatchObject({ all_tags: 2, scanned_tags: 2 });
    const status = await admin.imageInventory.scanStatus();
    expect(status.registries.find((r) => r.registry === registryAddr)).toMatchObject({ error: null });
  });

  it('refuses a request without a valid X-AUTH-TOKEN (401) and answers malformed bodies 400', async () => {
    const anonymous = createSentinelClient({ baseUrl: server.url, retry: 0 });
    await expect(anonymous.imageInventory.searchImages('default')).rejects.toMatchObject({ status: 401 });
    await expect(api.imageInventory.searchImages('default', { rows: 20_000 })).rejects.toMatchObject({ status: 400, body: { error: expect.stringMatching(/rows/) } });
  });
});

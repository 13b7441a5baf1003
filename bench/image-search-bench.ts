import { createMemoryDocker, createMemoryStorage, createSentinel, facetImages, searchImages, SEVERITY_BUCKETS } from '@sentinel-kit/core';
import type { ImageInventoryEntry, ImageVulnerability, ImageWorkload } from '@sentinel-kit/core';
import type { ImageFacetRequest, ImageSearchRequest, ScanStatus } from '@sentinel-kit/core/contract';
import { createApp } from '../packages/server/src/app.js';
import { IMAGE_COLLECTIONS } from '../packages/server/src/inventory/image-scanner.js';
import { ms, percentile, random } from './bench-helpers.js';

// A 5,000-image inventory searched and faceted: the search engine alone, and
// through the in-process app (JSON in and out, the stored inventory loaded
// once). Target: under 50 ms per query.
const IMAGES = 5000;
const REPOSITORIES = 500;
const RUNS = 50;

const STATUSES: ScanStatus[] = ['SCANNED', 'SCANNED', 'SCANNED', 'SCANNED', 'SCANNED', 'SCANNED', 'NOT_SCANNED', 'PENDING_SCAN', 'SCAN_FAILED'];

interface Synthetic {
  entry: ImageInventoryEntry;
  /** The same image as the server stores it (record + scan). */
  record: Record<string, unknown>;
  scan: Record<string, unknown> | undefined;
}

function syntheticInventory(): Synthetic[] {
  const next = random(11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const out: Synthetic[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const repo = `team-${i % 40}/service-${i % REPOSITORIES}`;
    const tag = `1.${Math.floor(i / REPOSITORIES)}.${i % 7}`;
    const registry = i % 5 === 0 ? 'docker.io' : 'registry.lan:5000';
    const status = pick(STATUSES);
    const vulnerabilities: ImageVulnerability[] = [];
    if (status === 'SCANNED') {
      const count = Math.floor(next() ** 2 * 200);
      for (let v = 0; v < count; v++) {
        vulnerabilities.push({
          cve: `CVE-20${10 + Math.floor(next() * 15)}-${10000 + Math.floor(next() * 40000)}`,
          package: `lib${Math.floor(next() * 300)}`,
          version: `${Math.floor(next() * 5)}.${Math.floor(next() * 20)}-1`,
          type: registry === 'docker.io' ? 'APKG' : 'dpkg',
          severity: pick(SEVERITY_BUCKETS),
          fixed_version: next() < 0.6 ? '9.9-1' : null,
        });
      }
    }
    const workloads: ImageWorkload[] = [];
    if (next() < 0.3) {
      const n = 1 + Math.floor(next() * 3);
      for (let w = 0; w < n; w++) {
        workloads.push({ cluster: `host-${Math.floor(next() * 3)}`, namespace: `stack-${Math.floor(next() * 20)}`, kind: next() < 0.2 ? 'service' : 'container', name: `c-${i}-${w}`, deployment: `svc-${i % 50}`, running: next() < 0.9 });
      }
    }
    const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
    const stamp = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    const fullTag = `${registry}/${repo}:${tag}`;
    const entry: ImageInventoryEntry = {
      full_tag: fullTag,
      registry,
      repo,
      tag,
      manifest_digest: status === 'SCANNED' ? digest : '',
      repo_digests: [],
      scan_status: status,
      scan_time: status === 'SCANNED' ? stamp : null,
      last_scan_time: status === 'SCANNED' ? stamp : null,
      error_type: status === 'SCAN_FAILED' ? 'REGISTRY_ERROR' : '',
      os: status === 'SCANNED' ? 'Debian GNU/Linux 12 (bookworm)' : null,
      packages: status === 'SCANNED' ? 100 + (i % 200) : 0,
      vulnerabilities,
      workloads,
      can_rescan: true,
    };
    const record = {
      full_tag: fullTag,
      registry,
      repo,
      tag,
      pinned: null,
      manifest_digest: entry.manifest_digest,
      repo_digests: [],
      // Registry-sourced: the bench's empty Docker host does not remove them.
      sources: ['registry'],
      workloads,
      scan_status: status,
      scan_digest: status === 'SCANNED' ? digest : null,
      error_type: entry.error_type,
      error: null,
      can_rescan: true,
    };
    const scan =
      status === 'SCANNED'
        ? { digest, platform_digest: digest, platform: null, os: entry.os, package_managers: ['dpkg'], packages: entry.packages, vulnerabilities, scan_time: stamp, last_scan_time: stamp }
        : undefined;
    out.push({ entry, record, scan });
  }
  return out;
}


async function time(run: () => unknown | Promise<unknown>): Promise<{ first: number; p50: number; p99: number }> {
  const t0 = performance.now();
  await run();
  const first = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { first, p50: percentile(times, 50), p99: percentile(times, 99) };
}

const SEARCH: ImageSearchRequest = {
  query: 'team-1',
  start: 0,
  rows: 20,
  sort: [{ field: 'vulnerabilities', order: 'DESC' }, { field: 'last_scan_time', order: 'DESC' }],
  criteria: { is_running: true, vulnerabilities: ['CRITICAL', 'HIGH'], fixes: ['AVAILABLE_FIXES'], registries: ['registry.lan:5000'] },
};
const FACET: ImageFacetRequest = {
  query: '',
  criteria: { scan_status: ['SCANNED', 'NOT_SCANNED', 'SCAN_FAILED'] },
  terms: { fields: ['scan_status', 'vulnerabilities', 'fixes', 'clusters', 'namespaces', 'repositories', 'reputations'], rows: 50 },
};
const CVE_SEARCH: ImageSearchRequest = { rows: 50, criteria: { cves: [{ cve: 'CVE-2020-12345' }, { package: 'lib42', type: 'dpkg' }] }, sort: [{ field: 'full_tag', order: 'ASC' }] };

export async function runImageSearchBench(): Promise<Record<string, unknown>[]> {
  const inventory = syntheticInventory();
  const entries = inventory.map((s) => s.entry);
  const vulnerabilities = entries.reduce((n, e) => n + e.vulnerabilities.length, 0);
  const rows: Record<string, unknown>[] = [];
  const row = (name: string, t: { first: number; p50: number; p99: number }, found: number): void => {
    rows.push({ case: name, images: IMAGES, vulnerabilities, runs: RUNS, found, first_ms: ms(t.first), p50_ms: ms(t.p50), p99_ms: ms(t.p99), target_ms: 50 });
  };

  // The engine alone. The first query derives each entry's counts once (kept while the entry is unchanged).
  row('images/_search (engine)', await time(() => searchImages(entries, SEARCH)), searchImages(entries, SEARCH).num_found);
  row('images/_search by cves (engine)', await time(() => searchImages(entries, CVE_SEARCH)), searchImages(entries, CVE_SEARCH).num_found);
  row('images/_facet, 7 fields (engine)', await time(() => facetImages(entries, FACET)), facetImages(entries, FACET).terms.length);

  // Through the app: the stored inventory is loaded on the first request, then every query is HTTP + JSON + engine.
  const storage = createMemoryStorage();
  await storage.batch(
    inventory.flatMap((s) => [
      { op: 'put' as const, collection: IMAGE_COLLECTIONS.images, key: s.entry.full_tag, value: s.record },
      ...(s.scan === undefined ? [] : [{ op: 'put' as const, collection: IMAGE_COLLECTIONS.scans, key: String(s.scan.digest), value: s.scan }]),
    ]),
  );
  const sentinel = createSentinel({ storage, docker: createMemoryDocker() });
  // Authentication off; the app is not started, so no background refresh touches the stored inventory.
  const app = createApp({ sentinel, authMode: 'disabled', imageInventory: { refreshIntervalMs: 0 } });
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const res = await app.request(`/containers/v1beta/orgs/default/inventory/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const viaApp = async (name: string, path: string, body: unknown, count: (answer: unknown) => number): Promise<void> => {
    const t = await time(() => post(path, body));
    row(name, t, count(await post(path, body)));
  };
  await viaApp('images/_search (HTTP, in-process)', 'images/_search', SEARCH, (a) => (a as { num_found: number }).num_found);
  await viaApp('images/_facet, 7 fields (HTTP, in-process)', 'images/_facet', FACET, (a) => (a as { terms: unknown[] }).terms.length);
  await viaApp('repositories/_search (HTTP, in-process)', 'repositories/_search', { query: 'service-1', rows: 20, sort: [{ field: 'last_scanned', order: 'DESC' }] }, (a) => (a as { num_found: number }).num_found);
  await app.close();
  await sentinel.stop();
  return rows;
}

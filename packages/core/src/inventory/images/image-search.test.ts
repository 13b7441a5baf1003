import { describe, expect, it } from 'vitest';
import { InvalidError } from '../../errors/index.js';
import type { ImageInventoryEntry, ImageVulnerability, ImageWorkload, RepositoryEntry } from './image-inventory.js';
import { facetImages, searchImages, searchRepositories } from './image-search.js';

const vuln = (cve: string, pkg: string, version: string, severity: ImageVulnerability['severity'], fixed: string | null = null, type = 'dpkg'): ImageVulnerability => ({
  cve,
  package: pkg,
  version,
  type,
  severity,
  fixed_version: fixed,
});
const workload = (name: string, extra: Partial<ImageWorkload> = {}): ImageWorkload => ({ cluster: 'host-a', namespace: 'default', kind: 'container', name, deployment: null, running: true, ...extra });

function entry(fullTag: string, extra: Partial<ImageInventoryEntry> = {}): ImageInventoryEntry {
  const at = fullTag.indexOf('/');
  const colon = fullTag.lastIndexOf(':');
  return {
    full_tag: fullTag,
    registry: fullTag.slice(0, at),
    repo: fullTag.slice(at + 1, colon),
    tag: fullTag.slice(colon + 1),
    manifest_digest: '',
    repo_digests: [],
    scan_status: 'SCANNED',
    scan_time: null,
    last_scan_time: null,
    error_type: '',
    os: null,
    packages: 0,
    vulnerabilities: [],
    workloads: [],
    can_rescan: true,
    ...extra,
  };
}

/** A small fleet: shop (compose, running), a Swarm service, registry-only tags, a failed scan. */
const images: ImageInventoryEntry[] = [
  entry('registry.lan/shop/web:2.0', {
    manifest_digest: 'sha256:aaa',
    os: 'Debian GNU/Linux 12 (bookworm)',
    packages: 120,
    scan_time: '2024-06-01T10:00:00.000Z',
    last_scan_time: '2024-06-02T10:00:00.000Z',
    vulnerabilities: [
      vuln('CVE-2023-45853', 'zlib1g', '1:1.2.13.dfsg-1', 'CRITICAL'),
      vuln('CVE-2024-2961', 'libc6', '2.36-9+deb12u4', 'HIGH', '2.36-9+deb12u6'),
      vuln('CVE-2005-2541', 'tar', '1.34+dfsg-1.2+deb12u1', 'HIGH'),
      vuln('CVE-2023-5678', 'libssl3', '3.0.11-1~deb12u2', 'MEDIUM', '3.0.13-1~deb12u1'),
    ],
    workloads: [workload('shop-web-1', { namespace: 'shop', deployment: 'web' }), workload('shop-web-2', { namespace: 'shop', deployment: 'web' })],
  }),
  entry('registry.lan/shop/worker:1.4', {
    os: 'Alpine Linux v3.18',
    packages: 15,
    scan_time: '2024-06-01T09:00:00.000Z',
    last_scan_time: '2024-06-01T09:00:00.000Z',
    vulnerabilities: [vuln('CVE-2023-5678', 'libcrypto3', '3.1.4-r1', 'MEDIUM', null, 'APKG'), vuln('CVE-2023-0001', 'busybox', '1.36.1-r5', 'UNKNOWN', null, 'APKG')],
    workloads: [workload('shop-worker-1', { namespace: 'shop', deployment: 'worker', running: false })],
  }),
  entry('docker.io/library/nginx:1.27', {
    packages: 140,
    scan_time: '2024-05-01T00:00:00.000Z',
    last_scan_time: '2024-05-01T00:00:00.000Z',
    workloads: [workload('edge', { cluster: 'host-b', kind: 'service', namespace: 'ingress', deployment: 'edge' })],
  }),
  entry('registry.lan/tools/cli:0.9', { scan_status: 'NOT_SCANNED' }),
  entry('registry.lan/tools/cli:1.0', { scan_status: 'PENDING_SCAN' }),
  entry('registry.lan/legacy/app:3', { scan_status: 'SCAN_FAILED', error_type: 'UNSUPPORTED_LAYER', workloads: [workload('legacy')] }),
];

const tags = (r: { results: Array<{ full_tag: string }> }): string[] => r.results.map((x) => x.full_tag);

describe('searchImages', () => {
  it('answers the documented result shape with defaults (start 0, rows 20, ordered by full tag)', () => {
    const r = searchImages(images);
    expect(r.num_found).toBe(6);
    expect(tags(r)).toEqual([...images.map((i) => i.full_tag)].sort());
    const web = r.results.find((x) => x.full_tag === 'registry.lan/shop/web:2.0');
    expect(web).toEqual({
      full_tag: 'registry.lan/shop/web:2.0',
      registry: 'registry.lan',
      repo: 'shop/web',
      tag: '2.0',
      manifest_digest: 'sha256:aaa',
      repo_digests: [],
      scan_time: '2024-06-01T10:00:00.000Z',
      last_scan_time: '2024-06-02T10:00:00.000Z',
      vulnerabilities_summary: {
        CRITICAL: { amount: 1, fixes: 0 },
        HIGH: { amount: 2, fixes: 1 },
        MEDIUM: { amount: 1, fixes: 1 },
        LOW: { amount: 0, fixes: 0 },
        UNKNOWN: { amount: 0, fixes: 0 },
      },
      fixes_available: 2,
      scan_status: 'SCANNED',
      kubernetes_summary: { clusters: 1, deployments: 1, namespaces: 1, workloads: 2 },
      workloads_count: 2,
      exceptions: 0,
      can_rescan_image: true,
      error_type: '',
      has_malware: false,
      os: 'Debian GNU/Linux 12 (bookworm)',
      packages: 120,
      is_running: true,
    });
  });

  it('pages with start and rows; num_found counts every match', () => {
    const r = searchImages(images, { start: 2, rows: 2 });
    expect(r.num_found).toBe(6);
    expect(tags(r)).toEqual(['registry.lan/shop/web:2.0', 'registry.lan/shop/worker:1.4']);
    expect(searchImages(images, { start: 10 }).results).toEqual([]);
    expect(searchImages(images, { rows: 0 })).toEqual({ num_found: 6, results: [] });
  });

  it('query matches text in the full tag, digest, OS, workload names and CVE ids, case-insensitively', () => {
    expect(tags(searchImages(images, { query: 'SHOP' }))).toEqual(['registry.lan/shop/web:2.0', 'registry.lan/shop/worker:1.4']);
    expect(tags(searchImages(images, { query: 'cve-2024-2961' }))).toEqual(['registry.lan/shop/web:2.0']);
    expect(tags(searchImages(images, { query: 'alpine' }))).toEqual(['registry.lan/shop/worker:1.4']);
    expect(tags(searchImages(images, { query: 'edge' }))).toEqual(['docker.io/library/nginx:1.27']);
    expect(searchImages(images, { query: '  ' }).num_found).toBe(6);
    expect(searchImages(images, { query: 'nothing-like-this' }).num_found).toBe(0);
  });

  it('sorts by each documented field, ASC and DESC, with several keys', () => {
    expect(tags(searchImages(images, { sort: [{ field: 'vulnerabilities', order: 'DESC' }], rows: 3 }))).toEqual([
      'registry.lan/shop/web:2.0',
      'registry.lan/shop/worker:1.4',
      // Ties (no vulnerabilities) fall back to the full tag.
      'docker.io/library/nginx:1.27',
    ]);
    expect(tags(searchImages(images, { sort: [{ field: 'packages', order: 'DESC' }], rows: 2 }))).toEqual(['docker.io/library/nginx:1.27', 'registry.lan/shop/web:2.0']);
    expect(tags(searchImages(images, { sort: [{ field: 'last_scan_time', order: 'DESC' }], rows: 3 }))).toEqual([
      'registry.lan/shop/web:2.0',
      'registry.lan/shop/worker:1.4',
      'docker.io/library/nginx:1.27',
    ]);
    expect(tags(searchImages(images, { sort: [{ field: 'scan_time', order: 'ASC' }] })).slice(-1)).toEqual(['registry.lan/shop/web:2.0']);
    expect(tags(searchImages(images, { sort: [{ field: 'fixes_available', order: 'desc' }], rows: 1 }))).toEqual(['registry.lan/shop/web:2.0']);
    expect(tags(searchImages(images, { sort: [{ field: 'workloads_count', order: 'DESC' }], rows: 1 }))).toEqual(['registry.lan/shop/web:2.0']);
    expect(tags(searchImages(images, { sort: [{ field: 'repo', order: 'DESC' }, { field: 'tag', order: 'DESC' }], rows: 3 }))).toEqual([
      'registry.lan/tools/cli:1.0',
      'registry.lan/tools/cli:0.9',
      'registry.lan/shop/worker:1.4',
    ]);
    expect(tags(searchImages(images, { sort: [{ field: 'registry' }, { field: 'full_tag', order: 'DESC' }], rows: 2 }))).toEqual([
      'docker.io/library/nginx:1.27',
      'registry.lan/tools/cli:1.0',
    ]);
  });

  it('filters by every documented criteria field (values OR-ed, fields AND-ed)', () => {
    const q = (criteria: Parameters<typeof searchImages>[1] extends infer R ? (R extends { criteria?: infer C } ? C : never) : never) => tags(searchImages(images, { criteria }));
    expect(q({ scan_status: ['NOT_SCANNED', 'SCAN_FAILED'] })).toEqual(['registry.lan/legacy/app:3', 'registry.lan/tools/cli:0.9']);
    expect(q({ vulnerabilities: ['CRITICAL'] })).toEqual(['registry.lan/shop/web:2.0']);
    expect(q({ vulnerabilities: ['UNKNOWN', 'CRITICAL'] })).toEqual(['registry.lan/shop/web:2.0', 'registry.lan/shop/worker:1.4']);
    expect(q({ vulnerabilities: ['NO_VULNERABILITIES'] })).toEqual(['docker.io/library/nginx:1.27']);
    expect(q({ fixes: ['AVAILABLE_FIXES'] })).toEqual(['registry.lan/shop/web:2.0']);
    expect(q({ fixes: ['NO_FIXES_AVAILABLE'] })).toEqual(['registry.lan/shop/worker:1.4']);
    expect(q({ clusters: ['host-b'] })).toEqual(['docker.io/library/nginx:1.27']);
    expect(q({ namespaces: ['shop'] })).toEqual(['registry.lan/shop/web:2.0', 'registry.lan/shop/worker:1.4']);
    expect(q({ registries: ['DOCKER.IO'] })).toEqual(['docker.io/library/nginx:1.27']);
    expect(q({ repositories: ['tools/cli'] })).toEqual(['registry.lan/tools/cli:0.9', 'registry.lan/tools/cli:1.0']);
    expect(q({ repositories: ['registry.lan/shop/web'] })).toEqual(['registry.lan/shop/web:2.0']);
    expect(q({ is_running: true })).toEqual(['docker.io/library/nginx:1.27', 'registry.lan/legacy/app:3', 'registry.lan/shop/web:2.0']);
    expect(q({ is_running: false })).toHaveLength(6);
    expect(q({ workloads: ['shop-worker-1'] })).toEqual(['registry.lan/shop/worker:1.4']);
    expect(q({ workloads: [{ cluster: 'host-b', kind: 'service' }] })).toEqual(['docker.io/library/nginx:1.27']);
    expect(q({ workloads: [{ kind: 'service', namespace: 'shop' }] })).toEqual([]);
    expect(q({ workloads: [{ kind: 'deployment', namespace: 'shop' }] })).toEqual(['registry.lan/shop/web:2.0', 'registry.lan/shop/worker:1.4']);
    expect(q({ cves: [{ cve: 'CVE-2023-5678' }] })).toEqual(['registry.lan/shop/web:2.0', 'registry.lan/shop/worker:1.4']);
    expect(q({ cves: [{ cve: 'CVE-2023-5678', type: 'APKG' }] })).toEqual(['registry.lan/shop/worker:1.4']);
    expect(q({ cves: [{ package: 'libssl3-3.0.11-1~deb12u2' }] })).toEqual(['registry.lan/shop/web:2.0']);
    expect(q({ cves: [{ package: 'libssl3-9.9' }] })).toEqual([]);
    expect(q({ cves: [{ package: 'tar', type: 'dpkg' }] })).toEqual(['registry.lan/shop/web:2.0']);
    // Fields AND-ed.
    expect(q({ namespaces: ['shop'], is_running: true, vulnerabilities: ['MEDIUM'] })).toEqual(['registry.lan/shop/web:2.0']);
    // Empty lists filter nothing.
    expect(q({ clusters: [], scan_status: [] })).toHaveLength(6);
  });

  it('rejects unknown sort fields, criteria values and rows above 10 000', () => {
    expect(() => searchImages(images, { sort: [{ field: 'size' as never }] })).toThrow(InvalidError);
    expect(() => searchImages(images, { criteria: { vulnerabilities: ['SEVERE' as never] } })).toThrow(/vulnerabilities/);
    expect(() => searchImages(images, { criteria: { scan_status: ['DONE' as never] } })).toThrow(InvalidError);
    expect(() => searchImages(images, { rows: 10_001 })).toThrow(/rows/);
    expect(() => searchImages(images, { start: -1 })).toThrow(/start/);
    expect(searchImages(images, { rows: 10_000 }).results).toHaveLength(6);
  });
});

describe('facetImages', () => {
  it('counts each requested field over the images the query and criteria select', () => {
    const r = facetImages(images, { terms: { fields: ['scan_status', 'fixes', 'vulnerabilities', 'clusters', 'namespaces', 'repositories', 'reputations'] } });
    expect(r.terms).toEqual([
      {
        field: 'scan_status',
        values: [
          { name: 'SCANNED', total: 3 },
          { name: 'PENDING_SCAN', total: 1 },
          { name: 'NOT_SCANNED', total: 1 },
          { name: 'SCAN_FAILED', total: 1 },
        ],
      },
      { field: 'fixes', values: [{ name: 'AVAILABLE_FIXES', total: 1 }, { name: 'NO_FIXES_AVAILABLE', total: 1 }] },
      {
        field: 'vulnerabilities',
        values: [
          { name: 'CRITICAL', total: 1 },
          { name: 'HIGH', total: 1 },
          { name: 'MEDIUM', total: 2 },
          { name: 'UNKNOWN', total: 1 },
          { name: 'NO_VULNERABILITIES', total: 1 },
        ],
      },
      { field: 'clusters', values: [{ name: 'host-a', total: 3 }, { name: 'host-b', total: 1 }] },
      { field: 'namespaces', values: [{ name: 'shop', total: 2 }, { name: 'default', total: 1 }, { name: 'ingress', total: 1 }] },
      {
        field: 'repositories',
        values: [
          { name: 'tools/cli', total: 2 },
          { name: 'legacy/app', total: 1 },
          { name: 'library/nginx', total: 1 },
          { name: 'shop/web', total: 1 },
          { name: 'shop/worker', total: 1 },
        ],
      },
      { field: 'reputations', values: [] },
    ]);
  });

  it('applies criteria and query, and limits values per field with terms.rows', () => {
    const running = facetImages(images, { criteria: { is_running: true }, terms: { fields: ['scan_status', 'repositories'], rows: 2 } });
    expect(running.terms).toEqual([
      { field: 'scan_status', values: [{ name: 'SCANNED', total: 2 }, { name: 'SCAN_FAILED', total: 1 }] },
      { field: 'repositories', values: [{ name: 'legacy/app', total: 1 }, { name: 'library/nginx', total: 1 }] },
    ]);
    expect(facetImages(images, { query: 'tools', terms: { fields: ['registries'] } }).terms).toEqual([{ field: 'registries', values: [{ name: 'registry.lan', total: 2 }] }]);
  });

  it('rejects unknown facet fields and an empty field list', () => {
    expect(() => facetImages(images, { terms: { fields: ['colors' as never] } })).toThrow(InvalidError);
    expect(() => facetImages(images, { terms: { fields: [] } })).toThrow(/fields/);
  });
});

describe('searchRepositories', () => {
  const repos: RepositoryEntry[] = [
    { registry: 'my.demo.repo', repo: 'kube-proxy-amd64', all_tags: 4, scanned_tags: 3, last_scan_time: '2023-05-01T11:38:17Z' },
    { registry: 'my.demo.repo', repo: 'proxy-sidecar', all_tags: 10, scanned_tags: 1, last_scan_time: '2023-06-01T00:00:00Z' },
    { registry: 'docker.io', repo: 'library/nginx', all_tags: 900, scanned_tags: 1, last_scan_time: null },
  ];

  it('answers the seed example: query "proxy", newest scan first, one row', () => {
    expect(searchRepositories(repos, { query: 'proxy', start: 0, rows: 1, sort: [{ field: 'last_scanned', order: 'DESC' }] })).toEqual({
      num_found: 2,
      results: [{ repo: 'proxy-sidecar', registry: 'my.demo.repo', all_tags: 10, scanned_tags: 1, last_scan_time: '2023-06-01T00:00:00Z' }],
    });
  });

  it('sorts by tag counts and name, and rejects unknown sort fields', () => {
    expect(searchRepositories(repos, { sort: [{ field: 'all_tags', order: 'DESC' }] }).results.map((r) => r.repo)).toEqual(['library/nginx', 'proxy-sidecar', 'kube-proxy-amd64']);
    expect(searchRepositories(repos, { sort: [{ field: 'scanned_tags' }, { field: 'repo', order: 'DESC' }] }).results.map((r) => r.repo)).toEqual([
      'proxy-sidecar',
      'library/nginx',
      'kube-proxy-amd64',
    ]);
    expect(searchRepositories(repos).results.map((r) => r.repo)).toEqual(['library/nginx', 'kube-proxy-amd64', 'proxy-sidecar']);
    expect(() => searchRepositories(repos, { sort: [{ field: 'stars' as never }] })).toThrow(InvalidError);
  });
});

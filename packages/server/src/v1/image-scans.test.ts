import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMemoryStorage, createVulnerabilityDatabase } from '@sentinel-kit/core';
import type { ImageInventoryEntry } from '@sentinel-kit/core';
import { imageInventoryScans } from './image-scans.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../core/src/inventory/fixtures/${name}`, import.meta.url), 'utf8');

function entry(overrides: Partial<ImageInventoryEntry>): ImageInventoryEntry {
  return {
    full_tag: 'registry.test/web:1.0.0',
    registry: 'registry.test',
    repo: 'web',
    tag: '1.0.0',
    manifest_digest: 'sha256:' + 'a'.repeat(64),
    repo_digests: [],
    scan_status: 'SCANNED',
    scan_time: '2025-01-02T00:00:00.000Z',
    last_scan_time: '2025-01-02T00:00:00.000Z',
    error_type: '',
    os: 'debian 12',
    packages: 120,
    vulnerabilities: [],
    workloads: [{ cluster: 'docker-01', namespace: 'default', kind: 'container', name: 'web', deployment: null, running: true }],
    can_rescan: true,
    ...overrides,
  };
}

describe('imageInventoryScans', () => {
  it('finds the scanned image of a container by its workload and completes each vulnerability from the database', async () => {
    const db = createVulnerabilityDatabase({ storage: createMemoryStorage() });
    await db.importNvd(fixture('nvd-cves.json'));
    await db.importKev(fixture('kev-catalog.json'));
    const scanned = entry({
      vulnerabilities: [
        { cve: 'CVE-2023-4863', package: 'libwebp7', version: '1.2.4-0.2', type: 'dpkg', severity: 'HIGH', fixed_version: '1.2.4-0.2+deb12u1' },
        { cve: 'DSA-9999-1', package: 'tzdata', version: '2024a', type: 'dpkg', severity: 'UNKNOWN', fixed_version: null },
      ],
    });
    const lookup = imageInventoryScans(() => [entry({ full_tag: 'registry.test/other:1', workloads: [] }), scanned], db);
    const found = await lookup({ container: 'web', reference: 'something-else:2', imageId: 'sha256:1' });
    expect(found?.scanned_at).toBe('2025-01-02T00:00:00.000Z');
    expect(found?.matches).toEqual([
      { vulnerability_id: 'CVE-2023-4863', cve: 'CVE-2023-4863', severity: 'high', cvss_score: 8.8, in_kev: true, fixed_version: '1.2.4-0.2+deb12u1' },
      { vulnerability_id: 'DSA-9999-1', cve: null, severity: 'unknown', cvss_score: null, in_kev: false, fixed_version: null },
    ]);
  });

  it('falls back to the reference, and knows nothing of images not scanned successfully', async () => {
    const db = createVulnerabilityDatabase({ storage: createMemoryStorage() });
    const lookup = imageInventoryScans(() => [entry({ workloads: [] }), entry({ full_tag: 'registry.test/failed:1', scan_status: 'SCAN_FAILED', workloads: [] })], db);
    expect(await lookup({ container: 'x1', reference: 'registry.test/web:1.0.0', imageId: '' })).toEqual({ matches: [], scanned_at: '2025-01-02T00:00:00.000Z' });
    expect(await lookup({ container: 'x2', reference: 'registry.test/failed:1', imageId: '' })).toBeUndefined();
    expect(await lookup({ container: 'x3', reference: 'registry.test/unknown:1', imageId: '' })).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../storage/index.js';
import { createManualClock } from '../../ports/clock.js';
import { InvalidError, NotFoundError } from '../../errors/index.js';
import { createRegistryClient } from '../../registry/registry-client.js';
import { createVulnerabilityDatabase } from '../vulnerability-database.js';
import { imageVulnerabilities, toImageResult, vulnerabilitiesSummary } from './image-inventory.js';
import { scanImagePackages } from './image-package-scan.js';
import { createMemoryOciRegistry } from './memory-oci-registry.js';
import { createTar } from './tar-writer.js';

const dbFixture = (name: string): string => readFileSync(new URL(`../packages-db/fixtures/${name}`, import.meta.url), 'utf8');
const STATUS = dbFixture('dpkg-status-debian12.txt');
const DEBIAN_OS = dbFixture('os-release-debian12.txt');

function setup() {
  const oci = createMemoryOciRegistry({ host: 'images.test' });
  const registry = createRegistryClient({ fetch: oci.fetch, clock: createManualClock(0) });
  return { oci, registry };
}

/** A Debian 12 image as docker builds one: the base layer, then a layer that upgrades packages (rewriting status). */
async function pushDebian(oci: ReturnType<typeof setup>['oci'], tag = '1.0') {
  return oci.pushImage('team/debian-app', tag, {
    layers: [
      [
        { path: 'usr/lib/os-release', content: DEBIAN_OS },
        { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
        { path: 'var/lib/dpkg/status', content: 'Package: old\nStatus: install ok installed\nVersion: 1\n' },
        { path: 'bin/bash', content: 'x'.repeat(10_000) },
      ],
      [{ path: 'var/lib/dpkg/status', content: STATUS }, { path: 'app/server.js', content: 'console.log(1)' }],
    ],
  });
}

describe('scanImagePackages', () => {
  it('reads the dpkg database of the top layer and the OS through the os-release symlink', async () => {
    const { oci, registry } = setup();
    const pushed = await pushDebian(oci);
    const scan = await scanImagePackages({ registry, reference: 'images.test/team/debian-app:1.0' });
    expect(scan.manifest_digest).toBe(pushed.digest);
    expect(scan.platform_digest).toBe(pushed.digest);
    expect(scan.platform).toBeNull();
    expect(scan.layers).toBe(2);
    expect(scan.os).toMatchObject({ id: 'debian', version_id: '12', pretty_name: 'Debian GNU/Linux 12 (bookworm)' });
    expect(scan.package_managers).toEqual(['dpkg']);
    expect(scan.packages).toHaveLength(9);
    expect(scan.packages.some((p) => p.name === 'old')).toBe(false);
    expect(scan.items.find((i) => i.name === 'libc6')).toMatchObject({
      version: '2.36-9+deb12u4',
      purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc',
      os_family: 'debian 12',
    });
    // Each layer was fetched once, by digest: the config and other blobs were not.
    expect(oci.requests().blob).toBe(2);
  });

  it('picks the requested platform of a multi-platform image, linux/amd64 by default', async () => {
    const { oci, registry } = setup();
    const pushed = await oci.pushImage('team/multi', 'latest', {
      platform: { os: 'linux', architecture: 'amd64' },
      layers: [[{ path: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n' }, { path: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.18.4\n' }]],
      otherPlatforms: [
        {
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
          layers: [[{ path: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.4-r2\nA:aarch64\no:musl\n' }, { path: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.18.4\n' }]],
        },
        { platform: { os: 'unknown', architecture: 'unknown' }, layers: [[{ path: 'attestation.json', content: '{}' }]] },
      ],
    });
    const amd = await scanImagePackages({ registry, reference: 'images.test/team/multi:latest' });
    expect(amd.manifest_digest).toBe(pushed.digest);
    expect(amd.platform_digest).toBe(pushed.platforms['linux/amd64']);
    expect(amd.platform).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(amd.packages).toEqual([{ manager: 'apk', name: 'musl', version: '1.2.4-r2', architecture: 'x86_64', source: 'musl', source_version: null }]);
    const arm = await scanImagePackages({ registry, reference: 'images.test/team/multi:latest', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    expect(arm.platform_digest).toBe(pushed.platforms['linux/arm64']);
    expect(arm.packages[0]?.architecture).toBe('aarch64');
    // A platform the image lacks falls back to linux/amd64.
    const s390 = await scanImagePackages({ registry, reference: 'images.test/team/multi:latest', platform: { os: 'linux', architecture: 's390x' } });
    expect(s390.platform_digest).toBe(pushed.platforms['linux/amd64']);
    // By digest, as a container pinned to it would be.
    const pinned = await scanImagePackages({ registry, reference: `images.test/team/multi@${pushed.digest}` });
    expect(pinned.platform_digest).toBe(pushed.platforms['linux/amd64']);
  });

  it('applies whiteouts: a package database deleted by an upper layer is gone', async () => {
    const { oci, registry } = setup();
    await oci.pushImage('team/slim', '1', {
      layers: [[{ path: 'var/lib/dpkg/status', content: STATUS }, { path: 'etc/os-release', content: DEBIAN_OS }], [{ path: 'var/lib/dpkg/.wh.status', content: '' }]],
    });
    const scan = await scanImagePackages({ registry, reference: 'images.test/team/slim:1' });
    expect(scan.package_managers).toEqual([]);
    expect(scan.packages).toEqual([]);
    expect(scan.os?.id).toBe('debian');
  });

  it('reads distroless status.d stanzas and skips their md5sums lists', async () => {
    const { oci, registry } = setup();
    await oci.pushImage('distroless/base', 'nonroot', {
      layers: [
        [
          { path: 'etc/os-release', content: 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\n' },
          { path: 'var/lib/dpkg/status.d/libssl3', content: 'Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n' },
          { path: 'var/lib/dpkg/status.d/libssl3.md5sums', content: '0123  usr/lib/x86_64-linux-gnu/libssl.so.3\n' },
          { path: 'var/lib/dpkg/status.d/tzdata', content: 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n' },
        ],
      ],
    });
    const scan = await scanImagePackages({ registry, reference: 'images.test/distroless/base:nonroot' });
    expect(scan.package_managers).toEqual(['dpkg']);
    expect(scan.packages.map((p) => `${p.name}=${p.version}`)).toEqual(['libssl3=3.0.11-1~deb12u2', 'tzdata=2024a-0+deb12u1']);
  });

  it('reads an uncompressed layer and sniffs a gzip layer with an unexpected media type', async () => {
    const { oci, registry } = setup();
    const plain = createTar([{ path: 'lib/apk/db/installed', content: 'P:busybox\nV:1.36.1-r5\n' }]);
    const gz = new Uint8Array(await new Response(new Blob([createTar([{ path: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.18.4\n' }])]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
    await oci.pushImage('odd/layers', '1', {
      layers: [
        { blob: plain, mediaType: 'application/vnd.oci.image.layer.v1.tar' },
        { blob: gz, mediaType: 'application/octet-stream' },
      ],
    });
    const scan = await scanImagePackages({ registry, reference: 'images.test/odd/layers:1' });
    expect(scan.packages.map((p) => p.name)).toEqual(['busybox']);
    expect(scan.os?.id).toBe('alpine');
  });

  it('fails with an error type for zstd layers, corrupt layers and unknown images', async () => {
    const { oci, registry } = setup();
    await oci.pushImage('odd/zstd', '1', { layers: [{ blob: new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0, 0]), mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' }] });
    const zstd = await scanImagePackages({ registry, reference: 'images.test/odd/zstd:1' }).catch((e: unknown) => e);
    expect(zstd).toBeInstanceOf(InvalidError);
    expect((zstd as InvalidError).details).toMatchObject({ error_type: 'UNSUPPORTED_LAYER' });
    await oci.pushImage('odd/corrupt', '1', { layers: [{ blob: new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }] });
    const corrupt = await scanImagePackages({ registry, reference: 'images.test/odd/corrupt:1' }).catch((e: unknown) => e);
    expect((corrupt as InvalidError).details).toMatchObject({ error_type: 'INVALID_LAYER' });
    await expect(scanImagePackages({ registry, reference: 'images.test/odd/none:1' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('stops when aborted', async () => {
    const { oci, registry } = setup();
    await pushDebian(oci);
    const controller = new AbortController();
    controller.abort(new Error('closing'));
    await expect(scanImagePackages({ registry, reference: 'images.test/team/debian-app:1.0', signal: controller.signal })).rejects.toThrow('closing');
  });

  it('the packages match the vulnerability data: the fixture feed gives the documented summary', async () => {
    const { oci, registry } = setup();
    await pushDebian(oci);
    const scan = await scanImagePackages({ registry, reference: 'images.test/team/debian-app:1.0' });
    const db = createVulnerabilityDatabase({ storage: createMemoryStorage() });
    await db.load();
    await db.importOsv(readFileSync(new URL('./fixtures/debian12-osv.json', import.meta.url), 'utf8'));
    const vulnerabilities = imageVulnerabilities(await db.match(scan.items), scan.items);
    expect(vulnerabilities.map((v) => `${v.cve} ${v.package} ${v.severity} ${v.fixed_version ?? '-'}`).sort()).toEqual([
      'CVE-2005-2541 tar HIGH -',
      'CVE-2023-45853 zlib1g CRITICAL -',
      'CVE-2023-5678 libssl3 MEDIUM 3.0.13-1~deb12u1',
      'CVE-2023-7008 libsystemd0 UNKNOWN -',
      'CVE-2024-2961 libc6 HIGH 2.36-9+deb12u6',
    ]);
    expect(vulnerabilities.every((v) => v.type === 'dpkg')).toBe(true);
    expect(vulnerabilitiesSummary(vulnerabilities)).toEqual({
      CRITICAL: { amount: 1, fixes: 0 },
      HIGH: { amount: 2, fixes: 1 },
      MEDIUM: { amount: 1, fixes: 1 },
      LOW: { amount: 0, fixes: 0 },
      UNKNOWN: { amount: 1, fixes: 0 },
    });
    const result = toImageResult({
      full_tag: 'images.test/team/debian-app:1.0',
      registry: 'images.test',
      repo: 'team/debian-app',
      tag: '1.0',
      manifest_digest: scan.manifest_digest,
      repo_digests: [],
      scan_status: 'SCANNED',
      scan_time: '2024-06-01T00:00:00.000Z',
      last_scan_time: '2024-06-01T00:00:00.000Z',
      error_type: '',
      os: 'Debian GNU/Linux 12 (bookworm)',
      packages: scan.packages.length,
      vulnerabilities,
      workloads: [{ cluster: 'host-a', namespace: 'shop', kind: 'container', name: 'shop-web-1', deployment: 'web', running: true }],
      can_rescan: true,
    });
    expect(result).toMatchObject({ fixes_available: 2, workloads_count: 1, is_running: true, kubernetes_summary: { clusters: 1, deployments: 1, namespaces: 1, workloads: 1 } });
  });
});

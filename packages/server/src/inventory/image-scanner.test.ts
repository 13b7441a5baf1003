import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryDocker,
  createMemoryOciRegistry,
  createMemoryStorage,
  createRegistryClient,
  createVulnerabilityDatabase,
  silentLogger,
  systemClock,
} from '@sentinel-kit/core';
import type { ContainerSummary, FetchLike, StoragePort, TarWriteEntry } from '@sentinel-kit/core';
import { IMAGE_COLLECTIONS, createImageInventoryService, dockerArchitecture, workloadOf } from './image-scanner.js';
import type { ImageInventoryService } from './image-scanner.js';

const core = (path: string): string => readFileSync(new URL(`../../../core/src/inventory/${path}`, import.meta.url), 'utf8');
const debian: TarWriteEntry[][] = [[{ path: 'var/lib/dpkg/status', content: core('packages-db/fixtures/dpkg-status-debian12.txt') }, { path: 'etc/os-release', content: core('packages-db/fixtures/os-release-debian12.txt') }]];
const HOST = 'images.test';

const container = (labels: Record<string, string>, state: ContainerSummary['state'] = 'running'): ContainerSummary => ({
  id: 'c1',
  name: 'web-1',
  image: 'x',
  imageId: 'sha256:1',
  state,
  status: '',
  labels,
  created: '',
});

describe('workloadOf (Kubernetes words on Docker)', () => {
  it('maps a Swarm task to its service and stack, a compose container to its project, anything else to the default namespace', () => {
    expect(workloadOf(container({ 'com.docker.swarm.service.name': 'shop_web', 'com.docker.stack.namespace': 'shop' }), 'node-1')).toEqual({
      cluster: 'node-1',
      namespace: 'shop',
      kind: 'service',
      name: 'shop_web',
      deployment: 'shop_web',
      running: true,
    });
    expect(workloadOf(container({ 'com.docker.compose.project': 'blog', 'com.docker.compose.service': 'db' }, 'exited'), 'h')).toEqual({
      cluster: 'h',
      namespace: 'blog',
      kind: 'container',
      name: 'web-1',
      deployment: 'db',
      running: false,
    });
    expect(workloadOf(container({}), 'h')).toEqual({ cluster: 'h', namespace: 'default', kind: 'container', name: 'web-1', deployment: null, running: true });
  });

  it('names Node architectures as Docker does', () => {
    expect(dockerArchitecture('x64')).toBe('amd64');
    expect(dockerArchitecture('arm64')).toBe('arm64');
  });
});

const services: ImageInventoryService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

async function world(options: { storage?: StoragePort; gate?: Promise<void>; scanRegistryTags?: boolean } = {}) {
  const oci = createMemoryOciRegistry({ host: HOST });
  const fetch: FetchLike = async (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    if (options.gate !== undefined && url.includes('/blobs/')) await options.gate;
    return oci.fetch(input, init);
  };
  const docker = createMemoryDocker({ engine: { name: 'node-7' } });
  const storage = options.storage ?? createMemoryStorage();
  const vulnerabilities = createVulnerabilityDatabase({ storage });
  await vulnerabilities.load();
  const make = (): ImageInventoryService => {
    const service = createImageInventoryService({
      docker,
      registry: createRegistryClient({ fetch, clock: systemClock }),
      storage,
      vulnerabilities,
      clock: systemClock,
      logger: silentLogger,
      fetch,
      refreshIntervalMs: 0,
      hostMaxAgeMs: 0,
      registries: () => [HOST],
      ...(options.scanRegistryTags === undefined ? {} : { scanRegistryTags: options.scanRegistryTags }),
    });
    services.push(service);
    return service;
  };
  return { oci, docker, storage, vulnerabilities, make };
}

const entry = (service: ImageInventoryService, fullTag: string) => service.entries().find((e) => e.full_tag === fullTag);

describe('createImageInventoryService', () => {
  it('keeps scans across a restart: the next start reads them from storage and downloads nothing', async () => {
    const w = await world();
    const pushed = await w.oci.pushImage('shop/web', '1', { layers: debian });
    w.docker.seedContainer({ name: 'web', image: `${HOST}/shop/web:1`, publish: { digest: pushed.digest } });
    const first = w.make();
    await first.start();
    await first.refresh();
    await first.idle();
    expect(entry(first, `${HOST}/shop/web:1`)).toMatchObject({ scan_status: 'SCANNED', packages: 9, os: 'Debian GNU/Linux 12 (bookworm)' });
    expect(entry(first, `${HOST}/shop/web:1`)?.workloads).toEqual([{ cluster: 'node-7', namespace: 'default', kind: 'container', name: 'web', deployment: null, running: true }]);
    await first.close();
    const blobs = w.oci.requests().blob;
    expect(await w.storage.count(IMAGE_COLLECTIONS.scans)).toBe(1);

    const second = w.make();
    await second.start();
    await second.refresh();
    await second.idle();
    expect(entry(second, `${HOST}/shop/web:1`)).toMatchObject({ scan_status: 'SCANNED', packages: 9, manifest_digest: pushed.digest });
    expect(w.oci.requests().blob).toBe(blobs);
  });

  it('scans again when the host runs another digest under the same tag', async () => {
    const w = await world();
    const v1 = await w.oci.pushImage('shop/web', 'latest', { layers: debian });
    w.docker.seedContainer({ name: 'web', image: `${HOST}/shop/web:latest`, publish: { digest: v1.digest } });
    const service = w.make();
    await service.start();
    await service.refresh();
    await service.idle();
    expect(entry(service, `${HOST}/shop/web:latest`)?.manifest_digest).toBe(v1.digest);
    // The tag moves (an Alpine rebuild) and the container is recreated from it.
    const v2 = await w.oci.pushImage('shop/web', 'latest', { layers: [[{ path: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.4-r2\n' }]] });
    await w.docker.removeContainer('web', { force: true });
    w.docker.publishImage(`${HOST}/shop/web:latest`, { digest: v2.digest });
    await w.docker.pullImage(`${HOST}/shop/web:latest`);
    w.docker.seedContainer({ name: 'web', image: `${HOST}/shop/web:latest` });
    await service.refresh();
    await service.idle();
    expect(entry(service, `${HOST}/shop/web:latest`)).toMatchObject({ manifest_digest: v2.digest, scan_status: 'SCANNED', packages: 1 });
  });

  it('an image built or tagged locally (no registry digest) is NOT_SCANNED with NOT_IN_REGISTRY, and never queued', async () => {
    const w = await world();
    const pushed = await w.oci.pushImage('shop/web', '1', { layers: debian });
    w.docker.seedContainer({ name: 'web', image: `${HOST}/shop/web:1`, publish: { digest: pushed.digest } });
    const local = await w.docker.inspectImage(`${HOST}/shop/web:1`);
    await w.docker.tagImage(local?.id ?? '', 'local/build:dev');
    w.docker.seedContainer({ name: 'dev', image: 'local/build:dev' });
    const service = w.make();
    await service.start();
    await service.refresh();
    await service.idle();
    expect(entry(service, 'docker.io/local/build:dev')).toMatchObject({ scan_status: 'NOT_SCANNED', error_type: 'NOT_IN_REGISTRY', can_rescan: false, manifest_digest: '' });
    expect(entry(service, `${HOST}/shop/web:1`)?.scan_status).toBe('SCANNED');
    expect(await service.scan()).toEqual([]);
  });

  it('scans registry tags by itself with scanRegistryTags', async () => {
    const w = await world({ scanRegistryTags: true });
    const pushed = await w.oci.pushImage('shop/web', '1', { layers: debian });
    await w.oci.pushImage('shop/web', '2', { layers: debian });
    // One container makes the registry known; both tags are in its catalogue.
    w.docker.seedContainer({ name: 'web', image: `${HOST}/shop/web:1`, publish: { digest: pushed.digest } });
    const service = w.make();
    await service.start();
    await service.refresh();
    await service.idle();
    expect(service.entries().map((e) => `${e.full_tag} ${e.scan_status}`).sort()).toEqual([`${HOST}/shop/web:1 SCANNED`, `${HOST}/shop/web:2 SCANNED`]);
    // Both tags point at identical content: one digest, one download of its layer.
    expect(w.oci.requests().blob).toBe(1);
    expect(service.repositories()).toEqual([{ registry: HOST, repo: 'shop/web', all_tags: 2, scanned_tags: 2, last_scan_time: expect.any(String) }]);
  });

  it('close() aborts a running scan: the image shows SCAN_ABORTED and is queued again on the next start', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const w = await world({ gate });
    const pushed = await w.oci.pushImage('shop/web', '1', { layers: debian });
    w.docker.seedContainer({ name: 'web', image: `${HOST}/shop/web:1`, publish: { digest: pushed.digest } });
    const service = w.make();
    await service.start();
    await service.refresh();
    for (let i = 0; i < 200 && entry(service, `${HOST}/shop/web:1`)?.scan_status !== 'SCANNING'; i++) await new Promise((r) => setTimeout(r, 5));
    expect(entry(service, `${HOST}/shop/web:1`)?.scan_status).toBe('SCANNING');
    await service.close();
    expect(entry(service, `${HOST}/shop/web:1`)?.scan_status).toBe('SCAN_ABORTED');
    open();
    const again = w.make();
    await again.start();
    await again.refresh();
    await again.idle();
    expect(entry(again, `${HOST}/shop/web:1`)?.scan_status).toBe('SCANNED');
  });
});

import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryDocker } from '../docker/index.js';
import { UpstreamError } from '../errors/index.js';
import { createEventBus } from '../events/index.js';
import type { SentinelEvent } from '../events/index.js';
import { silentLogger } from '../logging/index.js';
import { systemClock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import { createRegistryClient } from '../registry/index.js';
import { createMemoryStorage } from '../storage/index.js';
import { dockerHubRegistry, ghcrRegistry } from './fixtures/oci-registry-msw.js';
import type { OciRegistry } from './fixtures/oci-registry-msw.js';
import { createGhcrAlternatives } from './ghcr-alternatives.js';
import { createGhcrChecker } from './ghcr-checker.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const fetch: FetchLike = (input, init) => globalThis.fetch(input, init);
const SOURCE = { 'org.opencontainers.image.source': 'https://github.com/linuxserver/docker-sonarr' };

function setup(): { hub: OciRegistry; ghcr: OciRegistry; docker: ReturnType<typeof createMemoryDocker>; checker: ReturnType<typeof createGhcrChecker> } {
  const hub = dockerHubRegistry();
  const ghcr = ghcrRegistry();
  server.use(...hub.handlers(), ...ghcr.handlers());
  const docker = createMemoryDocker();
  const registry = createRegistryClient({ fetch, clock: systemClock });
  return { hub, ghcr, docker, checker: createGhcrChecker({ registry, docker, clock: systemClock }) };
}

describe('createGhcrChecker', () => {
  it('reads the source label from the registry (index, platform manifest, config blob) and finds the same tag on ghcr.io', async () => {
    const { hub, ghcr, checker } = setup();
    const hubDigest = hub.publish('linuxserver/sonarr', '4.0.0', { labels: SOURCE });
    // linuxserver publishes ghcr.io/linuxserver/sonarr, not …/docker-sonarr: the Docker Hub name is the second guess.
    const ghcrDigest = ghcr.publish('linuxserver/sonarr', '4.0.0', { labels: SOURCE });
    expect(ghcrDigest).toBe(hubDigest);

    const result = await checker.check({ image: 'linuxserver/sonarr:4.0.0' });
    expect(result).toMatchObject({
      image: 'linuxserver/sonarr:4.0.0',
      available: true,
      ghcr_image: 'ghcr.io/linuxserver/sonarr:4.0.0',
      source: 'https://github.com/linuxserver/docker-sonarr',
      same_digest: true,
      reason: null,
    });
    expect(hub.requests.blob).toBe(1);
  });

  it('reports a rebuilt image on ghcr.io as available with same_digest false', async () => {
    const { hub, ghcr, checker } = setup();
    hub.publish('linuxserver/sonarr', '4.0.0', { labels: SOURCE });
    ghcr.publish('linuxserver/docker-sonarr', '4.0.0', { labels: SOURCE, build: 'other' });
    expect(await checker.check({ image: 'linuxserver/sonarr:4.0.0' })).toMatchObject({ available: true, ghcr_image: 'ghcr.io/linuxserver/docker-sonarr:4.0.0', same_digest: false });
  });

  it('prefers the local image label: no registry request to Docker Hub for it', async () => {
    const { hub, ghcr, docker, checker } = setup();
    docker.seedContainer({ name: 'sonarr', image: 'linuxserver/sonarr:4.0.0', publish: { labels: SOURCE } });
    hub.publish('linuxserver/sonarr', '4.0.0', { labels: {} });
    ghcr.publish('linuxserver/sonarr', '4.0.0');
    const result = await checker.check({ image: 'linuxserver/sonarr:4.0.0', imageId: (await docker.inspectContainer('sonarr')).imageId });
    expect(result).toMatchObject({ available: true, ghcr_image: 'ghcr.io/linuxserver/sonarr:4.0.0' });
    expect(hub.requests.blob).toBe(0);
    expect(hub.requests.manifest_get).toBe(0);
  });

  it('is not available when the tag is missing on ghcr.io, the package is not public, or there is no usable label', async () => {
    const { hub, ghcr, checker } = setup();
    hub.publish('linuxserver/sonarr', '4.0.1', { labels: SOURCE });
    ghcr.publish('linuxserver/sonarr', '4.0.0');
    const missingTag = await checker.check({ image: 'linuxserver/sonarr:4.0.1' });
    expect(missingTag).toMatchObject({ available: false, ghcr_image: null, source: 'https://github.com/linuxserver/docker-sonarr' });
    expect(missingTag.reason).toMatch(/tag 4\.0\.1 is not publicly available on ghcr\.io\/linuxserver\/docker-sonarr or ghcr\.io\/linuxserver\/sonarr/);

    hub.publish('acme/private', '1.0', { labels: { 'org.opencontainers.image.source': 'https://github.com/acme/private' } });
    expect(await checker.check({ image: 'acme/private:1.0' })).toMatchObject({ available: false, reason: expect.stringMatching(/not publicly available/) });

    hub.publish('acme/nolabel', '1.0', { labels: {} });
    expect(await checker.check({ image: 'acme/nolabel:1.0' })).toMatchObject({ available: false, source: null, reason: expect.stringMatching(/no org\.opencontainers\.image\.source label/) });

    hub.publish('acme/gitlab', '1.0', { labels: { 'org.opencontainers.image.source': 'https://gitlab.com/acme/gitlab' } });
    expect(await checker.check({ image: 'acme/gitlab:1.0' })).toMatchObject({ available: false, reason: expect.stringMatching(/not a GitHub repository/) });
  });

  it('does not look beyond Docker Hub images', async () => {
    const { checker } = setup();
    expect(await checker.check({ image: 'ghcr.io/org/app:1.0' })).toMatchObject({ available: false, reason: 'not a Docker Hub image (registry ghcr.io)' });
  });

  it('a failing registry is an error, not a "no"', async () => {
    const { hub, checker } = setup();
    hub.publish('linuxserver/sonarr', '4.0.0', { labels: SOURCE });
    server.use(http.head('https://ghcr.io/v2/linuxserver/docker-sonarr/manifests/4.0.0', () => new HttpResponse(null, { status: 503 })));
    server.use(http.get('https://ghcr.io/token', () => HttpResponse.json({ token: 't' })));
    await expect(checker.check({ image: 'linuxserver/sonarr:4.0.0' })).rejects.toBeInstanceOf(UpstreamError);
  });
});

describe('createGhcrAlternatives', () => {
  it('refreshes every Docker Hub container in the background, caches the results and announces new alternatives once', async () => {
    const { hub, ghcr, docker, checker } = setup();
    hub.publish('linuxserver/sonarr', '4.0.0', { labels: SOURCE });
    ghcr.publish('linuxserver/sonarr', '4.0.0');
    hub.publish('acme/nolabel', '1.0');
    docker.seedContainer({ name: 'sonarr', image: 'linuxserver/sonarr:4.0.0' });
    docker.seedContainer({ name: 'sonarr-2', image: 'linuxserver/sonarr:4.0.0' });
    docker.seedContainer({ name: 'plain', image: 'acme/nolabel:1.0' });
    docker.seedContainer({ name: 'local', image: 'registry.lan/app:1.0' });
    const events = createEventBus();
    const seen: SentinelEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const storage = createMemoryStorage();
    const alternatives = createGhcrAlternatives({ checker, docker, storage, events, clock: systemClock, logger: silentLogger, concurrency: 2 });

    expect(await alternatives.isStale()).toBe(true);
    expect(alternatives.startRefresh()).toBe(true);
    expect(alternatives.startRefresh()).toBe(false);
    await alternatives.idle();
    expect(await alternatives.list()).toMatchObject([
      { container_name: 'sonarr', image: 'linuxserver/sonarr:4.0.0', ghcr_image: 'ghcr.io/linuxserver/sonarr:4.0.0' },
      { container_name: 'sonarr-2', image: 'linuxserver/sonarr:4.0.0', ghcr_image: 'ghcr.io/linuxserver/sonarr:4.0.0' },
    ]);
    expect(seen.filter((e) => e.type === 'ghcr_check').map((e) => e.container_name).sort()).toEqual(['sonarr', 'sonarr-2']);
    expect(await alternatives.isStale()).toBe(false);

    // A second refresh finds everything fresh: no registry traffic, no repeated announcement.
    const tokens = ghcr.requests.token + hub.requests.token;
    const summary = await alternatives.refresh();
    expect(summary).toEqual({ images: 2, checked: 0, available: 1, failed: 0 });
    expect(ghcr.requests.token + hub.requests.token).toBe(tokens);
    expect(seen.filter((e) => e.type === 'ghcr_check')).toHaveLength(2);

    // The cache survives a restart.
    const again = createGhcrAlternatives({ checker, docker, storage, events, clock: systemClock, logger: silentLogger });
    expect((await again.list()).map((a) => a.container_name)).toEqual(['sonarr', 'sonarr-2']);
  });
});

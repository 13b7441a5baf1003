import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, NotFoundError, NotImplementedError } from '@sentinel-kit/client';
import type { FetchLike, SentinelEvent } from '@sentinel-kit/core';
import { dockerHubRegistry, ghcrRegistry } from '../../../core/src/ghcr/fixtures/oci-registry-msw.js';
import type { OciRegistry } from '../../../core/src/ghcr/fixtures/oci-registry-msw.js';
import { REGISTRY_HOST } from '../support/app-fixture.js';
import { eventually, setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

// Docker Hub and ghcr.io are third-party APIs: served by msw, never the internet.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const SOURCE = { 'org.opencontainers.image.source': 'https://github.com/linuxserver/docker-sonarr' };

/** The fake registry for registry.test, msw (through the global fetch) for every other host. */
const routed = (fake: FetchLike): FetchLike => (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input.toString());
  return url.host === REGISTRY_HOST ? fake(input, init) : globalThis.fetch(input, init);
};

interface Scene extends ClientFixture {
  hub: OciRegistry;
  ghcr: OciRegistry;
  events: SentinelEvent[];
}

/** sonarr runs linuxserver/sonarr:4.0.0 from Docker Hub, which ghcr.io also publishes; plain runs an image without a source label. */
function scene(settings: { grace_period?: number } = {}): Scene {
  const hub = dockerHubRegistry();
  const ghcr = ghcrRegistry();
  server.use(...hub.handlers(), ...ghcr.handlers());
  const f = setup({ fixture: { registryFetch: routed, settings } });
  hub.publish('linuxserver/sonarr', '4.0.0', { labels: SOURCE });
  ghcr.publish('linuxserver/sonarr', '4.0.0', { labels: SOURCE });
  hub.publish('acme/plain', '1.0', { labels: {} });
  f.docker.seedContainer({ name: 'sonarr', image: 'linuxserver/sonarr:4.0.0', publish: { labels: SOURCE } });
  f.docker.seedContainer({ name: 'plain', image: 'acme/plain:1.0' });
  f.publish('web', '1.0.0');
  f.docker.seedContainer({ name: 'web', image: f.ref('web', '1.0.0') });
  // The same image as pullable from ghcr.io, for the switch.
  f.docker.publishImage('ghcr.io/linuxserver/sonarr:4.0.0', { labels: SOURCE });
  const events: SentinelEvent[] = [];
  f.sentinel.events.subscribe((e) => events.push(e));
  return { ...f, hub, ghcr, events };
}

describe('client.ghcr.check(name)', () => {
  it('finds the ghcr.io image with the same tag for a Docker Hub container', async () => {
    const f = scene();
    const result = await f.client.ghcr.check('sonarr');
    expect(result).toEqual({
      container_name: 'sonarr',
      image: 'linuxserver/sonarr:4.0.0',
      available: true,
      ghcr_image: 'ghcr.io/linuxserver/sonarr:4.0.0',
      source: 'https://github.com/linuxserver/docker-sonarr',
      same_digest: true,
      reason: null,
      checked_at: expect.any(String),
    });
    expect(f.events.filter((e) => e.type === 'ghcr_check')).toMatchObject([{ container_name: 'sonarr', message: 'GHCR alternative available for sonarr: ghcr.io/linuxserver/sonarr:4.0.0' }]);
    // Cached: asking again sends nothing to ghcr.io.
    const tokens = f.ghcr.requests.token;
    await f.client.ghcr.check('sonarr');
    expect(f.ghcr.requests.token).toBe(tokens);
  });

  it('says why there is no alternative', async () => {
    const f = scene();
    expect(await f.client.ghcr.check('plain')).toMatchObject({ available: false, ghcr_image: null, reason: expect.stringMatching(/no org\.opencontainers\.image\.source label/) });
    expect(await f.client.ghcr.check('web')).toMatchObject({ available: false, reason: `not a Docker Hub image (registry ${REGISTRY_HOST})` });
  });

  it('an unknown container is 404, a malformed name 400, a remote host 501', async () => {
    const f = scene();
    await expect(f.client.ghcr.check('ghost')).rejects.toBeInstanceOf(NotFoundError);
    await expect(f.client.ghcr.check('-bad')).rejects.toBeInstanceOf(BadRequestError);
    await expect(f.client.ghcr.check('sonarr', { host: 'edge-1' })).rejects.toBeInstanceOf(NotImplementedError);
  });
});

describe('client.ghcr.alternatives()', () => {
  it('answers from the cache at once and refreshes a stale cache in the background', async () => {
    const f = scene();
    const first = await f.client.ghcr.alternatives();
    expect(first.alternatives).toEqual([]);
    expect(first.checked_at).toBeNull();
    let latest = first;
    await eventually(async () => {
      latest = await f.client.ghcr.alternatives();
      return !latest.refreshing && latest.alternatives.length > 0;
    }, 'the background refresh');
    expect(latest.alternatives).toEqual([
      { container_name: 'sonarr', image: 'linuxserver/sonarr:4.0.0', ghcr_image: 'ghcr.io/linuxserver/sonarr:4.0.0', source: 'https://github.com/linuxserver/docker-sonarr', same_digest: true, checked_at: expect.any(String) },
    ]);
    expect(latest.checked_at).not.toBeNull();
    expect(f.events.filter((e) => e.type === 'ghcr_check').map((e) => e.container_name)).toEqual(['sonarr']);
  });

  it('a completed scan refreshes the cache once the app has started', async () => {
    const f = scene();
    await f.app.start();
    await f.sentinel.scan();
    // Only events are watched here: reading the alternatives would itself start a refresh.
    await eventually(() => f.events.some((e) => e.type === 'ghcr_check' && e.container_name === 'sonarr'), 'the refresh after the scan');
    // Let the refresh finish checking the other images before the registries go away.
    await eventually(async () => !(await f.client.ghcr.alternatives()).refreshing, 'the refresh to finish');
    expect((await f.client.ghcr.alternatives()).alternatives.map((a) => a.container_name)).toEqual(['sonarr']);
  });
});

describe('client.ghcr.switch(name)', () => {
  it('recreates the container from the ghcr.io image through the update transaction', async () => {
    const f = scene();
    expect(await f.client.ghcr.switch('sonarr')).toEqual({
      status: 'started',
      name: 'sonarr',
      message: 'Switching sonarr from linuxserver/sonarr:4.0.0 to ghcr.io/linuxserver/sonarr:4.0.0',
    });
    await f.sentinel.idle();
    const after = await f.client.containers.get('sonarr');
    expect(after).toMatchObject({ image: 'ghcr.io/linuxserver/sonarr:4.0.0', state: 'running' });
    expect(after.history).toMatchObject([{ type: 'update', outcome: 'success', old_image: 'linuxserver/sonarr:4.0.0', new_image: 'ghcr.io/linuxserver/sonarr:4.0.0' }]);
    expect(after.snapshots).toHaveLength(1);
    expect(f.docker.calls('pullImage').map((c) => c.args[0])).toEqual(['ghcr.io/linuxserver/sonarr:4.0.0']);
    expect(await f.client.queue.count()).toBe(0);
  });

  it('a container without an alternative is 409 and nothing is touched', async () => {
    const f = scene();
    f.docker.clearCalls();
    const error = await f.client.ghcr.switch('plain').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toMatch(/plain has no GHCR alternative/);
    await expect(f.client.ghcr.switch('ghost')).rejects.toBeInstanceOf(NotFoundError);
    await f.sentinel.idle();
    expect(f.docker.calls('pullImage')).toEqual([]);
    expect((await f.client.containers.get('plain')).image).toBe('acme/plain:1.0');
    expect(await f.client.queue.count()).toBe(0);
  });

  it('a container already being updated is 409, and the queue is left as it was', async () => {
    const f = scene({ grace_period: 2000 });
    f.hub.publish('linuxserver/sonarr', '4.0.1', { labels: SOURCE });
    f.docker.publishImage('linuxserver/sonarr:4.0.1', { labels: SOURCE });
    await f.client.containers.updateToVersion('sonarr', '4.0.1');
    await expect(f.client.ghcr.switch('sonarr')).rejects.toBeInstanceOf(ConflictError);
    expect(await f.client.queue.list()).toEqual([]);
    await f.sentinel.idle();
    expect((await f.client.containers.get('sonarr')).image).toBe('linuxserver/sonarr:4.0.1');
  });
});

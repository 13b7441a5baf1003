import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeDockerContract } from '@sentinel-kit/core/testing';
import { createDockerodeEngine, parseDockerHost } from '../../src/adapters/dockerode-engine.js';
import { buildTestImage } from './support/images.js';

describeDockerContract('dockerode on a real engine', () => ({
  docker: createDockerodeEngine({ dockerHost: inject('dockerHost') }),
  images: inject('contractImages'),
}));

describe('parseDockerHost', () => {
  it('understands the DOCKER_HOST forms', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('tcp://10.0.0.5:2375')).toEqual({ host: '10.0.0.5', port: 2375, protocol: 'http' });
    expect(parseDockerHost('tcp://docker.internal')).toEqual({ host: 'docker.internal', port: 2375, protocol: 'http' });
    expect(parseDockerHost('https://[::1]:2376')).toEqual({ host: '::1', port: 2376, protocol: 'https' });
    expect(() => parseDockerHost('ssh://user@host')).toThrow(expect.objectContaining({ code: 'INVALID' }));
  });
});

describe('createDockerodeEngine on a real engine', () => {
  const dockerHost = inject('dockerHost');
  const raw = new Docker(parseDockerHost(dockerHost));
  const engine = createDockerodeEngine({ dockerHost });
  const prefix = `skd-${Date.now().toString(36)}`;
  const containers = new Set<string>();
  const networks = new Set<string>();
  const volumes = new Set<string>();
  let sequence = 0;

  function name(): string {
    const n = `${prefix}-${++sequence}`;
    containers.add(n);
    return n;
  }

  let app100 = '';
  let app101 = '';
  beforeAll(async () => {
    app100 = await buildTestImage({ repository: 'sentinel-e2e/app', tag: '1.0.0', behavior: 'runs', labels: { 'org.example.version': '1.0.0' } });
    app101 = await buildTestImage({ repository: 'sentinel-e2e/app', tag: '1.0.1', behavior: 'healthy', labels: { 'org.example.version': '1.0.1' } });
  });

  afterEach(async () => {
    for (const n of containers) await raw.getContainer(n).remove({ force: true, v: true }).catch(() => undefined);
    containers.clear();
  });

  afterAll(async () => {
    for (const n of networks) await raw.getNetwork(n).remove().catch(() => undefined);
    for (const v of volumes) await raw.getVolume(v).remove().catch(() => undefined);
  });

  it('rejects with UnavailableError when no engine listens', async () => {
    await expect(createDockerodeEngine({ socketPath: '/tmp/skd-no-such-engine.sock' }).ping()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(createDockerodeEngine({ dockerHost: 'tcp://127.0.0.1:1' }).listContainers()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('rejects a pull from an unreachable registry with UpstreamError, never echoing the password', async () => {
    const failure = await engine.pullImage('127.0.0.1:1/nothing/here:1', { auth: { username: 'bot', password: 'pa55-secret', serveraddress: '127.0.0.1:1' } }).then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string },
    );
    expect(failure?.code).toBe('UPSTREAM');
    expect(failure?.message).not.toContain('pa55-secret');
  });

  it('pulls with credentials from a registry that does not ask for them', async () => {
    await engine.pullImage(app100, { auth: { username: 'bot', password: 'unused', serveraddress: inject('registryAddr') } });
    expect(await engine.inspectImage(app100)).toBeDefined();
  });

  it('recreates a container made with many docker run options identically', async () => {
    await engine.pullImage(app100);
    const netA = `${prefix}-a`;
    const netB = `${prefix}-b`;
    const volume = `${prefix}-data`;
    for (const n of [netA, netB]) {
      await raw.createNetwork({ Name: n, Driver: 'bridge' });
      networks.add(n);
    }
    volumes.add(volume);
    const original = name();
    const created = await raw.createContainer({
      name: original,
      Image: app100,
      Hostname: 'web-host',
      User: 'nobody',
      WorkingDir: '/tmp',
      Env: ['MODE=prod', 'EMPTY='],
      Labels: { 'com.example.owner': 'ops' },
      Entrypoint: ['sh', '-c'],
      Cmd: ['echo started; exec sleep 3600'],
      ExposedPorts: { '8080/tcp': {} },
      StopSignal: 'SIGINT',
      Healthcheck: { Test: ['CMD', 'true'], Interval: 1_000_000_000, Retries: 3 },
      HostConfig: {
        Binds: [`${volume}:/data`],
        Mounts: [{ Type: 'tmpfs', Source: '', Target: '/cache' }],
        RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
        NetworkMode: netA,
        CapAdd: ['NET_ADMIN'],
        CapDrop: ['MKNOD'],
        ExtraHosts: ['db.local:10.0.0.7'],
        Init: true,
      },
      NetworkingConfig: { EndpointsConfig: { [netA]: { Aliases: ['web', 'www'] } } },
    });
    await raw.getNetwork(netB).connect({ Container: created.id, EndpointConfig: { Aliases: ['web-b'] } });
    await created.start();

    const before = await engine.inspectContainer(original);
    expect(before.spec.native['Hostname']).toBe('web-host');
    expect(before.spec.env).toEqual(['MODE=prod', 'EMPTY=']);
    expect(before.spec.labels).toEqual({ 'com.example.owner': 'ops' });
    expect(before.networks).toEqual([netA, netB].sort());

    const copy = name();
    await engine.createContainer(copy, JSON.parse(JSON.stringify(before.spec)));
    await engine.startContainer(copy);
    const after = await engine.inspectContainer(copy);
    expect(after.spec).toEqual(before.spec);

    const [a, b] = await Promise.all([raw.getContainer(original).inspect(), raw.getContainer(copy).inspect()]);
    expect(b.Config).toEqual(a.Config);
    expect(b.HostConfig).toEqual(a.HostConfig);
    const endpoints = (info: Docker.ContainerInspectInfo, id: string) =>
      Object.fromEntries(
        Object.entries(info.NetworkSettings.Networks).map(([network, endpoint]) => [
          network,
          (endpoint.Aliases ?? []).filter((alias: string) => alias !== id.slice(0, 12)).sort(),
        ]),
      );
    expect(endpoints(b, b.Id)).toEqual(endpoints(a, a.Id));
    expect(endpoints(b, b.Id)[netA]).toEqual(expect.arrayContaining(['web', 'www']));
    expect(endpoints(b, b.Id)[netB]).toEqual(expect.arrayContaining(['web-b']));
    const mounts = (info: Docker.ContainerInspectInfo) => info.Mounts.map((m) => ({ type: m.Type, destination: m.Destination, name: m.Name ?? '' })).sort((x, y) => x.destination.localeCompare(y.destination));
    expect(mounts(b)).toEqual(mounts(a));
    // The same named volume, not a new anonymous one.
    expect(mounts(b).find((m) => m.destination === '/data')?.name).toBe(volume);
  });

  it('recreates a container that shares another container network stack', async () => {
    await engine.pullImage(app100);
    const host = name();
    await engine.createContainer(host, { image: app100, labels: {}, env: [], native: { Hostname: 'shared-host' } });
    await engine.startContainer(host);
    const { id: hostId } = await engine.inspectContainer(host);
    const sidecar = name();
    await engine.createContainer(sidecar, { image: app100, labels: {}, env: [], native: { HostConfig: { NetworkMode: `container:${hostId}` } } });
    await engine.startContainer(sidecar);

    const spec = (await engine.inspectContainer(sidecar)).spec;
    const copy = name();
    await engine.createContainer(copy, spec);
    await engine.startContainer(copy);
    expect((await engine.inspectContainer(copy)).runtime.status).toBe('running');
    expect((await engine.exec(copy, ['hostname'])).output.trim()).toBe('shared-host');
  });

  it('gives a recreated container its own hostname unless one was set', async () => {
    await engine.pullImage(app100);
    const original = name();
    await engine.createContainer(original, { image: app100, labels: {}, env: [], native: {} });
    const spec = (await engine.inspectContainer(original)).spec;
    expect(spec.native['Hostname']).toBeUndefined();
    const copy = name();
    const id = await engine.createContainer(copy, spec);
    expect((await raw.getContainer(copy).inspect()).Config.Hostname).toBe(id.slice(0, 12));
  });

  it('moves a container to a newer image without pinning the old image defaults', async () => {
    await engine.pullImage(app100);
    const original = name();
    await engine.createContainer(original, { image: app100, labels: { 'com.example.owner': 'ops' }, env: ['MODE=prod'], native: {} });
    const before = await engine.inspectContainer(original);
    expect(before.labels).toEqual({ 'com.example.owner': 'ops', 'org.example.version': '1.0.0' });
    expect(before.spec.labels).toEqual({ 'com.example.owner': 'ops' });

    await engine.pullImage(app101);
    const updated = name();
    await engine.createContainer(updated, { ...before.spec, image: app101 });
    await engine.startContainer(updated);
    const after = await engine.inspectContainer(updated);
    expect(after.labels).toEqual({ 'com.example.owner': 'ops', 'org.example.version': '1.0.1' });
    expect(after.hasHealthcheck).toBe(true);
    expect(after.spec.env).toEqual(['MODE=prod']);
  });

  it('returns the raw stream of a TTY container as its logs', async () => {
    await engine.pullImage(app100);
    const n = name();
    await engine.createContainer(n, { image: app100, labels: {}, env: [], native: { Tty: true } });
    await engine.startContainer(n);
    const deadline = Date.now() + 30_000;
    let text = '';
    while (!text.includes('sentinel-contract stderr') && Date.now() < deadline) {
      text = await engine.logs(n);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(text).toContain('sentinel-contract 1');
    expect(text).not.toMatch(/[\u0000-\u0008]/);
  });
});

import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../errors/index.js';
import { createManualClock } from '../ports/clock.js';
import { DOCKER_CONTRACT_OUTPUT, describeDockerContract } from '../testing/docker-contract.js';
import type { DockerContractImages } from '../testing/docker-contract.js';
import { createMemoryDocker } from './memory-docker.js';
import type { OutputLine } from './memory-docker.js';

const contractOutput: OutputLine[] = [
  ...DOCKER_CONTRACT_OUTPUT.stdout.map((line) => ({ stream: 'stdout' as const, line })),
  { stream: 'stderr', line: DOCKER_CONTRACT_OUTPUT.stderr },
];

// The real clock with short delays keeps the contract fast without special-casing the fake.
describeDockerContract('memory', () => {
  const docker = createMemoryDocker({ timing: { exitAfterMs: 20, healthyAfterMs: 50, unhealthyAfterMs: 100, restartDelayMs: 20 } });
  const images: DockerContractImages = {
    healthy: 'registry.test/contract/app:healthy',
    exits: 'registry.test/contract/app:exits',
    unhealthy: 'registry.test/contract/app:unhealthy',
    runs: 'registry.test/contract/app:runs',
  };
  for (const behavior of ['healthy', 'exits', 'unhealthy', 'runs'] as const) {
    docker.publishImage(images[behavior], { behavior, output: contractOutput });
  }
  return { docker, images };
});

function setup() {
  const clock = createManualClock();
  const docker = createMemoryDocker({ clock });
  return { clock, docker };
}

describe('createMemoryDocker: registry side', () => {
  it('serves a re-published tag under a new digest, and a pull moves the local tag to the new image', async () => {
    const { docker } = setup();
    const first = docker.publishImage('nginx:latest');
    await docker.pullImage('nginx:latest');
    const second = docker.publishImage('nginx:latest');
    expect(second.digest).not.toBe(first.digest);
    expect(docker.remoteDigest('nginx:latest')).toBe(second.digest);
    // Nothing changes locally until the next pull.
    expect((await docker.inspectImage('nginx:latest'))?.id).toBe(first.imageId);

    await docker.pullImage('nginx:latest');
    const current = await docker.inspectImage('nginx:latest');
    expect(current).toMatchObject({ id: second.imageId, repoTags: ['nginx:latest'], repoDigests: [`nginx@${second.digest}`] });
    const previous = await docker.inspectImage(first.imageId);
    expect(previous).toMatchObject({ repoTags: [], repoDigests: [`nginx@${first.digest}`], dangling: true });
    expect((await docker.pruneImages()).removed).toEqual([first.imageId]);
  });

  it('keeps an older digest pullable after the tag moved, and forgets unpublished tags', async () => {
    const { docker } = setup();
    const old = docker.publishImage('app:1', { digest: `sha256:${'a'.repeat(64)}` });
    docker.publishImage('app:1');
    await docker.pullImage(`app@${old.digest}`);
    expect((await docker.inspectImage(`app@${old.digest}`))?.id).toBe(old.imageId);

    docker.unpublishImage('app:1');
    expect(docker.remoteDigest('app:1')).toBeUndefined();
    await expect(docker.pullImage('app:1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('fails pulls on request, a given number of times, until undone', async () => {
    const { docker } = setup();
    docker.publishImage('redis:7');
    docker.publishImage('nginx:1.27');
    docker.failPulls('redis', new UpstreamError('toomanyrequests'), { times: 1 });
    await expect(docker.pullImage('redis:7')).rejects.toThrow('toomanyrequests');
    await docker.pullImage('redis:7');

    const undo = docker.failPulls((ref) => ref.startsWith('nginx'));
    await expect(docker.pullImage('nginx:1.27')).rejects.toMatchObject({ code: 'UPSTREAM' });
    await expect(docker.pullImage('nginx:1.27')).rejects.toMatchObject({ code: 'UPSTREAM' });
    undo();
    await docker.pullImage('nginx:1.27');
    expect(await docker.inspectImage('nginx:1.27')).toBeDefined();
  });

  it('rejects an aborted pull with the abort reason', async () => {
    const { docker } = setup();
    docker.publishImage('app:1');
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    await expect(docker.pullImage('app:1', { signal: controller.signal })).rejects.toThrow('cancelled by the user');
    expect(await docker.inspectImage('app:1')).toBeUndefined();
  });
});

describe('createMemoryDocker: seeded containers', () => {
  it('seeds a running container from an image it publishes and pulls itself', async () => {
    const { docker } = setup();
    const id = docker.seedContainer({
      name: 'web',
      image: 'nginx:1.27.4',
      labels: { 'sentinel.policy': 'auto' },
      env: ['MODE=prod'],
      restartPolicy: 'unless-stopped',
      networks: ['frontend', 'backend'],
      mounts: [{ source: '/srv/www', destination: '/usr/share/nginx/html', readOnly: true }],
      publish: { labels: { maintainer: 'nginx' } },
    });
    const detail = await docker.inspectContainer('web');
    expect(detail).toMatchObject({
      id,
      name: 'web',
      image: 'nginx:1.27.4',
      state: 'running',
      labels: { maintainer: 'nginx', 'sentinel.policy': 'auto' },
      restartPolicy: 'unless-stopped',
      networks: ['backend', 'frontend'],
      mounts: [{ type: 'bind', source: '/srv/www', destination: '/usr/share/nginx/html', readOnly: true }],
    });
    // The spec carries what the container set itself, not what it inherits from its image.
    expect(detail.spec.labels).toEqual({ 'sentinel.policy': 'auto' });
    expect(detail.spec.env).toEqual(['MODE=prod']);
    expect(await docker.inspectImage('nginx:1.27.4')).toBeDefined();
    expect(docker.calls()).toEqual([expect.objectContaining({ method: 'inspectContainer' }), expect.objectContaining({ method: 'inspectImage' })]);
  });

  it('seeds created and exited containers', async () => {
    const { docker } = setup();
    docker.seedContainer({ name: 'app-a', image: 'app:1', state: 'created' });
    docker.seedContainer({ name: 'app-b', image: 'app:1', state: 'exited' });
    expect((await docker.listContainers()).map((c) => [c.name, c.state, c.status])).toEqual([
      ['app-a', 'created', 'Created'],
      ['app-b', 'exited', 'Exited (0) Less than a second ago'],
    ]);
  });
});

describe('createMemoryDocker: behaviour on the clock', () => {
  it('takes a healthy image from starting to healthy in about a second', async () => {
    const { clock, docker } = setup();
    docker.seedContainer({ name: 'web', image: 'web:1', publish: { behavior: 'healthy' } });
    expect((await docker.inspectContainer('web')).runtime.health).toBe('starting');
    expect((await docker.listContainers())[0]?.status).toBe('Up Less than a second (health: starting)');
    await clock.advance(1000);
    expect((await docker.inspectContainer('web')).runtime.health).toBe('healthy');
    await clock.advance(120_000);
    expect((await docker.listContainers())[0]?.status).toBe('Up 2 minutes (healthy)');
  });

  it('takes an unhealthy image from starting to unhealthy after a few seconds, still running', async () => {
    const { clock, docker } = setup();
    docker.seedContainer({ name: 'web', image: 'web:1', publish: { behavior: 'unhealthy' } });
    await clock.advance(2999);
    expect((await docker.inspectContainer('web')).runtime.health).toBe('starting');
    await clock.advance(1);
    expect((await docker.inspectContainer('web')).runtime).toMatchObject({ health: 'unhealthy', status: 'running' });
  });

  it('lets an exits image exit with code 1 shortly after each start', async () => {
    const { clock, docker } = setup();
    docker.seedContainer({ name: 'job', image: 'job:1', publish: { behavior: 'exits' } });
    expect((await docker.inspectContainer('job')).runtime.status).toBe('running');
    await clock.advance(100);
    expect((await docker.inspectContainer('job')).runtime).toMatchObject({ status: 'exited', exitCode: 1, running: false });
  });

  it('restarts an exiting container under an on-failure policy up to its maximum', async () => {
    const { clock, docker } = setup();
    docker.publishImage('job:1', { behavior: 'exits', exitCode: 2 });
    await docker.pullImage('job:1');
    await docker.createContainer('job', {
      image: 'job:1',
      labels: {},
      env: [],
      native: { HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } },
    });
    await docker.startContainer('job');
    await clock.advance(10_000);
    expect((await docker.inspectContainer('job')).runtime).toMatchObject({ status: 'exited', exitCode: 2, restartCount: 2 });
  });

  it('reports a stopped container with a healthcheck as unhealthy, and never restarts it on its own', async () => {
    const { clock, docker } = setup();
    docker.seedContainer({ name: 'web', image: 'web:1', restartPolicy: 'always', publish: { behavior: 'healthy' } });
    await clock.advance(1000);
    await docker.stopContainer('web');
    await clock.advance(10_000);
    expect((await docker.inspectContainer('web')).runtime).toMatchObject({ status: 'exited', exitCode: 0, health: 'unhealthy' });
  });

  it('lets a test crash a container, force its health and write its logs', async () => {
    const { clock, docker } = setup();
    docker.seedContainer({ name: 'web', image: 'web:1', publish: { behavior: 'healthy' } });
    docker.setHealth('web', 'unhealthy');
    await clock.advance(5000);
    expect((await docker.inspectContainer('web')).runtime.health).toBe('unhealthy');
    docker.writeLogs('web', ['hello', { stream: 'stderr', line: 'oops' }]);
    expect(await docker.logs('web', { timestamps: true })).toBe(`${new Date(clock.now()).toISOString()} hello\n${new Date(clock.now()).toISOString()} oops\n`);
    docker.exitContainer('web', 137);
    expect((await docker.inspectContainer('web')).runtime).toMatchObject({ status: 'exited', exitCode: 137 });
  });
});

describe('createMemoryDocker: exec', () => {
  it('answers common shell commands with its built-in shell, using the container environment', async () => {
    const { docker } = setup();
    docker.seedContainer({ name: 'app', image: 'app:1', env: ['GREETING=hello'] });
    expect(await docker.exec('app', ['sh', '-c', 'echo "$GREETING world" && false || echo fallback'])).toEqual({
      exitCode: 0,
      output: 'hello world\nfallback\n',
      timedOut: false,
    });
    expect(await docker.exec('app', ['printenv', 'GREETING'])).toMatchObject({ exitCode: 0, output: 'hello\n' });
    expect(await docker.exec('app', ['curl', 'http://localhost'])).toMatchObject({ exitCode: 127, output: 'sh: curl: not found\n' });
  });

  it('lets a handler answer, falling back to the built-in shell when it returns undefined', async () => {
    const { docker } = setup();
    docker.seedContainer({ name: 'db', image: 'postgres:16' });
    docker.setExecHandler(({ container, command }) =>
      command[0] === 'pg_isready' ? { exitCode: 0, output: `${container.name}: accepting connections\n` } : undefined,
    );
    expect(await docker.exec('db', ['pg_isready'])).toMatchObject({ exitCode: 0, output: 'db: accepting connections\n' });
    expect(await docker.exec('db', ['echo', 'plain'])).toMatchObject({ exitCode: 0, output: 'plain\n' });
  });

  it('times out on the injected clock', async () => {
    const { clock, docker } = setup();
    docker.seedContainer({ name: 'app', image: 'app:1' });
    const pending = docker.exec('app', ['sleep', '10'], { timeoutMs: 1000 });
    await clock.advance(1000);
    expect(await pending).toEqual({ exitCode: -1, output: '', timedOut: true });
  });
});

describe('createMemoryDocker: images and faults', () => {
  it('refuses to remove an image a running container uses even with force; a stopped one only blocks without force', async () => {
    const { docker } = setup();
    const id = docker.seedContainer({ name: 'web', image: 'web:1' });
    const imageId = (await docker.inspectContainer(id)).imageId;
    await expect(docker.removeImage(imageId, { force: true })).rejects.toMatchObject({ code: 'CONFLICT' });
    await docker.stopContainer('web');
    await expect(docker.removeImage(imageId)).rejects.toMatchObject({ code: 'CONFLICT' });
    await docker.removeImage(imageId, { force: true });
    expect(await docker.inspectImage('web:1')).toBeUndefined();
  });

  it('needs the image pulled before a container can be created from it', async () => {
    const { docker } = setup();
    docker.publishImage('app:2');
    await expect(docker.createContainer('app', { image: 'app:2', labels: {}, env: [], native: {} })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('records every call in order with its outcome, hiding registry passwords', async () => {
    const { docker } = setup();
    docker.seedContainer({ name: 'web', image: 'web:1' });
    docker.publishImage('web:2');
    await docker.pullImage('web:2', { auth: { username: 'bot', password: 's3cret' } });
    await docker.stopContainer('web');
    await expect(docker.startContainer('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const calls = docker.calls();
    expect(calls.map((c) => c.method)).toEqual(['pullImage', 'stopContainer', 'startContainer']);
    expect(calls[0]?.args).toEqual(['web:2', { auth: { username: 'bot', password: '***' } }]);
    expect(calls[2]).toMatchObject({ outcome: 'error', error: 'No such container: nope' });
    expect(JSON.stringify(calls)).not.toContain('s3cret');
    expect(docker.calls('stopContainer')).toHaveLength(1);
    docker.clearCalls();
    expect(docker.calls()).toEqual([]);
  });

  it('fails chosen operations on request', async () => {
    const { docker } = setup();
    docker.seedContainer({ name: 'web', image: 'web:1', state: 'created' });
    const undo = docker.failOperation('startContainer', new UpstreamError('port is already allocated'), { when: (args) => args[0] === 'web' });
    await expect(docker.startContainer('web')).rejects.toThrow('port is already allocated');
    expect((await docker.inspectContainer('web')).runtime.status).toBe('created');
    undo();
    await docker.startContainer('web');
    expect((await docker.inspectContainer('web')).runtime.status).toBe('running');
  });

  it('rejects everything with UnavailableError while unreachable', async () => {
    const { docker } = setup();
    docker.seedContainer({ name: 'web', image: 'web:1' });
    docker.setReachable(false);
    await expect(docker.ping()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(docker.listContainers()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    docker.setReachable(true);
    expect((await docker.listContainers()).map((c) => c.name)).toEqual(['web']);
  });
});

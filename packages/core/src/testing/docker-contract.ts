import { asideName, parseAsideName } from '../journal/aside-name.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerDetail, ContainerSpec, DockerPort } from '../ports/docker.js';

/**
 * Lines every contract image writes when one of its containers starts: the
 * `stdout` lines in order, then the `stderr` line. The suite reads them back
 * through `logs`.
 */
export const DOCKER_CONTRACT_OUTPUT = {
  stdout: ['sentinel-contract 1', 'sentinel-contract 2', 'sentinel-contract 3'],
  stderr: 'sentinel-contract stderr',
} as const;

/**
 * Pullable image references (`repo:tag`), one per behaviour. Each image runs a
 * shell (`sh -c`, with `echo`, `true` and `sleep`) and, on start, writes
 * `DOCKER_CONTRACT_OUTPUT`; then:
 * - `healthy` keeps running and declares a healthcheck that passes within seconds;
 * - `exits` exits at once with code 1;
 * - `unhealthy` keeps running and declares a healthcheck that always fails;
 * - `runs` keeps running and declares no healthcheck.
 * The suite tags, untags and prunes these images, so give it refs no other
 * suite relies on being present locally (pulling them again must work).
 */
export interface DockerContractImages {
  healthy: string;
  exits: string;
  unhealthy: string;
  runs: string;
}

/** What a `describeDockerContract` factory hands the suite. */
export interface DockerContractSubject {
  docker: DockerPort;
  images: DockerContractImages;
  /** Runs once after the whole suite, after the suite removed what it created. */
  cleanup?: () => Promise<void>;
}

export type DockerContractFactory = () => DockerContractSubject | Promise<DockerContractSubject>;

export interface DockerContractOptions {
  /** How long to wait for a container to reach a state (health, exit, logs) before failing. @default 60_000 */
  deadlineMs?: number;
  /** Pause between two looks at a container that has not reached the awaited state yet. @default 100 */
  pollIntervalMs?: number;
}

function repositoryOf(ref: string): string {
  const named = ref.split('@')[0] ?? ref;
  const colon = named.lastIndexOf(':');
  return colon > named.lastIndexOf('/') ? named.slice(0, colon) : named;
}

/**
 * The guarantees of `DockerPort` as a vitest suite: run it unchanged against
 * every adapter. The suite creates containers and image tags under a unique
 * `skc-…` prefix and removes them afterwards. The creation options it passes
 * in `spec.native` use the Docker Engine create-body shape (`Cmd`,
 * `HostConfig.RestartPolicy`, `HostConfig.Mounts`), which both bundled
 * adapters speak.
 *
 * @example
 * describeDockerContract('memory', () => {
 *   const docker = createMemoryDocker();
 *   // …publish the four images…
 *   return { docker, images };
 * });
 */
export function describeDockerContract(name: string, factory: DockerContractFactory, options: DockerContractOptions = {}): void {
  const deadlineMs = options.deadlineMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 100;

  describe(`DockerPort contract: ${name}`, () => {
    let subject: DockerContractSubject;
    let docker: DockerPort;
    let images: DockerContractImages;
    const prefix = `skc-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    let sequence = 0;
    const createdNames = new Set<string>();
    const createdTags = new Set<string>();

    beforeAll(async () => {
      subject = await factory();
      docker = subject.docker;
      images = subject.images;
    });

    afterEach(async () => {
      for (const container of createdNames) {
        await docker.removeContainer(container, { force: true, volumes: true }).catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== 'NOT_FOUND') throw error;
        });
      }
      createdNames.clear();
      for (const tag of createdTags) {
        await docker.removeImage(tag).catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== 'NOT_FOUND') throw error;
        });
      }
      createdTags.clear();
    });

    afterAll(async () => {
      await subject?.cleanup?.();
    });

    /** A fresh container name, removed after the test. */
    function containerName(): string {
      const n = `${prefix}-${++sequence}`;
      createdNames.add(n);
      return n;
    }

    /** A fresh local tag, removed after the test. */
    function localTag(): string {
      const tag = `${prefix}/tagged:${++sequence}`;
      createdTags.add(tag);
      return tag;
    }

    function simpleSpec(image: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
      return { image, labels: { 'skc.role': 'contract' }, env: ['SKC_MODE=contract'], native: {}, ...extra };
    }

    async function createFrom(image: string, extra: Partial<ContainerSpec> = {}): Promise<string> {
      await docker.pullImage(image);
      const n = containerName();
      await docker.createContainer(n, simpleSpec(image, extra));
      return n;
    }

    async function startFrom(image: string, extra: Partial<ContainerSpec> = {}): Promise<string> {
      const n = await createFrom(image, extra);
      await docker.startContainer(n);
      return n;
    }

    /** Look at a container until `accept` holds, failing after the deadline with the last thing seen. */
    async function inspectUntil(target: string, what: string, accept: (detail: ContainerDetail) => boolean): Promise<ContainerDetail> {
      return until(() => docker.inspectContainer(target), what, accept, (d) => ({ runtime: d.runtime, status: d.status }));
    }

    async function until<T>(probe: () => Promise<T>, what: string, accept: (value: T) => boolean, show: (value: T) => unknown = (v) => v): Promise<T> {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const value = await probe();
        if (accept(value)) return value;
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last seen: ${JSON.stringify(show(value))}`);
        await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
      }
    }

    async function expectCode(promise: Promise<unknown>, code: 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE'): Promise<void> {
      await expect(promise).rejects.toMatchObject({ code });
    }

    const allLines = [...DOCKER_CONTRACT_OUTPUT.stdout, DOCKER_CONTRACT_OUTPUT.stderr];
    const linesOf = (text: string): string[] => text.split('\n').filter((line) => line !== '');

    describe('engine', () => {
      it('answers ping with its version', async () => {
        const info = await docker.ping();
        expect(info.version).not.toBe('');
        expect(info.apiVersion).not.toBe('');
        expect(info.os).not.toBe('');
      });
    });

    describe('images', () => {
      it('pulls an image so that it is present locally under its tag and manifest digest', async () => {
        await docker.pullImage(images.runs);
        const image = await docker.inspectImage(images.runs);
        expect(image).toBeDefined();
        expect(image?.id).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(image?.repoTags).toContain(images.runs);
        expect(image?.repoDigests.some((d) => d.startsWith(`${repositoryOf(images.runs)}@sha256:`))).toBe(true);
        expect(image?.dangling).toBe(false);
        const byId = await docker.inspectImage(image?.id ?? '');
        expect(byId?.id).toBe(image?.id);
        const listed = (await docker.listImages()).find((i) => i.id === image?.id);
        expect(listed?.repoTags).toContain(images.runs);
      });

      it('pulls by manifest digest', async () => {
        await docker.pullImage(images.runs);
        const digestRef = (await docker.inspectImage(images.runs))?.repoDigests.find((d) => d.startsWith(`${repositoryOf(images.runs)}@`));
        expect(digestRef).toBeDefined();
        await docker.pullImage(digestRef ?? '');
        expect((await docker.inspectImage(digestRef ?? ''))?.id).toBe((await docker.inspectImage(images.runs))?.id);
      });

      it('answers undefined for an image that is not present locally', async () => {
        expect(await docker.inspectImage(`${repositoryOf(images.runs)}:${prefix}-absent`)).toBeUndefined();
        expect(await docker.inspectImage(`sha256:${'0'.repeat(64)}`)).toBeUndefined();
      });

      it('rejects a pull of a tag the registry does not have with NotFoundError', async () => {
        await expectCode(docker.pullImage(`${repositoryOf(images.runs)}:${prefix}-absent`), 'NOT_FOUND');
      });

      it('tags an image with another reference and removes just that tag', async () => {
        await docker.pullImage(images.runs);
        const original = await docker.inspectImage(images.runs);
        const tag = localTag();
        await docker.tagImage(original?.id ?? '', tag);
        expect((await docker.inspectImage(tag))?.id).toBe(original?.id);
        expect((await docker.inspectImage(original?.id ?? ''))?.repoTags).toEqual(expect.arrayContaining([images.runs, tag]));
        await docker.removeImage(tag);
        expect(await docker.inspectImage(tag)).toBeUndefined();
        expect((await docker.inspectImage(images.runs))?.id).toBe(original?.id);
      });

      it('rejects removing an image a container uses with ConflictError, and counts that container', async () => {
        const container = await createFrom(images.exits);
        const { imageId } = await docker.inspectContainer(container);
        await expectCode(docker.removeImage(imageId), 'CONFLICT');
        const image = await docker.inspectImage(imageId);
        expect(image?.containers).toBeGreaterThanOrEqual(1);
        expect((await docker.listImages()).find((i) => i.id === imageId)?.containers).toBeGreaterThanOrEqual(1);
      });

      it('rejects removing or tagging an unknown image with NotFoundError', async () => {
        await expectCode(docker.removeImage(`${repositoryOf(images.runs)}:${prefix}-absent`), 'NOT_FOUND');
        await expectCode(docker.tagImage(`${repositoryOf(images.runs)}:${prefix}-absent`, localTag()), 'NOT_FOUND');
      });

      it('prunes an image that lost its last tag, and only such images', async () => {
        await docker.pullImage(images.runs);
        await docker.pullImage(images.exits);
        const runsId = (await docker.inspectImage(images.runs))?.id ?? '';
        const exitsId = (await docker.inspectImage(images.exits))?.id ?? '';
        const moving = localTag();
        try {
          // Leave the `runs` image with one tag, then move that tag away: it becomes dangling.
          await docker.tagImage(runsId, moving);
          await docker.removeImage(images.runs);
          await docker.tagImage(exitsId, moving);
          const dangling = await docker.inspectImage(runsId);
          expect(dangling?.repoTags).toEqual([]);
          expect(dangling?.dangling).toBe(true);

          const result = await docker.pruneImages();
          expect(result.removed).toContain(runsId);
          expect(result.removed).not.toContain(exitsId);
          expect(result.spaceReclaimed).toBeGreaterThanOrEqual(0);
          expect(await docker.inspectImage(runsId)).toBeUndefined();
          expect((await docker.inspectImage(images.exits))?.id).toBe(exitsId);
        } finally {
          await docker.pullImage(images.runs);
        }
        expect((await docker.inspectImage(images.runs))?.id).toBe(runsId);
      });
    });

    describe('container lifecycle', () => {
      it('creates a container from a spec without starting it', async () => {
        const n = await createFrom(images.runs);
        const detail = await docker.inspectContainer(n);
        expect(detail.name).toBe(n);
        expect(detail.image).toBe(images.runs);
        expect(detail.imageId).toBe((await docker.inspectImage(images.runs))?.id);
        expect(detail.state).toBe('created');
        expect(detail.runtime).toMatchObject({ status: 'created', running: false, startedAt: '' });
        expect(detail.labels['skc.role']).toBe('contract');
        expect(detail.spec.image).toBe(images.runs);
        expect(detail.spec.labels['skc.role']).toBe('contract');
        expect(detail.spec.env).toContain('SKC_MODE=contract');
        expect(Number.isNaN(Date.parse(detail.created))).toBe(false);

        expect((await docker.inspectContainer(detail.id)).name).toBe(n);
        const listed = (await docker.listContainers()).find((c) => c.id === detail.id);
        expect(listed).toMatchObject({ name: n, image: images.runs, state: 'created' });
        expect(listed?.labels['skc.role']).toBe('contract');
      });

      it('lists containers ordered by name, running or not', async () => {
        const first = await createFrom(images.runs);
        const second = await startFrom(images.runs);
        const names = (await docker.listContainers()).map((c) => c.name);
        expect(names).toEqual([...names].sort());
        expect(names).toEqual(expect.arrayContaining([first, second]));
      });

      it('lists a container under the reference it was created from, even after that tag moved to another image', async () => {
        // A re-pushed `latest` moves the tag; the engine's list then shows a bare image id.
        await docker.pullImage(images.runs);
        await docker.pullImage(images.healthy);
        const moving = localTag();
        await docker.tagImage(images.runs, moving);
        const n = containerName();
        await docker.createContainer(n, simpleSpec(moving));
        await docker.tagImage(images.healthy, moving);
        const listed = (await docker.listContainers()).find((c) => c.name === n);
        expect(listed?.image).toBe(moving);
        expect((await docker.inspectContainer(n)).image).toBe(moving);
      });

      it('starts a container that keeps running, without health when the image declares no healthcheck', async () => {
        const n = await startFrom(images.runs);
        const detail = await inspectUntil(n, 'running', (d) => d.runtime.status === 'running');
        expect(detail.runtime.running).toBe(true);
        expect(detail.runtime.health).toBe('none');
        expect(detail.runtime.startedAt).not.toBe('');
        expect(detail.hasHealthcheck).toBe(false);
        expect((await docker.listContainers()).find((c) => c.name === n)?.state).toBe('running');
      });

      it('reports health starting then healthy for an image whose healthcheck passes', async () => {
        const n = await startFrom(images.healthy);
        const first = await docker.inspectContainer(n);
        expect(first.hasHealthcheck).toBe(true);
        expect(['starting', 'healthy']).toContain(first.runtime.health);
        const healthy = await inspectUntil(n, 'health healthy', (d) => d.runtime.health === 'healthy');
        expect(healthy.runtime.status).toBe('running');
      });

      it('reports unhealthy, still running, for an image whose healthcheck fails', async () => {
        const n = await startFrom(images.unhealthy);
        expect((await docker.inspectContainer(n)).hasHealthcheck).toBe(true);
        const detail = await inspectUntil(n, 'health unhealthy', (d) => d.runtime.health === 'unhealthy');
        expect(detail.runtime.status).toBe('running');
      });

      it('reports an exited container with its exit code', async () => {
        const n = await startFrom(images.exits);
        const detail = await inspectUntil(n, 'exited', (d) => d.runtime.status === 'exited');
        expect(detail.runtime.running).toBe(false);
        expect(detail.runtime.exitCode).toBe(1);
        expect(detail.runtime.finishedAt).not.toBe('');
        expect((await docker.listContainers()).find((c) => c.name === n)?.state).toBe('exited');
      });

      it('stops a running container, and stopping a stopped or never-started one succeeds', async () => {
        const n = await startFrom(images.runs);
        await inspectUntil(n, 'running', (d) => d.runtime.status === 'running');
        await docker.stopContainer(n, { timeoutSeconds: 5 });
        const stopped = await docker.inspectContainer(n);
        expect(stopped.runtime.status).toBe('exited');
        expect(stopped.runtime.running).toBe(false);
        await docker.stopContainer(n, { timeoutSeconds: 5 });
        const created = await createFrom(images.runs);
        await docker.stopContainer(created);
        expect((await docker.inspectContainer(created)).runtime.status).toBe('created');
      });

      it('restarts a stopped container and a running one (which runs its command again)', async () => {
        const n = await startFrom(images.runs);
        await docker.stopContainer(n, { timeoutSeconds: 5 });
        await docker.restartContainer(n, { timeoutSeconds: 5 });
        expect((await docker.inspectContainer(n)).runtime.status).toBe('running');
        await until(() => docker.logs(n), 'the output of two runs', (text) => linesOf(text).filter((l) => l === DOCKER_CONTRACT_OUTPUT.stdout[0]).length >= 2);
        await docker.restartContainer(n, { timeoutSeconds: 5 });
        expect((await docker.inspectContainer(n)).runtime.status).toBe('running');
        await until(() => docker.logs(n), 'the output of three runs', (text) => linesOf(text).filter((l) => l === DOCKER_CONTRACT_OUTPUT.stdout[0]).length >= 3);
      });

      it('starting a running container succeeds and leaves it running', async () => {
        const n = await startFrom(images.runs);
        await docker.startContainer(n);
        expect((await docker.inspectContainer(n)).runtime.status).toBe('running');
      });

      it('renames a container, which then answers to the new name only', async () => {
        const n = await createFrom(images.runs);
        const { id } = await docker.inspectContainer(n);
        const renamed = containerName();
        await docker.renameContainer(n, renamed);
        expect((await docker.inspectContainer(renamed)).id).toBe(id);
        expect((await docker.inspectContainer(id)).name).toBe(renamed);
        await expectCode(docker.inspectContainer(n), 'NOT_FOUND');
        expect((await docker.listContainers()).find((c) => c.id === id)?.name).toBe(renamed);
      });

      it('sets a container aside under its journal name and back, keeping its configuration', async () => {
        const n = await startFrom(images.runs);
        const before = await docker.inspectContainer(n);
        const aside = asideName(n, '0lq2x9k3a1b2');
        await docker.stopContainer(n, { timeoutSeconds: 2 });
        await docker.renameContainer(before.id, aside);
        const setAside = await docker.inspectContainer(before.id);
        expect(setAside.name).toBe(aside);
        expect(parseAsideName(setAside.name)).toEqual({ of: n, journalId: '0lq2x9k3a1b2' });
        expect(setAside.labels).toEqual(before.labels);
        expect(setAside.spec.env).toEqual(before.spec.env);
        expect(setAside.restartPolicy).toBe(before.restartPolicy);
        await docker.renameContainer(before.id, n);
        await docker.startContainer(before.id);
        const back = await docker.inspectContainer(n);
        expect(back.id).toBe(before.id);
        expect(back.runtime.running).toBe(true);
      });

      it('removes a stopped container; a running one only with force', async () => {
        const stopped = await createFrom(images.runs);
        await docker.removeContainer(stopped);
        await expectCode(docker.inspectContainer(stopped), 'NOT_FOUND');

        const running = await startFrom(images.runs);
        await expectCode(docker.removeContainer(running), 'CONFLICT');
        expect((await docker.inspectContainer(running)).runtime.status).toBe('running');
        await docker.removeContainer(running, { force: true });
        await expectCode(docker.inspectContainer(running), 'NOT_FOUND');
        expect((await docker.listContainers()).some((c) => c.name === running)).toBe(false);
      });
    });

    describe('specs', () => {
      const richNative = {
        Cmd: ['sleep', '3601'],
        HostConfig: {
          RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
          Mounts: [{ Type: 'tmpfs', Target: '/skc-scratch' }],
        },
      };

      it('keeps what the spec asked for: image, labels, env, command, restart policy, mounts', async () => {
        const n = await createFrom(images.runs, { native: richNative });
        const detail = await docker.inspectContainer(n);
        expect(detail.restartPolicy).toBe('on-failure');
        expect(detail.mounts).toEqual([expect.objectContaining({ type: 'tmpfs', destination: '/skc-scratch', readOnly: false })]);
        expect(detail.spec.native['Cmd']).toEqual(['sleep', '3601']);
        expect(detail.spec.labels).toEqual({ 'skc.role': 'contract' });
        expect(detail.spec.env).toEqual(['SKC_MODE=contract']);
        expect(detail.networks.length).toBeGreaterThan(0);
      });

      it('recreates an identical container from the JSON of an inspected spec', async () => {
        const original = await startFrom(images.runs, { native: richNative, labels: { 'skc.role': 'contract', 'skc.extra': 'kept' } });
        const before = await inspectUntil(original, 'running', (d) => d.runtime.status === 'running');
        const stored = JSON.parse(JSON.stringify(before.spec)) as ContainerSpec;
        expect(stored).toEqual(before.spec);

        const copy = containerName();
        await docker.createContainer(copy, stored);
        const after = await docker.inspectContainer(copy);
        expect(after.id).not.toBe(before.id);
        expect(after.spec).toEqual(before.spec);
        expect(after.image).toBe(before.image);
        expect(after.imageId).toBe(before.imageId);
        expect(after.labels).toEqual(before.labels);
        expect(after.restartPolicy).toBe(before.restartPolicy);
        expect(after.hasHealthcheck).toBe(before.hasHealthcheck);
        const shape = (d: ContainerDetail): unknown[] => d.mounts.map((m) => ({ type: m.type, destination: m.destination, readOnly: m.readOnly }));
        expect(shape(after)).toEqual(shape(before));
        await docker.startContainer(copy);
        // Compared once both run: some engines attach default networks only at start.
        const running = await docker.inspectContainer(copy);
        expect(running.runtime.status).toBe('running');
        expect(running.networks).toEqual(before.networks);
      });

      it('recreates a container with another image, which brings its own defaults (healthcheck, command)', async () => {
        // What an update does: same spec, new image. Defaults inherited from the old image must not stick.
        const original = await createFrom(images.runs);
        const spec = (await docker.inspectContainer(original)).spec;
        await docker.pullImage(images.healthy);
        const updated = containerName();
        await docker.createContainer(updated, { ...spec, image: images.healthy });
        await docker.startContainer(updated);
        const detail = await docker.inspectContainer(updated);
        expect(detail.image).toBe(images.healthy);
        expect(detail.hasHealthcheck).toBe(true);
        expect(detail.labels['skc.role']).toBe('contract');
        expect(detail.spec.env).toContain('SKC_MODE=contract');
        await inspectUntil(updated, 'health healthy', (d) => d.runtime.health === 'healthy');
      });
    });

    describe('errors', () => {
      it('rejects every operation on an unknown container with NotFoundError', async () => {
        const ghost = `${prefix}-ghost`;
        await expectCode(docker.inspectContainer(ghost), 'NOT_FOUND');
        await expectCode(docker.startContainer(ghost), 'NOT_FOUND');
        await expectCode(docker.stopContainer(ghost), 'NOT_FOUND');
        await expectCode(docker.restartContainer(ghost), 'NOT_FOUND');
        await expectCode(docker.renameContainer(ghost, `${prefix}-ghost2`), 'NOT_FOUND');
        await expectCode(docker.removeContainer(ghost, { force: true }), 'NOT_FOUND');
        await expectCode(docker.logs(ghost), 'NOT_FOUND');
        await expectCode(docker.exec(ghost, ['true']), 'NOT_FOUND');
      });

      it('rejects creating a container from an image that is not present locally with NotFoundError', async () => {
        await expectCode(docker.createContainer(containerName(), simpleSpec(`${repositoryOf(images.runs)}:${prefix}-absent`)), 'NOT_FOUND');
      });

      it('rejects a name already in use with ConflictError, on create and on rename', async () => {
        const taken = await createFrom(images.runs);
        const other = await createFrom(images.runs);
        await expectCode(docker.createContainer(taken, simpleSpec(images.runs)), 'CONFLICT');
        await expectCode(docker.renameContainer(other, taken), 'CONFLICT');
        expect((await docker.inspectContainer(other)).name).toBe(other);
      });
    });

    describe('logs', () => {
      it('returns stdout and stderr as plain text, and the last lines with tail', async () => {
        const n = await startFrom(images.runs);
        const text = await until(() => docker.logs(n), 'the start output in the logs', (t) => allLines.every((line) => linesOf(t).includes(line)));
        // Demultiplexed: no stream headers left in the text.
        expect(text).not.toMatch(/[\u0000-\u0008]/);
        expect(linesOf(text).sort()).toEqual([...allLines].sort());

        const tail = linesOf(await docker.logs(n, { tail: 2 }));
        expect(tail).toHaveLength(2);
        for (const line of tail) expect(allLines).toContain(line);
        // stdout lines keep their order, so the first one can never be among the last two of four.
        expect(tail).not.toContain(DOCKER_CONTRACT_OUTPUT.stdout[0]);
      });

      it('prefixes each line with its timestamp on request', async () => {
        const n = await startFrom(images.runs);
        await until(() => docker.logs(n), 'the start output in the logs', (t) => allLines.every((line) => linesOf(t).includes(line)));
        const lines = linesOf(await docker.logs(n, { timestamps: true }));
        expect(lines).toHaveLength(allLines.length);
        for (const line of lines) {
          const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) (.*)$/.exec(line);
          expect(match, line).not.toBeNull();
          expect(Number.isNaN(Date.parse(match?.[1] ?? ''))).toBe(false);
          expect(allLines).toContain(match?.[2]);
        }
      });

      it('keeps the logs of an exited container readable', async () => {
        const n = await startFrom(images.exits);
        await inspectUntil(n, 'exited', (d) => d.runtime.status === 'exited');
        const text = await until(() => docker.logs(n), 'the output in the logs', (t) => allLines.every((line) => linesOf(t).includes(line)));
        expect(linesOf(text).sort()).toEqual([...allLines].sort());
      });
    });

    describe('exec', () => {
      it('returns the exit code and the interleaved stdout and stderr of a command', async () => {
        const n = await startFrom(images.runs);
        await inspectUntil(n, 'running', (d) => d.runtime.status === 'running');
        const result = await docker.exec(n, ['sh', '-c', 'echo skc-out; echo skc-err >&2; exit 3']);
        expect(result.exitCode).toBe(3);
        expect(result.timedOut).toBe(false);
        expect(linesOf(result.output).sort()).toEqual(['skc-err', 'skc-out']);
        expect(await docker.exec(n, ['true'])).toEqual({ exitCode: 0, output: '', timedOut: false });
      });

      it('gives up on a command that outlives its timeout', async () => {
        const n = await startFrom(images.runs);
        await inspectUntil(n, 'running', (d) => d.runtime.status === 'running');
        const result = await docker.exec(n, ['sleep', '30'], { timeoutMs: 300 });
        expect(result.timedOut).toBe(true);
        expect(result.exitCode).not.toBe(0);
      });

      it('rejects exec in a container that is not running with ConflictError', async () => {
        const n = await createFrom(images.runs);
        await expectCode(docker.exec(n, ['true']), 'CONFLICT');
      });
    });
  });
}

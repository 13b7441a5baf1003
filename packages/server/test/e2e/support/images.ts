/**
 * Test images for the e2e stack, built without any network by the legacy
 * builder: a `FROM scratch` base that `ADD`s a static busybox root filesystem,
 * one image per behaviour on top of it (HEALTHCHECK and CMD), and per-test
 * images that add only an identity file, extra files and labels. Each test
 * image is pushed to the stack's registry and, by default, removed locally,
 * so that tests pull it like a real update would.
 */
import { chmod, mkdir, mkdtemp, rm, symlink, copyFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';
import { DOCKER_CONTRACT_OUTPUT } from '@sentinel-kit/core/testing';
import { findStaticBusybox, runCommand } from '../stack.js';

export type TestImageBehavior = 'healthy' | 'exits' | 'unhealthy' | 'runs';

/** Where the stack is; inside tests it comes from `inject`. */
export interface TestStackAddress {
  dockerHost: string;
  registryAddr: string;
  /** The stack directory, used as the build cache. */
  dir: string;
}

export interface BuildTestImageOptions {
  /** Repository inside the stack registry (`sentinel-e2e/app`); the registry address is prepended. */
  repository: string;
  tag: string;
  /**
   * - `healthy`: keeps running; `HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD test -f /tmp/ok` passes within about a second.
   * - `exits`: exits at once with code 1.
   * - `unhealthy`: keeps running; the same healthcheck shape always fails.
   * - `runs`: keeps running (`sleep 3600`), no healthcheck.
   * All of them print `TEST_IMAGE_OUTPUT` on start and exit 0 on SIGTERM.
   */
  behavior: TestImageBehavior;
  labels?: Record<string, string>;
  /** Extra files: absolute path inside the image → content. */
  files?: Record<string, string>;
  /** Keep the image in the engine after the push. @default false */
  keepLocal?: boolean;
  /** @default the stack of the running e2e project (vitest `inject`) */
  stack?: TestStackAddress;
}

/** What every test image writes on start: the lines the DockerPort contract reads back through `logs`. */
export const TEST_IMAGE_OUTPUT = DOCKER_CONTRACT_OUTPUT;

const BASE_IMAGE = 'sentinel-e2e/base:1';

function stackFromInject(): TestStackAddress {
  return { dockerHost: inject('dockerHost'), registryAddr: inject('registryAddr'), dir: inject('e2eDir') };
}

function docker(stack: TestStackAddress, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  // The legacy builder needs nothing but the engine; BuildKit would want to fetch its frontend.
  return runCommand('docker', ['-H', stack.dockerHost, ...args], { timeoutMs, env: { ...process.env, DOCKER_BUILDKIT: '0' } });
}

/** The busybox root filesystem as a tar: built once per stack directory. */
async function rootfsTar(cacheDir: string): Promise<string> {
  const tar = join(cacheDir, 'rootfs.tar');
  if (existsSync(tar)) return tar;
  const busybox = await findStaticBusybox();
  if (busybox === undefined) throw new Error('e2e images: no static busybox found (apt-get install busybox-static)');
  const root = await mkdtemp(join(cacheDir, 'rootfs-'));
  await mkdir(join(root, 'bin'), { recursive: true });
  await copyFile(busybox, join(root, 'bin', 'busybox'));
  await chmod(join(root, 'bin', 'busybox'), 0o755);
  const applets = (await runCommand(busybox, ['--list'], { timeoutMs: 10_000 })).stdout.split('\n').filter((a) => /^[\w.[-]+$/.test(a) && a !== 'busybox');
  for (const applet of applets) await symlink('busybox', join(root, 'bin', applet));
  for (const dir of ['tmp', 'etc', 'root', 'usr/bin', 'var']) await mkdir(join(root, dir), { recursive: true });
  await chmod(join(root, 'tmp'), 0o1777);
  await writeFile(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  await writeFile(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  const partial = `${tar}.partial`;
  await runCommand('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', partial, '.'], { timeoutMs: 60_000 });
  await runCommand('mv', [partial, tar], { timeoutMs: 10_000 });
  await rm(root, { recursive: true, force: true });
  return tar;
}

const builds = new Map<string, Promise<void>>();

/** Build `tag` from `dockerfile` once per engine; concurrent callers share the build. */
function ensureImage(stack: TestStackAddress, tag: string, prepare: (context: string) => Promise<string>): Promise<void> {
  const key = `${stack.dockerHost} ${tag}`;
  let pending = builds.get(key);
  if (pending === undefined) {
    pending = (async () => {
      const present = await docker(stack, ['image', 'inspect', tag], 30_000).then(
        () => true,
        () => false,
      );
      if (present) return;
      const cacheDir = join(stack.dir, 'image-cache');
      await mkdir(cacheDir, { recursive: true });
      const context = await mkdtemp(join(cacheDir, 'base-'));
      try {
        await writeFile(join(context, 'Dockerfile'), await prepare(context));
        await docker(stack, ['build', '-q', '-t', tag, context], 180_000);
      } finally {
        await rm(context, { recursive: true, force: true });
      }
    })();
    pending.catch(() => builds.delete(key));
    builds.set(key, pending);
  }
  return pending;
}

/**
 * The layers every test image shares: the busybox root filesystem, then per
 * behaviour its HEALTHCHECK and CMD. Each legacy-builder step costs about a
 * second, so a test image adds only one or two steps on top of these.
 */
async function ensureBehaviorBase(stack: TestStackAddress, behavior: TestImageBehavior): Promise<string> {
  await ensureImage(stack, BASE_IMAGE, async (context) => {
    await copyFile(await rootfsTar(join(stack.dir, 'image-cache')), join(context, 'rootfs.tar'));
    // No ENV PATH: the engine gives every Linux container a default PATH.
    return ['FROM scratch', 'ADD rootfs.tar /', ''].join('\n');
  });
  const tag = `sentinel-e2e/base-${behavior}:1`;
  await ensureImage(stack, tag, async () => {
    const healthcheck = healthcheckFor(behavior);
    return [`FROM ${BASE_IMAGE}`, ...(healthcheck === undefined ? [] : [healthcheck]), `CMD ${JSON.stringify(commandFor(behavior))}`, ''].join('\n');
  });
  return tag;
}

function commandFor(behavior: TestImageBehavior): string[] {
  const banner = [...TEST_IMAGE_OUTPUT.stdout.map((line) => `echo ${line}`), `echo ${TEST_IMAGE_OUTPUT.stderr} >&2`].join('; ');
  // A trapped SIGTERM makes `docker stop` quick and clean; `sleep & wait` keeps the trap responsive.
  const keepRunning = "trap 'exit 0' TERM; sleep 3600 & wait";
  switch (behavior) {
    case 'healthy':
      return ['sh', '-c', `${banner}; touch /tmp/ok; ${keepRunning}`];
    case 'exits':
      return ['sh', '-c', `${banner}; exit 1`];
    case 'unhealthy':
    case 'runs':
      return ['sh', '-c', `${banner}; ${keepRunning}`];
  }
}

function healthcheckFor(behavior: TestImageBehavior): string | undefined {
  if (behavior === 'healthy') return 'HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD test -f /tmp/ok';
  if (behavior === 'unhealthy') return 'HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD false';
  return undefined;
}

/**
 * Build a test image, push it to the stack registry and return its ref
 * (`127.0.0.1:5000/sentinel-e2e/app:1.0.0`). Cheap to call repeatedly: the
 * shared bases are built once per stack, and each image adds one build step
 * (two with labels, about a second each). Every repository:tag gets a
 * distinct digest.
 *
 * @example
 * const ref = await buildTestImage({ repository: 'sentinel-e2e/app', tag: '1.0.1', behavior: 'healthy' });
 */
export async function buildTestImage(options: BuildTestImageOptions): Promise<string> {
  const stack = options.stack ?? stackFromInject();
  const base = await ensureBehaviorBase(stack, options.behavior);
  const repository = options.repository.startsWith(`${stack.registryAddr}/`) ? options.repository : `${stack.registryAddr}/${options.repository}`;
  const ref = `${repository}:${options.tag}`;
  const cacheDir = join(stack.dir, 'image-cache');
  await mkdir(cacheDir, { recursive: true });
  const context = await mkdtemp(join(cacheDir, 'build-'));
  try {
    // The identity file makes every repository:tag a distinct image, hence a distinct digest.
    const files: Array<[string, string]> = [['/etc/sentinel-e2e-id', `${ref}\n`], ...Object.entries(options.files ?? {})];
    for (const [path, content] of files) {
      if (!path.startsWith('/')) throw new Error(`buildTestImage: file paths must be absolute, got ${path}`);
      const target = join(context, 'files', path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const lines = [`FROM ${base}`, 'COPY files/ /'];
    const labels = Object.entries(options.labels ?? {});
    if (labels.length > 0) lines.push(`LABEL ${labels.map(([key, value]) => `${JSON.stringify(key)}=${JSON.stringify(value)}`).join(' ')}`);
    await writeFile(join(context, 'Dockerfile'), [...lines, ''].join('\n'));
    await docker(stack, ['build', '-q', '-t', ref, context], 120_000);
    await docker(stack, ['push', ref], 120_000);
    if (options.keepLocal !== true) await docker(stack, ['rmi', ref], 60_000);
    return ref;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

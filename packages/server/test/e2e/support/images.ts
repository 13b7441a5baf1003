/**
 * Test images for the e2e stack, built without any network: a `FROM scratch`
 * base holding a static busybox, and per-test images derived from it that
 * only add a tiny identity file, labels, files, a HEALTHCHECK and a CMD. Each
 * image is pushed to the stack's registry and, by default, removed locally,
 * so that tests pull it like a real update would.
 */
import { chmod, mkdir, mkdtemp, rm, symlink, copyFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';
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

/** What every test image writes on start (the DockerPort contract reads it back through `logs`). */
export const TEST_IMAGE_OUTPUT = {
  stdout: ['sentinel-contract 1', 'sentinel-contract 2', 'sentinel-contract 3'],
  stderr: 'sentinel-contract stderr',
} as const;

const BASE_IMAGE = 'sentinel-e2e/base:1';
const PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

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

const baseBuilds = new Map<string, Promise<void>>();

/** Build the base image once per engine (and per process: concurrent callers share the build). */
function ensureBaseImage(stack: TestStackAddress): Promise<void> {
  let pending = baseBuilds.get(stack.dockerHost);
  if (pending === undefined) {
    pending = (async () => {
      const present = await docker(stack, ['image', 'inspect', BASE_IMAGE], 30_000).then(
        () => true,
        () => false,
      );
      if (present) return;
      const cacheDir = join(stack.dir, 'image-cache');
      await mkdir(cacheDir, { recursive: true });
      const tar = await rootfsTar(cacheDir);
      const context = await mkdtemp(join(cacheDir, 'base-'));
      try {
        await copyFile(tar, join(context, 'rootfs.tar'));
        await writeFile(join(context, 'Dockerfile'), ['FROM scratch', 'ADD rootfs.tar /', `ENV PATH=${PATH_ENV}`, 'CMD ["sh"]', ''].join('\n'));
        await docker(stack, ['build', '-q', '-t', BASE_IMAGE, context], 180_000);
      } finally {
        await rm(context, { recursive: true, force: true });
      }
    })();
    pending.catch(() => baseBuilds.delete(stack.dockerHost));
    baseBuilds.set(stack.dockerHost, pending);
  }
  return pending;
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
 * busybox base is built once, and each image only adds small layers. Every
 * repository:tag gets a distinct digest.
 *
 * @example
 * const ref = await buildTestImage({ repository: 'sentinel-e2e/app', tag: '1.0.1', behavior: 'healthy' });
 */
export async function buildTestImage(options: BuildTestImageOptions): Promise<string> {
  const stack = options.stack ?? stackFromInject();
  await ensureBaseImage(stack);
  const repository = options.repository.startsWith(`${stack.registryAddr}/`) ? options.repository : `${stack.registryAddr}/${options.repository}`;
  const ref = `${repository}:${options.tag}`;
  const cacheDir = join(stack.dir, 'image-cache');
  await mkdir(cacheDir, { recursive: true });
  const context = await mkdtemp(join(cacheDir, 'build-'));
  try {
    const lines = [`FROM ${BASE_IMAGE}`, 'COPY sentinel-e2e-id /etc/sentinel-e2e-id'];
    await writeFile(join(context, 'sentinel-e2e-id'), `${ref}\n`);
    const files = Object.entries(options.files ?? {});
    if (files.length > 0) {
      for (const [path, content] of files) {
        if (!path.startsWith('/')) throw new Error(`buildTestImage: file paths must be absolute, got ${path}`);
        const target = join(context, 'files', path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      lines.push('COPY files/ /');
    }
    const labels = Object.entries(options.labels ?? {});
    if (labels.length > 0) lines.push(`LABEL ${labels.map(([key, value]) => `${JSON.stringify(key)}=${JSON.stringify(value)}`).join(' ')}`);
    const healthcheck = healthcheckFor(options.behavior);
    if (healthcheck !== undefined) lines.push(healthcheck);
    lines.push(`CMD ${JSON.stringify(commandFor(options.behavior))}`, '');
    await writeFile(join(context, 'Dockerfile'), lines.join('\n'));
    await docker(stack, ['build', '-q', '-t', ref, context], 120_000);
    await docker(stack, ['push', ref], 120_000);
    if (options.keepLocal !== true) await docker(stack, ['rmi', ref], 60_000);
    return ref;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

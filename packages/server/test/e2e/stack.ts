/**
 * The end-to-end stack: a real Docker Engine (Debian's dockerd) and a real
 * registry (Debian's docker-registry), both private to one temp dir, started
 * without any network access.
 *
 * Used by the vitest global setup of the `e2e` project, and runnable by hand:
 *   tsx packages/server/test/e2e/stack.ts up     # prints DOCKER_HOST=… SK_E2E_REGISTRY=… SK_E2E_DIR=…
 *   tsx packages/server/test/e2e/stack.ts down [dir]
 *
 * The engine runs with `--bridge=none --iptables=false`: containers created
 * with the default network mode start fine (they only get a loopback
 * interface), and user-defined bridge networks can still be created.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface E2eStack {
  /** The stack's private directory (engine data, sockets, registry storage, logs). */
  dir: string;
  /** `unix://…/docker.sock`, for `DOCKER_HOST` or `createDockerodeEngine({ dockerHost })`. */
  dockerHost: string;
  socketPath: string;
  /** `127.0.0.1:<port>` of the registry; Docker trusts loopback registries over plain http. */
  registryAddr: string;
}

export interface StartStackOptions {
  /** Progress lines (one per phase). @default writes `[e2e-stack] …` to stderr */
  log?: (line: string) => void;
  /**
   * Who owns the stack: `test` stacks whose owning process died are cleaned up
   * by the next start; `script` stacks live until `down`.
   * @default 'test'
   */
  owner?: 'test' | 'script';
}

const DIR_PREFIX = 'sk-stack-';
const REQUIRED_PACKAGES = ['docker.io', 'docker-registry', 'busybox-static'];
const defaultLog = (line: string): void => {
  process.stderr.write(`[e2e-stack] ${line}\n`);
};

// --- small process helpers -------------------------------------------------------

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Run a program to completion, failing with its stderr when it fails or outlives `timeoutMs`. */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env, cwd: options.cwd, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ stdout, stderr });
        const reason = (error as { killed?: boolean }).killed === true ? `did not finish within ${options.timeoutMs / 1000} s` : `failed (${error.message.split('\n')[0] ?? ''})`;
        reject(new Error(`${file} ${args.join(' ')} ${reason}\n${stderr.trim()}`.trim()));
      },
    );
  });
}

/** Run `fn` as one named phase: log it, time it, and fail clearly past `timeoutMs`. */
async function phase<T>(log: (line: string) => void, name: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  log(`${name}…`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`e2e stack: "${name}" did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const result = await Promise.race([fn(), deadline]);
    log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function cmdlineOf(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    return '';
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves once the process is gone. */
async function terminate(pid: number, graceMs: number): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    while (isAlive(pid)) await sleep(50);
  }
}

function httpStatus(options: { socketPath?: string; host?: string; port?: number; path: string }, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ ...options, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// --- prerequisites ------------------------------------------------------------------

async function which(program: string): Promise<string | undefined> {
  for (const dir of (process.env['PATH'] ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const candidate = join(dir, program);
    if (existsSync(candidate)) return candidate;
  }
  for (const dir of ['/usr/sbin', '/sbin']) if (existsSync(join(dir, program))) return join(dir, program);
  return undefined;
}

/** True for an ELF executable without a program interpreter, i.e. one that runs in an empty image. */
async function isStaticElf(file: string): Promise<boolean> {
  const bytes = await readFile(file);
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46 || bytes[4] !== 2) return false;
  const phoff = Number(bytes.readBigUInt64LE(0x20));
  const phentsize = bytes.readUInt16LE(0x36);
  const phnum = bytes.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const offset = phoff + i * phentsize;
    if (offset + 4 > bytes.length) return false;
    if (bytes.readUInt32LE(offset) === 3 /* PT_INTERP */) return false;
  }
  return true;
}

/** The statically linked busybox from Debian's busybox-static, if installed. */
export async function findStaticBusybox(): Promise<string | undefined> {
  for (const candidate of ['/bin/busybox', '/usr/bin/busybox']) {
    if (existsSync(candidate) && (await isStaticElf(candidate))) return candidate;
  }
  return undefined;
}

async function missingPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  if ((await which('dockerd')) === undefined || (await which('docker')) === undefined) missing.push('docker.io');
  if ((await which('docker-registry')) === undefined) missing.push('docker-registry');
  if ((await findStaticBusybox()) === undefined) missing.push('busybox-static');
  return missing;
}

/** Make sure dockerd, docker, docker-registry and a static busybox exist, installing them with apt-get when root. */
export async function ensurePrerequisites(log: (line: string) => void = defaultLog): Promise<void> {
  const missing = await missingPrerequisites();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || (await which('apt-get')) === undefined) {
    throw new Error(
      `e2e stack: missing ${missing.join(', ')}. Install them (Debian/Ubuntu: sudo apt-get install -y ${REQUIRED_PACKAGES.join(' ')}) and run the e2e tests as root, since dockerd needs it.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  log(`installing ${missing.join(', ')} with apt-get`);
  try {
    await runCommand('apt-get', install, { timeoutMs: 600_000, env });
  } catch {
    // A fresh machine may have no package lists yet.
    await runCommand('apt-get', ['update'], { timeoutMs: 300_000, env });
    await runCommand('apt-get', install, { timeoutMs: 600_000, env });
  }
  const still = await missingPrerequisites();
  if (still.length > 0) throw new Error(`e2e stack: apt-get ran but ${still.join(', ')} is still missing`);
}

// --- teardown ----------------------------------------------------------------------

/** Every process whose command line mentions `dir`: dockerd, its containerd, the shims, the registry. */
async function processesUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if ((await cmdlineOf(pid)).includes(`${dir}/`)) pids.push(pid);
  }
  return pids;
}

async function mountsUnder(dir: string): Promise<string[]> {
  try {
    const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
    return lines
      .map((line) => line.split(' ')[4] ?? '')
      .filter((point) => point === dir || point.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

/**
 * Stop everything a stack runs and delete its directory: remove its
 * containers, SIGTERM the registry and dockerd (SIGKILL after a grace
 * period), kill what is left (containerd, shims), unmount, delete.
 */
export async function stopStack(dir: string, log: (line: string) => void = defaultLog): Promise<void> {
  if (!existsSync(dir)) return;
  // The directory is deleted at the end: refuse anything startStack did not make.
  if (!existsSync(join(dir, 'owner.json'))) throw new Error(`e2e stack: ${dir} is not a stack directory (no owner.json)`);
  const started = Date.now();
  const socketPath = join(dir, 'docker.sock');
  const dockerdPid = await readPid(join(dir, 'dockerd.pid'));
  if (dockerdPid !== undefined && isAlive(dockerdPid) && (await httpStatus({ socketPath, path: '/_ping' })) === 200) {
    try {
      const host = ['-H', `unix://${socketPath}`];
      const ids = (await runCommand('docker', [...host, 'ps', '-aq'], { timeoutMs: 30_000 })).stdout.split('\n').filter((id) => id !== '');
      if (ids.length > 0) await runCommand('docker', [...host, 'rm', '-f', '-v', ...ids], { timeoutMs: 60_000 });
    } catch (error) {
      log(`could not remove containers before shutdown: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
  }
  const registryPid = await readPid(join(dir, 'registry.pid'));
  if (registryPid !== undefined && (await cmdlineOf(registryPid)).includes(`${dir}/`)) await terminate(registryPid, 5_000);
  if (dockerdPid !== undefined && (await cmdlineOf(dockerdPid)).includes(`${dir}/`)) await terminate(dockerdPid, 20_000);
  for (const pid of await processesUnder(dir)) await terminate(pid, 2_000);
  for (const point of await mountsUnder(dir)) {
    await runCommand('umount', ['-l', point], { timeoutMs: 10_000 }).catch(() => undefined);
  }
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  log(`stopped the stack in ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

interface OwnerRecord {
  pid: number;
  mode: 'test' | 'script';
  started: string;
}

async function readOwner(dir: string): Promise<OwnerRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'owner.json'), 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/** Stacks left behind by test runs that died (their owner process is gone); `script` stacks are left alone. */
export async function cleanupStaleStacks(log: (line: string) => void = defaultLog): Promise<void> {
  for (const entry of await readdir('/tmp')) {
    if (!entry.startsWith(DIR_PREFIX)) continue;
    const dir = join('/tmp', entry);
    // Only directories with an owner record are stacks: anything else under the prefix is not ours to delete.
    const owner = await readOwner(dir);
    if (owner !== undefined && owner.mode === 'test' && !isAlive(owner.pid)) {
      log(`cleaning up a stack left by an earlier run: ${dir}`);
      await stopStack(dir, log);
    }
  }
}

// --- start -----------------------------------------------------------------------------

async function waitFor(what: string, check: () => Promise<boolean>, isDead: () => boolean, logFile: string): Promise<void> {
  for (;;) {
    if (await check()) return;
    if (isDead()) {
      const tail = existsSync(logFile) ? (await readFile(logFile, 'utf8')).split('\n').slice(-15).join('\n') : '';
      throw new Error(`e2e stack: ${what} exited during startup; last lines of ${logFile}:\n${tail}`);
    }
    await sleep(200);
  }
}

function spawnDetached(file: string, args: string[], logFile: string): number {
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', out, out] });
    child.unref();
    if (child.pid === undefined) throw new Error(`e2e stack: could not start ${file}`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/**
 * Start a private Docker Engine and registry in a new `/tmp/sk-stack-…`
 * directory (short, because unix socket paths are limited to ~100 bytes).
 * Stacks of earlier test runs that died are cleaned up first.
 */
export async function startStack(options: StartStackOptions = {}): Promise<E2eStack> {
  const log = options.log ?? defaultLog;
  const started = Date.now();
  await phase(log, 'checking prerequisites', 900_000, () => ensurePrerequisites(log));
  await phase(log, 'cleaning up stale stacks', 60_000, () => cleanupStaleStacks(log));

  const dir = await mkdtemp(join('/tmp', DIR_PREFIX));
  const owner: OwnerRecord = { pid: process.pid, mode: options.owner ?? 'test', started: new Date().toISOString() };
  await writeFile(join(dir, 'owner.json'), JSON.stringify(owner));
  const socketPath = join(dir, 'docker.sock');
  try {
    const dockerdLog = join(dir, 'dockerd.log');
    await phase(log, 'starting dockerd', 60_000, async () => {
      const pid = spawnDetached(
        'dockerd',
        [
          '--host',
          `unix://${socketPath}`,
          '--data-root',
          join(dir, 'data'),
          '--exec-root',
          join(dir, 'exec'),
          '--pidfile',
          join(dir, 'dockerd.pid'),
          '--iptables=false',
          '--ip6tables=false',
          '--bridge=none',
          '--storage-driver=vfs',
        ],
        dockerdLog,
      );
      await waitFor('dockerd', async () => (await httpStatus({ socketPath, path: '/_ping' })) === 200, () => !isAlive(pid), dockerdLog);
    });

    const registryAddr = await phase(log, 'starting docker-registry', 30_000, async () => {
      const port = (await portIsFree(5000)) ? 5000 : await freePort();
      const addr = `127.0.0.1:${port}`;
      const config = join(dir, 'registry.yml');
      await mkdir(join(dir, 'registry'), { recursive: true });
      await writeFile(
        config,
        [
          'version: 0.1',
          'log:',
          '  level: warn',
          '  accesslog:',
          '    disabled: true',
          'storage:',
          '  filesystem:',
          `    rootdirectory: ${join(dir, 'registry')}`,
          '  delete:',
          '    enabled: true',
          'http:',
          `  addr: ${addr}`,
          '',
        ].join('\n'),
      );
      const registryLog = join(dir, 'registry.log');
      const pid = spawnDetached('docker-registry', ['serve', config], registryLog);
      await writeFile(join(dir, 'registry.pid'), String(pid));
      await waitFor('docker-registry', async () => (await httpStatus({ host: '127.0.0.1', port, path: '/v2/' })) === 200, () => !isAlive(pid), registryLog);
      return addr;
    });

    log(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s: DOCKER_HOST=unix://${socketPath} registry=${registryAddr}`);
    return { dir, dockerHost: `unix://${socketPath}`, socketPath, registryAddr };
  } catch (error) {
    await stopStack(dir, log).catch(() => undefined);
    throw error;
  }
}

// --- script entry ------------------------------------------------------------------------

async function main(argv: string[]): Promise<void> {
  const [command, target] = argv;
  if (command === 'up') {
    const stack = await startStack({ owner: 'script' });
    process.stdout.write(`DOCKER_HOST=${stack.dockerHost}\nSK_E2E_REGISTRY=${stack.registryAddr}\nSK_E2E_DIR=${stack.dir}\n`);
    return;
  }
  if (command === 'down') {
    const dirs: string[] = [];
    if (target !== undefined) dirs.push(target);
    else {
      for (const entry of await readdir('/tmp')) {
        if (entry.startsWith(DIR_PREFIX) && (await readOwner(join('/tmp', entry)))?.mode === 'script') dirs.push(join('/tmp', entry));
      }
    }
    for (const dir of dirs) await stopStack(dir);
    if (dirs.length === 0) defaultLog('no stack started by "up" is running');
    return;
  }
  process.stderr.write('usage: tsx packages/server/test/e2e/stack.ts up | down [dir]\n');
  process.exitCode = 2;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

import { ConflictError, InvalidError, NotFoundError, UnavailableError, UpstreamError } from '../errors/index.js';
import { systemClock } from '../ports/clock.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type {
  ContainerDetail,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  DockerPort,
  EngineInfo,
  ExecResult,
  HealthStatus,
  ImageSummary,
} from '../ports/docker.js';
import { runBuiltinShell } from './memory-exec-shell.js';
import type { ExecOutcome } from './memory-exec-shell.js';

export type { ExecOutcome } from './memory-exec-shell.js';

/**
 * How a container started from an image behaves, on the fake's clock:
 * - `runs`: keeps running; health `none` unless a healthcheck is declared (then it turns healthy).
 * - `healthy`: keeps running; with a healthcheck, `starting` then `healthy` after `timing.healthyAfterMs`.
 * - `unhealthy`: keeps running; with a healthcheck, `starting` then `unhealthy` after `timing.unhealthyAfterMs`.
 * - `exits`: its process ends with `exitCode` (default 1) `timing.exitAfterMs` after every start.
 */
export type ImageBehavior = 'healthy' | 'exits' | 'unhealthy' | 'runs';

/** One line a container writes to its logs. */
export interface OutputLine {
  stream: 'stdout' | 'stderr';
  line: string;
}

/** What `publishImage` puts in the fake's remote registry. */
export interface PublishImageOptions {
  /** Manifest digest (`sha256:` + 64 hex). @default derived from the ref and a publish counter, so every publish is a new digest. */
  digest?: string;
  /** @default 'runs' */
  behavior?: ImageBehavior;
  /** Whether the image declares a HEALTHCHECK. @default true for `healthy` and `unhealthy`, false otherwise */
  healthcheck?: boolean;
  /** Image labels (`LABEL`), inherited by its containers. */
  labels?: Record<string, string>;
  /** Image environment (`ENV`), inherited by its containers. @default ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] */
  env?: string[];
  /** Image command (`CMD`). Recorded only: the fake never interprets commands; `behavior` decides what happens. */
  cmd?: string[];
  /** Lines every start of a container writes to its logs; bare strings go to stdout. */
  output?: Array<string | OutputLine>;
  /** Exit code of an `exits` image. @default 1 */
  exitCode?: number;
  /** Image size in bytes, as `listImages` and `pruneImages` report it. @default 1_000_000 */
  size?: number;
}

/** A manifest the fake registry serves. */
export interface PublishedImage {
  /** Canonical reference (`repo:tag` or `repo@digest`). */
  ref: string;
  /** Manifest digest: what `repoDigests` shows after a pull. */
  digest: string;
  /** Image id (`sha256:…`) a pull of this manifest produces locally. */
  imageId: string;
}

/** A container to put in place directly, as if someone ran `docker run` before the test. */
export interface SeedContainerOptions {
  name: string;
  /** Image reference; published (with `publish` options, default behaviour `runs`) and pulled when needed. */
  image: string;
  /** Options used when the image has to be published first. */
  publish?: PublishImageOptions;
  labels?: Record<string, string>;
  env?: string[];
  /** @default 'running' */
  state?: 'running' | 'created' | 'exited';
  /** Restart policy name (`no`, `always`, `unless-stopped`, `on-failure`). @default 'no' */
  restartPolicy?: string;
  /** Networks to attach; the first one is the network mode. @default ['bridge'] */
  networks?: string[];
  mounts?: Array<{ type?: string; source: string; destination: string; readOnly?: boolean }>;
  /** Further creation options in Docker Engine shape (`Cmd`, `HostConfig`…), merged under the ones above. */
  native?: Record<string, unknown>;
}

/** The `DockerPort` method names, as the operation log records them. */
export type DockerMethod = keyof DockerPort;

/** One call made through the port, in call order. */
export interface DockerCall {
  /** 1, 2, 3… in the order calls were made. */
  seq: number;
  method: DockerMethod;
  /** The arguments, cloned (registry passwords replaced by `***`). */
  args: unknown[];
  /** Clock time when the call was made. */
  at: number;
  /** `pending` until the call settles. */
  outcome: 'pending' | 'ok' | 'error';
  /** The rejection message when `outcome` is `error`. */
  error?: string;
}

/** What an exec handler sees. */
export interface ExecContext {
  container: ContainerDetail;
  command: string[];
  /** Aborted when the exec's timeout elapses. */
  signal: AbortSignal;
}

/**
 * Answers `exec` calls; return `undefined` to let the built-in mini shell
 * answer (see `runBuiltinShell`).
 */
export type ExecHandler = (context: ExecContext) => ExecOutcome | undefined | Promise<ExecOutcome | undefined>;

/** Delays of the emulated container lifecycle, in clock milliseconds. */
export interface MemoryDockerTiming {
  /** An `exits` container's process ends this long after a start. @default 100 */
  exitAfterMs: number;
  /** A `healthy` container with a healthcheck turns healthy this long after a start. @default 1000 */
  healthyAfterMs: number;
  /** An `unhealthy` container with a healthcheck turns unhealthy this long after a start. @default 3000 */
  unhealthyAfterMs: number;
  /** A restart policy restarts an exited container this long after it exited. @default 100 */
  restartDelayMs: number;
}

export interface MemoryDockerOptions {
  /** Clock driving timestamps and the emulated lifecycle. @default systemClock */
  clock?: Clock;
  timing?: Partial<MemoryDockerTiming>;
  /** What `ping` answers. */
  engine?: Partial<EngineInfo>;
}

/**
 * `DockerPort` plus the controls a test needs to stage a scene and observe
 * what the code under test did.
 */
export interface MemoryDocker extends DockerPort {
  /**
   * Make `ref` pullable: the registry side. Publishing a tag again with other
   * content (or another `digest`) moves the tag, like a `latest` push; what was
   * already pulled stays as it was until the next pull.
   */
  publishImage(ref: string, options?: PublishImageOptions): PublishedImage;
  /** Delete a tag (or a digest) from the fake registry: later pulls of it fail with `NotFoundError`. */
  unpublishImage(ref: string): void;
  /** The digest the fake registry serves for `ref` right now, `undefined` when unpublished. */
  remoteDigest(ref: string): string | undefined;
  /**
   * Create (and by default start) a container directly, publishing and pulling
   * its image as needed; not recorded in `calls()`. Returns the container id.
   */
  seedContainer(options: SeedContainerOptions): string;
  /**
   * Make pulls of matching refs reject with `error` (default: `UpstreamError`).
   * A string matches a ref exactly or its repository (`nginx` matches
   * `nginx:1.27`). Returns a function that removes the failure.
   * @default options.times Infinity
   */
  failPulls(match: string | RegExp | ((ref: string) => boolean), error?: Error, options?: { times?: number }): () => void;
  /**
   * Make calls of `method` (for which `when(args)` holds) reject with `error`
   * after being recorded, e.g. a `startContainer` that fails during an update.
   * Returns a function that removes the failure.
   * @default options.times Infinity
   */
  failOperation(method: DockerMethod, error: Error, options?: { times?: number; when?: (args: readonly unknown[]) => boolean }): () => void;
  /** While unreachable, every port method rejects with `UnavailableError` (controls keep working). */
  setReachable(reachable: boolean): void;
  /** Answer `exec` calls with `handler`; `undefined` restores the built-in mini shell. */
  setExecHandler(handler: ExecHandler | undefined): void;
  /** The container's main process ends now with `exitCode` (restart policies apply). @default exitCode 1 */
  exitContainer(idOrName: string, exitCode?: number): void;
  /** Force the health status of a running container (until its next start). */
  setHealth(idOrName: string, health: HealthStatus): void;
  /** Append lines to a container's logs, as if its process wrote them. */
  writeLogs(idOrName: string, lines: Array<string | OutputLine>): void;
  /** Calls made through the port so far, oldest first; only those of `method` when given. */
  calls(method?: DockerMethod): DockerCall[];
  /** Forget the recorded calls. */
  clearCalls(): void;
}

// ---------------------------------------------------------------------------

interface ImageConfig {
  behavior: ImageBehavior;
  healthcheck: boolean;
  labels: Record<string, string>;
  env: string[];
  cmd: string[];
  output: OutputLine[];
  exitCode: number;
}

interface RemoteImage {
  digest: string;
  imageId: string;
  config: ImageConfig;
  size: number;
  created: number;
}

interface RemoteRepository {
  tags: Map<string, string>;
  manifests: Map<string, RemoteImage>;
}

interface LocalImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created: number;
  size: number;
  config: ImageConfig;
}

interface LogEntry extends OutputLine {
  at: number;
}

interface FakeContainer {
  id: string;
  name: string;
  image: string;
  imageId: string;
  /** Snapshot of the image config at creation: a container outlives its image's tags. */
  config: ImageConfig;
  created: number;
  native: Record<string, unknown>;
  ownLabels: Record<string, string>;
  ownEnv: string[];
  state: ContainerState;
  exitCode: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  restartCount: number;
  health: HealthStatus;
  error: string;
  timers: Set<TimerHandle>;
  logs: LogEntry[];
  /** Set by an explicit stop, so restart policies leave the container alone. */
  stoppedByUser: boolean;
}

interface Failure {
  method: DockerMethod;
  error: Error;
  remaining: number;
  when: ((args: readonly unknown[]) => boolean) | undefined;
}

const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
const NAME_PATTERN = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

interface ParsedRef {
  repo: string;
  tag: string | undefined;
  digest: string | undefined;
}

function parseRef(ref: string): ParsedRef {
  const at = ref.indexOf('@');
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const named = at === -1 ? ref : ref.slice(0, at);
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const repo = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : digest === undefined ? 'latest' : undefined;
  return { repo, tag, digest };
}

/** `repo:tag`, or `repo@digest` when pinned by digest (which wins, as in Docker). */
function canonicalRef(ref: string): string {
  const { repo, tag, digest } = parseRef(ref);
  return digest !== undefined ? `${repo}@${digest}` : `${repo}:${tag ?? 'latest'}`;
}

/** 64 hex characters derived from `seed` (FNV-1a with eight salts): stable, unique enough for a fake, not cryptographic. */
function fakeSha256Hex(seed: string): string {
  let hex = '';
  for (let salt = 0; salt < 8; salt++) {
    let h = 0x811c9dc5 ^ (salt * 0x9e3779b1);
    const text = `${salt}:${seed}`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    hex += (h >>> 0).toString(16).padStart(8, '0');
  }
  return hex;
}

function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return minutes === 1 ? 'About a minute' : `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours === 1 ? 'About an hour' : `${hours} hours`;
  return `${Math.floor(hours / 24)} days`;
}

function envMap(lists: string[][]): Map<string, string> {
  const merged = new Map<string, string>();
  for (const list of lists) {
    for (const entry of list) {
      const eq = entry.indexOf('=');
      merged.set(eq === -1 ? entry : entry.slice(0, eq), eq === -1 ? '' : entry.slice(eq + 1));
    }
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordAt(source: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = source[key];
  return isRecord(value) ? value : {};
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * An in-memory Docker engine plus a registry it pulls from: a faithful fake
 * of `DockerPort` for tests and embedders. `spec.native` uses the Docker
 * Engine create-body shape (`Cmd`, `HostConfig.RestartPolicy`,
 * `NetworkingConfig.EndpointsConfig`…), like the dockerode adapter, so specs
 * written for one work with the other.
 *
 * @example
 * const docker = createMemoryDocker({ clock: createManualClock() });
 * docker.publishImage('nginx:1.27.4', { behavior: 'healthy' });
 * docker.seedContainer({ name: 'web', image: 'nginx:1.27.4' });
 */
export function createMemoryDocker(options: MemoryDockerOptions = {}): MemoryDocker {
  const clock = options.clock ?? systemClock;
  const timing: MemoryDockerTiming = {
    exitAfterMs: 100,
    healthyAfterMs: 1000,
    unhealthyAfterMs: 3000,
    restartDelayMs: 100,
    ...options.timing,
  };
  const engine: EngineInfo = { version: '0.0.0-memory', apiVersion: '1.41', os: 'linux', name: 'memory', ...options.engine };

  const remote = new Map<string, RemoteRepository>();
  const images = new Map<string, LocalImage>();
  const containers = new Map<string, FakeContainer>();
  const failures: Failure[] = [];
  const log: DockerCall[] = [];
  let reachable = true;
  let execHandler: ExecHandler | undefined;
  let counter = 0;
  let callSeq = 0;

  // --- registry side ---------------------------------------------------------

  function publishImage(ref: string, publish: PublishImageOptions = {}): PublishedImage {
    const { repo, tag, digest: pinned } = parseRef(ref);
    const behavior = publish.behavior ?? 'runs';
    const config: ImageConfig = {
      behavior,
      healthcheck: publish.healthcheck ?? (behavior === 'healthy' || behavior === 'unhealthy'),
      labels: { ...publish.labels },
      env: [...(publish.env ?? DEFAULT_ENV)],
      cmd: [...(publish.cmd ?? [])],
      output: (publish.output ?? []).map((entry) => (typeof entry === 'string' ? { stream: 'stdout', line: entry } : { ...entry })),
      exitCode: publish.exitCode ?? 1,
    };
    counter++;
    const digest = publish.digest ?? pinned ?? `sha256:${fakeSha256Hex(`manifest:${repo}:${tag ?? ''}:${counter}`)}`;
    const image: RemoteImage = {
      digest,
      imageId: `sha256:${fakeSha256Hex(`config:${digest}`)}`,
      config,
      size: publish.size ?? 1_000_000,
      created: clock.now(),
    };
    let repository = remote.get(repo);
    if (repository === undefined) {
      repository = { tags: new Map(), manifests: new Map() };
      remote.set(repo, repository);
    }
    repository.manifests.set(digest, image);
    if (tag !== undefined && pinned === undefined) repository.tags.set(tag, digest);
    return { ref: canonicalRef(ref), digest, imageId: image.imageId };
  }

  function resolveRemote(ref: string): RemoteImage | undefined {
    const { repo, tag, digest } = parseRef(ref);
    const repository = remote.get(repo);
    if (repository === undefined) return undefined;
    const wanted = digest ?? (tag === undefined ? undefined : repository.tags.get(tag));
    return wanted === undefined ? undefined : repository.manifests.get(wanted);
  }

  function unpublishImage(ref: string): void {
    const { repo, tag, digest } = parseRef(ref);
    const repository = remote.get(repo);
    if (repository === undefined) return;
    if (digest !== undefined) {
      repository.manifests.delete(digest);
      for (const [t, d] of repository.tags) if (d === digest) repository.tags.delete(t);
    } else if (tag !== undefined) {
      repository.tags.delete(tag);
    }
  }

  // --- local images ------------------------------------------------------------

  function findImage(ref: string): LocalImage | undefined {
    const bare = ref.startsWith('sha256:') ? ref.slice('sha256:'.length) : ref;
    if (/^[0-9a-f]{12,64}$/.test(bare)) {
      for (const image of images.values()) if (image.id.slice('sha256:'.length).startsWith(bare)) return image;
    }
    const { repo, tag, digest } = parseRef(ref);
    for (const image of images.values()) {
      if (digest !== undefined ? image.repoDigests.includes(`${repo}@${digest}`) : image.repoTags.includes(`${repo}:${tag ?? 'latest'}`)) {
        return image;
      }
    }
    return undefined;
  }

  function untagEverywhere(tagRef: string): void {
    for (const image of images.values()) image.repoTags = image.repoTags.filter((t) => t !== tagRef);
  }

  function pullLocally(ref: string): LocalImage {
    const manifest = resolveRemote(ref);
    if (manifest === undefined) throw new NotFoundError(`manifest for ${ref} not found: manifest unknown`);
    const { repo, tag, digest } = parseRef(ref);
    let image = images.get(manifest.imageId);
    if (image === undefined) {
      image = { id: manifest.imageId, repoTags: [], repoDigests: [], created: manifest.created, size: manifest.size, config: clone(manifest.config) };
      images.set(image.id, image);
    }
    const digestRef = `${repo}@${manifest.digest}`;
    if (!image.repoDigests.includes(digestRef)) image.repoDigests.push(digestRef);
    if (digest === undefined && tag !== undefined) {
      const tagRef = `${repo}:${tag}`;
      untagEverywhere(tagRef);
      image.repoTags.push(tagRef);
    }
    return image;
  }

  function containersUsing(imageId: string): FakeContainer[] {
    return [...containers.values()].filter((c) => c.imageId === imageId);
  }

  function imageSummary(image: LocalImage): ImageSummary {
    return {
      id: image.id,
      repoTags: [...image.repoTags],
      repoDigests: [...image.repoDigests],
      created: new Date(image.created).toISOString(),
      size: image.size,
      labels: { ...image.config.labels },
      containers: containersUsing(image.id).length,
      dangling: image.repoTags.length === 0,
    };
  }

  // --- containers ----------------------------------------------------------------

  function findContainer(idOrName: string): FakeContainer | undefined {
    const name = idOrName.startsWith('/') ? idOrName.slice(1) : idOrName;
    const exact = containers.get(idOrName);
    if (exact !== undefined) return exact;
    for (const c of containers.values()) if (c.name === name) return c;
    if (/^[0-9a-f]{3,64}$/.test(idOrName)) {
      const matches = [...containers.values()].filter((c) => c.id.startsWith(idOrName));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  function mustFindContainer(idOrName: string): FakeContainer {
    const c = findContainer(idOrName);
    if (c === undefined) throw new NotFoundError(`No such container: ${idOrName}`);
    return c;
  }

  function hasHealthcheck(c: FakeContainer): boolean {
    const test = recordAt(c.native, 'Healthcheck')['Test'];
    if (Array.isArray(test) && test.length > 0) return test[0] !== 'NONE';
    return c.config.healthcheck;
  }

  function restartPolicy(c: FakeContainer): { name: string; max: number } {
    const policy = recordAt(recordAt(c.native, 'HostConfig'), 'RestartPolicy');
    const name = typeof policy['Name'] === 'string' && policy['Name'] !== '' ? policy['Name'] : 'no';
    const max = typeof policy['MaximumRetryCount'] === 'number' ? policy['MaximumRetryCount'] : 0;
    return { name, max };
  }

  function networksOf(c: FakeContainer): string[] {
    const endpoints = Object.keys(recordAt(recordAt(c.native, 'NetworkingConfig'), 'EndpointsConfig'));
    if (endpoints.length > 0) return endpoints.sort();
    const mode = recordAt(c.native, 'HostConfig')['NetworkMode'];
    if (typeof mode !== 'string' || mode === '' || mode === 'default') return ['bridge'];
    return mode.startsWith('container:') ? [] : [mode];
  }

  function mountsOf(c: FakeContainer): ContainerDetail['mounts'] {
    const host = recordAt(c.native, 'HostConfig');
    const mounts: ContainerDetail['mounts'] = [];
    for (const bind of Array.isArray(host['Binds']) ? host['Binds'] : []) {
      if (typeof bind !== 'string') continue;
      const [source = '', destination = '', mode = ''] = bind.split(':');
      mounts.push({ type: source.startsWith('/') ? 'bind' : 'volume', source, destination, readOnly: mode.split(',').includes('ro') });
    }
    for (const mount of Array.isArray(host['Mounts']) ? host['Mounts'] : []) {
      if (!isRecord(mount)) continue;
      mounts.push({
        type: typeof mount['Type'] === 'string' ? mount['Type'] : 'volume',
        source: typeof mount['Source'] === 'string' ? mount['Source'] : '',
        destination: typeof mount['Target'] === 'string' ? mount['Target'] : '',
        readOnly: mount['ReadOnly'] === true,
      });
    }
    for (const destination of Object.keys(recordAt(c.native, 'Volumes'))) {
      // An anonymous volume: the engine names it after the container.
      mounts.push({ type: 'volume', source: fakeSha256Hex(`volume:${c.id}:${destination}`), destination, readOnly: false });
    }
    return mounts;
  }

  function effectiveLabels(c: FakeContainer): Record<string, string> {
    return { ...c.config.labels, ...c.ownLabels };
  }

  function effectiveEnv(c: FakeContainer): string[] {
    return [...envMap([c.config.env, c.ownEnv])].map(([key, value]) => `${key}=${value}`);
  }

  function statusLine(c: FakeContainer): string {
    const now = clock.now();
    switch (c.state) {
      case 'created':
        return 'Created';
      case 'running': {
        const health = c.health === 'none' ? '' : c.health === 'starting' ? ' (health: starting)' : ` (${c.health})`;
        return `Up ${humanDuration(now - (c.startedAt ?? now))}${health}`;
      }
      case 'restarting':
        return `Restarting (${c.exitCode}) ${humanDuration(now - (c.finishedAt ?? now))} ago`;
      case 'exited':
        return `Exited (${c.exitCode}) ${humanDuration(now - (c.finishedAt ?? now))} ago`;
      default:
        return c.state.charAt(0).toUpperCase() + c.state.slice(1);
    }
  }

  function summary(c: FakeContainer): ContainerSummary {
    return {
      id: c.id,
      name: c.name,
      image: c.image,
      imageId: c.imageId,
      state: c.state,
      status: statusLine(c),
      labels: effectiveLabels(c),
      created: new Date(c.created).toISOString(),
    };
  }

  function detail(c: FakeContainer): ContainerDetail {
    return {
      ...summary(c),
      spec: { image: c.image, labels: { ...c.ownLabels }, env: [...c.ownEnv], native: clone(c.native) },
      runtime: {
        status: c.state,
        running: c.state === 'running' || c.state === 'restarting',
        exitCode: c.exitCode,
        startedAt: c.startedAt === undefined ? '' : new Date(c.startedAt).toISOString(),
        finishedAt: c.finishedAt === undefined ? '' : new Date(c.finishedAt).toISOString(),
        restartCount: c.restartCount,
        health: c.health,
        error: c.error,
      },
      hasHealthcheck: hasHealthcheck(c),
      networks: networksOf(c),
      mounts: mountsOf(c),
      restartPolicy: restartPolicy(c).name,
    };
  }

  function clearTimers(c: FakeContainer): void {
    for (const timer of c.timers) clock.clearTimeout(timer);
    c.timers.clear();
  }

  function later(c: FakeContainer, ms: number, fn: () => void): void {
    const timer = clock.setTimeout(() => {
      c.timers.delete(timer);
      // A removed container's timers were cleared, but stay defensive.
      if (containers.get(c.id) === c) fn();
    }, ms);
    c.timers.add(timer);
  }

  function appendLogs(c: FakeContainer, lines: Array<string | OutputLine>): void {
    const at = clock.now();
    for (const entry of lines) c.logs.push(typeof entry === 'string' ? { stream: 'stdout', line: entry, at } : { ...entry, at });
  }

  function startProcess(c: FakeContainer): void {
    clearTimers(c);
    c.state = 'running';
    c.startedAt = clock.now();
    c.exitCode = 0;
    c.error = '';
    c.stoppedByUser = false;
    appendLogs(c, c.config.output);
    if (hasHealthcheck(c)) {
      c.health = 'starting';
      const outcome: HealthStatus = c.config.behavior === 'unhealthy' ? 'unhealthy' : 'healthy';
      const delay = outcome === 'unhealthy' ? timing.unhealthyAfterMs : timing.healthyAfterMs;
      if (c.config.behavior !== 'exits') {
        later(c, delay, () => {
          if (c.state === 'running') c.health = outcome;
        });
      }
    } else {
      c.health = 'none';
    }
    if (c.config.behavior === 'exits') later(c, timing.exitAfterMs, () => processExited(c, c.config.exitCode));
  }

  function processExited(c: FakeContainer, exitCode: number): void {
    clearTimers(c);
    c.state = 'exited';
    c.exitCode = exitCode;
    c.finishedAt = clock.now();
    // Like the engine: a stopped container with a healthcheck reports unhealthy, whatever the last probe said.
    if (hasHealthcheck(c)) c.health = 'unhealthy';
    const policy = restartPolicy(c);
    const restart =
      !c.stoppedByUser &&
      (policy.name === 'always' ||
        policy.name === 'unless-stopped' ||
        (policy.name === 'on-failure' && exitCode !== 0 && (policy.max === 0 || c.restartCount < policy.max)));
    if (restart) {
      c.state = 'restarting';
      later(c, timing.restartDelayMs, () => {
        c.restartCount++;
        startProcess(c);
      });
    }
  }

  function stopProcess(c: FakeContainer): void {
    if (c.state !== 'running' && c.state !== 'restarting' && c.state !== 'paused') return;
    c.stoppedByUser = true;
    // The emulated processes handle SIGTERM and exit cleanly.
    processExited(c, 0);
  }

  function createFromSpec(name: string, spec: ContainerSpec): FakeContainer {
    const bare = name.startsWith('/') ? name.slice(1) : name;
    if (!NAME_PATTERN.test(name)) {
      throw new UpstreamError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, { status: 400 });
    }
    const taken = findContainer(bare);
    if (taken !== undefined && taken.name === bare) {
      throw new ConflictError(`Conflict. The container name "/${bare}" is already in use by container "${taken.id}".`);
    }
    const image = findImage(spec.image);
    if (image === undefined) throw new NotFoundError(`No such image: ${spec.image}`);
    counter++;
    const id = fakeSha256Hex(`container:${counter}:${bare}:${clock.now()}`);
    const native: Record<string, unknown> = { ...clone(spec.native), Image: spec.image, Labels: { ...spec.labels }, Env: [...spec.env] };
    const c: FakeContainer = {
      id,
      name: bare,
      image: spec.image,
      imageId: image.id,
      config: clone(image.config),
      created: clock.now(),
      native,
      ownLabels: { ...spec.labels },
      ownEnv: [...spec.env],
      state: 'created',
      exitCode: 0,
      startedAt: undefined,
      finishedAt: undefined,
      restartCount: 0,
      health: 'none',
      error: '',
      timers: new Set(),
      logs: [],
      stoppedByUser: false,
    };
    containers.set(id, c);
    return c;
  }

  // --- the operation log and injected faults ------------------------------------------

  function redact(args: unknown[]): unknown[] {
    return args.map((arg) => {
      if (!isRecord(arg)) return arg instanceof AbortSignal ? '[AbortSignal]' : clone(arg);
      const copy: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(arg)) {
        if (value instanceof AbortSignal) copy[key] = '[AbortSignal]';
        else if (typeof value === 'function') copy[key] = '[Function]';
        else if (key === 'auth' && isRecord(value)) copy[key] = { ...clone(value), password: '***' };
        else copy[key] = clone(value);
      }
      return copy;
    });
  }

  async function run<T>(method: DockerMethod, args: unknown[], body: () => T | Promise<T>): Promise<T> {
    const call: DockerCall = { seq: ++callSeq, method, args: redact(args.filter((a) => a !== undefined)), at: clock.now(), outcome: 'pending' };
    log.push(call);
    try {
      if (!reachable) throw new UnavailableError('Cannot connect to the Docker daemon (memory engine is unreachable)');
      const failure = failures.find((f) => f.method === method && f.remaining > 0 && (f.when === undefined || f.when(args)));
      if (failure !== undefined) {
        failure.remaining--;
        throw failure.error;
      }
      const result = await body();
      call.outcome = 'ok';
      return result;
    } catch (error) {
      call.outcome = 'error';
      call.error = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  // --- the port ----------------------------------------------------------------------------

  const docker: MemoryDocker = {
    ping: () => run('ping', [], () => ({ ...engine })),

    listContainers: () =>
      run('listContainers', [], () => [...containers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(summary)),

    inspectContainer: (idOrName) => run('inspectContainer', [idOrName], () => detail(mustFindContainer(idOrName))),

    pullImage: (ref, pullOptions) =>
      run('pullImage', [ref, pullOptions], () => {
        if (pullOptions?.signal?.aborted) throw pullOptions.signal.reason;
        const image = pullLocally(ref);
        // Progress as an engine reports it: one layer, downloaded, then done.
        const layer = image.id.slice('sha256:'.length, 'sha256:'.length + 12);
        pullOptions?.onProgress?.({ status: 'Downloading', layer, current: image.size, total: image.size });
        pullOptions?.onProgress?.({ status: 'Pull complete', layer });
      }),

    inspectImage: (ref) =>
      run('inspectImage', [ref], () => {
        const image = findImage(ref);
        return image === undefined ? undefined : imageSummary(image);
      }),

    listImages: () => run('listImages', [], () => [...images.values()].sort((a, b) => b.created - a.created).map(imageSummary)),

    removeImage: (id, removeOptions) =>
      run('removeImage', [id, removeOptions], () => {
        const image = findImage(id);
        if (image === undefined) throw new NotFoundError(`No such image: ${id}`);
        const { repo, tag, digest } = parseRef(id);
        const byId = image.id === id || image.id.slice('sha256:'.length).startsWith(id.replace(/^sha256:/, ''));
        // Removing one of several tags only untags, like `docker rmi repo:tag`.
        if (!byId && digest === undefined && image.repoTags.length > 1) {
          image.repoTags = image.repoTags.filter((t) => t !== `${repo}:${tag ?? 'latest'}`);
          return;
        }
        const users = containersUsing(image.id);
        const running = users.filter((c) => c.state === 'running' || c.state === 'restarting');
        if (running.length > 0 || (users.length > 0 && removeOptions?.force !== true)) {
          const user = running[0] ?? users[0];
          throw new ConflictError(`conflict: unable to delete ${image.id.slice(7, 19)} - image is being used by container ${user?.id.slice(0, 12) ?? ''}`);
        }
        if (byId && image.repoTags.length > 1 && removeOptions?.force !== true) {
          throw new ConflictError(`conflict: unable to delete ${image.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`);
        }
        images.delete(image.id);
      }),

    pruneImages: () =>
      run('pruneImages', [], () => {
        const removed: string[] = [];
        let spaceReclaimed = 0;
        for (const image of [...images.values()]) {
          if (image.repoTags.length === 0 && containersUsing(image.id).length === 0) {
            images.delete(image.id);
            removed.push(image.id);
            spaceReclaimed += image.size;
          }
        }
        return { removed, spaceReclaimed };
      }),

    tagImage: (id, ref) =>
      run('tagImage', [id, ref], () => {
        const image = findImage(id);
        if (image === undefined) throw new NotFoundError(`No such image: ${id}`);
        const { repo, tag, digest } = parseRef(ref);
        if (digest !== undefined) throw new InvalidError(`cannot tag with a digest reference: ${ref}`);
        const tagRef = `${repo}:${tag ?? 'latest'}`;
        untagEverywhere(tagRef);
        image.repoTags.push(tagRef);
      }),

    createContainer: (name, spec) => run('createContainer', [name, spec], () => createFromSpec(name, spec).id),

    startContainer: (idOrName) =>
      run('startContainer', [idOrName], () => {
        const c = mustFindContainer(idOrName);
        if (c.state !== 'running') startProcess(c);
      }),

    stopContainer: (idOrName, stopOptions) =>
      run('stopContainer', [idOrName, stopOptions], () => {
        stopProcess(mustFindContainer(idOrName));
      }),

    restartContainer: (idOrName, restartOptions) =>
      run('restartContainer', [idOrName, restartOptions], () => {
        const c = mustFindContainer(idOrName);
        stopProcess(c);
        startProcess(c);
      }),

    renameContainer: (idOrName, newName) =>
      run('renameContainer', [idOrName, newName], () => {
        const c = mustFindContainer(idOrName);
        const bare = newName.startsWith('/') ? newName.slice(1) : newName;
        if (!NAME_PATTERN.test(newName)) throw new UpstreamError(`Invalid container name (${newName})`, { status: 400 });
        if (bare === c.name) throw new UpstreamError('Renaming a container with the same name as its current name', { status: 400 });
        const taken = findContainer(bare);
        if (taken !== undefined && taken.name === bare) {
          throw new ConflictError(`Conflict. The container name "/${bare}" is already in use by container "${taken.id}".`);
        }
        c.name = bare;
      }),

    removeContainer: (idOrName, removeOptions) =>
      run('removeContainer', [idOrName, removeOptions], () => {
        const c = mustFindContainer(idOrName);
        if ((c.state === 'running' || c.state === 'restarting') && removeOptions?.force !== true) {
          throw new ConflictError(`You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`);
        }
        clearTimers(c);
        containers.delete(c.id);
      }),

    logs: (idOrName, logOptions) =>
      run('logs', [idOrName, logOptions], () => {
        const c = mustFindContainer(idOrName);
        const tail = logOptions?.tail;
        const entries = tail === undefined ? c.logs : tail <= 0 ? [] : c.logs.slice(-tail);
        return entries.map((e) => `${logOptions?.timestamps === true ? `${new Date(e.at).toISOString()} ` : ''}${e.line}\n`).join('');
      }),

    exec: (idOrName, command, execOptions) =>
      run('exec', [idOrName, command, execOptions], async (): Promise<ExecResult> => {
        const c = mustFindContainer(idOrName);
        if (c.state !== 'running') throw new ConflictError(`Container ${c.id} is not running`);
        const controller = new AbortController();
        const context: ExecContext = { container: detail(c), command: [...command], signal: controller.signal };
        const work = (async (): Promise<ExecOutcome> => {
          const custom = execHandler === undefined ? undefined : await execHandler(context);
          if (custom !== undefined) return custom;
          const env = Object.fromEntries(envMap([c.config.env, c.ownEnv]));
          return runBuiltinShell(command, { clock, signal: controller.signal, env, hostname: c.id.slice(0, 12) });
        })();
        let timer: TimerHandle | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = clock.setTimeout(() => resolve('timeout'), execOptions?.timeoutMs ?? 60_000);
        });
        try {
          const outcome = await Promise.race([work, timeout]);
          if (outcome === 'timeout') {
            controller.abort(new Error('exec timed out'));
            // The command was abandoned; its rejection (an aborted sleep) is expected.
            work.catch(() => undefined);
            return { exitCode: -1, output: '', timedOut: true };
          }
          return { exitCode: outcome.exitCode, output: outcome.output, timedOut: false };
        } finally {
          if (timer !== undefined) clock.clearTimeout(timer);
        }
      }),

    // --- controls ---

    publishImage,
    unpublishImage,
    remoteDigest: (ref) => resolveRemote(ref)?.digest,

    seedContainer(seed) {
      let image = findImage(seed.image);
      if (image === undefined) {
        if (resolveRemote(seed.image) === undefined) publishImage(seed.image, seed.publish);
        image = pullLocally(seed.image);
      }
      const networks = seed.networks ?? ['bridge'];
      const baseNative = seed.native ?? {};
      const hostConfig: Record<string, unknown> = {
        ...recordAt(baseNative, 'HostConfig'),
        NetworkMode: networks[0] === 'bridge' ? 'default' : (networks[0] ?? 'default'),
        RestartPolicy: { Name: seed.restartPolicy ?? 'no', MaximumRetryCount: 0 },
      };
      if (seed.mounts !== undefined) {
        hostConfig['Mounts'] = seed.mounts.map((m) => ({ Type: m.type ?? 'bind', Source: m.source, Target: m.destination, ReadOnly: m.readOnly ?? false }));
      }
      const native: Record<string, unknown> = {
        ...baseNative,
        HostConfig: hostConfig,
        NetworkingConfig: { EndpointsConfig: Object.fromEntries(networks.map((n) => [n, {}])) },
      };
      const c = createFromSpec(seed.name, { image: seed.image, labels: { ...seed.labels }, env: [...(seed.env ?? [])], native });
      const state = seed.state ?? 'running';
      if (state !== 'created') startProcess(c);
      if (state === 'exited') stopProcess(c);
      return c.id;
    },

    failPulls(match, error, failOptions) {
      const matches = (ref: string): boolean => {
        if (typeof match === 'function') return match(ref);
        if (match instanceof RegExp) return match.test(ref);
        return ref === match || canonicalRef(ref) === canonicalRef(match) || parseRef(ref).repo === match;
      };
      return docker.failOperation('pullImage', error ?? new UpstreamError('pull failed (injected by the memory engine)'), {
        when: (args) => typeof args[0] === 'string' && matches(args[0]),
        ...(failOptions?.times === undefined ? {} : { times: failOptions.times }),
      });
    },

    failOperation(method, error, failOptions) {
      const failure: Failure = { method, error, remaining: failOptions?.times ?? Number.POSITIVE_INFINITY, when: failOptions?.when };
      failures.push(failure);
      return () => {
        const index = failures.indexOf(failure);
        if (index !== -1) failures.splice(index, 1);
      };
    },

    setReachable(value) {
      reachable = value;
    },

    setExecHandler(handler) {
      execHandler = handler;
    },

    exitContainer(idOrName, exitCode = 1) {
      const c = mustFindContainer(idOrName);
      if (c.state === 'running') processExited(c, exitCode);
    },

    setHealth(idOrName, health) {
      const c = mustFindContainer(idOrName);
      // The forced status sticks: no pending probe may overwrite it.
      clearTimers(c);
      if (c.config.behavior === 'exits' && c.state === 'running') later(c, timing.exitAfterMs, () => processExited(c, c.config.exitCode));
      c.health = health;
    },

    writeLogs(idOrName, lines) {
      appendLogs(mustFindContainer(idOrName), lines);
    },

    calls: (method) => log.filter((call) => method === undefined || call.method === method).map((call) => clone(call)),

    clearCalls() {
      log.length = 0;
    },
  };
  return docker;
}

import Docker from 'dockerode';
import {
  ConflictError,
  InvalidError,
  NotFoundError,
  UnavailableError,
  UpstreamError,
  isSentinelError,
} from '@sentinel-kit/core';
import type {
  ContainerDetail,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  DockerPort,
  ExecResult,
  HealthStatus,
  ImageSummary,
  RegistryAuth,
} from '@sentinel-kit/core';
import { followPull } from './dockerode-pull.js';

export interface DockerodeEngineOptions {
  /**
   * Engine address as in `DOCKER_HOST`: `unix:///var/run/docker.sock`,
   * `tcp://host:2375`, `http://…`, `https://…`, `npipe:////./pipe/docker_engine`.
   * @default process.env.DOCKER_HOST, else the local socket
   */
  dockerHost?: string;
  /** Unix socket path; wins over `dockerHost`. */
  socketPath?: string;
  /**
   * Deadline of one port call, all of its engine requests together (stop and
   * restart get their grace period on top, pruning gets `pruneTimeoutMs`; pulls
   * and exec have their own bounds). On expiry the call rejects with
   * `UnavailableError`, so a frozen engine fails a container route well within 10 s.
   * @default 8_000
   */
  timeoutMs?: number;
  /**
   * Deadline of `ping()`, shorter than the others because health checks poll it.
   * @default the smaller of 3_000 and `timeoutMs`
   */
  pingTimeoutMs?: number;
  /**
   * How long a pull may go without a word from the engine, before its answer (the
   * engine may first talk to the registry for a while) and between the progress lines
   * it sends for every layer, before it rejects with `UnavailableError`.
   * @default 120_000
   */
  pullIdleTimeoutMs?: number;
  /**
   * Deadline of `pruneImages()`, which deletes images one by one on the engine's side.
   * @default 120_000
   */
  pruneTimeoutMs?: number;
  /**
   * TLS material (PEM contents) for a `tcp://` or `https://` engine: the CA that
   * signed the engine's certificate and the client certificate and key the
   * engine verifies (Docker's `--tlsverify`). A `tcp://` address is then spoken over TLS.
   */
  tls?: { ca?: string; cert?: string; key?: string };
}

type Connection = { socketPath: string } | { host: string; port: number; protocol: 'http' | 'https' };

/**
 * Parse a `DOCKER_HOST` value into connection options.
 *
 * @example
 * parseDockerHost('unix:///run/docker.sock') // { socketPath: '/run/docker.sock' }
 * parseDockerHost('tcp://10.0.0.5:2375')      // { host: '10.0.0.5', port: 2375, protocol: 'http' }
 */
export function parseDockerHost(value: string): Connection {
  const text = value.trim();
  if (text.startsWith('unix://')) {
    const socketPath = text.slice('unix://'.length);
    if (socketPath === '') throw new InvalidError(`DOCKER_HOST has no socket path: ${value}`);
    return { socketPath };
  }
  if (text.startsWith('npipe://')) return { socketPath: text.slice('npipe://'.length).replace(/\//g, '\\') };
  if (text.startsWith('/')) return { socketPath: text };
  const match = /^(tcp|http|https):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(text);
  if (match === null) throw new InvalidError(`unsupported DOCKER_HOST (expected unix://, tcp://, http:// or https://): ${value}`);
  const [, scheme, host = '', port] = match;
  const protocol = scheme === 'https' ? 'https' : 'http';
  return { host: host.replace(/^\[|\]$/g, ''), port: port === undefined ? (protocol === 'https' ? 2376 : 2375) : Number(port), protocol };
}

/** Node errors that mean the engine cannot be reached at all. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENOTSOCK']);

interface EngineFailure {
  statusCode?: number;
  code?: string;
  name?: string;
  message?: string;
  json?: unknown;
}

function engineMessage(failure: EngineFailure): string {
  const json = failure.json;
  if (typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string') {
    return ((json as { message: string }).message).trim();
  }
  if (typeof json === 'string' && json.trim() !== '') return json.trim();
  // dockerode's own wording: "(HTTP code 404) no such container - <engine message>".
  return (failure.message ?? 'unknown engine error').replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

function redactSecrets(message: string, secrets: readonly string[]): string {
  let text = message;
  for (const secret of secrets) if (secret !== '') text = text.split(secret).join('***');
  return text;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as EngineFailure | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Docker's multiplexed stream: frames of an 8-byte header (stream type, 3 zero bytes, big-endian length) and payload. */
function demultiplex(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    if ((type !== 0 && type !== 1 && type !== 2) || buffer[offset + 1] !== 0 || buffer[offset + 2] !== 0 || buffer[offset + 3] !== 0) {
      // Not a frame header: the rest was never multiplexed.
      parts.push(buffer.subarray(offset));
      return Buffer.concat(parts).toString('utf8');
    }
    const length = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, Math.min(buffer.length, offset + 8 + length)));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}

function toIso(value: unknown): string {
  if (typeof value === 'number') return new Date(value * 1000).toISOString();
  if (typeof value !== 'string' || value === '' || value.startsWith('0001-01-01')) return '';
  return value;
}

const NO_VALUE = ['<none>:<none>', '<none>@<none>'];

function cleanRefs(refs: unknown): string[] {
  return Array.isArray(refs) ? refs.filter((r): r is string => typeof r === 'string' && !NO_VALUE.includes(r)) : [];
}

function splitTag(ref: string): { repo: string; tag: string } {
  if (ref.includes('@')) throw new InvalidError(`cannot tag with a digest reference: ${ref}`);
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: 'latest' };
}

/** `Config` fields a create body accepts. */
const CONFIG_FIELDS = [
  'Hostname',
  'Domainname',
  'User',
  'AttachStdin',
  'AttachStdout',
  'AttachStderr',
  'ExposedPorts',
  'Tty',
  'OpenStdin',
  'StdinOnce',
  'Env',
  'Cmd',
  'Healthcheck',
  'ArgsEscaped',
  'Volumes',
  'WorkingDir',
  'Entrypoint',
  'NetworkDisabled',
  'MacAddress',
  'OnBuild',
  'Labels',
  'StopSignal',
  'StopTimeout',
  'Shell',
] as const;

/**
 * The create body that makes an identical container again. Values the
 * container merely inherited from its image (env, labels, command, healthcheck,
 * exposed ports…) are left out, so that the same spec with a newer image picks
 * up that image's defaults, while the current image fills them in exactly as
 * before.
 */
function nativeSpecOf(info: Record<string, unknown>, imageConfig: Record<string, unknown> | undefined): Record<string, unknown> {
  const config = asRecord(info['Config']);
  const id = typeof info['Id'] === 'string' ? info['Id'] : '';
  const image = imageConfig ?? {};
  const native: Record<string, unknown> = {};
  for (const field of CONFIG_FIELDS) {
    const value = config[field];
    if (value === undefined || value === null || value === '') continue;
    native[field] = value;
  }
  native['Image'] = config['Image'];

  // The engine names a container's host after its short id unless told otherwise.
  if (native['Hostname'] === id.slice(0, 12)) delete native['Hostname'];
  const mode = asRecord(info['HostConfig'])['NetworkMode'];
  // Sharing another container's (or the host's) network stack also shares its names, which inspect reports
  // as the container's own; the engine refuses them at create ("conflicting options: hostname and the network mode").
  if (typeof mode === 'string' && (mode === 'host' || mode.startsWith('container:'))) {
    delete native['Hostname'];
    delete native['Domainname'];
    delete native['MacAddress'];
  }
  // A daemon without a default bridge (--bridge=none) marks default-mode containers NetworkDisabled itself;
  // spelled out at create, it would also detach the copy from the default network.
  if (native['NetworkDisabled'] === false || mode === 'default' || mode === '' || mode === undefined) delete native['NetworkDisabled'];
  delete native['ArgsEscaped'];
  delete native['OnBuild'];

  if (imageConfig !== undefined) {
    const imageEnv = new Set(Array.isArray(image['Env']) ? image['Env'] : []);
    native['Env'] = (Array.isArray(native['Env']) ? native['Env'] : []).filter((entry) => !imageEnv.has(entry));
    const imageLabels = asRecord(image['Labels']);
    native['Labels'] = Object.fromEntries(Object.entries(asRecord(native['Labels'])).filter(([key, value]) => imageLabels[key] !== value));
    for (const field of ['ExposedPorts', 'Volumes'] as const) {
      const inherited = asRecord(image[field]);
      const own = Object.fromEntries(Object.entries(asRecord(native[field])).filter(([key]) => !(key in inherited)));
      if (Object.keys(own).length > 0) native[field] = own;
      else delete native[field];
    }
    // An entrypoint of the container's own means the image command was not inherited either.
    const ownEntrypoint = native['Entrypoint'] !== undefined && !sameJson(native['Entrypoint'], image['Entrypoint'] ?? null);
    if (!ownEntrypoint) {
      delete native['Entrypoint'];
      if (sameJson(native['Cmd'], image['Cmd'] ?? null)) delete native['Cmd'];
    }
    for (const field of ['Healthcheck', 'WorkingDir', 'User', 'StopSignal', 'Shell'] as const) {
      if (native[field] !== undefined && sameJson(native[field], image[field])) delete native[field];
    }
  }
  if (!Array.isArray(native['Env'])) native['Env'] = [];
  if (!isRecord(native['Labels'])) native['Labels'] = {};

  const hostConfig = { ...asRecord(info['HostConfig']) };
  // Inspect shows legacy links as `/other:/this/alias`; create wants `other:alias`.
  if (Array.isArray(hostConfig['Links'])) {
    hostConfig['Links'] = hostConfig['Links'].map((link) => {
      if (typeof link !== 'string') return link;
      const [target = '', alias = ''] = link.split(':');
      return `${target.replace(/^\//, '')}:${alias.split('/').pop() ?? alias}`;
    });
  }
  native['HostConfig'] = hostConfig;

  const networkMode = typeof hostConfig['NetworkMode'] === 'string' ? hostConfig['NetworkMode'] : '';
  const endpoints: Record<string, unknown> = {};
  for (const [network, raw] of Object.entries(asRecord(asRecord(info['NetworkSettings'])['Networks']))) {
    const endpoint = asRecord(raw);
    const kept: Record<string, unknown> = {};
    if (isRecord(endpoint['IPAMConfig']) && Object.keys(endpoint['IPAMConfig']).length > 0) kept['IPAMConfig'] = endpoint['IPAMConfig'];
    if (Array.isArray(endpoint['Links']) && endpoint['Links'].length > 0) kept['Links'] = endpoint['Links'];
    // Engines before API 1.45 add the short id and the hostname as aliases when the container starts: the id
    // must not follow the spec to a new container, and the hostname comes back by itself with `Hostname`.
    const automatic = new Set([id, id.slice(0, 12), typeof config['Hostname'] === 'string' ? config['Hostname'] : '']);
    const aliases = (Array.isArray(endpoint['Aliases']) ? endpoint['Aliases'] : []).filter(
      (alias): alias is string => typeof alias === 'string' && !automatic.has(alias),
    );
    if (aliases.length > 0) kept['Aliases'] = aliases;
    if (isRecord(endpoint['DriverOpts']) && Object.keys(endpoint['DriverOpts']).length > 0) kept['DriverOpts'] = endpoint['DriverOpts'];
    // An empty endpoint on the network the mode already names adds nothing, and engines without that
    // network (a daemon run with --bridge=none) would attach the copy differently if it were spelled out.
    const implied = network === networkMode || (network === 'bridge' && (networkMode === '' || networkMode === 'default'));
    if (implied && Object.keys(kept).length === 0) continue;
    endpoints[network] = kept;
  }
  native['NetworkingConfig'] = { EndpointsConfig: endpoints };
  return native;
}

function healthOf(state: Record<string, unknown>): HealthStatus {
  const status = asRecord(state['Health'])['Status'];
  return status === 'starting' || status === 'healthy' || status === 'unhealthy' ? status : 'none';
}

function describeState(state: Record<string, unknown>): string {
  // Only used when the engine's own status line is unavailable.
  const status = String(state['Status'] ?? '');
  if (status === 'exited') return `Exited (${String(state['ExitCode'] ?? 0)})`;
  if (status === 'running') return 'Up';
  return status.charAt(0).toUpperCase() + status.slice(1);
}

/**
 * `DockerPort` over a Docker Engine through dockerode.
 *
 * @example
 * const docker = createDockerodeEngine({ dockerHost: 'unix:///var/run/docker.sock' });
 * await docker.ping();
 */
export function createDockerodeEngine(options: DockerodeEngineOptions = {}): DockerPort {
  const connection: Connection =
    options.socketPath !== undefined
      ? { socketPath: options.socketPath }
      : parseDockerHost(options.dockerHost ?? process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock');
  const where = 'socketPath' in connection ? connection.socketPath : `${connection.protocol}://${connection.host}:${connection.port}`;
  const tls = options.tls;
  const docker = new Docker(
    tls === undefined || 'socketPath' in connection
      ? connection
      : { ...connection, protocol: 'https', ...(tls.ca === undefined ? {} : { ca: tls.ca }), ...(tls.cert === undefined ? {} : { cert: tls.cert }), ...(tls.key === undefined ? {} : { key: tls.key }) },
  );
  const timeoutMs = options.timeoutMs ?? 8_000;
  const pingTimeoutMs = options.pingTimeoutMs ?? Math.min(3_000, timeoutMs);
  const pullIdleTimeoutMs = options.pullIdleTimeoutMs ?? 120_000;
  const pruneTimeoutMs = options.pruneTimeoutMs ?? 120_000;

  function translate(error: unknown, secrets: readonly string[] = []): Error {
    if (isSentinelError(error)) return error;
    const failure = (error ?? {}) as EngineFailure;
    const status = statusOf(error);
    if (status === undefined) {
      if (failure.code !== undefined && UNREACHABLE_CODES.has(failure.code)) {
        return new UnavailableError(`Docker engine unreachable at ${where}: ${failure.code}`, { cause: error });
      }
      if (failure.name === 'AbortError' || failure.name === 'TimeoutError') {
        return new UnavailableError(`Docker engine at ${where} did not answer in time`, { cause: error });
      }
    }
    const message = redactSecrets(engineMessage(failure), secrets);
    if (status === 404) return new NotFoundError(message);
    if (status === 409) return new ConflictError(message);
    return new UpstreamError(`Docker engine: ${message}`, status === undefined ? {} : { status });
  }

  /**
   * Run one port call, every engine request of it under one shared deadline, mapping
   * failures to `SentinelError`s. The deadline aborts the requests themselves (the
   * sockets are destroyed), and its timer ends with the call, so nothing the call
   * handed out (an exec stream) is cut off later.
   */
  async function call<T>(request: (abortSignal: AbortSignal) => Promise<T>, limitMs = timeoutMs): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(Object.assign(new Error(`no answer within ${limitMs} ms`), { name: 'TimeoutError' })), limitMs);
    try {
      return await request(controller.signal);
    } catch (error) {
      throw translate(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `GET path` answered with JSON, abortable (dockerode's own version, info and image inspect take no signal). */
  function getJson(path: string, abortSignal: AbortSignal, notFound = 'not found'): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      docker.modem.dial({ path, method: 'GET', abortSignal, statusCodes: { 200: true, 404: notFound, 500: 'server error' } }, (error, data) =>
        error ? reject(error) : resolve(asRecord(data)),
      );
    });
  }

  async function containerStatusLine(id: string, abortSignal: AbortSignal): Promise<string | undefined> {
    const [listed] = await docker.listContainers({ all: true, filters: { id: [id] }, abortSignal });
    return listed?.Status;
  }

  /** Raw image inspect; `undefined` when the engine has no such image. */
  async function rawImage(ref: string, abortSignal: AbortSignal): Promise<Record<string, unknown> | undefined> {
    try {
      return await getJson(`/images/${ref}/json`, abortSignal, 'no such image');
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async function containerCountsByImage(abortSignal: AbortSignal): Promise<Map<string, number>> {
    const all = await docker.listContainers({ all: true, abortSignal });
    const counts = new Map<string, number>();
    for (const c of all) counts.set(c.ImageID, (counts.get(c.ImageID) ?? 0) + 1);
    return counts;
  }

  function imageSummary(raw: Record<string, unknown>, counts: Map<string, number>): ImageSummary {
    const id = String(raw['Id'] ?? '');
    const repoTags = cleanRefs(raw['RepoTags']);
    const labels = asRecord(raw['Labels'] ?? asRecord(raw['Config'])['Labels']);
    return {
      id,
      repoTags,
      repoDigests: cleanRefs(raw['RepoDigests']),
      created: toIso(raw['Created']),
      size: typeof raw['Size'] === 'number' ? raw['Size'] : 0,
      labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])),
      containers: counts.get(id) ?? 0,
      dangling: repoTags.length === 0,
    };
  }

  /** Tolerate "already in that state" (HTTP 304) for start and stop, as the port promises. */
  async function idempotent(request: (abortSignal: AbortSignal) => Promise<unknown>, limitMs = timeoutMs): Promise<void> {
    await call(async (abortSignal) => {
      try {
        await request(abortSignal);
      } catch (error) {
        if (statusOf(error) !== 304) throw error;
      }
    }, limitMs);
  }

  const port: DockerPort = {
    async ping() {
      const [version, info] = await call((abortSignal) => Promise.all([getJson('/version', abortSignal), getJson('/info', abortSignal)]), pingTimeoutMs);
      const text = (value: unknown): string => (typeof value === 'string' ? value : '');
      return { version: text(version['Version']), apiVersion: text(version['ApiVersion']), os: text(version['Os']), name: text(info['Name']) };
    },

    async listContainers() {
      const { all, written } = await call(async (abortSignal) => {
        const all = await docker.listContainers({ all: true, abortSignal });
        // The list reports `Image` as the bare image id once the container's tag has
        // moved to another image (a re-pushed `latest`); the reference the container
        // was created from is then only in its inspect data.
        const written = await Promise.all(
          all.map(async (c) => {
            if (!/^(sha256:)?[a-f0-9]{12,64}$/.test(c.Image)) return c.Image;
            try {
              const info = (await docker.getContainer(c.Id).inspect({ abortSignal })) as unknown as Record<string, unknown>;
              const configured = asRecord(info['Config'])['Image'];
              return typeof configured === 'string' && configured !== '' ? configured : c.Image;
            } catch (error) {
              // A deadline is the whole call's, not this container's.
              if (abortSignal.aborted) throw error;
              return c.Image;
            }
          }),
        );
        return { all, written };
      });
      const summaries: ContainerSummary[] = all.map((c, i) => ({
        id: c.Id,
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        image: written[i] ?? c.Image,
        imageId: c.ImageID,
        state: c.State as ContainerState,
        status: c.Status,
        labels: { ...c.Labels },
        created: toIso(c.Created),
      }));
      return summaries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async inspectContainer(idOrName) {
      const { info, status, config } = await call(async (abortSignal) => {
        const info = (await docker.getContainer(idOrName).inspect({ abortSignal })) as unknown as Record<string, unknown>;
        const [status, image] = await Promise.all([containerStatusLine(String(info['Id']), abortSignal), rawImage(String(info['Image'] ?? ''), abortSignal)]);
        return { info, status, config: image === undefined ? undefined : asRecord(image['Config']) };
      });
      const id = String(info['Id']);
      const imageId = String(info['Image'] ?? '');
      const state = asRecord(info['State']);
      const containerConfig = asRecord(info['Config']);
      const native = nativeSpecOf(info, config);
      const spec: ContainerSpec = {
        image: String(containerConfig['Image'] ?? ''),
        labels: { ...(native['Labels'] as Record<string, string>) },
        env: [...(native['Env'] as string[])],
        native,
      };
      const test = asRecord(containerConfig['Healthcheck'])['Test'];
      const hostConfig = asRecord(info['HostConfig']);
      const restartName = asRecord(hostConfig['RestartPolicy'])['Name'];
      const detail: ContainerDetail = {
        id,
        name: String(info['Name'] ?? '').replace(/^\//, ''),
        image: spec.image,
        imageId,
        state: String(state['Status'] ?? 'created') as ContainerState,
        status: status ?? describeState(state),
        labels: { ...(asRecord(containerConfig['Labels']) as Record<string, string>) },
        created: toIso(info['Created']),
        spec,
        runtime: {
          status: String(state['Status'] ?? 'created') as ContainerState,
          running: state['Running'] === true,
          exitCode: typeof state['ExitCode'] === 'number' ? state['ExitCode'] : 0,
          startedAt: toIso(state['StartedAt']),
          finishedAt: toIso(state['FinishedAt']),
          restartCount: typeof info['RestartCount'] === 'number' ? info['RestartCount'] : 0,
          health: healthOf(state),
          error: typeof state['Error'] === 'string' ? state['Error'] : '',
        },
        hasHealthcheck: Array.isArray(test) && test.length > 0 && test[0] !== 'NONE',
        networks: Object.keys(asRecord(asRecord(info['NetworkSettings'])['Networks'])).sort(),
        mounts: (Array.isArray(info['Mounts']) ? info['Mounts'] : []).map((raw) => {
          const m = asRecord(raw);
          return {
            type: String(m['Type'] ?? ''),
            source: String(m['Source'] ?? m['Name'] ?? ''),
            destination: String(m['Destination'] ?? ''),
            readOnly: m['RW'] === false,
          };
        }),
        restartPolicy: typeof restartName === 'string' && restartName !== '' ? restartName : 'no',
      };
      return detail;
    },

    async pullImage(ref, pullOptions) {
      const auth: RegistryAuth | undefined = pullOptions?.auth;
      const secrets = auth === undefined ? [] : [auth.password];
      const signal = pullOptions?.signal;
      // The engine reports progress and failures inside the stream, and may first spend a while
      // with the registry (token, manifest) before it answers at all: both the answer and
      // each line after it must come within the idle bound.
      const answered = new AbortController();
      const timer = setTimeout(
        () => answered.abort(Object.assign(new Error(`no answer within ${pullIdleTimeoutMs} ms`), { name: 'TimeoutError' })),
        pullIdleTimeoutMs,
      );
      try {
        signal?.throwIfAborted();
        const pullArgs: Record<string, unknown> = { abortSignal: signal === undefined ? answered.signal : AbortSignal.any([signal, answered.signal]) };
        if (auth !== undefined) pullArgs['authconfig'] = { ...auth };
        const stream = (await docker.pull(ref, pullArgs)) as NodeJS.ReadableStream;
        clearTimeout(timer);
        const events = await followPull((s, done, line) => docker.modem.followProgress(s, done, line), stream, {
          idleMs: pullIdleTimeoutMs,
          onProgress: pullOptions?.onProgress,
        });
        signal?.throwIfAborted();
        const failed = events.find((event) => event['error'] !== undefined || event['errorDetail'] !== undefined);
        if (failed !== undefined) {
          const message = redactSecrets(String(failed['error'] ?? asRecord(failed['errorDetail'])['message'] ?? 'pull failed'), secrets);
          if (/not found|manifest unknown|does not exist/i.test(message)) throw new NotFoundError(message);
          throw new UpstreamError(`Docker engine: ${message}`);
        }
      } catch (error) {
        if (signal?.aborted === true) throw signal.reason;
        const translated = translate(error, secrets);
        // A registry that denies a repository or tag answers 404 (or a "not found" message) before the stream starts.
        if (translated instanceof UpstreamError && /not found|manifest unknown/i.test(translated.message)) {
          throw new NotFoundError(translated.message.replace(/^Docker engine: /, ''));
        }
        throw translated;
      } finally {
        clearTimeout(timer);
      }
    },

    async inspectImage(ref) {
      return call(async (abortSignal) => {
        const raw = await rawImage(ref, abortSignal);
        return raw === undefined ? undefined : imageSummary(raw, await containerCountsByImage(abortSignal));
      });
    },

    async listImages() {
      const [images, counts] = await call((abortSignal) => Promise.all([docker.listImages({ abortSignal }), containerCountsByImage(abortSignal)]));
      return images.map((image) => imageSummary(image as unknown as Record<string, unknown>, counts));
    },

    async removeImage(id, removeOptions) {
      await call((abortSignal) => docker.getImage(id).remove({ force: removeOptions?.force === true, abortSignal }));
    },

    async pruneImages() {
      const result = await call((abortSignal) => docker.pruneImages({ filters: { dangling: { true: true } }, abortSignal }), pruneTimeoutMs);
      const deleted = (result.ImagesDeleted ?? []).map((entry) => entry.Deleted).filter((d): d is string => typeof d === 'string' && d !== '');
      return { removed: deleted, spaceReclaimed: result.SpaceReclaimed ?? 0 };
    },

    async tagImage(id, ref) {
      const { repo, tag } = splitTag(ref);
      await call((abortSignal) => docker.getImage(id).tag({ repo, tag, abortSignal }));
    },

    async createContainer(name, spec) {
      const native = structuredClone(spec.native);
      const endpoints = asRecord(asRecord(native['NetworkingConfig'])['EndpointsConfig']);
      const networks = Object.keys(endpoints);
      const mode = asRecord(native['HostConfig'])['NetworkMode'];
      // Engines before API 1.44 accept one network at create: attach that one, connect the rest after.
      const primary =
        networks.find((n) => n === mode) ?? (mode === undefined || mode === '' || mode === 'default' ? networks.find((n) => n === 'bridge') : undefined) ?? networks[0];
      const body: Record<string, unknown> = { ...native, Image: spec.image, Labels: { ...spec.labels }, Env: [...spec.env] };
      if (primary === undefined) delete body['NetworkingConfig'];
      else body['NetworkingConfig'] = { EndpointsConfig: { [primary]: endpoints[primary] } };
      // `_query`/`_body` keep the body (env values may be secrets) out of the request URL.
      const created = await call((abortSignal) =>
        docker.createContainer({ _query: { name }, _body: body, abortSignal } as unknown as Docker.ContainerCreateOptions),
      );
      try {
        for (const network of networks) {
          if (network === primary) continue;
          await call((abortSignal) =>
            // dockerode takes the signal out of the body (its types do not declare it).
            docker.getNetwork(network).connect({
              Container: created.id,
              EndpointConfig: asRecord(endpoints[network]) as Docker.EndpointSettings,
              abortSignal,
            } as Docker.NetworkConnectOptions),
          );
        }
      } catch (error) {
        // Half-made containers must not linger under the requested name.
        await call((abortSignal) => created.remove({ force: true, abortSignal })).catch(() => undefined);
        throw error;
      }
      return created.id;
    },

    async startContainer(idOrName) {
      await idempotent((abortSignal) => docker.getContainer(idOrName).start({ abortSignal }));
    },

    async stopContainer(idOrName, stopOptions) {
      const t = stopOptions?.timeoutSeconds ?? 10;
      await idempotent((abortSignal) => docker.getContainer(idOrName).stop({ t, abortSignal }), timeoutMs + t * 1000);
    },

    async restartContainer(idOrName, restartOptions) {
      const t = restartOptions?.timeoutSeconds ?? 10;
      await call((abortSignal) => docker.getContainer(idOrName).restart({ t, abortSignal }), timeoutMs + t * 1000);
    },

    async renameContainer(idOrName, newName) {
      await call((abortSignal) => docker.getContainer(idOrName).rename({ name: newName, abortSignal }));
    },

    async removeContainer(idOrName, removeOptions) {
      await call((abortSignal) =>
        docker.getContainer(idOrName).remove({ force: removeOptions?.force === true, v: removeOptions?.volumes === true, abortSignal }),
      );
    },

    async logs(idOrName, logOptions) {
      const container = docker.getContainer(idOrName);
      const { info, raw } = await call(async (abortSignal) => {
        const info = await container.inspect({ abortSignal });
        const raw = await container.logs({
          stdout: true,
          stderr: true,
          follow: false,
          timestamps: logOptions?.timestamps === true,
          tail: logOptions?.tail ?? 'all',
          abortSignal,
        } as Docker.ContainerLogsOptions & { follow: false });
        return { info, raw };
      });
      const buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
      // With a TTY the engine sends the raw terminal stream; otherwise stdout/stderr frames.
      return info.Config.Tty ? buffer.toString('utf8') : demultiplex(buffer);
    },

    async exec(idOrName, command, execOptions): Promise<ExecResult> {
      const limit = execOptions?.timeoutMs ?? 60_000;
      const container = docker.getContainer(idOrName);
      const exec = await call((abortSignal) => container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true, Tty: false, abortSignal }));
      const stream = (await call((abortSignal) => exec.start({ hijack: true, stdin: false, abortSignal }))) as NodeJS.ReadableStream & { destroy(): void };
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finished = await new Promise<'done' | 'timeout'>((resolve, reject) => {
        timer = setTimeout(() => resolve('timeout'), limit);
        stream.on('end', () => resolve('done'));
        stream.on('close', () => resolve('done'));
        stream.on('error', (error: Error) => reject(translate(error)));
      }).finally(() => clearTimeout(timer));
      const output = demultiplex(Buffer.concat(chunks));
      if (finished === 'timeout') {
        // The engine has no way to kill an exec: we stop waiting; the process may run on inside the container.
        stream.destroy();
        return { exitCode: -1, output, timedOut: true };
      }
      // The exit code is recorded a moment after the stream closes.
      for (let attempt = 0; ; attempt++) {
        const info = await call((abortSignal) => exec.inspect({ abortSignal }));
        if (!info.Running && typeof info.ExitCode === 'number') return { exitCode: info.ExitCode, output, timedOut: false };
        if (attempt >= 50) throw new UpstreamError('Docker engine: exec finished without an exit code');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
  return port;
}

/**
 * DockerPort: everything Sentinel Kit asks of a container engine.
 *
 * Adapters: `createMemoryDocker()` (core, a faithful fake used by tests and
 * embedders) and `createDockerodeEngine()` (server, a real engine through
 * dockerode). Both pass the contract suite in `@sentinel-kit/core/testing`.
 *
 * Conventions every adapter follows:
 * - Containers are addressed by id or by name (without a leading `/`).
 * - A container, image or exec that does not exist rejects with `NotFoundError`.
 * - An engine that cannot be reached rejects with `UnavailableError`; so does one
 *   that does not answer within the adapter's request deadline (a frozen engine
 *   never holds a caller for long). Pulls, exec and stop/restart have their own bounds.
 * - Anything else the engine refuses rejects with `UpstreamError` (the engine's
 *   message is kept; credentials never appear in it).
 */
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface ContainerSummary {
  id: string;
  /** Name without the leading slash. */
  name: string;
  /** The image reference the container was created from, as written (`nginx:1.27.4`, `repo@sha256:…`). */
  image: string;
  /** Image id (`sha256:…`) the container runs. */
  imageId: string;
  state: ContainerState;
  /** Engine's human status line (`Up 5 minutes (healthy)`). */
  status: string;
  labels: Record<string, string>;
  /** ISO 8601 creation time. */
  created: string;
}

export interface ContainerRuntimeState {
  status: ContainerState;
  running: boolean;
  exitCode: number;
  /** ISO 8601; empty string when never started. */
  startedAt: string;
  finishedAt: string;
  restartCount: number;
  health: HealthStatus;
  /** Last engine error for the container (e.g. a failed start), empty when none. */
  error: string;
}

/**
 * Everything needed to create an identical container again: the snapshot of an
 * update. JSON-serialisable. Core reads and changes `image` (and may read
 * `labels`, `env`); `native` is the adapter's full creation options, which core
 * stores and hands back untouched.
 */
export interface ContainerSpec {
  image: string;
  labels: Record<string, string>;
  env: string[];
  /** Adapter-specific full creation options (dockerode: Config + HostConfig + NetworkingConfig). */
  native: Record<string, unknown>;
}

export interface ContainerDetail extends ContainerSummary {
  spec: ContainerSpec;
  runtime: ContainerRuntimeState;
  /** Whether the image declares or the container overrides a healthcheck. */
  hasHealthcheck: boolean;
  /** Networks the container is attached to. */
  networks: string[];
  /** Mount destinations inside the container. */
  mounts: Array<{ type: string; source: string; destination: string; readOnly: boolean }>;
  restartPolicy: string;
}

export interface ImageSummary {
  id: string;
  repoTags: string[];
  /** `repo@sha256:…` entries: the manifest digests this image was pulled by. */
  repoDigests: string[];
  /** ISO 8601. */
  created: string;
  size: number;
  labels: Record<string, string>;
  /** Containers (running or not) that use this image. */
  containers: number;
  dangling: boolean;
}

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress?: string;
}

export interface ExecResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

/** One progress line of a pull, as the engine reports it (per layer). */
export interface PullProgress {
  /** `Pulling fs layer`, `Downloading`, `Extracting`, `Pull complete`, `Digest: …`, `Status: …`. */
  status: string;
  /** Layer id the line is about, when it is about one. */
  layer?: string;
  /** Bytes done and in all of this layer's current phase, when the engine says. */
  current?: number;
  total?: number;
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
  name: string;
}

export interface DockerPort {
  /** Check the engine is reachable; rejects with `UnavailableError` otherwise. */
  ping(): Promise<EngineInfo>;

  /** All containers, running or not, ordered by name. */
  listContainers(): Promise<ContainerSummary[]>;
  /** Full detail of one container (id or name). */
  inspectContainer(idOrName: string): Promise<ContainerDetail>;

  /**
   * Pull `ref` (`repo:tag` or `repo@digest`); resolves when the image is present locally.
   * `onProgress` is called for each progress line the engine sends (never after the promise settles).
   */
  pullImage(ref: string, options?: { auth?: RegistryAuth; signal?: AbortSignal; onProgress?: (progress: PullProgress) => void }): Promise<void>;
  /** Local image by id or reference; `undefined` when absent. */
  inspectImage(ref: string): Promise<ImageSummary | undefined>;
  listImages(): Promise<ImageSummary[]>;
  /** Remove an image; `ConflictError` when a container still uses it. */
  removeImage(id: string, options?: { force?: boolean }): Promise<void>;
  /** Remove dangling images; returns the ids removed and the bytes reclaimed. */
  pruneImages(): Promise<{ removed: string[]; spaceReclaimed: number }>;
  /** Tag a local image with another reference (used for image backups). */
  tagImage(id: string, ref: string): Promise<void>;

  /** Create (not start) a container named `name` from `spec`; returns its id. `ConflictError` if the name is taken. */
  createContainer(name: string, spec: ContainerSpec): Promise<string>;
  startContainer(idOrName: string): Promise<void>;
  /** Stop gracefully, killing after `timeoutSeconds` (default 10). Stopping a stopped container succeeds. */
  stopContainer(idOrName: string, options?: { timeoutSeconds?: number }): Promise<void>;
  restartContainer(idOrName: string, options?: { timeoutSeconds?: number }): Promise<void>;
  renameContainer(idOrName: string, newName: string): Promise<void>;
  /** Remove a container; `force` also stops it, `volumes` removes its anonymous volumes. */
  removeContainer(idOrName: string, options?: { force?: boolean; volumes?: boolean }): Promise<void>;

  /** The last `tail` lines of the container's stdout and stderr, demultiplexed, as text. */
  logs(idOrName: string, options?: { tail?: number; timestamps?: boolean }): Promise<string>;
  /** Run a command inside a running container, bounded by `timeoutMs` (default 60 s). */
  exec(idOrName: string, command: string[], options?: { timeoutMs?: number }): Promise<ExecResult>;
}

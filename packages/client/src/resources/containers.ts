import type {
  ActionResponse,
  CheckResponse,
  Container,
  ContainerDetailBody,
  LogsResponse,
  Policy,
  PolicyResponse,
  TagsResponse,
  VersionsResponse,
} from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';
import type { HostOptions, LogsOptions } from '../types.js';

/** `/api/containers/...`, `/api/update/...`, `/api/check/...`: one container at a time. */
export class ContainersResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/containers`: every container with its effective policy. */
  list(): Promise<Container[]> {
    return this.#http.json({ method: 'GET', path: '/api/containers' });
  }

  /** `GET /api/containers/{name}`: detail with history and snapshots. */
  get(name: string, options: HostOptions = {}): Promise<ContainerDetailBody> {
    return this.#http.json({ method: 'GET', path: path`/api/containers/${name}`, query: { host: options.host } });
  }

  /** `GET /api/containers/{name}/versions`: newer compatible versions, newest first. */
  versions(name: string, options: HostOptions = {}): Promise<VersionsResponse> {
    return this.#http.json({ method: 'GET', path: path`/api/containers/${name}/versions`, query: { host: options.host } });
  }

  /** `GET /api/containers/{name}/tags`: every tag of the image's repository. */
  tags(name: string, options: HostOptions = {}): Promise<TagsResponse> {
    return this.#http.json({ method: 'GET', path: path`/api/containers/${name}/tags`, query: { host: options.host } });
  }

  /** `GET /api/containers/{name}/logs`: the last `lines` lines of output. */
  logs(name: string, options: LogsOptions = {}): Promise<LogsResponse> {
    return this.#http.json({ method: 'GET', path: path`/api/containers/${name}/logs`, query: { lines: options.lines, host: options.host } });
  }

  /** `POST /api/containers/{name}/restart`. */
  restart(name: string, options: HostOptions = {}): Promise<ActionResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/containers/${name}/restart`, query: { host: options.host } });
  }

  /** `POST /api/containers/{name}/stop`. */
  stop(name: string, options: HostOptions = {}): Promise<ActionResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/containers/${name}/stop`, query: { host: options.host } });
  }

  /** `POST /api/containers/{name}/start`. */
  start(name: string, options: HostOptions = {}): Promise<ActionResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/containers/${name}/start`, query: { host: options.host } });
  }

  /** `POST /api/update/{name}`: update to the queued target (or re-pull the tag); runs in the background. */
  update(name: string, options: HostOptions = {}): Promise<ActionResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/update/${name}`, query: { host: options.host } });
  }

  /** `POST /api/check/{name}`: check the registry now; a found update is queued. */
  check(name: string, options: HostOptions = {}): Promise<CheckResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/check/${name}`, query: { host: options.host } });
  }

  /** `POST /api/containers/{name}/rollback`: restore the last snapshot; runs in the background. */
  rollback(name: string, options: HostOptions = {}): Promise<ActionResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/containers/${name}/rollback`, query: { host: options.host } });
  }

  /** `POST /api/containers/{name}/update-to-version`: recreate on `tag` of the same repository; runs in the background. */
  updateToVersion(name: string, tag: string, options: HostOptions = {}): Promise<ActionResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/containers/${name}/update-to-version`, query: { host: options.host }, json: { tag } });
  }

  /** `POST /api/containers/{name}/policy`: set a policy override. */
  setPolicy(name: string, policy: Policy, options: HostOptions = {}): Promise<PolicyResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/containers/${name}/policy`, query: { host: options.host }, json: { policy } });
  }

  /** `DELETE /api/containers/{name}/policy`: remove the override; the answer carries the policy now in force. */
  clearPolicy(name: string, options: HostOptions = {}): Promise<PolicyResponse> {
    return this.#http.json({ method: 'DELETE', path: path`/api/containers/${name}/policy`, query: { host: options.host } });
  }
}

import type { HookBody, HookBodyResponse, HookPhaseName, ListedHook, MessageResponse } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';
import type { HostOptions } from '../types.js';

/** `/api/hooks/{container}`: pre-update and post-update commands run inside a container. */
export class HooksResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/hooks/{container}`: API and label hooks (`source`). */
  list(container: string, options: HostOptions = {}): Promise<ListedHook[]> {
    return this.#http.json({ method: 'GET', path: path`/api/hooks/${container}`, query: { host: options.host } });
  }

  /**
   * `POST /api/hooks/{container}`: create or replace the hook of one phase.
   * @example await client.hooks.set('postgres', { phase: 'pre-update', command: ['sh', '-c', 'pg_dump > backup.sql'], timeout: 60 });
   */
  set(container: string, hook: HookBody, options: HostOptions = {}): Promise<HookBodyResponse> {
    return this.#http.json({ method: 'POST', path: path`/api/hooks/${container}`, query: { host: options.host }, json: hook });
  }

  /** `DELETE /api/hooks/{container}/{phase}`. */
  remove(container: string, phase: HookPhaseName, options: HostOptions = {}): Promise<MessageResponse> {
    return this.#http.json({ method: 'DELETE', path: path`/api/hooks/${container}/${phase}`, query: { host: options.host } });
  }
}

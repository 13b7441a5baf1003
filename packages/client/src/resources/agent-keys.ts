import type { AgentKey, CreatedAgentKey } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';

/** `/api/agent-keys`: keys (`sk_agent_…`) that agents and CI jobs send as `X-Agent-Key` with inventory reports. */
export class AgentKeysResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/agent-keys` (settings.view): live keys, masked (`sk_agent_ab12…`), oldest first. */
  list(): Promise<AgentKey[]> {
    return this.#http.json({ method: 'GET', path: '/api/agent-keys' });
  }

  /** `POST /api/agent-keys` (settings.modify): the answer's `key` is the only time the key is readable. */
  create(name: string, options: { organization_id?: number } = {}): Promise<CreatedAgentKey> {
    return this.#http.json({ method: 'POST', path: '/api/agent-keys', json: { name, ...options } });
  }

  /** `DELETE /api/agent-keys/{id}` (settings.modify): revoke a key at once. */
  delete(id: string): Promise<{ message: string }> {
    return this.#http.json({ method: 'DELETE', path: path`/api/agent-keys/${id}` });
  }
}

import type { BulkPolicyBody, BulkPolicyExecuted, BulkPolicyPreview, BulkPolicyResponse } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';

/** `/api/bulk/policy`: policy changes over many containers. */
export class PolicyResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * `POST /api/bulk/policy`. Without `confirm: true` nothing changes and the
   * answer is a preview; narrow the result on `mode`.
   * @example
   * const r = await client.policy.bulk({ containers: ['web', 'db'], policy: 'pinned' });
   * if (r.mode === 'preview') console.log(r.changes);
   */
  bulk(body: BulkPolicyBody & { confirm: true }): Promise<BulkPolicyExecuted>;
  bulk(body: BulkPolicyBody & { confirm?: false }): Promise<BulkPolicyPreview>;
  bulk(body: BulkPolicyBody): Promise<BulkPolicyResponse>;
  bulk(body: BulkPolicyBody): Promise<BulkPolicyResponse> {
    return this.#http.json({ method: 'POST', path: '/api/bulk/policy', json: body });
  }
}

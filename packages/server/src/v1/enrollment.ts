import { createHash, randomBytes } from 'node:crypto';
import { UnauthenticatedError } from '@sentinel-kit/core';
import type { AssetStore, AuthService, Clock, StoragePort } from '@sentinel-kit/core';

const TOKENS = 'v1_enrollment_tokens';
const TOKEN_PREFIX = 'enr_';
const DAY_MS = 86_400_000;

/** An enrollment token as stored: only the SHA-256 of its secret. */
export interface EnrollmentToken {
  id: string;
  name: string;
  /** The first characters of the token, to tell tokens apart. */
  prefix: string;
  organization_id: number;
  created_at: string;
  expires_at: string;
  max_uses: number;
  uses: number;
  /** Agents enrolled with it. */
  agents: string[];
  created_by: string | null;
}

interface StoredToken extends EnrollmentToken {
  hash: string;
}

export interface EnrolledAgent {
  agent_id: string;
  agent_key: string;
  organization_id: number;
  asset_id: number;
}

export interface EnrollmentService {
  /** Create a token (`enr_…`, returned this once) that `max_uses` agents may enroll with until it expires. */
  createToken(input: { name: string; expires_days: number; max_uses: number; organization_id: number; created_by?: string }): Promise<{ token: string; record: EnrollmentToken }>;
  /**
   * Enroll an agent: consume one use of the token, issue the agent's key
   * (`sk_agent_…`, scope `agent`, the token's organization) and register its
   * system. Unknown, expired and used-up tokens are refused with
   * `UnauthenticatedError`, and nothing changes.
   */
  enroll(input: { token: string; hostname: string; os?: string | undefined; tags?: string[] | undefined; ip_address?: string | undefined }): Promise<EnrolledAgent>;
  list(): Promise<EnrollmentToken[]>;
}

const hash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
const strip = ({ hash: _hash, ...token }: StoredToken): EnrollmentToken => token;

/** Agent enrollment tokens over the storage port; uses are consumed one at a time (serialized in-process). */
export function createEnrollmentService(options: { storage: StoragePort; clock: Clock; auth: AuthService; assets: AssetStore }): EnrollmentService {
  const { storage, clock, auth, assets } = options;
  let queue: Promise<unknown> = Promise.resolve();
  // One enrollment at a time: two agents must never both take the last use.
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  const iso = (ms: number): string => new Date(ms).toISOString();

  return {
    async createToken(input) {
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const now = clock.now();
      const record: StoredToken = {
        id: `enrt_${randomBytes(8).toString('hex')}`,
        name: input.name,
        prefix: token.slice(0, TOKEN_PREFIX.length + 4),
        organization_id: input.organization_id,
        created_at: iso(now),
        expires_at: iso(now + input.expires_days * DAY_MS),
        max_uses: input.max_uses,
        uses: 0,
        agents: [],
        created_by: input.created_by ?? null,
        hash: hash(token),
      };
      await storage.put(TOKENS, record.hash, record);
      return { token, record: strip(record) };
    },

    enroll(input) {
      return exclusive(async () => {
        const refused = new UnauthenticatedError('invalid, expired or used-up enrollment token');
        if (typeof input.token !== 'string' || !input.token.startsWith(TOKEN_PREFIX) || input.token.length > 256) throw refused;
        const record = await storage.get<StoredToken>(TOKENS, hash(input.token));
        if (record === undefined || Date.parse(record.expires_at) <= clock.now() || record.uses >= record.max_uses) throw refused;
        const agentId = `agt_${randomBytes(10).toString('hex')}`;
        const asset = await assets.upsert({
          hostname: input.hostname,
          organization_id: record.organization_id,
          kind: 'host',
          agent_id: agentId,
          ...(input.os === undefined ? {} : { os: input.os }),
          ...(input.tags === undefined ? {} : { tags: input.tags }),
          ...(input.ip_address === undefined || input.ip_address === 'unknown' ? {} : { ip_address: input.ip_address }),
        });
        const issued = await auth.credentials.issue({
          kind: 'agent_key',
          name: `agent ${input.hostname}`.slice(0, 100),
          organization: String(record.organization_id),
          scopes: ['agent'],
          metadata: { agent_id: agentId, asset_id: asset.id, enrollment_token_id: record.id },
        });
        await storage.put(TOKENS, record.hash, { ...record, uses: record.uses + 1, agents: [...record.agents, agentId] });
        return { agent_id: agentId, agent_key: issued.secret, organization_id: record.organization_id, asset_id: asset.id };
      });
    },

    async list() {
      return (await storage.list<StoredToken>(TOKENS)).map((e) => strip(e.value)).sort((a, b) => a.created_at.localeCompare(b.created_at));
    },
  };
}

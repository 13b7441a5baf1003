import type { StoragePort } from '@sentinel-kit/core';
import type { Audit } from '@sentinel-kit/core/contract';

const AUDITS = 'v1_audits';

export interface AuditStore {
  save(audit: Audit): Promise<void>;
  /** Newest first. */
  list(filter?: { agentId?: string }): Promise<Audit[]>;
  latestFor(agentId: string): Promise<Audit | undefined>;
  /** The latest audit of each system, newest first. */
  latestPerSystem(): Promise<Audit[]>;
}

/**
 * Completed audits, keyed by completion time so they list in order; the
 * oldest beyond `max` are dropped (the latest audit of every system is
 * always kept: compliance is computed from it).
 */
export function createAuditStore(storage: StoragePort, options: { max?: number } = {}): AuditStore {
  const max = Math.max(1, options.max ?? 1000);
  const keyOf = (a: Audit): string => `${String(Date.parse(a.completed_at)).padStart(15, '0')}_${a.id}`;
  const all = async (): Promise<Array<{ key: string; value: Audit }>> => storage.list<Audit>(AUDITS, { reverse: true });

  const store: AuditStore = {
    async save(audit) {
      await storage.put(AUDITS, keyOf(audit), audit);
      const entries = await all();
      if (entries.length <= max) return;
      const latest = new Set((await store.latestPerSystem()).map((a) => a.id));
      const drop = entries.slice(max).filter((e) => !latest.has(e.value.id));
      if (drop.length > 0) await storage.batch(drop.map((e) => ({ op: 'delete' as const, collection: AUDITS, key: e.key })));
    },
    async list(filter = {}) {
      return (await all()).map((e) => e.value).filter((a) => filter.agentId === undefined || a.agent_id === filter.agentId);
    },
    async latestFor(agentId) {
      return (await all()).find((e) => e.value.agent_id === agentId)?.value;
    },
    async latestPerSystem() {
      const seen = new Map<string, Audit>();
      for (const { value } of await all()) if (!seen.has(value.agent_id)) seen.set(value.agent_id, value);
      return [...seen.values()];
    },
  };
  return store;
}

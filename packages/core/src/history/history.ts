import type { HistoryRecord, SnapshotSummary } from '../contract/native.js';
import type { ContainerSpec } from '../ports/docker.js';
import type { StorageOperation, StoragePort } from '../ports/storage.js';

const HISTORY = 'history';
const HISTORY_BY_CONTAINER = 'history_by_container';
const SNAPSHOTS = 'snapshots';

/** A stored pre-update snapshot: everything needed to recreate the container as it was. */
export interface Snapshot {
  container_name: string;
  timestamp: string;
  image: string;
  container_id: string;
  spec: ContainerSpec;
}

export interface HistoryStore {
  /** Store a record; `also` are written in the same atomic batch (e.g. closing a journal entry). */
  record(record: HistoryRecord, also?: StorageOperation[]): Promise<void>;
  /** Newest first; `before` is an exclusive RFC 3339 cursor. */
  list(options: { limit: number; before?: string | undefined }): Promise<HistoryRecord[]>;
  /** Every record, oldest first (exports). */
  all(): Promise<HistoryRecord[]>;
  forContainer(name: string, limit?: number): Promise<HistoryRecord[]>;
  count(): Promise<number>;
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  latestSnapshot(name: string): Promise<Snapshot | undefined>;
  snapshots(name: string): Promise<SnapshotSummary[]>;
  snapshotCount(): Promise<number>;
}

export interface HistoryStoreOptions {
  /** Snapshots kept per container (oldest dropped). @default 5 */
  snapshotsPerContainer?: number;
}

/**
 * History keys are `<RFC 3339 ms timestamp>#<sequence>` so that storage order
 * is time order and two records in the same millisecond keep their order.
 */
export function createHistoryStore(storage: StoragePort, options: HistoryStoreOptions = {}): HistoryStore {
  const keep = Math.max(1, options.snapshotsPerContainer ?? 5);
  let seq = 0;
  const nextSuffix = (): string => String(++seq % 1_000_000).padStart(6, '0');

  return {
    async record(record, also = []) {
      const key = `${normaliseTimestamp(record.timestamp)}#${nextSuffix()}`;
      await storage.batch([
        ...also,
        { op: 'put', collection: HISTORY, key, value: record },
        { op: 'put', collection: HISTORY_BY_CONTAINER, key: `${record.container_name}/${key}`, value: key },
      ]);
    },
    async list({ limit, before }) {
      const entries = await storage.list<HistoryRecord>(HISTORY, {
        reverse: true,
        limit,
        ...(before === undefined ? {} : { before: normaliseTimestamp(before) }),
      });
      return entries.map((e) => e.value);
    },
    async all() {
      return (await storage.list<HistoryRecord>(HISTORY)).map((e) => e.value);
    },
    async forContainer(name, limit = 50) {
      const refs = await storage.list<string>(HISTORY_BY_CONTAINER, { prefix: `${name}/`, reverse: true, limit });
      const out: HistoryRecord[] = [];
      for (const ref of refs) {
        const rec = await storage.get<HistoryRecord>(HISTORY, ref.value);
        if (rec !== undefined) out.push(rec);
      }
      return out;
    },
    count: () => storage.count(HISTORY),
    async saveSnapshot(snapshot) {
      const key = `${snapshot.container_name}/${normaliseTimestamp(snapshot.timestamp)}#${nextSuffix()}`;
      await storage.put(SNAPSHOTS, key, snapshot);
      const all = await storage.list(SNAPSHOTS, { prefix: `${snapshot.container_name}/` });
      const excess = all.length - keep;
      if (excess > 0) {
        await storage.batch(all.slice(0, excess).map((e) => ({ op: 'delete' as const, collection: SNAPSHOTS, key: e.key })));
      }
    },
    async latestSnapshot(name) {
      const [latest] = await storage.list<Snapshot>(SNAPSHOTS, { prefix: `${name}/`, reverse: true, limit: 1 });
      return latest?.value;
    },
    async snapshots(name) {
      const entries = await storage.list<Snapshot>(SNAPSHOTS, { prefix: `${name}/`, reverse: true });
      return entries.map((e) => ({ container_name: e.value.container_name, timestamp: e.value.timestamp, image: e.value.image }));
    },
    snapshotCount: () => storage.count(SNAPSHOTS),
  };
}

/** RFC 3339 in UTC with milliseconds, so keys sort as times. */
function normaliseTimestamp(ts: string): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toISOString();
}

import type { ActivityEntry, ActivityLevel } from '../contract/ops.js';
import { errorMessage } from '../errors/index.js';
import type { EventBus, SentinelEvent } from '../events/event-bus.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type { StoragePort } from '../ports/storage.js';

const COLLECTION = 'activity_log';
// Keys are zero-padded ids so that storage order is id order.
const KEY_WIDTH = 16;

/** What a caller records; id and timestamp are stamped by the log. */
export interface ActivityInput {
  type: string;
  message: string;
  /** @default 'info' */
  level?: ActivityLevel;
  container_name?: string;
  host_id?: string;
  host_name?: string;
  user?: string;
}

export interface ActivityLog {
  /** Append an entry (the oldest beyond capacity is dropped); resolves once stored. */
  record(input: ActivityInput): Promise<ActivityEntry>;
  /** Newest first. */
  list(options?: { limit?: number | undefined; type?: string | undefined }): Promise<ActivityEntry[]>;
  /** Turn every event published on `events` into an entry (noisy status events excepted); returns the unsubscribe function. */
  follow(events: EventBus): () => void;
  /** Wait until every entry recorded so far is stored. */
  flush(): Promise<void>;
}

export interface ActivityLogOptions {
  storage: StoragePort;
  /** @default systemClock */
  clock?: Clock;
  /** Entries kept; the oldest are dropped. @default 1000 */
  capacity?: number;
  /** Told when storing an entry failed (the entry stays in memory). */
  onError?: (error: unknown) => void;
}

/**
 * The activity log: a bounded, persisted list of what happened (scans,
 * updates, rollbacks, policy and settings changes, webhooks…), newest first.
 * Entries are kept in memory and in the `activity_log` collection, so they
 * survive restarts; writes are serialised so ids and trimming stay in order.
 */
export function createActivityLog(options: ActivityLogOptions): ActivityLog {
  const { storage } = options;
  const clock = options.clock ?? systemClock;
  const capacity = Math.max(1, options.capacity ?? 1000);
  // Oldest first; never longer than `capacity`.
  let entries: ActivityEntry[] = [];
  let nextId = 1;

  const loaded: Promise<void> = (async () => {
    const stored = await storage.list<ActivityEntry>(COLLECTION);
    entries = stored.map((e) => e.value).slice(-capacity);
    nextId = (entries.at(-1)?.id ?? 0) + 1;
    // A capacity lowered since the last run leaves extra entries behind: drop them.
    const extra = stored.slice(0, Math.max(0, stored.length - capacity));
    if (extra.length > 0) await storage.batch(extra.map((e) => ({ op: 'delete' as const, collection: COLLECTION, key: e.key })));
  })();
  let chain: Promise<unknown> = loaded.catch((error: unknown) => options.onError?.(error));

  const keyOf = (id: number): string => String(id).padStart(KEY_WIDTH, '0');

  const record = (input: ActivityInput): Promise<ActivityEntry> => {
    const result = chain.then(async () => {
      const entry: ActivityEntry = {
        id: nextId++,
        timestamp: new Date(clock.now()).toISOString(),
        type: input.type,
        level: input.level ?? 'info',
        message: input.message,
        ...(input.container_name === undefined || input.container_name === '' ? {} : { container_name: input.container_name }),
        ...(input.host_id === undefined || input.host_id === '' ? {} : { host_id: input.host_id }),
        ...(input.host_name === undefined || input.host_name === '' ? {} : { host_name: input.host_name }),
        ...(input.user === undefined || input.user === '' ? {} : { user: input.user }),
      };
      entries.push(entry);
      const dropped = entries.length > capacity ? entries.splice(0, entries.length - capacity) : [];
      try {
        await storage.batch([
          { op: 'put', collection: COLLECTION, key: keyOf(entry.id), value: entry },
          ...dropped.map((d) => ({ op: 'delete' as const, collection: COLLECTION, key: keyOf(d.id) })),
        ]);
      } catch (error) {
        options.onError?.(error);
      }
      return entry;
    });
    chain = result.catch(() => undefined);
    return result;
  };

  return {
    record,
    async list({ limit = 100, type } = {}) {
      await chain;
      const out: ActivityEntry[] = [];
      for (let i = entries.length - 1; i >= 0 && out.length < limit; i--) {
        const e = entries[i] as ActivityEntry;
        if (type === undefined || e.type === type) out.push({ ...e });
      }
      return out;
    },
    follow(events) {
      return events.subscribe((event) => {
        const input = activityFromEvent(event);
        if (input !== undefined) record(input).catch((error: unknown) => options.onError?.(new Error(`activity entry lost: ${errorMessage(error)}`)));
      });
    },
    async flush() {
      await chain;
    },
  };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * How an event reads in the activity log, or `undefined` for events that are
 * status rather than activity (rate-limit updates).
 */
export function activityFromEvent(event: SentinelEvent): ActivityInput | undefined {
  const base = {
    ...(event.container_name === undefined ? {} : { container_name: event.container_name }),
    host_id: event.host_id,
    host_name: event.host_name,
  };
  const data = event.data ?? {};
  switch (event.type) {
    case 'scan_complete': {
      const failed = num(data.failed);
      const parts = [
        plural(num(data.checked), 'container') + ' checked',
        plural(num(data.updates_available), 'update') + ' available',
        `${num(data.queued)} queued`,
        `${num(data.updated)} updated`,
      ];
      if (num(data.rolled_back) > 0) parts.push(`${num(data.rolled_back)} rolled back`);
      if (failed > 0) parts.push(`${failed} failed`);
      return { ...base, type: 'scan', level: failed > 0 ? 'warn' : 'info', message: `${event.message}: ${parts.join(', ')}` };
    }
    case 'container_update': {
      const outcome = data.outcome;
      const isRollback = /^rollback\b/i.test(event.message) || / rolled back to /.test(event.message);
      if (outcome === 'rolled_back') return { ...base, type: 'rollback', level: 'warn', message: event.message };
      if (outcome === 'failed') return { ...base, type: isRollback ? 'rollback' : 'update', level: 'error', message: event.message };
      if (outcome !== undefined || data.phase !== undefined) return { ...base, type: isRollback ? 'rollback' : 'update', level: 'info', message: event.message };
      // A check that failed during a scan, or an update found.
      if (data.error !== undefined) return { ...base, type: 'scan', level: 'warn', message: `${event.message}: ${String(data.error)}` };
      return { ...base, type: 'update', level: 'info', message: event.message };
    }
    case 'container_state':
      return { ...base, type: 'container', level: 'info', message: event.message };
    case 'queue_change':
      return { ...base, type: 'queue', level: 'info', message: event.container_name === undefined ? event.message : `${event.container_name}: ${event.message}` };
    case 'policy_change':
      return { ...base, type: 'policy', level: 'info', message: event.message };
    case 'settings_change':
      return { ...base, type: 'settings', level: 'info', message: event.message };
    case 'digest_ready':
      return { ...base, type: 'notification', level: 'info', message: event.message };
    case 'ghcr_check':
      return { ...base, type: 'registry', level: 'info', message: event.message };
    case 'service_update':
      return { ...base, type: 'service', level: outcomeLevel(data.outcome), message: event.message };
    case 'cluster_host':
      return { ...base, type: 'cluster', level: 'info', message: event.message };
    case 'rate_limits':
      return undefined;
    default:
      // An event type added later still shows up, under its own name.
      return { ...base, type: String((event as { type: string }).type), level: 'info', message: event.message };
  }
}

function outcomeLevel(outcome: unknown): ActivityLevel {
  if (outcome === 'failed') return 'error';
  if (outcome === 'rolled_back') return 'warn';
  return 'info';
}

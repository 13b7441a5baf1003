import { asideName } from './aside-name.js';
import type { ContainerSpec } from '../ports/docker.js';
import type { Clock } from '../ports/clock.js';
import type { StoragePort, StorageOperation } from '../ports/storage.js';

const JOURNAL = 'update_journal';

/**
 * The steps of a container transaction, in order. Each is written to storage
 * once it has happened and before the next one starts.
 */
export const JOURNAL_STEPS = ['begun', 'pulled', 'old_stopped', 'old_set_aside', 'new_created', 'new_started', 'health_passed', 'old_removed'] as const;
export type JournalStep = (typeof JOURNAL_STEPS)[number];

/** What recovery needs to carry an interrupted transaction to an end. */
export interface JournalEntry {
  /** Short, unique, sortable by start time; also part of the set-aside name. */
  id: string;
  kind: 'update' | 'rollback';
  container_name: string;
  host_id: string;
  host_name: string;
  /** Epoch ms. */
  started_at: number;
  /** The container as it was: what a rollback restores. */
  old: { id: string; image: string; image_id: string; was_running: boolean; spec: ContainerSpec };
  /** The container the transaction creates. */
  target: { image: string; spec: ContainerSpec };
  /** The name the old container has while it is set aside. */
  aside_name: string;
  /** The new container's id once created. */
  new_id?: string;
  /** What a finished transaction also does. */
  finish: { remove_volumes: boolean; cleanup_image_id?: string };
  steps: Array<{ step: JournalStep; at: string }>;
}

export type NewJournalEntry = Omit<JournalEntry, 'id' | 'steps' | 'started_at' | 'aside_name'>;

/**
 * The durable record of every container transaction in flight. An entry is
 * written before the transaction touches the container and deleted in the same
 * storage batch as the history record of its end, so after a crash at any point
 * storage holds either an open entry (to recover) or the record (done), never neither.
 */
export interface UpdateJournal {
  /** Write the intent of a transaction; resolves once it is durable. */
  begin(entry: NewJournalEntry): Promise<JournalEntry>;
  /** Record that `step` has happened (with the new container's id once it exists). */
  step(id: string, step: JournalStep, data?: { new_id?: string; finish?: JournalEntry['finish'] }): Promise<void>;
  /** The operations that close the entry, for a batch with the history record. */
  closeOperations(id: string): StorageOperation[];
  /** Delete the entry (when no record is written with it). */
  close(id: string): Promise<void>;
  /** Every unfinished entry, oldest first. */
  open(): Promise<JournalEntry[]>;
  get(id: string): Promise<JournalEntry | undefined>;
}

export function createUpdateJournal(storage: StoragePort, clock: Clock): UpdateJournal {
  let seq = 0;
  // Time first (base 36, fixed width) so that keys sort by start; a counter and a
  // random tail keep two entries of one millisecond (or two processes) apart.
  const nextId = (): string =>
    clock.now().toString(36).padStart(9, '0') + (++seq % 1296).toString(36).padStart(2, '0') + Math.floor(Math.random() * 1296).toString(36).padStart(2, '0');

  const mustGet = async (id: string): Promise<JournalEntry> => {
    const entry = await storage.get<JournalEntry>(JOURNAL, id);
    if (entry === undefined) throw new Error(`journal entry ${id} does not exist`);
    return entry;
  };

  return {
    async begin(input) {
      const id = nextId();
      const at = clock.now();
      const entry: JournalEntry = { ...input, id, started_at: at, aside_name: asideName(input.container_name, id), steps: [{ step: 'begun', at: new Date(at).toISOString() }] };
      await storage.put(JOURNAL, id, entry);
      return entry;
    },
    async step(id, step, data = {}) {
      const entry = await mustGet(id);
      if (entry.steps[entry.steps.length - 1]?.step !== step) entry.steps.push({ step, at: new Date(clock.now()).toISOString() });
      if (data.new_id !== undefined) entry.new_id = data.new_id;
      if (data.finish !== undefined) entry.finish = data.finish;
      await storage.put(JOURNAL, id, entry);
    },
    closeOperations: (id) => [{ op: 'delete', collection: JOURNAL, key: id }],
    async close(id) {
      await storage.delete(JOURNAL, id);
    },
    async open() {
      return (await storage.list<JournalEntry>(JOURNAL)).map((e) => e.value);
    },
    get: (id) => storage.get<JournalEntry>(JOURNAL, id),
  };
}

/** Whether the entry records `step`. */
export function hasStep(entry: JournalEntry, step: JournalStep): boolean {
  return entry.steps.some((s) => s.step === step);
}

/** The last step the entry records. */
export function lastStep(entry: JournalEntry): JournalStep {
  return entry.steps[entry.steps.length - 1]?.step ?? 'begun';
}

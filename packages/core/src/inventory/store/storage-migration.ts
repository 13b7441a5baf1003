import type { StoragePort, StorageOperation } from '../../ports/storage.js';
import type { VulnerabilityStore } from '../../ports/vulnerability-store.js';
import type { KevCatalogInfo } from '../feeds/kev-feed.js';
import { compareTimestamps, isStoredVulnerability } from '../feeds/vulnerability-record.js';
import type { StoredKevEntry, StoredVulnerability } from '../feeds/vulnerability-record.js';
import { recordKeyOf } from '../matcher/vulnerability-index.js';

/**
 * The storage collections earlier versions kept vulnerability data in, inside
 * the one storage document: records (`nvd/<CVE>`, `osv/<id>`), KEV entries (by
 * CVE) and feed metadata (`kev`). `migrateVulnerabilityStorage` empties them.
 */
export const VULNERABILITY_COLLECTIONS = {
  records: 'vuln_records',
  kev: 'vuln_kev',
  meta: 'vuln_meta',
} as const;

/** What a migration moved. */
export interface VulnerabilityMigration {
  /** Records now in the store and gone from storage. */
  records: number;
  kev_entries: number;
  /** Documents of `vuln_records` that are not records: left where they were. */
  unreadable: number;
}

/**
 * Move vulnerability data that an earlier version kept in `storage` into the
 * store, then delete it from storage (one batch, so a file-backed storage
 * shrinks back with its next write). Copy first, delete after: an interrupted
 * migration is finished by the next one, and nothing is lost. A record the
 * store already holds in a newer version stays as the store has it.
 */
export async function migrateVulnerabilityStorage(storage: StoragePort, store: VulnerabilityStore, options: { batchSize?: number } = {}): Promise<VulnerabilityMigration> {
  const batchSize = options.batchSize ?? 500;
  const result: VulnerabilityMigration = { records: 0, kev_entries: 0, unreadable: 0 };
  const [recordCount, kevCount, kevInfo] = await Promise.all([
    storage.count(VULNERABILITY_COLLECTIONS.records),
    storage.count(VULNERABILITY_COLLECTIONS.kev),
    storage.get<KevCatalogInfo>(VULNERABILITY_COLLECTIONS.meta, 'kev'),
  ]);
  if (recordCount === 0 && kevCount === 0 && kevInfo === undefined) return result;

  const deletions: StorageOperation[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await storage.list<unknown>(VULNERABILITY_COLLECTIONS.records, after === undefined ? { limit: batchSize } : { after, limit: batchSize });
    const records: StoredVulnerability[] = [];
    const storageKeys = new Map<string, string>();
    for (const { key, value } of page) {
      if (isStoredVulnerability(value) && key === recordKeyOf(value.source, value.id)) {
        records.push(value);
        storageKeys.set(key, key);
      } else {
        result.unreadable++;
      }
    }
    const versions = await store.versions(records.map((record) => recordKeyOf(record.source, record.id)));
    const newer = records.filter((record) => {
      const held = versions.get(recordKeyOf(record.source, record.id));
      return held === undefined || compareTimestamps(held.lastModified, record.last_modified) < 0;
    });
    if (newer.length > 0) await store.putRecords(newer);
    for (const key of storageKeys.keys()) deletions.push({ op: 'delete', collection: VULNERABILITY_COLLECTIONS.records, key });
    result.records += records.length;
    if (page.length < batchSize) break;
    after = (page[page.length - 1] as { key: string }).key;
  }

  const entries = (await storage.list<StoredKevEntry>(VULNERABILITY_COLLECTIONS.kev)).filter(({ key, value }) => typeof value?.date_added === 'string' && value.cve_id === key);
  const held = new Set((await store.kevEntries(entries.map(({ key }) => key))).map((entry) => entry.cve_id));
  const catalog = kevInfo !== undefined && (await store.kevCatalog()) === null ? kevInfo : undefined;
  await store.applyKev({ put: entries.filter(({ key }) => !held.has(key)).map(({ value }) => value), remove: [], ...(catalog === undefined ? {} : { catalog }) });
  for (const { key } of entries) deletions.push({ op: 'delete', collection: VULNERABILITY_COLLECTIONS.kev, key });
  result.kev_entries = entries.length;
  if (kevInfo !== undefined) deletions.push({ op: 'delete', collection: VULNERABILITY_COLLECTIONS.meta, key: 'kev' });

  if (deletions.length > 0) await storage.batch(deletions);
  return result;
}

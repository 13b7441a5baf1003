export { createMemoryVulnerabilityStore } from './memory-vulnerability-store.js';
export type { MemoryVulnerabilityStoreOptions } from './memory-vulnerability-store.js';
export { recordIndexEntries, severityRank } from './record-entries.js';
export type { CpeIndexEntry, NameIndexEntry, RecordIndexEntries, RecordSummaryFields } from './record-entries.js';
export { DEFAULT_MAX_RECORD_BYTES, storableRecordJson } from './record-limits.js';
export { compareStoreOrder } from './store-order.js';
export { migrateVulnerabilityStorage, VULNERABILITY_COLLECTIONS } from './storage-migration.js';
export type { VulnerabilityMigration } from './storage-migration.js';

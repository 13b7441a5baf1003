// Vulnerability data and matching: feeds (NVD 2.0, OSV, KEV), CPE 2.3, version schemes, the matcher.
export { createVulnerabilityDatabase, matchInventory, VULNERABILITY_COLLECTIONS } from './vulnerability-database.js';
export type {
  VulnerabilityDatabase,
  VulnerabilityDatabaseOptions,
  VulnerabilityDatabaseStats,
  VulnerabilityQuery,
  VulnerabilityPage,
  VulnerabilitySort,
  VulnerabilityChange,
  ImportOptions,
  KevImportOptions,
  ImportProgress,
  NvdInput,
  OsvInput,
  KevInput,
} from './vulnerability-database.js';
export {
  createMemoryVulnerabilityStore,
  recordIndexEntries,
  severityRank,
  DEFAULT_MAX_RECORD_BYTES,
  storableRecordJson,
  compareStoreOrder,
  migrateVulnerabilityStorage,
} from './store/index.js';
export type {
  MemoryVulnerabilityStoreOptions,
  CpeIndexEntry,
  NameIndexEntry,
  RecordIndexEntries,
  RecordSummaryFields,
  VulnerabilityMigration,
} from './store/index.js';
export { isStoredVulnerability } from './feeds/vulnerability-record.js';
export type { KevCatalogInfo } from './feeds/kev-feed.js';
export { DEFAULT_MAX_JSON_VALUE_CHARS } from './feeds/json-stream.js';
export type { JsonStreamOptions } from './feeds/json-stream.js';
export { createAssetIndex, itemKeys } from './matcher/asset-index.js';
export type { AssetIndex } from './matcher/asset-index.js';
export { normalizeName, normalizeVendor, vendorRelation, PRODUCT_ALIASES } from './matcher/names.js';
export { packageIdentity, parsePurl, splitEcosystem } from './matcher/package-identity.js';
export type { PackageIdentity, ParsedPurl } from './matcher/package-identity.js';
export { parseNvdCve } from './feeds/nvd-feed.js';
export { parseOsvRecord } from './feeds/osv-feed.js';
export { parseKevEntry } from './feeds/kev-feed.js';
export { streamJsonArray } from './feeds/json-stream.js';
export type { JsonStreamEvent, JsonTextStream } from './feeds/json-stream.js';
export { cvss2BaseScore, cvss3BaseScore, severityFromScore, primaryMetric } from './feeds/cvss.js';
export type { StoredVulnerability, StoredKevEntry, ParsedRecord } from './feeds/vulnerability-record.js';
export {
  compareVersions,
  detectScheme,
  schemeForEcosystem,
  upstreamVersion,
  isVersionScheme,
  VERSION_SCHEMES,
  compareDebianVersions,
  compareRpmVersions,
  compareApkVersions,
  compareGenericVersions,
  inVersionRange,
} from './versions/index.js';
export type { VersionScheme, SchemeHints, VersionRange } from './versions/index.js';
export {
  CPE_ATTRIBUTES,
  ANY,
  NA,
  parseCpe,
  tryParseCpe,
  formatCpe,
  formatWfn,
  createWfn,
  quoteCpeValue,
  unquoteCpeValue,
  cpeValueText,
  compareCpe,
  compareCpeValues,
  cpeMatches,
} from './cpe/index.js';
export type { CpeAttribute, CpeValue, CpeLogicalValue, Wfn, CpeRelation, CpeComparison } from './cpe/index.js';
export type {
  InventoryItem,
  InventoryMatch,
  MatchMethod,
  MatchConfidence,
  Severity,
  CvssMetric,
  KevInfo,
  VulnerabilitySummary,
  VulnerabilityDetail,
  ImportSummary,
} from '../contract/inventory.js';
export { createAssetStore } from './assets/index.js';
export type { Asset, AssetKind, AssetStore, Organization, UpsertAssetInput } from './assets/index.js';

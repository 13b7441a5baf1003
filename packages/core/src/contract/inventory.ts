import { z } from 'zod';

/**
 * Wire shapes of software inventory and vulnerability data (seeds 000, 002,
 * 004): what an agent reports, what the vulnerability database holds, and
 * what matching a report returns. Field names of the seeds (`in_kev`,
 * `severity`, `vendor`, `cpe`…) keep their names; the rest are additive.
 */

/** One installed product, as seed 000's "Software Item Schema" plus optional package identity. */
export const InventoryItemSchema = z.object({
  /** Software product name. */
  name: z.string().min(1),
  /** Installed version. */
  version: z.string(),
  /** Software vendor or publisher. */
  vendor: z.string().optional(),
  /** CPE identifier if known (2.3 formatted string or 2.2 URI): used directly for matching. */
  cpe: z.string().optional(),
  /** Package URL (`pkg:deb/debian/openssl@3.0.11-1~deb12u2`): matched against OSV packages. */
  purl: z.string().optional(),
  /** Package manager or type (`deb`, `rpm`, `apk`, `npm`, `pypi`…): picks the version scheme. */
  package_type: z.string().optional(),
  /** CPE part of the product when known: `a` application, `o` operating system, `h` hardware. */
  part: z.enum(['a', 'o', 'h']).optional(),
  /** Operating system family of the host (`debian`, `Ubuntu 22.04`, `alpine`…): picks the scheme and OSV ecosystem. */
  os_family: z.string().optional(),
});
export type InventoryItem = z.infer<typeof InventoryItemSchema>;

export const SeveritySchema = z.enum(['critical', 'high', 'medium', 'low', 'none', 'unknown']);
export type Severity = z.infer<typeof SeveritySchema>;

export const CvssMetricSchema = z.object({
  version: z.enum(['2.0', '3.0', '3.1', '4.0']),
  /** Who scored it (NVD's `source`, e.g. `nvd@nist.gov`), when known. */
  source: z.string().nullable(),
  /** NVD's `Primary` (scored by NVD) or `Secondary` (by the CNA). */
  type: z.string().nullable(),
  vector: z.string(),
  base_score: z.number().nullable(),
  base_severity: SeveritySchema,
});
export type CvssMetric = z.infer<typeof CvssMetricSchema>;

export const KevInfoSchema = z.object({
  date_added: z.string(),
  due_date: z.string().nullable(),
  required_action: z.string().nullable(),
  vulnerability_name: z.string().nullable(),
  /** CISA's `knownRansomwareCampaignUse`: `Known` or `Unknown`. */
  known_ransomware_campaign_use: z.string().nullable(),
  /** Where it came from: the KEV catalogue, or the `cisa*` fields of an NVD record. */
  source: z.enum(['kev', 'nvd']),
});
export type KevInfo = z.infer<typeof KevInfoSchema>;

export const VulnerabilitySourceSchema = z.enum(['nvd', 'osv']);
export type VulnerabilitySource = z.infer<typeof VulnerabilitySourceSchema>;

export const VulnerabilitySummarySchema = z.object({
  /** Record id: a CVE id for NVD, the advisory id for OSV (`GHSA-…`, `DSA-…`). */
  id: z.string(),
  source: VulnerabilitySourceSchema,
  /** The CVE this record is about: its id, or its first CVE alias; null when it has none. */
  cve: z.string().nullable(),
  aliases: z.array(z.string()),
  /** KEV vulnerability name, or the OSV summary. */
  title: z.string().nullable(),
  severity: SeveritySchema,
  cvss_score: z.number().nullable(),
  cvss_version: z.string().nullable(),
  cvss_vector: z.string().nullable(),
  /** Listed in CISA's Known Exploited Vulnerabilities catalogue. */
  in_kev: z.boolean(),
  kev_date_added: z.string().nullable(),
  kev_due_date: z.string().nullable(),
  known_ransomware: z.boolean(),
  published: z.string().nullable(),
  last_modified: z.string(),
  /** NVD `vulnStatus` (`Analyzed`, `Rejected`…), or `Withdrawn` for a withdrawn OSV record. */
  status: z.string().nullable(),
});
export type VulnerabilitySummary = z.infer<typeof VulnerabilitySummarySchema>;

export const NvdCpeMatchSchema = z.object({
  criteria: z.string(),
  vulnerable: z.boolean(),
  versionStartIncluding: z.string().optional(),
  versionStartExcluding: z.string().optional(),
  versionEndIncluding: z.string().optional(),
  versionEndExcluding: z.string().optional(),
  matchCriteriaId: z.string().optional(),
});
export type NvdCpeMatch = z.infer<typeof NvdCpeMatchSchema>;

export const NvdNodeSchema = z.object({
  operator: z.enum(['AND', 'OR']),
  negate: z.boolean(),
  cpeMatch: z.array(NvdCpeMatchSchema),
});
export type NvdNode = z.infer<typeof NvdNodeSchema>;

/** One NVD applicability statement, in NVD API 2.0's own field names. */
export const NvdConfigurationSchema = z.object({
  operator: z.enum(['AND', 'OR']),
  negate: z.boolean(),
  nodes: z.array(NvdNodeSchema),
});
export type NvdConfiguration = z.infer<typeof NvdConfigurationSchema>;

export const OsvEventSchema = z.object({
  introduced: z.string().optional(),
  fixed: z.string().optional(),
  last_affected: z.string().optional(),
  limit: z.string().optional(),
});
export type OsvEvent = z.infer<typeof OsvEventSchema>;

export const OsvRangeSchema = z.object({
  type: z.enum(['SEMVER', 'ECOSYSTEM', 'GIT']),
  repo: z.string().optional(),
  events: z.array(OsvEventSchema),
});
export type OsvRange = z.infer<typeof OsvRangeSchema>;

/** One OSV `affected[]` entry, in the OSV schema's field names. */
export const OsvAffectedSchema = z.object({
  ecosystem: z.string(),
  name: z.string(),
  purl: z.string().nullable(),
  ranges: z.array(OsvRangeSchema),
  versions: z.array(z.string()),
});
export type OsvAffected = z.infer<typeof OsvAffectedSchema>;

export const VulnerabilityDetailSchema = VulnerabilitySummarySchema.extend({
  description: z.string(),
  /** Every CVSS metric of the record; the summary's `cvss_*` fields come from the primary one. */
  cvss: z.array(CvssMetricSchema),
  cwes: z.array(z.string()),
  references: z.array(z.string()),
  kev: KevInfoSchema.nullable(),
  /** NVD applicability statements (empty for OSV records). */
  configurations: z.array(NvdConfigurationSchema),
  /** OSV affected packages (empty for NVD records). */
  affected: z.array(OsvAffectedSchema),
});
export type VulnerabilityDetail = z.infer<typeof VulnerabilityDetailSchema>;

export const MatchMethodSchema = z.enum(['cpe', 'purl', 'vendor_product', 'keyword']);
export type MatchMethod = z.infer<typeof MatchMethodSchema>;

export const MatchConfidenceSchema = z.enum(['high', 'medium', 'low']);
export type MatchConfidence = z.infer<typeof MatchConfidenceSchema>;

/** One vulnerability found for one reported item. */
export const InventoryMatchSchema = z.object({
  /** Position of the item in the list that was matched. */
  item_index: z.number().int(),
  item_name: z.string(),
  item_version: z.string(),
  vulnerability_id: z.string(),
  cve: z.string().nullable(),
  aliases: z.array(z.string()),
  source: VulnerabilitySourceSchema,
  method: MatchMethodSchema,
  confidence: MatchConfidenceSchema,
  severity: SeveritySchema,
  cvss_score: z.number().nullable(),
  in_kev: z.boolean(),
  kev_due_date: z.string().nullable(),
  /** The first version that is not affected, when the data says (NVD `versionEndExcluding`, OSV `fixed`). */
  fixed_version: z.string().nullable(),
  /** What matched: the NVD criteria CPE, or `ecosystem/name` of the OSV package. */
  matched: z.string(),
  /** The record's platform condition (an AND configuration) could not be checked: the inventory has no item of that kind. */
  platform_unverified: z.boolean(),
});
export type InventoryMatch = z.infer<typeof InventoryMatchSchema>;

export const ImportSummarySchema = z.object({
  source: z.enum(['nvd', 'osv', 'kev']),
  /** Records read from the input. */
  processed: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.number().int(),
  /** KEV entries no longer in the catalogue (full-catalogue imports only). */
  removed: z.number().int(),
  /** Skip count per reason. */
  skipped_reasons: z.record(z.string(), z.number().int()),
  /** The first skipped records, with their reason. */
  skipped_examples: z.array(z.object({ id: z.string().nullable(), reason: z.string() })),
  /** Ids of the records added, updated or removed (CVE ids for KEV). */
  changed_ids: z.array(z.string()),
  /** Criteria or packages that were ignored inside imported records (malformed CPE…). */
  warnings: z.number().int(),
});
export type ImportSummary = z.infer<typeof ImportSummarySchema>;

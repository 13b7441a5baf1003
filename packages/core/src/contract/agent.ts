import { z } from 'zod';
import { ImportSummarySchema, InventoryItemSchema, MatchConfidenceSchema, MatchMethodSchema, SeveritySchema, VulnerabilityDetailSchema, VulnerabilitySourceSchema } from './inventory.js';

/**
 * Wire shapes of inventory reports (seed 000: `POST /api/agent/report` with
 * `X-Agent-Key`), agent keys, the native-style queries over what was
 * imported (assets, products, their vulnerabilities) and vulnerability feed
 * imports. Field names of seed 000 keep their names; the rest are additive.
 */

/** Seed 000's "Software Item Schema" (`name`, `version`, `vendor`, `cpe`) plus optional package identity. */
export const ReportSoftwareItemSchema = InventoryItemSchema;
export type ReportSoftwareItem = z.infer<typeof ReportSoftwareItemSchema>;

/** An item of `software_removed`: by name, one version or (without `version`) every version of the name. */
export const RemovedSoftwareItemSchema = z.object({
  name: z.string().min(1),
  version: z.string().optional(),
});
export type RemovedSoftwareItem = z.infer<typeof RemovedSoftwareItemSchema>;

const ip = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

/**
 * `POST /api/agent/report`: a full report (`software`, which replaces the
 * host's inventory) or a delta (`"delta": true` with `software_added` and/or
 * `software_removed`, which change only those items).
 */
export const AgentReportBodySchema = z
  .object({
    /** Unique identifier of the asset within its organization. */
    hostname: z.string({ error: 'required: the host name (a string)' }).trim().min(1, 'must not be empty').max(255),
    /** Operating system name and version. @default "Unknown" */
    os: z.string().trim().max(255).optional(),
    /** Target organization. @default the agent key's organization */
    organization_id: z.number().int().positive().optional(),
    /** Asset IP address. @default the address the report came from */
    ip_address: ip.optional(),
    /** Custom tags for the asset. @default [] */
    tags: z.array(z.string().trim().min(1).max(64)).max(100).optional(),
    software: z.array(ReportSoftwareItemSchema).max(200_000).optional(),
    delta: z.boolean().optional(),
    software_added: z.array(ReportSoftwareItemSchema).max(200_000).optional(),
    software_removed: z.array(RemovedSoftwareItemSchema).max(200_000).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.delta === true) {
      if (body.software !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['software'], message: 'a delta report sends software_added / software_removed, not software' });
      }
      if (body.software_added === undefined && body.software_removed === undefined) {
        ctx.addIssue({ code: 'custom', path: ['software_added'], message: 'required in a delta report (or software_removed)' });
      }
    } else {
      if (body.software === undefined) {
        ctx.addIssue({ code: 'custom', path: ['software'], message: 'required: the list of installed software (or send "delta": true with software_added / software_removed)' });
      }
      for (const field of ['software_added', 'software_removed'] as const) {
        if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'only allowed with "delta": true' });
      }
    }
  });
export type AgentReportBody = z.infer<typeof AgentReportBodySchema>;

/** The answer to an accepted report, as seed 000 documents it. */
export const AgentReportResponseSchema = z.object({
  status: z.literal('accepted'),
  asset_id: z.number().int(),
  hostname: z.string(),
  /** Items of the host's inventory matched by this report: the reported software, or, for a delta, the whole inventory after the change. */
  products_processed: z.number().int(),
  /** Distinct inventory items with at least one vulnerability. */
  products_matched: z.number().int(),
  /** Distinct vulnerabilities found on the host (its operating system included). */
  vulnerabilities_found: z.number().int(),
  /** Whether the report was a delta. */
  delta: z.boolean(),
});
export type AgentReportResponse = z.infer<typeof AgentReportResponseSchema>;

export const CreateAgentKeyBodySchema = z.object({
  name: z.string({ error: 'required: a name for the key' }).trim().min(1, 'must not be empty').max(100),
  /** The organization whose assets the key reports. @default 1 */
  organization_id: z.number().int().positive().optional(),
});
export type CreateAgentKeyBody = z.infer<typeof CreateAgentKeyBodySchema>;

/** An agent key as listed: never the key itself. */
export const AgentKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key and an ellipsis (`sk_agent_ab12…`). */
  prefix: z.string(),
  organization_id: z.number().int().nullable(),
  /** The agent the key was issued to by enrollment, if any. */
  agent_id: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
export type AgentKey = z.infer<typeof AgentKeySchema>;

/** `POST /api/agent-keys`: the key is in this answer only. */
export const CreatedAgentKeySchema = AgentKeySchema.extend({
  /** The key (`sk_agent_…`), shown once: only its hash is stored. */
  key: z.string(),
});
export type CreatedAgentKey = z.infer<typeof CreatedAgentKeySchema>;

export const AssetKindSchema = z.enum(['host', 'docker_host', 'image']);

/** An asset and a summary of its matches. */
export const AssetSummarySchema = z.object({
  id: z.number().int(),
  kind: AssetKindSchema,
  hostname: z.string(),
  os: z.string(),
  organization_id: z.number().int(),
  ip_address: z.string(),
  tags: z.array(z.string()),
  agent_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  last_seen_at: z.string(),
  software_count: z.number().int(),
  products_matched: z.number().int(),
  vulnerabilities_found: z.number().int(),
  /** The most severe matched vulnerability's severity; null without matches. */
  highest_severity: SeveritySchema.nullable(),
  /** Matched vulnerabilities listed in CISA's KEV catalogue. */
  kev_count: z.number().int(),
});
export type AssetSummary = z.infer<typeof AssetSummarySchema>;

export const AssetPageSchema = z.object({
  assets: z.array(AssetSummarySchema),
  total: z.number().int(),
  page: z.number().int(),
  per_page: z.number().int(),
});
export type AssetPage = z.infer<typeof AssetPageSchema>;

/** One vulnerability as matched on one product. */
export const ProductVulnerabilitySchema = z.object({
  /** Record id: a CVE id (NVD) or an advisory id (OSV). */
  id: z.string(),
  cve: z.string().nullable(),
  aliases: z.array(z.string()),
  source: VulnerabilitySourceSchema,
  severity: SeveritySchema,
  cvss_score: z.number().nullable(),
  in_kev: z.boolean(),
  method: MatchMethodSchema,
  confidence: MatchConfidenceSchema,
  fixed_version: z.string().nullable(),
});
export type ProductVulnerability = z.infer<typeof ProductVulnerabilitySchema>;

/** An installed product of one asset, with what it matched. */
export const AssetProductSchema = InventoryItemSchema.extend({
  vulnerabilities: z.array(ProductVulnerabilitySchema),
});
export type AssetProduct = z.infer<typeof AssetProductSchema>;

export const AssetProductsSchema = z.object({
  asset_id: z.number().int(),
  hostname: z.string(),
  products: z.array(AssetProductSchema),
  total: z.number().int(),
});
export type AssetProducts = z.infer<typeof AssetProductsSchema>;

/** A product of an asset affected by one vulnerability, and how it was matched. */
export const AffectedProductSchema = z.object({
  name: z.string(),
  version: z.string(),
  method: MatchMethodSchema,
  confidence: MatchConfidenceSchema,
  fixed_version: z.string().nullable(),
  /** The NVD criteria CPE or OSV `ecosystem/name` that matched. */
  matched: z.string(),
  platform_unverified: z.boolean(),
});
export type AffectedProduct = z.infer<typeof AffectedProductSchema>;

/** A vulnerability found on one asset, with the products it was found on. */
export const AssetVulnerabilitySchema = z.object({
  id: z.string(),
  cve: z.string().nullable(),
  aliases: z.array(z.string()),
  source: VulnerabilitySourceSchema,
  severity: SeveritySchema,
  cvss_score: z.number().nullable(),
  in_kev: z.boolean(),
  kev_due_date: z.string().nullable(),
  products: z.array(AffectedProductSchema),
});
export type AssetVulnerability = z.infer<typeof AssetVulnerabilitySchema>;

export const AssetVulnerabilitiesSchema = z.object({
  asset_id: z.number().int(),
  hostname: z.string(),
  vulnerabilities: z.array(AssetVulnerabilitySchema),
  total: z.number().int(),
});
export type AssetVulnerabilities = z.infer<typeof AssetVulnerabilitiesSchema>;

/** A product across the fleet: one name, version and vendor, the assets that have it and what it matched. */
export const FleetProductSchema = z.object({
  name: z.string(),
  version: z.string(),
  vendor: z.string().nullable(),
  package_type: z.string().nullable(),
  asset_count: z.number().int(),
  assets: z.array(z.object({ id: z.number().int(), hostname: z.string() })),
  vulnerabilities: z.array(ProductVulnerabilitySchema),
});
export type FleetProduct = z.infer<typeof FleetProductSchema>;

export const FleetProductPageSchema = z.object({
  products: z.array(FleetProductSchema),
  total: z.number().int(),
  page: z.number().int(),
  per_page: z.number().int(),
});
export type FleetProductPage = z.infer<typeof FleetProductPageSchema>;

/** A vulnerability record with the assets of the fleet it was found on. */
export const InventoryVulnerabilitySchema = VulnerabilityDetailSchema.extend({
  affected_assets: z.array(
    z.object({
      id: z.number().int(),
      hostname: z.string(),
      organization_id: z.number().int(),
      products: z.array(AffectedProductSchema),
    }),
  ),
});
export type InventoryVulnerability = z.infer<typeof InventoryVulnerabilitySchema>;

export const FeedSourceSchema = z.enum(['nvd', 'osv', 'kev']);
export type FeedSource = z.infer<typeof FeedSourceSchema>;

/** `POST /api/vulnerabilities/import` without `?source=`: fetch a feed from a URL. */
export const FeedImportBodySchema = z.object({
  source: FeedSourceSchema,
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** KEV only: the document is the whole catalogue, entries missing from it are removed. @default true */
  full: z.boolean().optional(),
});
export type FeedImportBody = z.infer<typeof FeedImportBodySchema>;

/** The importer's summary, plus how many assets had their matches recomputed. */
export const FeedImportResultSchema = ImportSummarySchema.extend({
  assets_rematched: z.number().int(),
});
export type FeedImportResult = z.infer<typeof FeedImportResultSchema>;

import { z } from 'zod';

/**
 * Wire shapes of the container image inventory API (seed 002:
 * `/containers/v1beta/orgs/{org_key}/inventory/…`) and of the native routes
 * that trigger and show image scans (`/api/images/scan`). The seed's field
 * names, values and envelopes (`num_found`, `results`, `terms`…) are kept;
 * extra fields are additive.
 */

/** Status of an image's last scan. */
export const ScanStatusSchema = z.enum(['SCANNED', 'NOT_SCANNED', 'SCANNING', 'SCAN_FAILED', 'PENDING_SCAN', 'SCAN_ABORTED']);
export type ScanStatus = z.infer<typeof ScanStatusSchema>;

/** Severity buckets of `vulnerabilities_summary`. */
export const SeverityBucketSchema = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);
export type SeverityBucket = z.infer<typeof SeverityBucketSchema>;

/** Values of the `vulnerabilities` criterion and facet: a severity, or no vulnerability at all. */
export const VulnerabilityFilterSchema = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN', 'NO_VULNERABILITIES']);
export type VulnerabilityFilter = z.infer<typeof VulnerabilityFilterSchema>;

/** Values of the `fixes` criterion and facet. */
export const FixFilterSchema = z.enum(['AVAILABLE_FIXES', 'NO_FIXES_AVAILABLE']);
export type FixFilter = z.infer<typeof FixFilterSchema>;

const SortOrderSchema = z.enum(['ASC', 'DESC', 'asc', 'desc']);

/** Fields `images/_search` sorts on. `vulnerabilities` orders by the counts of CRITICAL, then HIGH, MEDIUM, LOW, UNKNOWN. */
export const ImageSortFieldSchema = z.enum([
  'full_tag',
  'registry',
  'repo',
  'tag',
  'manifest_digest',
  'scan_status',
  'scan_time',
  'last_scan_time',
  'vulnerabilities',
  'fixes_available',
  'workloads_count',
  'os',
  'packages',
]);
export type ImageSortField = z.infer<typeof ImageSortFieldSchema>;

/** Fields `repositories/_search` sorts on; `last_scanned` (the seed's example) is `last_scan_time`. */
export const RepositorySortFieldSchema = z.enum(['repo', 'registry', 'all_tags', 'scanned_tags', 'last_scan_time', 'last_scanned']);
export type RepositorySortField = z.infer<typeof RepositorySortFieldSchema>;

export const ImageSortSchema = z.object({ field: ImageSortFieldSchema, order: SortOrderSchema.optional() });
export type ImageSort = z.infer<typeof ImageSortSchema>;
export const RepositorySortSchema = z.object({ field: RepositorySortFieldSchema, order: SortOrderSchema.optional() });
export type RepositorySort = z.infer<typeof RepositorySortSchema>;

/** A workload criterion: every given field must match one workload of the image. A plain string names the workload. */
export const WorkloadCriterionSchema = z.union([
  z.string(),
  z.object({ cluster: z.string().optional(), kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() }),
]);
export type WorkloadCriterion = z.infer<typeof WorkloadCriterionSchema>;

/** A CVE criterion: every given field must match one vulnerability of the image. */
export const CveCriterionSchema = z.object({
  /** `CVE-2023-5678` (or an advisory id). */
  cve: z.string().optional(),
  /** Package name, or `name-version` as the seed writes it (`libzstd1-1.3.8+dfsg-3`). */
  package: z.string().optional(),
  /** `dpkg`, `APKG`, `java`, `python`, `rpm`, `npm`, `go` (case-insensitive). */
  type: z.string().optional(),
});
export type CveCriterion = z.infer<typeof CveCriterionSchema>;

/** Image Criteria: values that must be in the results. Within a field any value matches; all fields must match. */
export const ImageCriteriaSchema = z.object({
  workloads: z.array(WorkloadCriterionSchema).optional(),
  vulnerabilities: z.array(VulnerabilityFilterSchema).optional(),
  fixes: z.array(FixFilterSchema).optional(),
  scan_status: z.array(ScanStatusSchema).optional(),
  clusters: z.array(z.string()).optional(),
  namespaces: z.array(z.string()).optional(),
  cves: z.array(CveCriterionSchema).optional(),
  registries: z.array(z.string()).optional(),
  repositories: z.array(z.string()).optional(),
  /** `true`: only images a running container uses; `false` or absent: all images. */
  is_running: z.boolean().optional(),
});
export type ImageCriteria = z.infer<typeof ImageCriteriaSchema>;

/** At most this many rows per page (seed: "Max: 10k"). */
export const MAX_SEARCH_ROWS = 10_000;

const paging = {
  /** Search query for simple text matching (case-insensitive substring). */
  query: z.string().max(1000).optional(),
  /** First row (0-based). @default 0 */
  start: z.number().int().min(0).optional(),
  /** Rows per page. @default 20, at most 10 000 */
  rows: z.number().int().min(0).max(MAX_SEARCH_ROWS).optional(),
};

export const RepositorySearchRequestSchema = z.object({ ...paging, sort: z.array(RepositorySortSchema).max(10).optional() });
export type RepositorySearchRequest = z.infer<typeof RepositorySearchRequestSchema>;

export const ImageSearchRequestSchema = z.object({ ...paging, sort: z.array(ImageSortSchema).max(10).optional(), criteria: ImageCriteriaSchema.optional() });
export type ImageSearchRequest = z.infer<typeof ImageSearchRequestSchema>;

/** Facet fields (`reputations` is accepted and always empty: there is no reputation service). */
export const ImageFacetFieldSchema = z.enum(['scan_status', 'fixes', 'vulnerabilities', 'clusters', 'namespaces', 'repositories', 'registries', 'reputations']);
export type ImageFacetField = z.infer<typeof ImageFacetFieldSchema>;

export const ImageFacetRequestSchema = z.object({
  query: z.string().max(1000).optional(),
  terms: z.object({
    fields: z.array(ImageFacetFieldSchema).min(1).max(10),
    /** Values per field, most frequent first for open fields. @default 50 */
    rows: z.number().int().min(1).max(MAX_SEARCH_ROWS).optional(),
  }),
  criteria: ImageCriteriaSchema.optional(),
});
export type ImageFacetRequest = z.infer<typeof ImageFacetRequestSchema>;

export const RepositoryResultSchema = z.object({
  repo: z.string(),
  registry: z.string(),
  /** Tags the registry lists for the repository (tags known from the Docker host when it cannot be listed). */
  all_tags: z.number().int(),
  /** Tags of the repository whose image has been scanned. */
  scanned_tags: z.number().int(),
  /** Latest scan of any of its tags; null before the first. */
  last_scan_time: z.string().nullable(),
});
export type RepositoryResult = z.infer<typeof RepositoryResultSchema>;

export const RepositorySearchResponseSchema = z.object({ num_found: z.number().int(), results: z.array(RepositoryResultSchema) });
export type RepositorySearchResponse = z.infer<typeof RepositorySearchResponseSchema>;

const SeverityCountSchema = z.object({ amount: z.number().int(), fixes: z.number().int() });

export const VulnerabilitiesSummarySchema = z.object({
  CRITICAL: SeverityCountSchema,
  HIGH: SeverityCountSchema,
  MEDIUM: SeverityCountSchema,
  LOW: SeverityCountSchema,
  UNKNOWN: SeverityCountSchema,
});
export type VulnerabilitiesSummary = z.infer<typeof VulnerabilitiesSummarySchema>;

/** The seed's `kubernetes_summary`, counted over the image's Docker workloads (see docs/image-inventory.md for the mapping). */
export const KubernetesSummarySchema = z.object({
  clusters: z.number().int(),
  deployments: z.number().int(),
  namespaces: z.number().int(),
  workloads: z.number().int(),
});
export type KubernetesSummary = z.infer<typeof KubernetesSummarySchema>;

export const ImageResultSchema = z.object({
  /** `registry/repo:tag` (or `registry/repo@digest` for an image pinned by digest). */
  full_tag: z.string(),
  registry: z.string(),
  repo: z.string(),
  tag: z.string(),
  /** Digest the tag points at (the index's for multi-platform images); empty until known. */
  manifest_digest: z.string(),
  /** `repo@digest` references of the local image on the Docker host. */
  repo_digests: z.array(z.string()),
  /** When the image's layers were read. */
  scan_time: z.string().nullable(),
  /** When its packages were last matched against the vulnerability data (re-matched when the data changes). */
  last_scan_time: z.string().nullable(),
  vulnerabilities_summary: VulnerabilitiesSummarySchema,
  /** Vulnerabilities with a fixed version available, all severities. */
  fixes_available: z.number().int(),
  scan_status: ScanStatusSchema,
  kubernetes_summary: KubernetesSummarySchema,
  workloads_count: z.number().int(),
  exceptions: z.number().int(),
  can_rescan_image: z.boolean(),
  /** Why the last scan failed (`MANIFEST_NOT_FOUND`, `REGISTRY_ERROR`, `UNSUPPORTED_LAYER`…); empty otherwise. */
  error_type: z.string(),
  has_malware: z.boolean(),
  /** Additive: the image's OS (os-release `PRETTY_NAME`), null when unknown. */
  os: z.string().nullable(),
  /** Additive: OS packages read from the image. */
  packages: z.number().int(),
  /** Additive: a container running this image exists. */
  is_running: z.boolean(),
});
export type ImageResult = z.infer<typeof ImageResultSchema>;

export const ImageSearchResponseSchema = z.object({ num_found: z.number().int(), results: z.array(ImageResultSchema) });
export type ImageSearchResponse = z.infer<typeof ImageSearchResponseSchema>;

export const FacetTermSchema = z.object({
  field: ImageFacetFieldSchema,
  values: z.array(z.object({ name: z.string(), total: z.number().int() })),
});
export type FacetTerm = z.infer<typeof FacetTermSchema>;

export const ImageFacetResponseSchema = z.object({ terms: z.array(FacetTermSchema) });
export type ImageFacetResponse = z.infer<typeof ImageFacetResponseSchema>;

/** `POST /api/images/scan`: what to (re)scan. With no field, images not scanned yet are queued. */
export const ImageScanRequestSchema = z.object({
  /** Images to scan: full tags (`registry.lan/app:1.2`) or references as written (`nginx:1.27`). */
  images: z.array(z.string().min(1).max(512)).max(10_000).optional(),
  /** Queue every image of the inventory (registry tags included). @default false */
  all: z.boolean().optional(),
  /** Scan again even when the manifest was already scanned. @default false */
  force: z.boolean().optional(),
  /** Refresh the inventory (Docker host and registry catalogues) first. @default true */
  refresh: z.boolean().optional(),
});
export type ImageScanRequest = z.infer<typeof ImageScanRequestSchema>;

export const ImageScanResponseSchema = z.object({
  status: z.literal('started'),
  /** Full tags queued for a scan. */
  queued: z.array(z.string()),
  message: z.string(),
});
export type ImageScanResponse = z.infer<typeof ImageScanResponseSchema>;

export const ImageInventoryStatusSchema = z.object({
  /** Images by scan status. */
  images: z.record(z.string(), z.number().int()),
  repositories: z.number().int(),
  scanning: z.array(z.string()),
  pending: z.number().int(),
  last_refresh: z.string().nullable(),
  /** Per registry: repositories listed from its catalogue, and why the last listing failed. */
  registries: z.array(z.object({ registry: z.string(), repositories: z.number().int(), error: z.string().nullable(), listed_at: z.string().nullable() })),
  /** Recent scan failures, newest first. */
  failures: z.array(z.object({ full_tag: z.string(), error_type: z.string(), error: z.string(), at: z.string() })),
});
export type ImageInventoryStatus = z.infer<typeof ImageInventoryStatusSchema>;

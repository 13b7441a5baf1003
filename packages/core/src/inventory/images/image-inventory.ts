import type { ImageResult, KubernetesSummary, ScanStatus, SeverityBucket, VulnerabilitiesSummary } from '../../contract/image-inventory.js';
import type { InventoryMatch, Severity } from '../../contract/inventory.js';

/**
 * The image inventory model: one entry per image reference (`registry/repo:tag`)
 * known from the Docker host or a registry, with what its last scan found.
 * Kubernetes words of the documented API map onto Docker (docs/image-inventory.md):
 * a workload is a container (or the Swarm service it belongs to), its cluster
 * is the Docker host, its namespace the compose project or Swarm stack.
 */

/** Where a workload runs and what it is. */
export interface ImageWorkload {
  /** The Docker host (engine name): the documented "cluster". */
  cluster: string;
  /** Compose project or Swarm stack (`com.docker.compose.project`, `com.docker.stack.namespace`); `default` for a lone container. */
  namespace: string;
  /** `service` for a Swarm service task, `container` otherwise. */
  kind: 'container' | 'service';
  /** Container name, or Swarm service name. */
  name: string;
  /** Compose service or Swarm service (the documented "deployment"); null for a lone container. */
  deployment: string | null;
  running: boolean;
}

/** One vulnerability found in one package of an image. */
export interface ImageVulnerability {
  /** CVE id, or the advisory id when the record names no CVE. */
  cve: string;
  /** Binary package name. */
  package: string;
  version: string;
  /** Package type as the documented API names it: `dpkg`, `APKG`, `rpm`… */
  type: string;
  severity: SeverityBucket;
  fixed_version: string | null;
}

export interface ImageInventoryEntry {
  full_tag: string;
  registry: string;
  repo: string;
  /** Tag; empty for an image pinned by digest only. */
  tag: string;
  manifest_digest: string;
  repo_digests: string[];
  scan_status: ScanStatus;
  scan_time: string | null;
  last_scan_time: string | null;
  error_type: string;
  os: string | null;
  packages: number;
  vulnerabilities: ImageVulnerability[];
  workloads: ImageWorkload[];
  /** Whether a scan can be requested (the image is reachable through a registry). */
  can_rescan: boolean;
}

export interface RepositoryEntry {
  registry: string;
  repo: string;
  all_tags: number;
  scanned_tags: number;
  last_scan_time: string | null;
}

export const SEVERITY_BUCKETS: readonly SeverityBucket[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

/** The matcher's severity as the documented bucket (`none` has no bucket of its own: UNKNOWN). */
export function severityBucket(severity: Severity): SeverityBucket {
  switch (severity) {
    case 'critical':
      return 'CRITICAL';
    case 'high':
      return 'HIGH';
    case 'medium':
      return 'MEDIUM';
    case 'low':
      return 'LOW';
    default:
      return 'UNKNOWN';
  }
}

/** The documented package type of an inventory item's `package_type`. */
export function documentedPackageType(packageType: string | undefined): string {
  switch ((packageType ?? '').toLowerCase()) {
    case 'deb':
    case 'dpkg':
      return 'dpkg';
    case 'apk':
      return 'APKG';
    case 'pypi':
      return 'python';
    case 'maven':
      return 'java';
    case 'golang':
      return 'go';
    default:
      return (packageType ?? '').toLowerCase();
  }
}

/**
 * An image's vulnerabilities from the matcher's matches (one per package and
 * CVE). `minConfidence` drops weaker matches: fuzzy keyword matches of
 * distribution package names against NVD products are noise for images.
 */
export function imageVulnerabilities(
  matches: readonly InventoryMatch[],
  items: ReadonlyArray<{ name: string; version: string; package_type?: string | undefined }>,
  options: { minConfidence?: 'high' | 'medium' | 'low' } = {},
): ImageVulnerability[] {
  const rank = { high: 3, medium: 2, low: 1 } as const;
  const floor = rank[options.minConfidence ?? 'medium'];
  const out: ImageVulnerability[] = [];
  for (const match of matches) {
    if (rank[match.confidence] < floor) continue;
    const item = items[match.item_index];
    out.push({
      cve: match.cve ?? match.vulnerability_id,
      package: match.item_name,
      version: match.item_version,
      type: documentedPackageType(item?.package_type),
      severity: severityBucket(match.severity),
      fixed_version: match.fixed_version,
    });
  }
  return out;
}

/** `amount` and `fixes` per severity bucket. */
export function vulnerabilitiesSummary(vulnerabilities: readonly ImageVulnerability[]): VulnerabilitiesSummary {
  const summary = {} as VulnerabilitiesSummary;
  for (const bucket of SEVERITY_BUCKETS) summary[bucket] = { amount: 0, fixes: 0 };
  for (const v of vulnerabilities) {
    summary[v.severity].amount++;
    if (v.fixed_version !== null) summary[v.severity].fixes++;
  }
  return summary;
}

/** The seed's `kubernetes_summary` over the image's workloads. */
export function kubernetesSummary(workloads: readonly ImageWorkload[]): KubernetesSummary {
  return {
    clusters: new Set(workloads.map((w) => w.cluster)).size,
    deployments: new Set(workloads.filter((w) => w.deployment !== null).map((w) => `${w.cluster}\t${w.namespace}\t${w.deployment ?? ''}`)).size,
    namespaces: new Set(workloads.map((w) => `${w.cluster}\t${w.namespace}`)).size,
    workloads: new Set(workloads.map((w) => `${w.cluster}\t${w.kind}\t${w.name}`)).size,
  };
}

/** The documented search result of an entry. */
export function toImageResult(entry: ImageInventoryEntry): ImageResult {
  const summary = vulnerabilitiesSummary(entry.vulnerabilities);
  const k8s = kubernetesSummary(entry.workloads);
  return {
    full_tag: entry.full_tag,
    registry: entry.registry,
    repo: entry.repo,
    tag: entry.tag,
    manifest_digest: entry.manifest_digest,
    repo_digests: [...entry.repo_digests],
    scan_time: entry.scan_time,
    last_scan_time: entry.last_scan_time,
    vulnerabilities_summary: summary,
    fixes_available: SEVERITY_BUCKETS.reduce((n, bucket) => n + summary[bucket].fixes, 0),
    scan_status: entry.scan_status,
    kubernetes_summary: k8s,
    workloads_count: k8s.workloads,
    exceptions: 0,
    can_rescan_image: entry.can_rescan,
    error_type: entry.error_type,
    has_malware: false,
    os: entry.os,
    packages: entry.packages,
    is_running: entry.workloads.some((w) => w.running),
  };
}

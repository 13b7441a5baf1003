import type { ImageInventoryEntry, ImageScanVulnerability, Severity, VulnerabilityDatabase } from '@sentinel-kit/core';
import type { SeverityBucket } from '@sentinel-kit/core/contract';
import type { InventoryServices } from '../inventory/inventory-services.js';

/** A container's image, as an audit asks about it. */
export interface ImageScanQuery {
  /** The container the image runs in (image inventory workloads name it). */
  container: string;
  /** The reference the container was created from. */
  reference: string;
  imageId: string;
}

/** What the image scanner knows about a container's image: the vulnerabilities its packages matched, and when; `undefined` when it was never scanned. */
export type ImageScanLookup = (image: ImageScanQuery) => Promise<{ matches: ImageScanVulnerability[]; scanned_at: string } | undefined>;

const SEVERITY: Record<SeverityBucket, Severity> = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low', UNKNOWN: 'unknown' };

/**
 * Image scans from the image inventory (seed 002): the entry whose
 * workloads include the container on this host (else whose tag is the
 * container's reference), when its last scan succeeded. Each vulnerability
 * gets its KEV status and CVSS score from the vulnerability database, which
 * the inventory's entries do not carry.
 */
export function imageInventoryScans(entries: () => readonly ImageInventoryEntry[], vulnerabilities: VulnerabilityDatabase): ImageScanLookup {
  return async ({ container, reference }) => {
    const all = entries();
    const entry =
      all.find((e) => e.workloads.some((w) => w.kind === 'container' && w.name === container)) ??
      all.find((e) => e.full_tag === reference || e.full_tag.endsWith(`/${reference}`));
    if (entry === undefined || entry.scan_status !== 'SCANNED') return undefined;
    const matches: ImageScanVulnerability[] = [];
    for (const v of entry.vulnerabilities) {
      const record = await vulnerabilities.get(v.cve);
      matches.push({
        vulnerability_id: v.cve,
        cve: v.cve.startsWith('CVE-') ? v.cve : (record?.cve ?? null),
        severity: SEVERITY[v.severity],
        cvss_score: record?.cvss_score ?? null,
        in_kev: record?.in_kev ?? false,
        fixed_version: v.fixed_version,
      });
    }
    return { matches, scanned_at: entry.last_scan_time ?? entry.scan_time ?? '' };
  };
}

/** Image scans kept as `image` assets of the asset store (named after the reference or the image id), with their stored matches. */
export function assetImageScans(inventory: InventoryServices): ImageScanLookup {
  return async ({ reference, imageId }) => {
    const images = await inventory.assets.list({ kind: 'image' });
    const found = images.find((a) => a.hostname === reference || a.hostname === imageId || a.tags.includes(imageId));
    if (found === undefined) return undefined;
    return { matches: await inventory.assets.matches(found.id), scanned_at: found.updated_at };
  };
}

/** The first lookup that knows the image. */
export function firstImageScan(...lookups: ImageScanLookup[]): ImageScanLookup {
  return async (query) => {
    for (const lookup of lookups) {
      const found = await lookup(query);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

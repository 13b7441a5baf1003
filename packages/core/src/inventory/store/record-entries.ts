import type { Severity } from '../../contract/inventory.js';
import { compileRecord } from '../matcher/vulnerability-index.js';
import type { RecordSummaryFields } from '../matcher/vulnerability-index.js';
import { normalizeName } from '../matcher/names.js';
import type { StoredVulnerability } from '../feeds/vulnerability-record.js';

export type { RecordSummaryFields };

/** One vulnerable criterion as `candidates` finds it: undefined vendor or product is a wildcard there; undefined part is any part. */
export interface CpeIndexEntry {
  vendor: string | undefined;
  product: string | undefined;
  part: 'a' | 'o' | 'h' | undefined;
}

/** A vendor:product pair named by some criterion, under the normalised product name items are looked up by. */
export interface NameIndexEntry {
  name: string;
  vendor: string;
  product: string;
}

/** Everything a `VulnerabilityStore` indexes a record by, derived the one way every adapter must use. */
export interface RecordIndexEntries {
  /** `source/id`. */
  key: string;
  summary: RecordSummaryFields;
  /** Upper-case CVE ids the record is about (its id and CVE aliases). */
  cves: string[];
  /** Distinct vulnerable criteria with a literal vendor or product (criteria with neither are `unindexedCriteria`). */
  cpe: CpeIndexEntry[];
  /** Distinct names of every criterion with a literal vendor and product, platforms included. */
  names: NameIndexEntry[];
  /** Distinct `family\tname` of the OSV affected packages. */
  packages: string[];
  /** What the asset index knows items by (`p:…`, `v:…`, `pkg:…`). */
  reverseKeys: string[];
  /** Criteria, platforms included. */
  criteria: number;
  unindexedCriteria: number;
  /** Lower-case id, CVE, aliases and title, newline-separated: what `StoreQuery.text` searches. */
  search: string;
  /** Sort keys of `StoreQuery.sort`. */
  sort: { published: string; lastModified: number; cvss: number; severity: number };
}

const SEVERITY_RANK: Record<Severity, number> = { unknown: 0, none: 1, low: 2, medium: 3, high: 4, critical: 5 };

/** Rank of a severity for sorting, `unknown` lowest. */
export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

/**
 * What a store indexes a record by. Every adapter derives its indexes with
 * this, so that the memory and the embedded store find the same candidates.
 */
export function recordIndexEntries(record: StoredVulnerability): RecordIndexEntries {
  const compiled = compileRecord(record);
  const cpe = new Map<string, CpeIndexEntry>();
  const names = new Map<string, NameIndexEntry>();
  let criteriaCount = 0;
  let unindexed = 0;
  for (const config of compiled.configs) {
    for (const node of config.nodes) {
      for (const criteria of node.criteria) {
        criteriaCount++;
        const { vendor, product } = criteria;
        if (vendor !== undefined && product !== undefined) {
          const name = normalizeName(product);
          names.set(`${name}\t${vendor}\t${product}`, { name, vendor, product });
        }
        if (!criteria.vulnerable) continue;
        if (vendor === undefined && product === undefined) {
          unindexed++;
          continue;
        }
        const rawPart = criteria.wfn.part;
        const part = rawPart === 'a' || rawPart === 'o' || rawPart === 'h' ? rawPart : undefined;
        cpe.set(`${vendor ?? '*'}\t${product ?? '*'}\t${part ?? '*'}`, { vendor, product, part });
      }
    }
  }
  const packages = new Set(compiled.packages.map((pkg) => `${pkg.family}\t${pkg.name}`));
  const lastModified = Date.parse(compiled.lastModified);
  const summary: RecordSummaryFields = {
    key: compiled.key,
    id: compiled.id,
    source: compiled.source,
    cve: compiled.cve,
    cves: [...compiled.cves],
    aliases: [...compiled.aliases],
    title: compiled.title,
    severity: compiled.severity,
    cvssScore: compiled.cvssScore,
    cvssVersion: compiled.cvssVersion,
    cvssVector: compiled.cvssVector,
    nvdKev: compiled.nvdKev,
    published: compiled.published,
    lastModified: compiled.lastModified,
    status: compiled.status,
  };
  return {
    key: compiled.key,
    summary,
    cves: [...new Set(compiled.cves)],
    cpe: [...cpe.values()],
    names: [...names.values()],
    packages: [...packages],
    reverseKeys: compiled.keys,
    criteria: criteriaCount,
    unindexedCriteria: unindexed,
    search: [compiled.id, compiled.cve ?? '', ...compiled.aliases, compiled.title ?? ''].join('\n').toLowerCase(),
    sort: {
      published: compiled.published ?? '',
      lastModified: Number.isNaN(lastModified) ? 0 : lastModified,
      cvss: compiled.cvssScore ?? -1,
      severity: SEVERITY_RANK[compiled.severity],
    },
  };
}

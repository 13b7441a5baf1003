import { ImageFacetRequestSchema, ImageSearchRequestSchema, RepositorySearchRequestSchema } from '../../contract/image-inventory.js';
import type {
  FacetTerm,
  ImageCriteria,
  ImageFacetField,
  ImageFacetRequest,
  ImageFacetResponse,
  ImageSearchRequest,
  ImageSearchResponse,
  ImageSortField,
  RepositorySearchRequest,
  RepositorySearchResponse,
  RepositorySortField,
  ScanStatus,
  VulnerabilityFilter,
} from '../../contract/image-inventory.js';
import { InvalidError } from '../../errors/index.js';
import { SEVERITY_BUCKETS, toImageResult } from './image-inventory.js';
import type { ImageInventoryEntry, RepositoryEntry } from './image-inventory.js';

/** Rows per page when the request does not say (seed: "Default: 20"). */
export const DEFAULT_ROWS = 20;
/** Values per facet field when the request does not say. */
export const DEFAULT_FACET_ROWS = 50;

const SCAN_STATUS_ORDER: readonly ScanStatus[] = ['SCANNED', 'SCANNING', 'PENDING_SCAN', 'NOT_SCANNED', 'SCAN_FAILED', 'SCAN_ABORTED'];
const VULNERABILITY_ORDER: readonly VulnerabilityFilter[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN', 'NO_VULNERABILITIES'];

/**
 * What the search needs of an entry, computed once per entry object (entries
 * are immutable snapshots). The text and CVE lookups are built on first use:
 * most searches never need them, and they are the costly part for images
 * with hundreds of vulnerabilities.
 */
class Derived {
  /** Counts per bucket, CRITICAL first: the `vulnerabilities` sort key. */
  readonly counts: number[];
  readonly fixes: number;
  readonly total: number;
  readonly clusters: Set<string>;
  readonly namespaces: Set<string>;
  readonly running: boolean;
  readonly workloads: number;
  readonly registry: string;
  readonly repo: string;
  #haystack: string | undefined;
  #cves: Set<string> | undefined;
  #packageNames: Set<string> | undefined;

  constructor(private readonly entry: ImageInventoryEntry) {
    const counts = SEVERITY_BUCKETS.map(() => 0);
    let fixes = 0;
    for (const v of entry.vulnerabilities) {
      const i = SEVERITY_BUCKETS.indexOf(v.severity);
      counts[i] = (counts[i] ?? 0) + 1;
      if (v.fixed_version !== null) fixes++;
    }
    this.counts = counts;
    this.fixes = fixes;
    this.total = entry.vulnerabilities.length;
    this.clusters = new Set(entry.workloads.map((w) => w.cluster));
    this.namespaces = new Set(entry.workloads.map((w) => w.namespace));
    this.running = entry.workloads.some((w) => w.running);
    this.workloads = new Set(entry.workloads.map((w) => `${w.cluster}\t${w.kind}\t${w.name}`)).size;
    this.registry = entry.registry.toLowerCase();
    this.repo = entry.repo.toLowerCase();
  }

  /** Lower-case text a `query` is looked for in: full tag, digest, OS, workload names, CVE ids. */
  get haystack(): string {
    this.#haystack ??= [this.entry.full_tag, this.entry.manifest_digest, this.entry.os ?? '', ...this.entry.workloads.map((w) => w.name), ...this.cves].join('\n').toLowerCase();
    return this.#haystack;
  }

  /** Upper-case CVE ids of the vulnerabilities: a cheap rejection for `cves` criteria. */
  get cves(): Set<string> {
    this.#cves ??= new Set(this.entry.vulnerabilities.map((v) => v.cve.toUpperCase()));
    return this.#cves;
  }

  /** Lower-case names of the vulnerable packages. */
  get packageNames(): Set<string> {
    this.#packageNames ??= new Set(this.entry.vulnerabilities.map((v) => v.package.toLowerCase()));
    return this.#packageNames;
  }
}

const derivedCache = new WeakMap<ImageInventoryEntry, Derived>();

function derive(entry: ImageInventoryEntry): Derived {
  let d = derivedCache.get(entry);
  if (d === undefined) {
    d = new Derived(entry);
    derivedCache.set(entry, d);
  }
  return d;
}

function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const message = result.error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.map(String).join('.')}: ${issue.message}`))
    .join('; ');
  throw new InvalidError(message || 'invalid search request');
}

const lower = (values: readonly string[] | undefined): Set<string> | undefined =>
  values === undefined || values.length === 0 ? undefined : new Set(values.map((v) => v.toLowerCase()));

/** `libzstd1-1.3.8+dfsg-3` names package `libzstd1` at version `1.3.8+dfsg-3`; a plain name matches any version. */
function packageMatches(wanted: string, name: string, version: string): boolean {
  const w = wanted.toLowerCase();
  const n = name.toLowerCase();
  return w === n || w === `${n}-${version.toLowerCase()}` || w === `${n}=${version.toLowerCase()}` || w === `${n}@${version.toLowerCase()}`;
}

/** The package names a `cves[].package` value may mean: itself, or what precedes a `-`, `=` or `@` (`libzstd1-1.3.8+dfsg-3` → `libzstd1`…). */
function packageNameCandidates(wanted: string): string[] {
  const w = wanted.toLowerCase();
  const out = [w];
  for (let i = 1; i < w.length; i++) if (w[i] === '-' || w[i] === '=' || w[i] === '@') out.push(w.slice(0, i));
  return out;
}

/** A compiled criteria predicate: fields AND-ed, values within a field OR-ed, empty lists ignored. */
function compileCriteria(criteria: ImageCriteria | undefined): (entry: ImageInventoryEntry) => boolean {
  if (criteria === undefined) return () => true;
  const checks: Array<(entry: ImageInventoryEntry, d: Derived) => boolean> = [];
  const statuses = criteria.scan_status === undefined || criteria.scan_status.length === 0 ? undefined : new Set<string>(criteria.scan_status);
  if (statuses !== undefined) checks.push((e) => statuses.has(e.scan_status));
  const registries = lower(criteria.registries);
  if (registries !== undefined) checks.push((_, d) => registries.has(d.registry));
  const repositories = lower(criteria.repositories);
  if (repositories !== undefined) checks.push((_, d) => repositories.has(d.repo) || repositories.has(`${d.registry}/${d.repo}`));
  const clusters = criteria.clusters === undefined || criteria.clusters.length === 0 ? undefined : criteria.clusters;
  if (clusters !== undefined) checks.push((_, d) => clusters.some((c) => d.clusters.has(c)));
  const namespaces = criteria.namespaces === undefined || criteria.namespaces.length === 0 ? undefined : criteria.namespaces;
  if (namespaces !== undefined) checks.push((_, d) => namespaces.some((n) => d.namespaces.has(n)));
  if (criteria.is_running === true) checks.push((_, d) => d.running);
  if (criteria.vulnerabilities !== undefined && criteria.vulnerabilities.length > 0) {
    const wanted = criteria.vulnerabilities;
    checks.push((e, d) =>
      wanted.some((value) => (value === 'NO_VULNERABILITIES' ? e.scan_status === 'SCANNED' && d.total === 0 : (d.counts[SEVERITY_BUCKETS.indexOf(value)] ?? 0) > 0)),
    );
  }
  if (criteria.fixes !== undefined && criteria.fixes.length > 0) {
    const wanted = criteria.fixes;
    checks.push((e, d) => wanted.some((value) => (value === 'AVAILABLE_FIXES' ? d.fixes > 0 : e.scan_status === 'SCANNED' && d.total > 0 && d.fixes === 0)));
  }
  if (criteria.workloads !== undefined && criteria.workloads.length > 0) {
    const wanted = criteria.workloads.map((w) => (typeof w === 'string' ? { name: w } : w));
    checks.push((e) =>
      wanted.some((w) =>
        e.workloads.some(
          (workload) =>
            (w.name === undefined || w.name === workload.name) &&
            (w.cluster === undefined || w.cluster === workload.cluster) &&
            (w.namespace === undefined || w.namespace === workload.namespace) &&
            (w.kind === undefined || w.kind.toLowerCase() === workload.kind || (w.kind.toLowerCase() === 'deployment' && workload.deployment !== null)),
        ),
      ),
    );
  }
  if (criteria.cves !== undefined && criteria.cves.length > 0) {
    const wanted = criteria.cves.map((c) => ({ ...c, names: c.package === undefined ? undefined : packageNameCandidates(c.package) }));
    checks.push((e, d) =>
      wanted.some(
        (c) =>
          // Most images lack the CVE or the package: decide from the sets before walking the vulnerabilities.
          (c.cve === undefined || d.cves.has(c.cve.toUpperCase())) &&
          (c.names === undefined || c.names.some((name) => d.packageNames.has(name))) &&
          e.vulnerabilities.some(
          (v) =>
            (c.cve === undefined || c.cve.toUpperCase() === v.cve.toUpperCase()) &&
            (c.package === undefined || packageMatches(c.package, v.package, v.version)) &&
            (c.type === undefined || c.type.toLowerCase() === v.type.toLowerCase()),
        ),
      ),
    );
  }
  return (entry) => {
    const d = derive(entry);
    for (const check of checks) if (!check(entry, d)) return false;
    return true;
  };
}

function filterImages(entries: readonly ImageInventoryEntry[], query: string | undefined, criteria: ImageCriteria | undefined): ImageInventoryEntry[] {
  const needle = query?.trim().toLowerCase() ?? '';
  const matches = compileCriteria(criteria);
  const out: ImageInventoryEntry[] = [];
  for (const entry of entries) {
    if (needle !== '' && !derive(entry).haystack.includes(needle)) continue;
    if (matches(entry)) out.push(entry);
  }
  return out;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
// Absent times sort before every time (ASC), after every time (DESC).
const compareTime = (a: string | null, b: string | null): number => compareText(a ?? '', b ?? '');

function imageComparator(field: ImageSortField): (a: ImageInventoryEntry, b: ImageInventoryEntry) => number {
  switch (field) {
    case 'vulnerabilities':
      return (a, b) => {
        const ca = derive(a).counts;
        const cb = derive(b).counts;
        for (let i = 0; i < ca.length; i++) if (ca[i] !== cb[i]) return (ca[i] ?? 0) - (cb[i] ?? 0);
        return 0;
      };
    case 'fixes_available':
      return (a, b) => derive(a).fixes - derive(b).fixes;
    case 'workloads_count':
      return (a, b) => derive(a).workloads - derive(b).workloads;
    case 'packages':
      return (a, b) => a.packages - b.packages;
    case 'scan_time':
    case 'last_scan_time':
      return (a, b) => compareTime(a[field], b[field]);
    case 'os':
      return (a, b) => compareText(a.os ?? '', b.os ?? '');
    default:
      return (a, b) => compareText(a[field], b[field]);
  }
}

function sortBy<T>(items: T[], keys: Array<{ compare: (a: T, b: T) => number; desc: boolean }>, tieBreak: (a: T, b: T) => number): T[] {
  return items.sort((a, b) => {
    for (const key of keys) {
      const c = key.compare(a, b);
      if (c !== 0) return key.desc ? -c : c;
    }
    return tieBreak(a, b);
  });
}

const isDesc = (order: string | undefined): boolean => order?.toUpperCase() === 'DESC';

/**
 * `images/_search`: filter the inventory by `query` (case-insensitive text in
 * the full tag, digest, OS, workload names and CVE ids) and `criteria`
 * (fields AND-ed, values within a field OR-ed), sort by `sort` (ties by
 * full tag), and page with `start`/`rows`.
 *
 * @throws InvalidError for an unknown sort field, criteria value or a `rows` above 10 000.
 * @example
 * searchImages(entries, { criteria: { vulnerabilities: ['CRITICAL'], is_running: true }, sort: [{ field: 'vulnerabilities', order: 'DESC' }], rows: 10 })
 */
export function searchImages(entries: readonly ImageInventoryEntry[], request: ImageSearchRequest = {}): ImageSearchResponse {
  const body = parse(ImageSearchRequestSchema, request);
  const found = filterImages(entries, body.query, body.criteria);
  const sorted = sortBy(
    found,
    (body.sort ?? []).map((s) => ({ compare: imageComparator(s.field), desc: isDesc(s.order) })),
    (a, b) => compareText(a.full_tag, b.full_tag),
  );
  const start = body.start ?? 0;
  const rows = body.rows ?? DEFAULT_ROWS;
  return { num_found: found.length, results: sorted.slice(start, start + rows).map(toImageResult) };
}

function countInto(counts: Map<string, number>, name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}

function facetValues(field: ImageFacetField, images: readonly ImageInventoryEntry[], rows: number): FacetTerm['values'] {
  const counts = new Map<string, number>();
  let order: readonly string[] | undefined;
  switch (field) {
    case 'reputations':
      return [];
    case 'scan_status':
      order = SCAN_STATUS_ORDER;
      for (const e of images) countInto(counts, e.scan_status);
      break;
    case 'fixes':
      order = ['AVAILABLE_FIXES', 'NO_FIXES_AVAILABLE'];
      for (const e of images) {
        const d = derive(e);
        if (d.fixes > 0) countInto(counts, 'AVAILABLE_FIXES');
        else if (e.scan_status === 'SCANNED' && d.total > 0) countInto(counts, 'NO_FIXES_AVAILABLE');
      }
      break;
    case 'vulnerabilities':
      order = VULNERABILITY_ORDER;
      for (const e of images) {
        const d = derive(e);
        SEVERITY_BUCKETS.forEach((bucket, i) => {
          if ((d.counts[i] ?? 0) > 0) countInto(counts, bucket);
        });
        if (e.scan_status === 'SCANNED' && d.total === 0) countInto(counts, 'NO_VULNERABILITIES');
      }
      break;
    case 'clusters':
      for (const e of images) for (const c of derive(e).clusters) countInto(counts, c);
      break;
    case 'namespaces':
      for (const e of images) for (const n of derive(e).namespaces) countInto(counts, n);
      break;
    case 'repositories':
      for (const e of images) countInto(counts, e.repo);
      break;
    case 'registries':
      for (const e of images) countInto(counts, e.registry);
      break;
  }
  const values = [...counts].map(([name, total]) => ({ name, total }));
  if (order !== undefined) {
    const rank = order;
    values.sort((a, b) => rank.indexOf(a.name) - rank.indexOf(b.name));
  } else {
    values.sort((a, b) => b.total - a.total || compareText(a.name, b.name));
  }
  return values.slice(0, rows);
}

/**
 * `images/_facet`: for each requested field, how many images (after `query`
 * and `criteria`) have each value — an image counts once per value it has
 * (an image with CRITICAL and LOW vulnerabilities counts under both).
 * Enumerated fields keep their documented order and leave out zero counts;
 * open fields (clusters, namespaces, repositories, registries) are most
 * frequent first. `reputations` is always empty.
 */
export function facetImages(entries: readonly ImageInventoryEntry[], request: ImageFacetRequest): ImageFacetResponse {
  const body = parse(ImageFacetRequestSchema, request);
  const found = filterImages(entries, body.query, body.criteria);
  const rows = body.terms.rows ?? DEFAULT_FACET_ROWS;
  const fields = [...new Set(body.terms.fields)];
  return { terms: fields.map((field) => ({ field, values: facetValues(field, found, rows) })) };
}

function repositoryComparator(field: RepositorySortField): (a: RepositoryEntry, b: RepositoryEntry) => number {
  switch (field) {
    case 'all_tags':
    case 'scanned_tags':
      return (a, b) => a[field] - b[field];
    case 'last_scan_time':
    case 'last_scanned':
      return (a, b) => compareTime(a.last_scan_time, b.last_scan_time);
    default:
      return (a, b) => compareText(a[field], b[field]);
  }
}

/**
 * `repositories/_search`: filter repositories by `query` (text in the
 * repository or registry name), sort (ties by registry then repository) and page.
 */
export function searchRepositories(entries: readonly RepositoryEntry[], request: RepositorySearchRequest = {}): RepositorySearchResponse {
  const body = parse(RepositorySearchRequestSchema, request);
  const needle = body.query?.trim().toLowerCase() ?? '';
  const found = needle === '' ? [...entries] : entries.filter((r) => `${r.registry}/${r.repo}`.toLowerCase().includes(needle));
  const sorted = sortBy(
    found,
    (body.sort ?? []).map((s) => ({ compare: repositoryComparator(s.field), desc: isDesc(s.order) })),
    (a, b) => compareText(a.registry, b.registry) || compareText(a.repo, b.repo),
  );
  const start = body.start ?? 0;
  const rows = body.rows ?? DEFAULT_ROWS;
  return {
    num_found: found.length,
    results: sorted.slice(start, start + rows).map((r) => ({ repo: r.repo, registry: r.registry, all_tags: r.all_tags, scanned_tags: r.scanned_tags, last_scan_time: r.last_scan_time })),
  };
}

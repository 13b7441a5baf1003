import type { InventoryItem, InventoryMatch, MatchConfidence, MatchMethod, Severity } from '../../contract/inventory.js';
import { ANY, CPE_ATTRIBUTES, NA, cpeValueText, hasUnquotedWildcard, lowercaseWfn, quoteCpeValue, tryParseCpe } from '../cpe/cpe-name.js';
import type { CpeValue, Wfn } from '../cpe/cpe-name.js';
import { compareCpeValues, isWildcardValue } from '../cpe/cpe-match.js';
import { inVersionRange } from '../versions/version-range.js';
import { compareVersions, detectScheme, schemeForTargetSw, upstreamVersion } from '../versions/version-scheme.js';
import type { VersionScheme } from '../versions/version-scheme.js';
import { PRODUCT_ALIASES, normalizeName, stripVendorPrefix, vendorForms, vendorRelation } from './names.js';
import type { VendorForms } from './names.js';
import { packageIdentity } from './package-identity.js';
import type { PackageIdentity } from './package-identity.js';
import type { CandidateQuery, CpeLookup } from '../../ports/vulnerability-store.js';
import type { CompiledConfig, CompiledCriteria, CompiledNode, CompiledPackage, CompiledRange, CompiledRecord, VulnerabilityIndex } from './vulnerability-index.js';

/** What an item is matched as against NVD criteria: one vendor:product, with the method and confidence that found it. */
export interface Target {
  item: PreparedItem;
  vendor: string;
  product: string;
  method: MatchMethod;
  confidence: MatchConfidence;
}

export interface PreparedItem {
  index: number;
  item: InventoryItem;
  scheme: VersionScheme;
  /** Distribution package (deb, rpm, apk): vendors backport fixes, so NVD matches are at most medium. */
  distro: boolean;
  /** Version compared with NVD criteria (upstream part of distribution versions), if any. */
  nvdVersion: string | undefined;
  nvdVersionQuoted: string | undefined;
  /** The item's CPE, string values lowercased, when it has a usable one. */
  wfn: Wfn | undefined;
  part: CpeValue | undefined;
  targets: Target[];
  pkg: PackageIdentity | undefined;
}

const CONFIDENCE_RANK: Record<MatchConfidence, number> = { low: 0, medium: 1, high: 2 };
const SEVERITY_RANK: Record<Severity, number> = { unknown: 0, none: 1, low: 2, medium: 3, high: 4, critical: 5 };

function literal(value: CpeValue): string | undefined {
  if (value === ANY || value === NA || isWildcardValue(value) || hasUnquotedWildcard(value as string)) return undefined;
  return cpeValueText(value).toLowerCase();
}

function downgrade(confidence: MatchConfidence): MatchConfidence {
  return confidence === 'high' ? 'medium' : 'low';
}

function cap(confidence: MatchConfidence, max: MatchConfidence): MatchConfidence {
  return CONFIDENCE_RANK[confidence] > CONFIDENCE_RANK[max] ? max : confidence;
}

function prepare(names: ProductNames, item: InventoryItem, position: number, cache: VendorCache): PreparedItem {
  let wfn = item.cpe === undefined ? undefined : tryParseCpe(item.cpe);
  if (wfn !== undefined) wfn = lowercaseWfn(wfn);
  // detectScheme would parse the CPE again for its target_sw: give it the parsed one.
  let scheme = detectScheme({ ...item, cpe: undefined });
  if (scheme === 'generic' && wfn !== undefined) scheme = schemeForTargetSw(cpeValueText(wfn.target_sw)) ?? 'generic';
  const distro = scheme === 'deb' || scheme === 'rpm' || scheme === 'apk';
  const cpeVendor = wfn === undefined ? undefined : literal(wfn.vendor);
  const cpeProduct = wfn === undefined ? undefined : literal(wfn.product);
  // A CPE without a concrete vendor and product names nothing in particular: match by name instead.
  if (cpeVendor === undefined || cpeProduct === undefined) wfn = undefined;

  const cpeVersion = wfn === undefined ? undefined : literal(wfn.version);
  const rawVersion = item.version.trim();
  const nvdVersion = cpeVersion ?? (rawVersion === '' ? undefined : upstreamVersion(scheme, rawVersion));
  const prepared: PreparedItem = {
    index: position,
    item,
    scheme,
    distro,
    nvdVersion,
    nvdVersionQuoted: nvdVersion === undefined ? undefined : quoteCpeValue(nvdVersion).toLowerCase(),
    wfn,
    part: item.part ?? (wfn === undefined || wfn.part === ANY ? undefined : wfn.part),
    targets: [],
    pkg: packageIdentity(item),
  };
  if (wfn !== undefined) {
    prepared.targets.push({ item: prepared, vendor: cpeVendor as string, product: cpeProduct as string, method: 'cpe', confidence: distro ? 'medium' : 'high' });
  } else {
    for (const target of fuzzyTargets(names, prepared, cache)) prepared.targets.push(target);
  }
  return prepared;
}

/**
 * CPE `vendor\tproduct` pairs by normalised product name (`VulnerabilityIndex.productNames`,
 * or what `VulnerabilityStore.productPairs` answered for the names of one report).
 */
export type ProductNames = (name: string) => Iterable<string>;

/** Normalised forms of CPE vendors, shared by every item of one matching run. */
type VendorCache = Map<string, VendorForms>;

function cpeVendorForms(cache: VendorCache, vendor: string): VendorForms {
  let forms = cache.get(vendor);
  if (forms === undefined) {
    forms = vendorForms(vendor);
    cache.set(vendor, forms);
  }
  return forms;
}

/** Vendor:product candidates for an item reported without a CPE, by normalised names, the alias table, then keywords. */
function fuzzyTargets(productNames: ProductNames, prepared: PreparedItem, cache: VendorCache): Target[] {
  const { item } = prepared;
  const name = normalizeName(item.name);
  const itemVendor = item.vendor === undefined ? undefined : vendorForms(item.vendor);
  const vendor = itemVendor?.reduced ?? '';
  const names = new Set([name, stripVendorPrefix(name, vendor), stripVendorPrefix(name, item.vendor === undefined ? '' : normalizeName(item.vendor))]);
  const found = new Map<string, Target>();
  const relationTo = (cpeVendor: string): 'exact' | 'word' | 'none' =>
    itemVendor === undefined ? 'none' : vendorRelation(itemVendor, cpeVendorForms(cache, cpeVendor));
  const offer = (pair: string, method: MatchMethod, confidence: MatchConfidence): void => {
    const [cpeVendor, cpeProduct] = pair.split('\t') as [string, string];
    const capped = prepared.distro ? cap(confidence, 'medium') : confidence;
    const existing = found.get(pair);
    if (existing !== undefined && CONFIDENCE_RANK[existing.confidence] >= CONFIDENCE_RANK[capped]) return;
    found.set(pair, { item: prepared, vendor: cpeVendor, product: cpeProduct, method, confidence: capped });
  };

  for (const candidate of names) {
    if (candidate === '') continue;
    const aliases = PRODUCT_ALIASES[candidate];
    if (aliases !== undefined) {
      const pairs = aliases.map((alias) => alias.replace(':', '\t'));
      const related = pairs.map((pair) => relationTo(pair.split('\t')[0] as string) !== 'none');
      const vendorMatched = related.includes(true);
      pairs.forEach((pair, i) => {
        offer(pair, 'vendor_product', itemVendor === undefined ? 'medium' : related[i] === true ? 'high' : vendorMatched ? 'medium' : 'low');
      });
    }
    for (const pair of productNames(candidate)) {
      const [cpeVendor, cpeProduct] = pair.split('\t') as [string, string];
      if (itemVendor === undefined) {
        // Without a vendor, a product named like its vendor (openssl:openssl, redis:redis) is still a fair guess.
        offer(pair, 'vendor_product', normalizeName(cpeVendor) === normalizeName(cpeProduct) ? 'medium' : 'low');
        continue;
      }
      const relation = relationTo(cpeVendor);
      if (relation === 'exact') offer(pair, 'vendor_product', 'high');
      else if (relation === 'word') offer(pair, 'vendor_product', 'medium');
    }
  }

  if (found.size === 0 && itemVendor !== undefined) {
    // Keyword: a product of this vendor named by a run of words of the item's name ("Firefox ESR Browser" → firefox_esr).
    const words = stripVendorPrefix(name, vendor).split(' ').filter((word) => word !== '');
    let bestLength = 0;
    const best: string[] = [];
    for (let start = 0; start < words.length; start++) {
      for (let end = words.length; end > start; end--) {
        const run = words.slice(start, end).join(' ');
        if (run.length < 3) continue;
        for (const pair of productNames(run)) {
          if (relationTo(pair.split('\t')[0] as string) === 'none') continue;
          const length = end - start;
          if (length > bestLength) {
            bestLength = length;
            best.length = 0;
          }
          if (length === bestLength) best.push(pair);
        }
      }
    }
    for (const pair of best) offer(pair, 'keyword', 'low');
  }
  return [...found.values()];
}

function acceptable(relation: string): boolean {
  return relation === 'EQUAL' || relation === 'SUPERSET';
}

/** Whether NVD criteria apply to a target (see `matchInventory` for the rules). */
function applies(criteria: CompiledCriteria, target: Target): boolean {
  const { item } = target;
  const c = criteria.wfn;
  if (item.part !== undefined && !acceptable(compareCpeValues(c.part, item.part))) return false;
  const t = item.wfn;
  // Criteria found under the target's own vendor:product need no second look at those two.
  const samePair = criteria.vendor === target.vendor && criteria.product === target.product;
  if (t !== undefined && !samePair && (!acceptable(compareCpeValues(c.vendor, t.vendor)) || !acceptable(compareCpeValues(c.product, t.product)))) return false;

  const version = c.version;
  if (version === NA) {
    if (t?.version !== NA) return false;
  } else if (version !== ANY) {
    if (item.nvdVersion === undefined || item.nvdVersionQuoted === undefined) return false;
    const text = version as string;
    if (!acceptable(compareCpeValues(text, item.nvdVersionQuoted))) {
      // "2.4" and "2.4.0" are the same release even though the strings differ.
      if (hasUnquotedWildcard(text) || compareVersions(item.scheme, cpeValueText(text), item.nvdVersion) !== 0) return false;
    }
  }

  const update = c.update;
  if (update !== ANY) {
    const itemUpdate = t?.update ?? ANY;
    // NVD's "-" update means "the release itself", which is what an item with no update info most likely is.
    if (!(update === NA && itemUpdate === ANY) && !acceptable(compareCpeValues(update, itemUpdate))) return false;
  }
  // Edition, language, sw_edition, target_sw, target_hw, other: unknown (ANY) on the item side is not a mismatch.
  for (const attribute of criteria.softAttributes) {
    const value = c[attribute];
    const itemValue = t?.[attribute] ?? ANY;
    if (itemValue === ANY) continue;
    if (!acceptable(compareCpeValues(value, itemValue))) return false;
  }

  if (criteria.hasRange) {
    if (item.nvdVersion === undefined) return false;
    return inVersionRange(item.scheme, item.nvdVersion, criteria.range);
  }
  return true;
}

const valueKey = (value: CpeValue | undefined): string => (value === undefined ? '\u0002' : value === ANY ? '\u0003' : value === NA ? '\u0004' : (value as string));

/**
 * Everything about a target that `applies` reads, as one string: two targets
 * with the same signature are applied the same criteria (the criteria's own
 * vendor:product lists are chosen by `vendor` and `product`).
 */
function appliesSignature(target: Target): string {
  const { item } = target;
  const wfn = item.wfn === undefined ? '\u0005' : CPE_ATTRIBUTES.map((attribute) => valueKey(item.wfn?.[attribute])).join('\u0001');
  return `${target.vendor}\t${target.product}\t${item.scheme}\t${item.nvdVersion ?? '\u0002'}\t${valueKey(item.part)}\t${wfn}`;
}

/**
 * The vulnerable criteria under a target's vendor and product (and wildcard
 * vendor or product) that apply to it. Agents report the same software again
 * and hosts of a fleet share it, so the answer is remembered on the index for
 * its current version: the next report with the same software skips the
 * criteria scan (a kernel alone has tens of thousands).
 */
function applyingCriteria(index: VulnerabilityIndex, target: Target): readonly CompiledCriteria[] {
  const signature = appliesSignature(target);
  const known = index.memoized(signature);
  if (known !== undefined) return known;
  const found: CompiledCriteria[] = [];
  for (const list of [index.byPair.get(`${target.vendor}\t${target.product}`), index.byProduct.get(target.product), index.byVendor.get(target.vendor)]) {
    if (list === undefined) continue;
    for (const criteria of list) if (applies(criteria, target)) found.push(criteria);
  }
  index.memoize(signature, found);
  return found;
}

/** Tri-state logic for AND configurations whose platform the inventory may not describe. */
const FALSE = 0;
const TRUE = 1;
const UNKNOWN = 2;
type Tri = typeof FALSE | typeof TRUE | typeof UNKNOWN;

interface Hit {
  target: Target;
  criteria: CompiledCriteria;
}

interface Candidate {
  record: CompiledRecord;
  item: PreparedItem;
  source: 'nvd' | 'osv';
  method: MatchMethod;
  confidence: MatchConfidence;
  fixed: string | null;
  matched: string;
  platformUnverified: boolean;
}

class AssetView {
  private readonly byPair = new Map<string, Target[]>();
  private readonly parts = new Set<string>();

  constructor(readonly items: readonly PreparedItem[]) {
    for (const item of items) {
      // An item of undeclared kind is software: an inventory lists applications, so their absence is known.
      this.parts.add(typeof item.part === 'string' ? item.part : 'a');
      for (const target of item.targets) {
        const key = `${target.vendor}\t${target.product}`;
        const list = this.byPair.get(key);
        if (list === undefined) this.byPair.set(key, [target]);
        else list.push(target);
      }
    }
  }

  /** Whether some item satisfies platform criteria; UNKNOWN when the inventory has no item of that part at all. */
  platform(criteria: CompiledCriteria): Tri {
    const candidates =
      criteria.vendor !== undefined && criteria.product !== undefined
        ? (this.byPair.get(`${criteria.vendor}\t${criteria.product}`) ?? [])
        : this.items.flatMap((item) => item.targets);
    for (const target of candidates) if (applies(criteria, target)) return TRUE;
    const part = criteria.wfn.part;
    if (typeof part === 'string' && !this.parts.has(part)) return UNKNOWN;
    return FALSE;
  }
}

function combine(operator: 'AND' | 'OR', values: Tri[], negate: boolean): Tri {
  let result: Tri;
  if (operator === 'OR') result = values.includes(TRUE) ? TRUE : values.includes(UNKNOWN) ? UNKNOWN : FALSE;
  else result = values.includes(FALSE) ? FALSE : values.includes(UNKNOWN) ? UNKNOWN : TRUE;
  if (!negate || result === UNKNOWN) return result;
  return result === TRUE ? FALSE : TRUE;
}

function evaluateConfig(config: CompiledConfig, hits: ReadonlySet<CompiledCriteria>, asset: AssetView): { config: Tri; nodes: Map<CompiledNode, Tri> } {
  const nodes = new Map<CompiledNode, Tri>();
  for (const node of config.nodes) {
    const values = node.criteria.map((criteria): Tri => (criteria.vulnerable ? (hits.has(criteria) ? TRUE : FALSE) : asset.platform(criteria)));
    nodes.set(node, combine(node.operator, values, node.negate));
  }
  return { config: combine(config.operator, [...nodes.values()], config.negate), nodes };
}

function releaseMatches(recordRelease: string, itemRelease: string): boolean {
  return itemRelease === recordRelease || itemRelease.startsWith(`${recordRelease}.`);
}

function evaluateRange(range: CompiledRange, version: string): { affected: boolean; fixed: string | null } {
  const compare = (a: string, b: string): number => compareVersions(range.scheme, a, b);
  if (range.limits.length > 0 && !range.limits.some((limit) => limit.includes('*') || compare(version, limit) < 0)) return { affected: false, fixed: null };
  let vulnerable = false;
  for (const event of range.events) {
    if (event.introduced !== undefined) {
      if (event.introduced === '0' || compare(version, event.introduced) >= 0) vulnerable = true;
    } else if (event.fixed !== undefined) {
      if (compare(version, event.fixed) >= 0) vulnerable = false;
    } else if (event.last_affected !== undefined) {
      if (compare(version, event.last_affected) > 0) vulnerable = false;
    }
  }
  if (!vulnerable) return { affected: false, fixed: null };
  const fixed = range.events.find((event) => event.fixed !== undefined && compare(event.fixed, version) > 0)?.fixed ?? null;
  return { affected: true, fixed };
}

/**
 * An OSV package entry against an item: `skip` when it does not apply (other
 * release, unevaluable GIT range), `clear` when it applies and says the
 * installed version is not affected, else the match.
 */
function matchPackage(pkg: CompiledPackage, item: PreparedItem, identity: PackageIdentity): { status: 'skip' | 'clear' } | { status: 'affected'; candidate: Candidate } {
  if (pkg.unevaluable) return { status: 'skip' };
  if (pkg.release !== null && identity.release !== null && !releaseMatches(pkg.release, identity.release)) return { status: 'skip' };
  const version = item.item.version.trim();
  if (version === '') return { status: 'skip' };
  let affected = pkg.versions.has(version);
  let fixed: string | null = null;
  for (const range of pkg.ranges) {
    const result = evaluateRange(range, version);
    if (result.affected) {
      affected = true;
      fixed ??= result.fixed;
    }
  }
  if (!affected) return { status: 'clear' };
  return {
    status: 'affected',
    candidate: {
      record: pkg.record,
      item,
      source: 'osv',
      method: 'purl',
      // A distribution advisory scoped to a release we cannot confirm for this host is less certain.
      confidence: pkg.release !== null && identity.release === null ? 'medium' : 'high',
      fixed,
      matched: `${pkg.ecosystem}/${pkg.name}`,
      platformUnverified: false,
    },
  };
}

function better(a: Candidate, b: Candidate): boolean {
  const rank = CONFIDENCE_RANK[a.confidence] - CONFIDENCE_RANK[b.confidence];
  if (rank !== 0) return rank > 0;
  if ((a.fixed !== null) !== (b.fixed !== null)) return a.fixed !== null;
  if (a.platformUnverified !== b.platformUnverified) return !a.platformUnverified;
  return a.source === 'osv' && b.source === 'nvd';
}

/** An inventory prepared for matching: versions and schemes read, CPE parsed, vendor:product targets found. */
export interface PreparedInventory {
  readonly items: readonly PreparedItem[];
}

/** Prepare items, finding the targets of items without a CPE through `names`. */
export function prepareInventory(items: readonly InventoryItem[], names: ProductNames): PreparedInventory {
  const cache: VendorCache = new Map();
  return { items: items.map((item, position) => prepare(names, item, position, cache)) };
}

/** Every normalised product name preparing these items may look up (a superset: keyword runs included). */
export function productNamesToLookUp(items: readonly InventoryItem[]): string[] {
  const wanted = new Set<string>();
  prepareInventory(items, (name) => {
    wanted.add(name);
    return [];
  });
  return [...wanted];
}

/**
 * What a store must return for a prepared inventory to be matched exactly as
 * against every record: records with vulnerable criteria under each target's
 * vendor:product (or with a wildcard vendor or product there), and the OSV
 * advisories of each item's package.
 */
export function candidateQueryOf(inventory: PreparedInventory): CandidateQuery {
  const cpe = new Map<string, CpeLookup>();
  const packages = new Set<string>();
  for (const item of inventory.items) {
    const part = item.part === 'a' || item.part === 'o' || item.part === 'h' ? item.part : undefined;
    for (const target of item.targets) {
      for (const lookup of [
        { vendor: target.vendor, product: target.product },
        { vendor: undefined, product: target.product },
        { vendor: target.vendor, product: undefined },
      ]) {
        const key = `${lookup.vendor ?? '*'}\t${lookup.product ?? '*'}\t${part ?? '*'}`;
        if (!cpe.has(key)) cpe.set(key, { ...lookup, part });
      }
    }
    if (item.pkg !== undefined) packages.add(`${item.pkg.family}\t${item.pkg.name}`);
  }
  return { cpe: [...cpe.values()], packages: [...packages] };
}

/**
 * Match one inventory (the software of one asset) against the index. See
 * `matchInventory` in the public API for the rules; this is its synchronous core.
 */
export function matchItems(index: VulnerabilityIndex, items: readonly InventoryItem[]): InventoryMatch[] {
  return matchPrepared(index, prepareInventory(items, (name) => index.productNames.get(name)?.keys() ?? []));
}

/** Match a prepared inventory against an index holding (at least) its candidate records. */
export function matchPrepared(index: VulnerabilityIndex, inventory: PreparedInventory): InventoryMatch[] {
  const prepared = inventory.items;
  const asset = new AssetView(prepared);

  // OSV first: a package advisory that covers the installed package and says "not affected"
  // (a distribution's backported fix) overrides NVD's upstream version ranges for that CVE.
  const osvCandidates: Candidate[] = [];
  const cleared = new Set<string>();
  const affectedKeys = new Set<string>();
  for (const item of prepared) {
    const identity = item.pkg;
    if (identity === undefined) continue;
    for (const pkg of index.packages.get(`${identity.family}\t${identity.name}`) ?? []) {
      const result = matchPackage(pkg, item, identity);
      if (result.status === 'skip') continue;
      for (const cve of pkg.record.cves) (result.status === 'clear' ? cleared : affectedKeys).add(`${item.index}\t${cve}`);
      if (result.status === 'affected') osvCandidates.push(result.candidate);
    }
  }
  for (const key of affectedKeys) cleared.delete(key);

  // NVD: candidate criteria by vendor and product, then the configuration logic.
  const hitsByConfig = new Map<CompiledConfig, Hit[]>();
  const hitCriteria = new Set<CompiledCriteria>();
  for (const item of prepared) {
    for (const target of item.targets) {
      for (const criteria of applyingCriteria(index, target)) {
        hitCriteria.add(criteria);
        const hits = hitsByConfig.get(criteria.config);
        if (hits === undefined) hitsByConfig.set(criteria.config, [{ target, criteria }]);
        else hits.push({ target, criteria });
      }
    }
  }

  const best = new Map<string, Candidate>();
  // Ids of the other records (NVD and OSV about the same CVE) folded into a kept candidate.
  const otherIds = new Map<Candidate, string[]>();
  const offer = (candidate: Candidate): void => {
    const key = `${candidate.item.index}\t${candidate.record.cve ?? candidate.record.id}`;
    const existing = best.get(key);
    if (existing === undefined) {
      best.set(key, candidate);
      return;
    }
    const [winner, loser] = better(candidate, existing) ? [candidate, existing] : [existing, candidate];
    winner.fixed ??= loser.fixed;
    if (winner.record !== loser.record) otherIds.set(winner, [...(otherIds.get(loser) ?? []), ...(otherIds.get(winner) ?? []), loser.record.id]);
    best.set(key, winner);
  };

  for (const [config, hits] of hitsByConfig) {
    let configResult: Tri = TRUE;
    let nodeResults: Map<CompiledNode, Tri> | undefined;
    if (!config.simple) {
      const evaluation = evaluateConfig(config, hitCriteria, asset);
      configResult = evaluation.config;
      nodeResults = evaluation.nodes;
      if (configResult === FALSE) continue;
    }
    for (const { target, criteria } of hits) {
      if (cleared.size > 0 && config.record.cves.some((cve) => cleared.has(`${target.item.index}\t${cve}`))) continue;
      const node = nodeResults === undefined ? undefined : config.nodes.find((n) => n.criteria.includes(criteria));
      const nodeResult = nodeResults === undefined || node === undefined ? TRUE : (nodeResults.get(node) ?? FALSE);
      if (nodeResult === FALSE) continue;
      const unverified = configResult === UNKNOWN || nodeResult === UNKNOWN;
      offer({
        record: config.record,
        item: target.item,
        source: 'nvd',
        method: target.method,
        confidence: unverified ? downgrade(target.confidence) : target.confidence,
        fixed: criteria.range.versionEndExcluding ?? null,
        matched: criteria.criteria,
        platformUnverified: unverified,
      });
    }
  }

  for (const candidate of osvCandidates) offer(candidate);

  const matches: InventoryMatch[] = [];
  for (const candidate of best.values()) {
    const summary = index.summaryOf(candidate.record);
    const aliases = [...summary.aliases];
    for (const id of otherIds.get(candidate) ?? []) if (id !== summary.id && !aliases.includes(id)) aliases.push(id);
    matches.push({
      item_index: candidate.item.index,
      item_name: candidate.item.item.name,
      item_version: candidate.item.item.version,
      vulnerability_id: summary.id,
      cve: summary.cve,
      aliases,
      source: candidate.source,
      method: candidate.method,
      confidence: candidate.confidence,
      severity: summary.severity,
      cvss_score: summary.cvss_score,
      in_kev: summary.in_kev,
      kev_due_date: summary.kev_due_date,
      fixed_version: candidate.fixed,
      matched: candidate.matched,
      platform_unverified: candidate.platformUnverified,
    });
  }
  matches.sort(
    (a, b) =>
      a.item_index - b.item_index ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (b.cvss_score ?? -1) - (a.cvss_score ?? -1) ||
      (a.vulnerability_id < b.vulnerability_id ? -1 : a.vulnerability_id > b.vulnerability_id ? 1 : 0),
  );
  return matches;
}

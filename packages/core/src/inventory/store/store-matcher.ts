import type { InventoryItem, InventoryMatch } from '../../contract/inventory.js';
import type { CpeLookup, VulnerabilityStore } from '../../ports/vulnerability-store.js';
import { candidateQueryOf, matchPrepared, prepareInventory, productNamesToLookUp } from '../matcher/match-inventory.js';
import { VulnerabilityIndex } from '../matcher/vulnerability-index.js';

/** Records fetched per store call when filling the cache. */
const FETCH_BATCH = 2000;

const lookupKey = (lookup: CpeLookup): string => `cpe\t${lookup.vendor ?? '*'}\t${lookup.product ?? '*'}\t${lookup.part ?? '*'}`;

/**
 * Matches inventories through a `VulnerabilityStore`, keeping what it fetched
 * for the next report: the compiled candidate records (an index of only the
 * records some inventory could hit, never every record), the product names
 * looked up, and which lookups are complete. All of it is dropped when the
 * store's `generation()` changes (any write, by this process or another) or
 * when more than `maxRecords` records are held.
 *
 * Exact: a record is matched against an item only if the store lists it as a
 * candidate for one of the item's lookups, and every candidate of every
 * lookup of the report is in the index before matching, so holding more
 * records than one report needs never changes its matches.
 */
export class StoreMatcher {
  private generation: string | undefined;
  private index = new VulnerabilityIndex();
  private readonly names = new Map<string, readonly string[]>();
  private readonly complete = new Set<string>();
  // One match at a time: a reset while another match fills the index would leave it short.
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: VulnerabilityStore,
    private readonly maxRecords: number,
  ) {}

  /** Records held now (for stats and tests). */
  get cachedRecords(): number {
    return this.index.records.size;
  }

  match(items: readonly InventoryItem[]): Promise<InventoryMatch[]> {
    const run = this.tail.then(() => this.matchNow(items));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private reset(generation: string | undefined): void {
    this.generation = generation;
    this.index = new VulnerabilityIndex();
    this.names.clear();
    this.complete.clear();
  }

  private async matchNow(items: readonly InventoryItem[]): Promise<InventoryMatch[]> {
    const { store } = this;
    const generation = await store.generation();
    if (generation !== this.generation) this.reset(generation);

    // Items without a CPE are found by product name: prepare with the names known, and
    // when some were not, ask the store for them (and for every name preparing may look up) and prepare again.
    let missing = false;
    let inventory = prepareInventory(items, (name) => {
      const pairs = this.names.get(name);
      if (pairs === undefined) missing = true;
      return pairs ?? [];
    });
    if (missing) {
      const unknown = productNamesToLookUp(items).filter((name) => !this.names.has(name));
      const found = await store.productPairs(unknown);
      for (const name of unknown) this.names.set(name, found.get(name) ?? []);
      inventory = prepareInventory(items, (name) => this.names.get(name) ?? []);
    }

    // Then the records those targets and packages can hit, fetching only what no earlier report fetched.
    const query = candidateQueryOf(inventory);
    const cpe = query.cpe.filter((lookup) => !this.complete.has(lookupKey(lookup)));
    const packages = query.packages.filter((pkg) => !this.complete.has(`pkg\t${pkg}`));
    if (cpe.length > 0 || packages.length > 0) {
      const keys = (await store.candidateKeys({ cpe, packages })).filter((key) => !this.index.records.has(key));
      const cves = new Set<string>();
      for (let start = 0; start < keys.length; start += FETCH_BATCH) {
        for (const record of await store.getRecords(keys.slice(start, start + FETCH_BATCH))) {
          this.index.put(record);
          for (const cve of this.index.records.get(`${record.source}/${record.id}`)?.cves ?? []) cves.add(cve);
        }
      }
      if (cves.size > 0) for (const entry of await store.kevEntries([...cves])) this.index.putKev(entry, entry.cve_id);
      for (const lookup of cpe) this.complete.add(lookupKey(lookup));
      for (const pkg of packages) this.complete.add(`pkg\t${pkg}`);
    }
    const matches = matchPrepared(this.index, inventory);
    // Bounded: past the limit, start again from nothing (the next report fetches what it needs).
    if (this.index.records.size > this.maxRecords) this.reset(this.generation);
    return matches;
  }
}

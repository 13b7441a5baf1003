import type { InventoryItem } from '../../contract/inventory.js';
import { cpeValueText, tryParseCpe } from '../cpe/cpe-name.js';
import { isWildcardValue } from '../cpe/cpe-match.js';
import { PRODUCT_ALIASES, normalizeName, normalizeVendor, stripVendorPrefix } from './names.js';
import { packageIdentity } from './package-identity.js';

/**
 * The reverse-index keys of an inventory item: every product name, vendor and
 * package it could be matched through. A vulnerability record lists the same
 * kinds of keys; an item can only match a record when they share one, so
 * assets whose items share no key with changed records need no re-matching.
 */
export function itemKeys(item: InventoryItem): string[] {
  const keys = new Set<string>();
  const name = normalizeName(item.name);
  const vendor = item.vendor === undefined ? '' : normalizeVendor(item.vendor);
  const names = [name, stripVendorPrefix(name, vendor), stripVendorPrefix(name, item.vendor === undefined ? '' : normalizeName(item.vendor))];
  for (const candidate of names) {
    if (candidate === '') continue;
    keys.add(`p:${candidate}`);
    for (const alias of PRODUCT_ALIASES[candidate] ?? []) {
      const [aliasVendor, aliasProduct] = alias.split(':') as [string, string];
      keys.add(`p:${normalizeName(aliasProduct)}`);
      keys.add(`v:${normalizeVendor(aliasVendor)}`);
    }
    // Keyword matches find a product named by a run of the name's words.
    const words = candidate.split(' ');
    for (let start = 0; start < words.length; start++) {
      for (let end = start + 1; end <= words.length; end++) keys.add(`p:${words.slice(start, end).join(' ')}`);
    }
  }
  if (vendor !== '') keys.add(`v:${vendor}`);
  if (item.cpe !== undefined) {
    const wfn = tryParseCpe(item.cpe);
    if (wfn !== undefined) {
      if (!isWildcardValue(wfn.product)) keys.add(`p:${normalizeName(cpeValueText(wfn.product))}`);
      if (!isWildcardValue(wfn.vendor)) keys.add(`v:${normalizeVendor(cpeValueText(wfn.vendor))}`);
    }
  }
  const identity = packageIdentity(item);
  if (identity !== undefined) keys.add(`pkg:${identity.family}\t${identity.name}`);
  return [...keys];
}

/**
 * Which assets hold which items, indexed by reverse-index key, so that after
 * a vulnerability import only the assets it can concern are matched again.
 *
 * @example
 * const assets = createAssetIndex();
 * assets.set('host-1', report.software);
 * db.onChange(({ keys }) => { for (const id of assets.affectedBy(keys)) rematch(id); });
 */
export interface AssetIndex {
  /** Record (or replace) an asset's inventory. */
  set(assetId: string, items: readonly InventoryItem[]): void;
  /** Forget an asset; `false` when it was not known. */
  delete(assetId: string): boolean;
  has(assetId: string): boolean;
  /** Asset ids whose items share a key with `keys`, in insertion order. */
  affectedBy(keys: Iterable<string>): string[];
  readonly size: number;
}

export function createAssetIndex(): AssetIndex {
  const keysByAsset = new Map<string, Set<string>>();
  const assetsByKey = new Map<string, Set<string>>();

  const remove = (assetId: string): boolean => {
    const keys = keysByAsset.get(assetId);
    if (keys === undefined) return false;
    for (const key of keys) {
      const assets = assetsByKey.get(key);
      assets?.delete(assetId);
      if (assets?.size === 0) assetsByKey.delete(key);
    }
    keysByAsset.delete(assetId);
    return true;
  };

  return {
    set(assetId, items) {
      remove(assetId);
      const keys = new Set<string>();
      for (const item of items) for (const key of itemKeys(item)) keys.add(key);
      keysByAsset.set(assetId, keys);
      for (const key of keys) {
        let assets = assetsByKey.get(key);
        if (assets === undefined) {
          assets = new Set();
          assetsByKey.set(key, assets);
        }
        assets.add(assetId);
      }
    },
    delete: remove,
    has: (assetId) => keysByAsset.has(assetId),
    affectedBy(keys) {
      const found = new Set<string>();
      for (const key of keys) for (const assetId of assetsByKey.get(key) ?? []) found.add(assetId);
      return [...keysByAsset.keys()].filter((assetId) => found.has(assetId));
    },
    get size() {
      return keysByAsset.size;
    },
  };
}

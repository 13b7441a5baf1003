import { createAssetIndex, errorMessage, matchInventory, silentLogger } from '@sentinel-kit/core';
import type { Asset, AssetIndex, AssetStore, InventoryItem, InventoryMatch, Logger, VulnerabilityChange, VulnerabilityDatabase } from '@sentinel-kit/core';
import { describeOs } from './os-item.js';

/**
 * Keeps every asset's stored matches in step with its inventory and with the
 * vulnerability data: an inventory change (a report) matches that asset; a
 * vulnerability import matches again only the assets that hold an item the
 * changed records can concern, found through a reverse index of the stored
 * inventories (`createAssetIndex`) built once from storage.
 */
export interface AssetMatcher {
  /** Reverse index: asset id (as a string) → the keys of its items. */
  readonly index: AssetIndex;
  /** Resolves once the reverse index holds every stored inventory (built on first call). */
  ready(): Promise<void>;
  /** Run `work` alone for one (organization, hostname): reports of the same host never interleave. */
  withHost<T>(organizationId: number, hostname: string, work: () => Promise<T>): Promise<T>;
  /** Run `work` alone for one asset: its software, matches and index entry change together. */
  withAsset<T>(assetId: number, work: () => Promise<T>): Promise<T>;
  /**
   * Match `software` (plus the OS item of `asset.os`) and store the result as
   * the asset's matches; updates the reverse index. Call it holding `withAsset`.
   */
  storeMatches(asset: Asset, software: readonly InventoryItem[]): Promise<InventoryMatch[]>;
  /** Match an asset again from its stored software; undefined when the asset is gone. */
  rematch(assetId: number): Promise<InventoryMatch[] | undefined>;
  /** Resolves when the rematches of every vulnerability change so far have finished. */
  idle(): Promise<void>;
  /** How many assets vulnerability changes have re-matched since start. */
  readonly rematchedCount: number;
  /** Stop following vulnerability changes. */
  close(): void;
}

export interface AssetMatcherOptions {
  vulnerabilities: VulnerabilityDatabase;
  assets: AssetStore;
  logger?: Logger;
}

/** The items an asset is matched with: its software, each told the host OS, and the OS itself (last). */
export function itemsForMatching(asset: Pick<Asset, 'os'>, software: readonly InventoryItem[]): InventoryItem[] {
  return prepareItems(asset, software).items;
}

function prepareItems(asset: Pick<Asset, 'os'>, software: readonly InventoryItem[]): { items: InventoryItem[]; platformOnly: number | undefined } {
  const os = asset.os.trim();
  const known = os !== '' && os.toLowerCase() !== 'unknown';
  const items = software.map((item) => (known && item.os_family === undefined ? { ...item, os_family: os } : item));
  const system = describeOs(os);
  if (system === undefined) return { items, platformOnly: undefined };
  items.push(system.item);
  return { items, platformOnly: system.distribution ? items.length - 1 : undefined };
}

/**
 * The items an asset is indexed by. A distribution's OS item never matches by
 * itself, and a platform condition on it only matters with an application of
 * the same record, whose keys the asset already has: leaving it out keeps
 * records that merely list the distribution (NVD lists Debian on thousands)
 * from re-matching every host of that distribution.
 */
function indexed(items: InventoryItem[], platformOnly: number | undefined): InventoryItem[] {
  return platformOnly === undefined ? items : items.filter((_, i) => i !== platformOnly);
}

/** Serialises async work per key; keys with nothing queued hold no memory. */
function createKeyedLock(): <T>(key: string, work: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<void>>();
  return (key, work) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}

export function createAssetMatcher(options: AssetMatcherOptions): AssetMatcher {
  const { vulnerabilities, assets } = options;
  const logger = options.logger ?? silentLogger;
  const index = createAssetIndex();
  const lock = createKeyedLock();
  let building: Promise<void> | undefined;
  let queue: Promise<void> = Promise.resolve();
  let rematched = 0;

  const ready = (): Promise<void> => {
    building ??= (async () => {
      for (const asset of await assets.list()) {
        const { items, platformOnly } = prepareItems(asset, await assets.software(asset.id));
        index.set(String(asset.id), indexed(items, platformOnly));
      }
    })();
    return building;
  };

  const withAsset = <T>(assetId: number, work: () => Promise<T>): Promise<T> => lock(`asset\t${assetId}`, work);

  const matcher: AssetMatcher = {
    index,
    ready,
    withHost: (organizationId, hostname, work) => lock(`host\t${organizationId}\t${hostname.trim().toLowerCase()}`, work),
    withAsset,
    async storeMatches(asset, software) {
      const { items, platformOnly } = prepareItems(asset, software);
      const matches = (await matchInventory(vulnerabilities, items)).filter((match) => match.item_index !== platformOnly);
      await assets.setMatches(asset.id, matches);
      index.set(String(asset.id), indexed(items, platformOnly));
      return matches;
    },
    rematch(assetId) {
      return withAsset(assetId, async () => {
        const asset = await assets.get(assetId);
        if (asset === undefined) {
          index.delete(String(assetId));
          return undefined;
        }
        return matcher.storeMatches(asset, await assets.software(assetId));
      });
    },
    idle: () => queue,
    get rematchedCount() {
      return rematched;
    },
    close() {
      unsubscribe();
    },
  };

  const onChange = (change: VulnerabilityChange): void => {
    queue = queue.then(async () => {
      await ready();
      const affected = index.affectedBy(change.keys);
      for (const id of affected) {
        try {
          if ((await matcher.rematch(Number(id))) !== undefined) rematched++;
        } catch (error) {
          logger.warn('re-matching an asset after a vulnerability import failed', { asset_id: id, error: errorMessage(error) });
        }
      }
      if (affected.length > 0) logger.info('assets re-matched after a vulnerability import', { source: change.source, records: change.ids.length, assets: affected.length });
    }).catch((error: unknown) => {
      logger.error('re-matching assets after a vulnerability import failed', { error: errorMessage(error) });
    });
  };
  const unsubscribe = vulnerabilities.onChange(onChange);
  return matcher;
}

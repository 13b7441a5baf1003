import { createAssetStore, createMemoryVulnerabilityStore, createVulnerabilityDatabase, errorMessage } from '@sentinel-kit/core';
import type { AssetStore, VulnerabilityDatabase, VulnerabilityStore } from '@sentinel-kit/core';
import type { RouteContext } from '../http/app-types.js';
import { createAssetMatcher } from './rematch.js';
import type { AssetMatcher } from './rematch.js';

/** The inventory services of one app: the vulnerability database and the asset store, shared by every surface. */
export interface InventoryServices {
  vulnerabilities: VulnerabilityDatabase;
  assets: AssetStore;
  /**
   * Keeps stored matches current: `storeMatches` after an inventory change,
   * and, on every vulnerability import, a re-match of only the assets the
   * changed records can concern (reverse index built from stored software).
   * Code that changes an asset's software outside a report calls `rematch(id)`.
   */
  matcher: AssetMatcher;
}

const perApp = new WeakMap<RouteContext['sentinel'], InventoryServices>();

export interface InventoryServicesOptions {
  /** Where vulnerability records live. @default createMemoryVulnerabilityStore() */
  vulnerabilityStore?: VulnerabilityStore;
}

/**
 * Build the inventory services of an app over its vulnerability store, before
 * any surface asks for them (`createApp` calls it). Records an earlier version
 * kept in the engine's storage move into the store when the app starts.
 */
export function provideInventoryServices(ctx: RouteContext, options: InventoryServicesOptions = {}): InventoryServices {
  return inventoryFor(ctx, options);
}

/**
 * One vulnerability database and asset store per app (keyed by its engine),
 * built by `provideInventoryServices`, or by whichever surface asks first.
 * The database loads (migrates) when the app starts, and on first use before that.
 */
export function inventoryFor(ctx: RouteContext, options: InventoryServicesOptions = {}): InventoryServices {
  let services = perApp.get(ctx.sentinel);
  if (services === undefined) {
    const vulnerabilities = createVulnerabilityDatabase({ store: options.vulnerabilityStore ?? createMemoryVulnerabilityStore(), storage: ctx.sentinel.storage });
    const assets = createAssetStore({ storage: ctx.sentinel.storage, clock: ctx.clock });
    const created: InventoryServices = {
      vulnerabilities,
      assets,
      matcher: createAssetMatcher({ vulnerabilities, assets, logger: ctx.logger }),
    };
    services = created;
    perApp.set(ctx.sentinel, created);
    ctx.onStart(async () => {
      try {
        await created.vulnerabilities.load();
        const moved = created.vulnerabilities.migration;
        if (moved !== undefined && moved.records + moved.kev_entries > 0) {
          ctx.logger.info('vulnerability records moved out of the storage document into the vulnerability store', { ...moved });
        }
      } catch (error) {
        ctx.logger.error('vulnerability database failed to load', { error: errorMessage(error) });
      }
      try {
        await created.matcher.ready();
      } catch (error) {
        ctx.logger.error('inventory index failed to build', { error: errorMessage(error) });
      }
    });
    ctx.onClose(async () => {
      created.matcher.close();
      await created.matcher.idle();
    });
  }
  return services;
}

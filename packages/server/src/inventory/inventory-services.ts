import { createAssetStore, createVulnerabilityDatabase, errorMessage } from '@sentinel-kit/core';
import type { AssetStore, VulnerabilityDatabase } from '@sentinel-kit/core';
import type { RouteContext } from '../http/app-types.js';

/** The inventory services of one app: the vulnerability database and the asset store, shared by every surface. */
export interface InventoryServices {
  vulnerabilities: VulnerabilityDatabase;
  assets: AssetStore;
}

const perApp = new WeakMap<RouteContext['sentinel'], InventoryServices>();

/**
 * One vulnerability database and asset store per app (keyed by its engine),
 * whichever surface asks first. The database loads its index when the app
 * starts (and on first use before that).
 */
export function inventoryFor(ctx: RouteContext): InventoryServices {
  let services = perApp.get(ctx.sentinel);
  if (services === undefined) {
    const created: InventoryServices = {
      vulnerabilities: createVulnerabilityDatabase({ storage: ctx.sentinel.storage }),
      assets: createAssetStore({ storage: ctx.sentinel.storage, clock: ctx.clock }),
    };
    services = created;
    perApp.set(ctx.sentinel, created);
    ctx.onStart(async () => {
      try {
        await created.vulnerabilities.load();
      } catch (error) {
        ctx.logger.error('vulnerability database failed to load', { error: errorMessage(error) });
      }
    });
  }
  return services;
}

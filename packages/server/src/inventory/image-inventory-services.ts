import type { RegistryCredentialStore } from '@sentinel-kit/core';
import type { RouteContext } from '../http/app-types.js';
import { createImageInventoryService } from './image-scanner.js';
import type { ImageInventoryService, ImageInventoryServiceOptions } from './image-scanner.js';
import { inventoryFor } from './inventory-services.js';

/** What an app may tune about its image inventory (`createApp({ imageInventory })`). */
export type ImageInventoryOptions = Partial<
  Pick<
    ImageInventoryServiceOptions,
    | 'concurrency'
    | 'refreshIntervalMs'
    | 'initialRefreshDelayMs'
    | 'hostMaxAgeMs'
    | 'scanRegistryTags'
    | 'platform'
    | 'maxRepositoriesPerRegistry'
    | 'maxTagsPerRepository'
    | 'minConfidence'
    | 'registries'
  >
> & {
  /** Saved registry logins: their registries' catalogues are listed and their credentials used for it. */
  registryCredentials?: RegistryCredentialStore | undefined;
};

const perApp = new WeakMap<RouteContext['sentinel'], ImageInventoryService>();

/**
 * The image inventory of one app (keyed by its engine), created on first
 * use with the app's vulnerability database; it starts and stops with the
 * app. Other surfaces (audits…) read images and their vulnerabilities here.
 * The first call's options win: the image inventory routes register first
 * (with the app's registry credentials), others should pass none.
 */
export function imageInventoryFor(ctx: RouteContext, options: ImageInventoryOptions = {}): ImageInventoryService {
  let service = perApp.get(ctx.sentinel);
  if (service === undefined) {
    const { registryCredentials, registries, ...rest } = options;
    const created = createImageInventoryService({
      ...rest,
      docker: ctx.sentinel.docker,
      registry: ctx.sentinel.registry,
      storage: ctx.sentinel.storage,
      vulnerabilities: inventoryFor(ctx).vulnerabilities,
      clock: ctx.clock,
      logger: ctx.logger,
      fetch: ctx.fetch,
      credentials: (registry) => registryCredentials?.lookup(registry),
      registries: () => [...(registries?.() ?? []), ...(registryCredentials?.registries() ?? [])],
    });
    service = created;
    perApp.set(ctx.sentinel, created);
    ctx.onStart(() => created.start());
    ctx.onClose(() => created.close());
  }
  return service;
}

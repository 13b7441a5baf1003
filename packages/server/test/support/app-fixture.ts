import { createMemoryDocker, createMemoryStorage, createSentinel } from '@sentinel-kit/core';
import { createRegistryCredentialStore } from '@sentinel-kit/core';
import type { FetchLike, RegistryCredentialStore } from '@sentinel-kit/core';
import type { Sentinel, SettingValues } from '@sentinel-kit/core';
import { createFakeRegistry } from '@sentinel-kit/core/testing';
import type { FakeRegistry, ImageBehavior, MemoryDocker } from '@sentinel-kit/core/testing';
import { createApp } from '../../src/app.js';
import type { AppOptions } from '../../src/app.js';

export const REGISTRY_HOST = 'registry.test';

export interface AppFixture {
  app: ReturnType<typeof createApp>;
  sentinel: Sentinel;
  docker: MemoryDocker;
  registry: FakeRegistry;
  /** Registry credentials the engine's registry client and pulls use (`PUT /api/settings/registries`). */
  registryCredentials: RegistryCredentialStore;
  /** A `fetch` that serves requests from the in-process app (no sockets). */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Publish `repo:tag` to the fake registry and make it pullable; returns the image reference. */
  publish(repo: string, tag: string, behavior?: ImageBehavior): string;
  close(): Promise<void>;
}

/** The reference app over the in-memory Docker fake, the fake registry and memory storage. */
export function createAppFixture(
  options: {
    settings?: Partial<SettingValues>;
    app?: Omit<AppOptions, 'sentinel'>;
    /** Wrap the fake registry's fetch (a registry that demands Basic auth, msw for other hosts…). */
    registryFetch?: (fakeRegistryFetch: FetchLike) => FetchLike;
  } = {},
): AppFixture {
  const docker = createMemoryDocker({ timing: { exitAfterMs: 20, healthyAfterMs: 30, unhealthyAfterMs: 60 } });
  const registry = createFakeRegistry({ host: REGISTRY_HOST });
  const storage = createMemoryStorage();
  const registryCredentials = createRegistryCredentialStore(storage);
  const sentinel = createSentinel({
    storage,
    docker,
    fetch: registry.fetch,
    ...(options.registryFetch === undefined ? {} : { fetch: options.registryFetch(registry.fetch) }),
    credentials: (host) => registryCredentials.lookup(host),
    settings: { grace_period: 100, health_timeout: 1000, ...options.settings },
    healthPollMs: 10,
  });
  // Authentication disabled unless a test asks for it (`app: { authMode: 'enabled' }`, or test/support/auth-fixture.ts).
  const app = createApp({ sentinel, registryCredentials, authMode: 'disabled', ...options.app });
  return {
    app,
    sentinel,
    docker,
    registry,
    registryCredentials,
    fetch: async (input, init) => app.request(input instanceof URL ? input.toString() : input, init),
    publish(repo, tag, behavior = 'runs') {
      const digest = registry.push(repo, tag);
      const ref = `${REGISTRY_HOST}/${repo}:${tag}`;
      docker.publishImage(ref, { digest, behavior });
      return ref;
    },
    async close() {
      await app.close();
      await sentinel.stop();
    },
  };
}

import { afterEach } from 'vitest';
import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { createManualClock, createMemoryDocker, createMemoryStorage, createSentinel, systemClock } from '@sentinel-kit/core';
import type { Clock, FetchLike, ManualClock, StoragePort } from '@sentinel-kit/core';
import { createFakeRegistry } from '@sentinel-kit/core/testing';
import type { FakeRegistry, MemoryDocker } from '@sentinel-kit/core/testing';
import { createApp } from '../../src/app.js';
import type { AppOptions, SentinelApp } from '../../src/app.js';

export { DOCKER_ENGINE_CVE, KEV_FIXTURE, NVD_FIXTURE } from './v1-feeds.js';

export const BASE_URL = 'http://sentinel.test';
export const ADMIN = { username: 'admin', password: 'admin-password-1' } as const;

export interface V1Fixture {
  app: SentinelApp;
  docker: MemoryDocker;
  registry: FakeRegistry;
  storage: StoragePort;
  clock: Clock;
  /** A `fetch` served by the in-process app. */
  fetch: FetchLike;
  /** A client over the in-process app; `token` as `Authorization: Bearer`, `apiKey` as `X-API-Key`. */
  client(options?: { token?: string; apiKey?: string; headers?: Record<string, string> }): SentinelClient;
  /** The admin's native API token (`sntkn_…`), for the native routes (feed imports). */
  adminToken: string;
  /** The admin's JWT from `POST /api/v1/auth/token`. */
  jwt: string;
  /** `client({ token: jwt })`. */
  api: SentinelClient;
  /** Publish `repo:tag` in the fake registry (pullable by the memory engine) and return the reference. */
  publish(repo: string, tag: string): string;
  close(): Promise<void>;
}

const open: V1Fixture[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

/**
 * The reference app with authentication on (first admin created through
 * `POST /setup`), over the memory engine (whose version `engineVersion`
 * sets), the fake registry and memory storage; closed after each test.
 */
export async function createV1Fixture(
  options: { engineVersion?: string; manualClock?: boolean; app?: Partial<Omit<AppOptions, 'sentinel'>>; start?: boolean } = {},
): Promise<V1Fixture & { manual: ManualClock | undefined }> {
  const manual = options.manualClock === true ? createManualClock(Date.UTC(2025, 0, 1)) : undefined;
  const clock: Clock = manual ?? systemClock;
  const docker = createMemoryDocker({ timing: { exitAfterMs: 20, healthyAfterMs: 30, unhealthyAfterMs: 60 }, engine: { name: 'docker-01', version: options.engineVersion ?? '27.3.1' } });
  const registry = createFakeRegistry({ host: 'registry.test' });
  const storage = createMemoryStorage();
  const sentinel = createSentinel({ storage, docker, fetch: registry.fetch, settings: { grace_period: 100, health_timeout: 1000 }, healthPollMs: 10 });
  // The image inventory scans only when a test asks (no background refresh): audits then see exactly what a test staged.
  const app = createApp({ sentinel, authMode: 'enabled', authOptions: { passwordCost: 4 }, clock, imageInventory: { initialRefreshDelayMs: 86_400_000, refreshIntervalMs: 0 }, ...options.app });
  const fetch: FetchLike = async (input, init) => app.request(input instanceof URL ? input.toString() : input, init);
  const client = (o: { token?: string; apiKey?: string; headers?: Record<string, string> } = {}): SentinelClient =>
    createSentinelClient({
      baseUrl: BASE_URL,
      fetch,
      retry: 0,
      ...(o.token === undefined ? {} : { token: o.token }),
      headers: { ...(o.apiKey === undefined ? {} : { 'x-api-key': o.apiKey }), ...o.headers },
    });
  if (options.start !== false) await app.start();
  const setup = client();
  await setup.auth.setup(ADMIN.username, ADMIN.password);
  const adminToken = (await setup.auth.createToken('fixture admin')).token;
  const jwt = (await client().v1.auth.token({ username: ADMIN.username, password: ADMIN.password })).access_token;
  const fixture = {
    app,
    docker,
    registry,
    storage,
    clock,
    manual,
    fetch,
    client,
    adminToken,
    jwt,
    api: client({ token: jwt }),
    publish(repo: string, tag: string) {
      const digest = registry.push(repo, tag);
      const ref = `registry.test/${repo}:${tag}`;
      docker.publishImage(ref, { digest });
      return ref;
    },
    async close() {
      await app.close();
      await sentinel.stop();
    },
  };
  open.push(fixture);
  return fixture;
}

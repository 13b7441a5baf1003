import { createMemoryDocker, createMemoryStorage, createRegistryClient, createSentinel, systemClock } from '@sentinel-kit/core';
import { createFakeRegistry } from '@sentinel-kit/core/testing';
import { startLocalRegistry } from './local-registry.js';

const REPOS = 40;
const TAGS_PER_REPO = 110;
const CONTAINERS = 200;

export interface ScanBenchRow {
  registry: string;
  concurrency: number;
  wall_ms: number;
  /** Tag-list requests (pages). */
  tags: number;
  manifest_head: number;
  token: number;
  requests_per_container: number;
  updates_found: number;
}

/** Tags 1.0.0 … 1.0.(TAGS-1) plus a few variants and pre-releases. */
function tagsFor(): string[] {
  const tags: string[] = [];
  for (let i = 0; i < TAGS_PER_REPO - 10; i++) tags.push(`1.${Math.floor(i / 10)}.${i % 10}`);
  for (let i = 0; i < 5; i++) tags.push(`1.${i}.0-alpine`, `2.0.0-rc${i}`);
  return tags;
}

export async function runScanBench(): Promise<ScanBenchRow[]> {
  const rows: ScanBenchRow[] = [];
  const local = await startLocalRegistry();
  try {
    const tags = tagsFor();
    const digests = new Map<string, string>();
    for (let r = 0; r < REPOS; r++) {
      const repo = `bench/app${r}`;
      await Promise.all(tags.map(async (t) => digests.set(`${repo}:${t}`, await local.push(repo, t))));
    }
    // Half the containers have newer tags (tag-list path); half sit at the top (digest path).
    const top = tags.filter((t) => /^\d+\.\d+\.\d+$/.test(t)).at(-1) as string;
    const fixtures = Array.from({ length: CONTAINERS }, (_, i) => {
      const repo = `bench/app${i % REPOS}`;
      return { name: `c${String(i).padStart(3, '0')}`, repo, tag: i % 2 === 0 ? '1.0.0' : top };
    });

    // Loopback answers in well under a millisecond; a real registry is tens of ms away.
    // The latency rows add a fixed delay per request to show how concurrency pays off.
    for (const [concurrency, latencyMs] of [
      [1, 0],
      [4, 0],
      [16, 0],
      [1, 25],
      [4, 25],
      [16, 25],
    ] as const) {
      const docker = createMemoryDocker();
      for (const f of fixtures) {
        const ref = `${local.addr}/${f.repo}:${f.tag}`;
        const digest = digests.get(`${f.repo}:${f.tag}`);
        if (docker.remoteDigest(ref) === undefined) docker.publishImage(ref, digest === undefined ? {} : { digest });
        docker.seedContainer({ name: f.name, image: ref });
      }
      const delayed = async (i: string | URL | Request, init?: RequestInit): Promise<Response> => {
        if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
        return fetch(i, init);
      };
      const registry = createRegistryClient({ fetch: delayed, clock: systemClock, concurrencyPerRegistry: concurrency });
      const sentinel = createSentinel({ storage: createMemoryStorage(), docker, registry, settings: { scan_concurrency: concurrency } });
      const started = performance.now();
      const summary = await sentinel.scan();
      const wall = performance.now() - started;
      const stats = registry.stats().requests;
      rows.push({
        registry: latencyMs > 0 ? `docker-registry +${latencyMs} ms/request` : 'docker-registry (loopback)',
        concurrency,
        wall_ms: Math.round(wall),
        tags: stats.tags,
        manifest_head: stats.manifest_head,
        token: stats.token,
        requests_per_container: Number(((stats.tags + stats.manifest_head + stats.manifest_get + stats.token) / CONTAINERS).toFixed(2)),
        updates_found: summary.updates_available,
      });
    }

    // Token accounting needs a registry that demands bearer tokens: the in-memory fake does.
    const fake = createFakeRegistry({ host: 'token-registry.test', requireToken: true });
    const docker = createMemoryDocker();
    for (let r = 0; r < REPOS; r++) for (const t of tags) fake.push(`bench/app${r}`, t);
    for (const f of fixtures) {
      const ref = `token-registry.test/${f.repo}:${f.tag}`;
      if (docker.remoteDigest(ref) === undefined) docker.publishImage(ref, { digest: fake.digestOf(f.repo, f.tag) as string });
      docker.seedContainer({ name: f.name, image: ref });
    }
    const registry = createRegistryClient({ fetch: fake.fetch, clock: systemClock, concurrencyPerRegistry: 8 });
    const sentinel = createSentinel({ storage: createMemoryStorage(), docker, registry, settings: { scan_concurrency: 8 } });
    for (const pass of [1, 2]) {
      const started = performance.now();
      const summary = await sentinel.scan();
      const stats = registry.stats().requests;
      rows.push({
        registry: `fake with bearer tokens, scan ${pass}`,
        concurrency: 8,
        wall_ms: Math.round(performance.now() - started),
        tags: stats.tags,
        manifest_head: stats.manifest_head,
        token: stats.token,
        requests_per_container: Number(((stats.tags + stats.manifest_head + stats.manifest_get + stats.token) / CONTAINERS).toFixed(2)),
        updates_found: summary.updates_available,
      });
      registry.resetStats();
    }
  } finally {
    await local.stop();
  }
  return rows;
}

// A server for looking at the dashboard and measuring it: the real app over the
// memory Docker fake with many containers, on a loopback port.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createMemoryDocker, createMemoryStorage, createRegistryClient, createSentinel, systemClock } from '@sentinel-kit/core';
import { createApp } from '@sentinel-kit/server';

export interface DashboardFixture {
  url: string;
  containers: number;
  close(): Promise<void>;
}

const STACKS = ['web', 'data', 'monitoring', 'media', 'tools'];

/**
 * Start the app with `count` containers in five stacks (plus loose ones),
 * some stopped, some with a queued update; authentication off unless `auth`.
 */
export async function startDashboardFixture(options: { count: number; auth?: boolean }): Promise<DashboardFixture> {
  const docker = createMemoryDocker();
  const storage = createMemoryStorage();
  for (let i = 0; i < options.count; i++) {
    const stack = i % 7 === 6 ? undefined : STACKS[i % STACKS.length];
    const name = `${stack ?? 'solo'}-${String(i).padStart(4, '0')}`;
    docker.seedContainer({
      name,
      image: `registry.example.invalid/acme/app${i % 40}:1.${i % 5}.0`,
      labels: { ...(stack === undefined ? {} : { 'com.docker.compose.project': stack }), 'sentinel.policy': i % 3 === 0 ? 'auto' : 'manual' },
      state: i % 11 === 10 ? 'exited' : 'running',
      native: { HostConfig: { PortBindings: i % 4 === 0 ? { '80/tcp': [{ HostPort: String(8000 + i) }] } : {} } },
    });
  }
  // No registry is reachable: the fixture never scans (a scan would fail per container, honestly).
  const registry = createRegistryClient({ fetch: async () => new Response('offline', { status: 503 }), clock: systemClock });
  const sentinel = createSentinel({ storage, docker, registry, settings: { poll_interval: 24 * 3_600_000 } });
  const app = createApp({ sentinel, authMode: options.auth === true ? 'enabled' : 'disabled' });
  await app.start();
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    containers: options.count,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
    },
  };
}

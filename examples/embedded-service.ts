/**
 * Sentinel Kit inside your own Node service, without the Hono server: the
 * engine with a storage of our own (a JSON file written through the memory
 * adapter's persistence hook) and the dockerode adapter, plus a plain
 * node:http status endpoint.
 *
 *   DOCKER_HOST=unix:///var/run/docker.sock pnpm embedded-service [--once] [--port 3000] [--state ./embedded-state.json]
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createMemoryStorage, createSentinel } from '@sentinel-kit/core';
import type { StoragePersistence, StorageSnapshot } from '@sentinel-kit/core';
import { createDockerodeEngine } from '@sentinel-kit/server';

const { values } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    port: { type: 'string', default: '3000' },
    state: { type: 'string', default: './embedded-state.json' },
  },
});
const stateFile = values.state;

/** Our own storage: the whole state as one JSON file, replaced atomically on every commit. */
async function loadState(): Promise<StorageSnapshot | undefined> {
  try {
    return JSON.parse(await readFile(stateFile, 'utf8')) as StorageSnapshot;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
const persistence: StoragePersistence = {
  async commit(state) {
    await writeFile(`${stateFile}.tmp`, JSON.stringify(state()));
    await rename(`${stateFile}.tmp`, stateFile);
  },
  async flush() {},
};
const initial = await loadState();
const storage = createMemoryStorage({ persistence, ...(initial === undefined ? {} : { initial }) });

const sentinel = createSentinel({
  storage,
  docker: createDockerodeEngine({ ...(process.env.DOCKER_HOST ? { dockerHost: process.env.DOCKER_HOST } : {}) }),
  settings: { default_policy: 'manual' },
});
sentinel.events.subscribe((e) => console.log(`event ${e.type}${e.container_name ? ` ${e.container_name}` : ''}: ${e.message}`));

if (values.once) {
  const engine = await sentinel.probeEngine();
  if (!engine) {
    console.error(`Docker engine unreachable: ${sentinel.engineStatus().error ?? ''}`);
    process.exit(1);
  }
  const summary = await sentinel.scan();
  console.log(`scan complete: ${summary.checked} checked, ${summary.updates_available} update(s) available, ${summary.queued} queued`);
  for (const item of await sentinel.listQueue()) console.log(`pending ${item.container_name}: ${item.current_image} → ${item.target_image}`);
  await sentinel.stop();
} else {
  await sentinel.start();
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/status') {
        const body = { engine: sentinel.engineStatus(), last_scan: await sentinel.lastScan(), pending: await sentinel.queue.count() };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      } else {
        res.writeHead(404).end();
      }
    })();
  });
  server.listen(Number(values.port), () => console.log(`status on http://127.0.0.1:${values.port}/status`));
  process.on('SIGINT', () => {
    server.close();
    void sentinel.stop().then(() => process.exit(0));
  });
}

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PullProgress } from '@sentinel-kit/core';
import { createDockerodeEngine, parseDockerHost } from '../../src/adapters/dockerode-engine.js';

/**
 * A unix-socket door in front of the suite's real dockerd that the test can
 * freeze (connections accepted, nothing forwarded: what a SIGSTOPped dockerd
 * looks like from outside), close (the engine is stopped) and open again (it
 * came back), without disturbing the engine other test files use.
 */
interface EngineDoor {
  socketPath: string;
  /** Stop forwarding, on open connections (pooled keep-alive sockets) as on new ones. */
  freeze(): void;
  /** Forward again; connections that were frozen are dropped, as their requests were lost. */
  thaw(): void;
  open(): Promise<void>;
  close(): Promise<void>;
}

function engineDoor(socketPath: string, enginePath: string): EngineDoor {
  let server: Server | undefined;
  let frozen = false;
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  const frozenClients = new Set<Socket>();
  const hold = (client: Socket): void => {
    frozenClients.add(client);
    // Read and drop: the engine hears nothing and says nothing.
    client.on('data', () => undefined);
    client.resume();
  };
  const door: EngineDoor = {
    socketPath,
    freeze() {
      frozen = true;
      for (const pair of pairs) {
        const [client, upstream] = pair;
        client.unpipe(upstream);
        upstream.unpipe(client);
        pairs.delete(pair);
        hold(client);
      }
    },
    thaw() {
      frozen = false;
      for (const client of frozenClients) client.destroy();
      frozenClients.clear();
    },
    async open() {
      const s = createServer((client) => {
        sockets.add(client);
        client.on('close', () => sockets.delete(client));
        client.on('error', () => undefined);
        if (frozen) {
          hold(client);
          return;
        }
        const upstream = connect(enginePath);
        sockets.add(upstream);
        const pair: [Socket, Socket] = [client, upstream];
        pairs.add(pair);
        upstream.on('close', () => {
          sockets.delete(upstream);
          pairs.delete(pair);
        });
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => s.listen(socketPath, resolve));
      server = s;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      const s = server;
      server = undefined;
      if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
  return door;
}

describe('dockerode adapter when the real engine freezes, stops and comes back', () => {
  const connection = parseDockerHost(inject('dockerHost'));
  const enginePath = 'socketPath' in connection ? connection.socketPath : '';
  const dir = mkdtempSync(join(tmpdir(), 'sk-engine-door-'));
  const door = engineDoor(join(dir, 'docker.sock'), enginePath);
  const engine = createDockerodeEngine({ socketPath: door.socketPath, timeoutMs: 1_000, pingTimeoutMs: 500 });

  beforeAll(async () => {
    expect(enginePath).not.toBe('');
    await door.open();
  });

  afterAll(async () => {
    await door.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers through the door like the engine itself', async () => {
    const info = await engine.ping();
    expect(info.apiVersion).toMatch(/^1\.\d+$/);
    expect(Array.isArray(await engine.listContainers())).toBe(true);
  });

  it('rejects with UnavailableError at the deadline while the engine is frozen, then answers again', async () => {
    door.freeze();
    try {
      const started = Date.now();
      const results = await Promise.allSettled([engine.ping(), engine.listContainers(), engine.inspectContainer('anything'), engine.listImages()]);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'UNAVAILABLE' });
      }
      // Reported for the record; the bound itself is what the rejection proves (without it the calls never end).
      process.stderr.write(`[engine-faults] frozen engine: 4 calls rejected after ${Date.now() - started} ms (deadline 1000 ms)\n`);
    } finally {
      door.thaw();
    }
    expect((await engine.ping()).apiVersion).toMatch(/^1\.\d+$/);
  });

  it('is unavailable while the engine is stopped and reachable again, with the same adapter, once it is started', async () => {
    await door.close();
    rmSync(door.socketPath, { force: true });
    await expect(engine.ping()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(engine.listContainers()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await door.open();
    expect((await engine.ping()).apiVersion).toMatch(/^1\.\d+$/);
    expect(Array.isArray(await engine.listContainers())).toBe(true);
  });

  it('reports pull progress from the real engine', async () => {
    const images = inject('contractImages');
    const direct = createDockerodeEngine({ dockerHost: inject('dockerHost') });
    // Remove the local copy so that the engine really downloads its layers.
    await direct.removeImage(images.runs, { force: true }).catch(() => undefined);
    const seen: PullProgress[] = [];
    await engine.pullImage(images.runs, { onProgress: (progress) => seen.push(progress) });
    expect(await direct.inspectImage(images.runs)).toBeDefined();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((p) => p.status.startsWith('Status:') || p.status.startsWith('Digest:'))).toBe(true);
    expect(seen.some((p) => p.layer !== undefined && /^[a-f0-9]{12}$/.test(p.layer))).toBe(true);
  });
});

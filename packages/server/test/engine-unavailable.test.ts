import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStorage, createSentinel } from '@sentinel-kit/core';
import { createDockerodeEngine } from '../src/adapters/dockerode-engine.js';
import { createApp } from '../src/app.js';

/**
 * The native API over the real dockerode adapter whose engine accepts connections
 * and never answers (a frozen dockerd): container routes fail with 503 and the
 * native error body at the adapter's deadline, and health answers without asking
 * the engine.
 */
describe('the native API over a frozen engine', () => {
  let dir = '';
  let server: Server;
  let accepted = 0;
  const sockets = new Set<Socket>();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sk-frozen-api-'));
    accepted = 0;
    server = createServer((socket) => {
      accepted += 1;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'docker.sock'), resolve));
  });

  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  function frozenApp(): { app: ReturnType<typeof createApp>; close: () => Promise<void> } {
    const docker = createDockerodeEngine({ socketPath: join(dir, 'docker.sock'), timeoutMs: 300 });
    const sentinel = createSentinel({
      storage: createMemoryStorage(),
      docker,
      fetch: () => Promise.reject(new Error('no registry in this test')),
    });
    const app = createApp({ sentinel, authMode: 'disabled' });
    return {
      app,
      close: async () => {
        await app.close();
        await sentinel.stop();
      },
    };
  }

  it.each(['/api/containers', '/api/containers/web', '/api/containers/web/logs', '/api/images'])('GET %s answers 503 with {"error"} at the deadline', async (path) => {
    const { app, close } = frozenApp();
    try {
      const response = await app.request(path);
      expect(response.status).toBe(503);
      const body = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['error']);
      expect(body['error']).toMatch(/did not answer in time/);
      expect(accepted).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });

  it('answers GET /api/health from the cached engine status without a request to the engine', async () => {
    const { app, close } = frozenApp();
    try {
      const response = await app.request('/api/health');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; docker: { connected: boolean } };
      expect(body.docker.connected).toBe(false);
      expect(body.status).not.toBe('ok');
      expect(accepted).toBe(0);
    } finally {
      await close();
    }
  });
});

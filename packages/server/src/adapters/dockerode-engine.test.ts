import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PullProgress } from '@sentinel-kit/core';
import { createDockerodeEngine } from './dockerode-engine.js';

/** An engine that accepts connections and never says a word: a frozen dockerd (SIGSTOP) looks exactly like this. */
interface FrozenEngine {
  socketPath: string;
  /** Connections accepted so far. */
  accepted: number;
  /** Connections still open (the adapter must drop its own at the deadline). */
  open: Set<Socket>;
  close(): Promise<void>;
}

async function startFrozenEngine(socketPath: string): Promise<FrozenEngine> {
  const open = new Set<Socket>();
  const engine: FrozenEngine = {
    socketPath,
    accepted: 0,
    open,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: NetServer = createNetServer((socket) => {
    engine.accepted += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    // Read (and ignore) the request, so that the adapter's hang-up is seen as one.
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return engine;
}

/** A tiny engine speaking just enough of the Docker API over a unix socket. */
async function startHttpEngine(socketPath: string, handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<HttpServer> {
  const server = createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return server;
}

function closeHttp(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function answerVersion(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Content-Type', 'application/json');
  if (req.url?.endsWith('/version') === true) res.end(JSON.stringify({ Version: '27.0.1', ApiVersion: '1.46', Os: 'linux' }));
  else if (req.url?.endsWith('/info') === true) res.end(JSON.stringify({ Name: 'fake-engine' }));
  else {
    res.statusCode = 404;
    res.end(JSON.stringify({ message: `no route ${req.url ?? ''}` }));
  }
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error & { code?: string },
  );
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('createDockerodeEngine against an engine that never answers', () => {
  let dir = '';
  let frozen: FrozenEngine;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skd-frozen-'));
    frozen = await startFrozenEngine(join(dir, 'docker.sock'));
  });

  afterEach(async () => {
    await frozen.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects every non-streaming call with UnavailableError at the deadline and drops the connection', async () => {
    const engine = createDockerodeEngine({ socketPath: frozen.socketPath, timeoutMs: 200 });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['listContainers', () => engine.listContainers()],
      ['inspectContainer', () => engine.inspectContainer('app')],
      ['inspectImage', () => engine.inspectImage('nginx:1')],
      ['listImages', () => engine.listImages()],
      ['removeImage', () => engine.removeImage('nginx:1')],
      ['pruneImages', () => createDockerodeEngine({ socketPath: frozen.socketPath, pruneTimeoutMs: 200 }).pruneImages()],
      ['tagImage', () => engine.tagImage('sha256:abc', 'nginx:2')],
      ['createContainer', () => engine.createContainer('app', { image: 'nginx:1', labels: {}, env: ['SECRET=x'], native: {} })],
      ['startContainer', () => engine.startContainer('app')],
      ['stopContainer', () => engine.stopContainer('app', { timeoutSeconds: 0 })],
      ['restartContainer', () => engine.restartContainer('app', { timeoutSeconds: 0 })],
      ['renameContainer', () => engine.renameContainer('app', 'app-old')],
      ['removeContainer', () => engine.removeContainer('app', { force: true })],
      ['logs', () => engine.logs('app')],
      ['exec', () => engine.exec('app', ['true'])],
    ];
    const results = await Promise.all(calls.map(async ([name, run]) => [name, await failure(run())] as const));
    for (const [name, error] of results) {
      expect({ name, code: error.code, message: error.message }).toEqual({
        name,
        code: 'UNAVAILABLE',
        message: expect.stringContaining('did not answer in time') as unknown as string,
      });
    }
    expect(frozen.accepted).toBeGreaterThanOrEqual(calls.length);
    // The requests were aborted, not merely given up on: no socket stays open on the engine.
    await until(() => frozen.open.size === 0, 'the adapter to close its connections');
  });

  it('bounds ping by its own, shorter deadline', async () => {
    const engine = createDockerodeEngine({ socketPath: frozen.socketPath, timeoutMs: 60_000, pingTimeoutMs: 150 });
    const error = await failure(engine.ping());
    expect(error.code).toBe('UNAVAILABLE');
  });

  it('bounds a pull the engine never answers by the pull idle bound', async () => {
    const engine = createDockerodeEngine({ socketPath: frozen.socketPath, pullIdleTimeoutMs: 200 });
    const error = await failure(engine.pullImage('nginx:1'));
    expect(error.code).toBe('UNAVAILABLE');
    await until(() => frozen.open.size === 0, 'the pull connection to close');
  });
});

describe('createDockerodeEngine pulls', () => {
  let dir = '';
  let server: HttpServer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skd-pull-'));
  });

  afterEach(async () => {
    if (server !== undefined) await closeHttp(server);
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = [
    { status: 'Pulling from library/app', id: '1.0.1' },
    { status: 'Pulling fs layer', progressDetail: {}, id: 'a1b2c3d4e5f6' },
    { status: 'Downloading', progressDetail: { current: 512, total: 2048 }, progress: '[=====>   ]', id: 'a1b2c3d4e5f6' },
    { status: 'Downloading', progressDetail: { current: 2048, total: 2048 }, id: 'a1b2c3d4e5f6' },
    { status: 'Pull complete', progressDetail: {}, id: 'a1b2c3d4e5f6' },
    { status: 'Digest: sha256:0123' },
    { status: 'Status: Downloaded newer image for app:1.0.1' },
  ];

  it('reports each progress line with its layer and byte counts', async () => {
    const socketPath = join(dir, 'docker.sock');
    server = await startHttpEngine(socketPath, (req, res) => {
      expect(req.url).toContain('/images/create?');
      res.setHeader('Content-Type', 'application/json');
      for (const line of lines) res.write(`${JSON.stringify(line)}\r\n`);
      res.end();
    });
    const seen: PullProgress[] = [];
    await createDockerodeEngine({ socketPath }).pullImage('app:1.0.1', { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([
      { status: 'Pulling from library/app', layer: '1.0.1' },
      { status: 'Pulling fs layer', layer: 'a1b2c3d4e5f6' },
      { status: 'Downloading', layer: 'a1b2c3d4e5f6', current: 512, total: 2048 },
      { status: 'Downloading', layer: 'a1b2c3d4e5f6', current: 2048, total: 2048 },
      { status: 'Pull complete', layer: 'a1b2c3d4e5f6' },
      { status: 'Digest: sha256:0123' },
      { status: 'Status: Downloaded newer image for app:1.0.1' },
    ]);
  });

  it('keeps pulling when a progress listener throws, and reports a failure line as the error, not as progress', async () => {
    const socketPath = join(dir, 'docker.sock');
    server = await startHttpEngine(socketPath, (_req, res) => {
      res.write(`${JSON.stringify(lines[1])}\n`);
      res.end(`${JSON.stringify({ errorDetail: { message: 'manifest unknown' }, error: 'manifest unknown' })}\n`);
    });
    const seen: string[] = [];
    const error = await failure(
      createDockerodeEngine({ socketPath }).pullImage('app:9', {
        onProgress: (p) => {
          seen.push(p.status);
          throw new Error('listener bug');
        },
      }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(seen).toEqual(['Pulling fs layer']);
  });

  it('gives up on a pull that goes silent half way, and reports nothing after it settled', async () => {
    const socketPath = join(dir, 'docker.sock');
    let response: ServerResponse | undefined;
    server = await startHttpEngine(socketPath, (_req, res) => {
      response = res;
      res.write(`${JSON.stringify(lines[1])}\n`);
    });
    const seen: string[] = [];
    const error = await failure(createDockerodeEngine({ socketPath, pullIdleTimeoutMs: 200 }).pullImage('app:1.0.1', { onProgress: (p) => seen.push(p.status) }));
    expect(error.code).toBe('UNAVAILABLE');
    // A late line on a connection the adapter already dropped reaches no one.
    response?.write(`${JSON.stringify(lines[4])}\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['Pulling fs layer']);
  });
});

describe('createDockerodeEngine when the engine stops and starts again', () => {
  it('is unavailable while the engine is gone and reachable again once it is back, with the same adapter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skd-restart-'));
    const socketPath = join(dir, 'docker.sock');
    const engine = createDockerodeEngine({ socketPath });
    try {
      let server = await startHttpEngine(socketPath, answerVersion);
      expect(await engine.ping()).toEqual({ version: '27.0.1', apiVersion: '1.46', os: 'linux', name: 'fake-engine' });
      await closeHttp(server);
      rmSync(socketPath, { force: true });
      expect((await failure(engine.ping())).code).toBe('UNAVAILABLE');
      server = await startHttpEngine(socketPath, answerVersion);
      expect((await engine.ping()).name).toBe('fake-engine');
      await closeHttp(server);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

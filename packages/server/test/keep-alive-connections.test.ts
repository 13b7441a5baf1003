import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { closeConnectionsWithUnreadBodies } from '../src/http/unread-body-close.js';
import { createAuthFixture } from './support/auth-fixture.js';
import type { AuthFixture } from './support/auth-fixture.js';

interface Answer {
  status: number;
  connection: string | undefined;
  /** Local port of the client socket: the same port means the same connection. */
  clientPort: number | undefined;
  body: string;
}

/** One request on `agent`; rejects on any transport error (ECONNRESET, EPIPE…). */
function send(agent: Agent, port: number, method: string, path: string, options: { body?: Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(options.body.length);
    }
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, clientPort: req.socket?.localPort, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('keep-alive connections after an answer sent before the body was read', () => {
  let fixture: AuthFixture | undefined;
  let server: ServerType | undefined;
  const agents: Agent[] = [];

  afterEach(async () => {
    for (const agent of agents) agent.destroy();
    agents.length = 0;
    if (server !== undefined) await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    await fixture?.close();
    fixture = undefined;
  });

  async function listen(lingerBytes?: number): Promise<{ port: number; agent: Agent; fixture: AuthFixture }> {
    fixture = await createAuthFixture({ app: { bodyLimitBytes: 64 * 1024 } });
    const app = fixture.app;
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
        // A long linger: these tests end quickly only because the close completes when the client is done, not at the deadline.
    closeConnectionsWithUnreadBodies(s as Parameters<typeof closeConnectionsWithUnreadBodies>[0], { lingerMs: 5000, ...(lingerBytes === undefined ? {} : { lingerBytes }) });
    server = s;
    await new Promise<void>((resolve) => (s.listening ? resolve() : s.once('listening', () => resolve())));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    return { port: (s.address() as AddressInfo).port, agent, fixture };
  }

  it.each([256 * 1024, 2 * 1024 * 1024, 12 * 1024 * 1024])('answers 413 with Connection: close to a %i-byte body, and the next request on the agent succeeds', async (size) => {
    const { port, agent, fixture: f } = await listen();
    const auth = { authorization: `Bearer ${f.admin.token}` };
    const refused = await send(agent, port, 'POST', '/api/settings/poll-interval', { body: Buffer.alloc(size, 'a'), headers: auth });
    expect(refused.status).toBe(413);
    expect(refused.connection).toBe('close');
    expect(JSON.parse(refused.body)).toEqual({ error: expect.stringContaining('request body too large') as unknown as string });
    const next = await send(agent, port, 'GET', '/api/health');
    expect(next.status).toBe(200);
    expect(next.clientPort).not.toBe(refused.clientPort);
  });

  it('answers an early 401 to a request with a body with Connection: close, and the next request succeeds', async () => {
    const { port, agent } = await listen();
    const refused = await send(agent, port, 'POST', '/api/settings/poll-interval', { body: Buffer.alloc(60 * 1024, 'a') });
    expect(refused.status).toBe(401);
    expect(refused.connection).toBe('close');
    const next = await send(agent, port, 'GET', '/api/health');
    expect(next.status).toBe(200);
  });

  it('gives up on a body beyond the linger bound, and the next request still succeeds', async () => {
    const { port, agent, fixture: f } = await listen(1024 * 1024);
    // The client may see its upload cut off once the server stops reading; its next request must not be.
    await send(agent, port, 'POST', '/api/settings/poll-interval', { body: Buffer.alloc(12 * 1024 * 1024, 'a'), headers: { authorization: `Bearer ${f.admin.token}` } }).catch(() => undefined);
    const next = await send(agent, port, 'GET', '/api/health');
    expect(next.status).toBe(200);
  });

  it('keeps the connection alive after an answer to a request read in full', async () => {
    const { port, agent, fixture: f } = await listen();
    const first = await send(agent, port, 'GET', '/api/settings', { headers: { authorization: `Bearer ${f.admin.token}` } });
    expect(first.status).toBe(200);
    expect(first.connection).toBe('keep-alive');
    const second = await send(agent, port, 'GET', '/api/health');
    expect(second.status).toBe(200);
    expect(second.clientPort).toBe(first.clientPort);
  });
});

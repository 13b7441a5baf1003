import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@sentinel-kit/core';
import { createLowdbStorage } from '../adapters/lowdb-storage.js';
import { startServer } from '../start-server.js';
import { formatLogLine, readStoredProcessSettings, textLogDestination } from './settings-process.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function dataDirWith(settings: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sk-process-settings-'));
  dirs.push(dir);
  const storage = await createLowdbStorage(join(dir, 'sentinel.json'));
  for (const [key, value] of Object.entries(settings)) await storage.put('settings', key, value);
  await storage.close();
  return dir;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('process settings applied on the next start', () => {
  it('reads stored overrides, leaving out values that no longer validate, and nothing when there is no data file', async () => {
    const dir = await dataDirWith({ web_port: '9191', log_format: 'text', role: 'bogus', poll_interval: '1h' });
    expect(await readStoredProcessSettings(dir)).toEqual({ web_port: 9191, log_format: 'text' });
    expect(await readStoredProcessSettings(join(dir, 'absent'))).toEqual({});
  });

  it('startServer listens on a stored web_port', async () => {
    const port = await freePort();
    const dir = await dataDirWith({ web_port: String(port) });
    const server = await startServer(
      { port: 0, host: '127.0.0.1', dataDir: dir, dockerHost: `unix://${join(dir, 'no-docker.sock')}`, metrics: false, logLevel: 'error', settings: {} },
      { logger: silentLogger },
    );
    try {
      expect(server.port).toBe(port);
      expect(await server.sentinel.settingsView()).toMatchObject({ SENTINEL_WEB_PORT: '0', web_port: String(port) });
    } finally {
      await server.close();
    }
  });

  it('log_format=text turns JSON log lines into readable ones', async () => {
    expect(formatLogLine('{"level":"info","time":"2025-01-01T00:00:00.000Z","service":"sentinel-kit","msg":"scan complete","checked":3,"name":"my app"}')).toBe(
      '2025-01-01T00:00:00.000Z INFO  scan complete checked=3 name="my app"',
    );
    expect(formatLogLine('not json')).toBe('not json');
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const dest = textLogDestination(out);
    dest.write('{"level":"warn","time":"t","msg":"a"}\n{"level":"er');
    dest.write('ror","time":"t","msg":"b"}\n');
    await new Promise((r) => setImmediate(r));
    expect(chunks.join('')).toBe('t WARN  a\nt ERROR b\n');
  });
});

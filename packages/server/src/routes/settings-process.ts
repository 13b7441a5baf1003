import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { errorMessage, InvalidError, parseSetting } from '@sentinel-kit/core';
import type { SettingKey, SettingValues } from '@sentinel-kit/core';
import { parseDockerHost } from '../adapters/dockerode-engine.js';
import { createLowdbStorage } from '../adapters/lowdb-storage.js';

/**
 * Settings about the process itself (port, log format, TLS, role): stored
 * through the API, applied by `startServer` on the next start.
 */
export interface StoredProcessSettings {
  web_port?: number;
  log_format?: SettingValues['log_format'];
  tls_mode?: SettingValues['tls_mode'];
  tls_cert?: string;
  tls_key?: string;
  role?: SettingValues['role'];
  docker_tls_ca?: string;
  docker_tls_cert?: string;
  docker_tls_key?: string;
}

const PROCESS_KEYS = ['web_port', 'log_format', 'tls_mode', 'tls_cert', 'tls_key', 'role', 'docker_tls_ca', 'docker_tls_cert', 'docker_tls_key'] as const satisfies readonly SettingKey[];

/**
 * The runtime overrides of process settings stored in `<dataDir>/sentinel.json`
 * (read before the server opens it; an absent file means none). Values that
 * no longer validate are left out.
 */
export async function readStoredProcessSettings(dataDir: string): Promise<StoredProcessSettings> {
  const file = join(dataDir, 'sentinel.json');
  try {
    await access(file, constants.R_OK);
  } catch {
    return {};
  }
  const storage = await createLowdbStorage(file);
  try {
    const out: Record<string, unknown> = {};
    for (const key of PROCESS_KEYS) {
      const raw = await storage.get<string>('settings', key);
      if (raw === undefined) continue;
      try {
        out[key] = parseSetting(key, raw);
      } catch {
        // A stale value must not stop the server from starting.
      }
    }
    return out as StoredProcessSettings;
  } finally {
    await storage.close();
  }
}

/**
 * A log destination that turns pino's JSON lines into one readable line each:
 * `2025-01-01T00:00:00.000Z INFO  message key=value …` (log_format=text).
 */
export function textLogDestination(out: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        out.write(`${formatLogLine(line)}\n`);
      }
      callback();
    },
  });
}

/** One JSON log line as text; a line that is not JSON passes through unchanged. */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, service: _service, pid: _pid, hostname: _hostname, ...rest } = entry;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(time ?? '')} ${String(level ?? '').toUpperCase().padEnd(5)} ${String(msg ?? '')}${fields === '' ? '' : ` ${fields}`}`;
}

/** Check that each non-empty path names a readable file; throws `InvalidError` naming the field. */
export async function assertReadableFiles(paths: Record<string, string>): Promise<void> {
  for (const [field, path] of Object.entries(paths)) {
    if (path === '') continue;
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      throw new InvalidError(`${field}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    }
  }
}

/**
 * Try a TLS connection to a Docker engine with the given files: a client
 * certificate handshake and `GET /_ping`. Resolves with the outcome, never throws.
 */
export async function testDockerTls(host: string, files: { ca: string; cert: string; key: string }, timeoutMs = 10_000): Promise<{ success: boolean; message: string }> {
  let target: ReturnType<typeof parseDockerHost>;
  try {
    target = parseDockerHost(host);
  } catch (error) {
    return { success: false, message: errorMessage(error) };
  }
  if ('socketPath' in target) {
    return { success: false, message: `${host} is a local socket: TLS applies to tcp:// or https:// engines (pass "host")` };
  }
  let ca: Buffer;
  let cert: Buffer;
  let key: Buffer;
  try {
    [ca, cert, key] = await Promise.all([readFile(files.ca), readFile(files.cert), readFile(files.key)]);
  } catch (error) {
    return { success: false, message: `cannot read the certificate files: ${errorMessage(error)}` };
  }
  const port = target.protocol === 'http' && !/:\d+\/?$/.test(host) ? 2376 : target.port;
  return new Promise((resolve) => {
    const req = httpsRequest({ host: target.host, port, path: '/_ping', method: 'GET', ca, cert, key, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').trim();
        if (res.statusCode === 200 && body === 'OK') resolve({ success: true, message: `TLS connection to ${target.host}:${port} succeeded (engine answered /_ping OK)` });
        else resolve({ success: false, message: `TLS handshake succeeded but ${target.host}:${port} answered ${res.statusCode ?? '?'} to /_ping` });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000}s`)));
    req.on('error', (error) => resolve({ success: false, message: `TLS connection to ${target.host}:${port} failed: ${errorMessage(error)}` }));
    req.end();
  });
}

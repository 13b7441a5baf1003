import { mkdir, readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { createSentinel } from '@sentinel-kit/core';
import { createRegistryCredentialStore } from '@sentinel-kit/core';
import type { Logger, Sentinel } from '@sentinel-kit/core';
import { createDockerodeEngine } from './adapters/dockerode-engine.js';
import { createLowdbStorage } from './adapters/lowdb-storage.js';
import { VULNERABILITY_STORE_FILE, createSqliteVulnerabilityStore } from './adapters/sqlite-vulnerability-store.js';
import { createApp } from './app.js';
import { closeConnectionsWithUnreadBodies } from './http/unread-body-close.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import type { DataDirLock } from './data-dir-lock.js';
import { passkeyOptionsFromEnv } from './auth/passkeys.js';
import { oidcOptionsFromEnv } from './auth/oidc.js';
import { apiV1OptionsFromEnv } from './v1/v1-services.js';
import type { ServerConfig } from './config.js';
import { createPinoLogger } from './logger.js';
import { readStoredProcessSettings, textLogDestination } from './routes/settings-process.js';
import type { StoredProcessSettings } from './routes/settings-process.js';

export interface RunningServer {
  /** The address the server listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  sentinel: Sentinel;
  /** The server's logger (JSON lines by default), for the lines its host process writes. */
  logger: Logger;
  /** Stop accepting requests, finish running work, flush storage. */
  close(): Promise<void>;
}

/**
 * Start the reference server: lowdb storage and the vulnerability store under `dataDir`, the Docker engine
 * at `dockerHost`, the native API on `port`. An unreachable engine never stops
 * the server: it says so in the log and in `GET /api/health`, and retries.
 * The data directory has one owner: a second server or an offline command on
 * it is refused (`DataDirLockedError` naming the holder's pid) until this one closes.
 */
export async function startServer(config: ServerConfig, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const lock = await acquireDataDirLock(resolve(config.dataDir), { command: 'sentinel-server' });
  try {
    const server = await startOwnedServer(config, options, lock);
    return { ...server, close: () => server.close().finally(() => lock.release()) };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function startOwnedServer(config: ServerConfig, options: { logger?: Logger }, lock: DataDirLock): Promise<RunningServer> {
  // Process settings changed through the API (POST /api/settings/general…) apply from the next start: this one.
  const stored = await readStoredProcessSettings(resolve(config.dataDir));
  config = { ...config, settings: { web_port: config.port, ...config.settings }, ...(stored.web_port === undefined ? {} : { port: stored.web_port }) };
  if (options.logger === undefined && (stored.log_format ?? config.settings.log_format) === 'text') options = { ...options, logger: createPinoLogger({ level: config.logLevel, destination: textLogDestination(process.stdout) }) };
  const logger = options.logger ?? createPinoLogger({ level: config.logLevel });
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  if (lock.tookOver) {
    const holder = lock.replaced === undefined ? 'an unreadable lock' : `pid ${lock.replaced.pid} (${lock.replaced.command}, since ${lock.replaced.started_at})`;
    logger.warn(`took over the stale lock of ${dataDir}: ${holder} no longer runs`, { lock: lock.path });
  }
  const storage = await createLowdbStorage(join(dataDir, 'sentinel.json'));
  // Vulnerability records live beside the document, in their own file (records a former version kept in the document move there at start).
  const vulnerabilityStore = createSqliteVulnerabilityStore(join(dataDir, VULNERABILITY_STORE_FILE));
  // Process settings: a value stored through the API wins over the environment/flag value.
  const processSetting = <K extends keyof StoredProcessSettings>(key: K): StoredProcessSettings[K] | undefined =>
    stored[key] ?? (config.settings as Partial<Record<K, StoredProcessSettings[K]>>)[key];
  const dockerTls = await readTlsFiles({ ca: processSetting('docker_tls_ca'), cert: processSetting('docker_tls_cert'), key: processSetting('docker_tls_key') }, 'Docker TLS');
  const docker = createDockerodeEngine({ dockerHost: config.dockerHost, ...(dockerTls === undefined ? {} : { tls: dockerTls }) });
  const serveTls = processSetting('tls_mode') === 'manual' ? await readTlsFiles({ cert: processSetting('tls_cert'), key: processSetting('tls_key') }, 'tls_mode=manual', ['cert', 'key']) : undefined;
  // Loaded before the engine starts: its registry client and pulls ask for credentials synchronously.
  const registryCredentials = createRegistryCredentialStore(storage);
  await registryCredentials.load();
  const sentinel = createSentinel({ storage, docker, logger, settings: config.settings, credentials: (registry) => registryCredentials.lookup(registry) });
  const app = createApp({
    sentinel,
    logger,
    metrics: config.metrics,
    registryCredentials,
    trustProxy: config.trustProxy ?? false,
    dataDirectory: dataDir,
    dockerHost: config.dockerHost,
    // SENTINEL_RP_ID / SENTINEL_ORIGIN (passkeys) and SENTINEL_OIDC_ALLOW_HTTP (single sign-on), read at start.
    passkeys: passkeyOptionsFromEnv(process.env),
    oidc: oidcOptionsFromEnv(process.env),
    // SENTINEL_API_RATE_LIMIT_IP / _USER, SENTINEL_API_TOKEN_TTL, SENTINEL_AGENT_OFFLINE_MINUTES (audit & compliance API).
    apiV1: apiV1OptionsFromEnv(process.env),
    vulnerabilityStore,
  });

  const server = await new Promise<ServerType>((resolveListen, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        ...(serveTls === undefined ? {} : { createServer: createHttpsServer, serverOptions: { cert: serveTls.cert, key: serveTls.key } }),
      },
      () => resolveListen(s),
    );
    // An answer sent before the body was read (413, early 401/403) closes its connection cleanly.
    closeConnectionsWithUnreadBodies(s as Parameters<typeof closeConnectionsWithUnreadBodies>[0]);
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${serveTls === undefined ? 'http' : 'https'}://${shownHost}:${port}`;
  // The address actually bound (all interfaces when 0.0.0.0 or ::), and where to open it from this machine.
  const bound = typeof address === 'object' && address !== null ? (address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`) : `${config.host}:${port}`;
  logger.info(`Sentinel Kit listening on ${bound}${shownHost === config.host ? '' : ` (open ${url})`}`, { address: bound, url, data_dir: dataDir, docker_host: config.dockerHost });

  if (stored.role !== undefined && stored.role !== 'standalone') logger.warn(`role ${stored.role} is stored but this server build runs standalone`);
  await app.start();
  await sentinel.start();
  if (!sentinel.engineStatus().connected) {
    logger.warn(`Docker engine not reachable at ${config.dockerHost}; the API is up and the engine is retried every 5s (see GET /api/health)`, {
      error: sentinel.engineStatus().error,
    });
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    sentinel,
    logger,
    close() {
      closing ??= (async () => {
        await new Promise<void>((r) => {
          server.close(() => r());
          // Open SSE streams would hold close() forever.
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await app.close();
        await sentinel.stop();
        await storage.close();
        await vulnerabilityStore.close();
      })();
      return closing;
    },
  };
}

/**
 * Read PEM files named by settings. Nothing configured → undefined; a missing
 * or unreadable file stops the start with a message naming the setting, since
 * serving or connecting without the TLS that was asked for would be a surprise.
 */
async function readTlsFiles<K extends 'ca' | 'cert' | 'key'>(
  paths: Partial<Record<K, string | undefined>>,
  what: string,
  required: readonly K[] = [],
): Promise<Partial<Record<K, string>> | undefined> {
  const entries = Object.entries(paths).filter(([, p]) => typeof p === 'string' && p !== '') as Array<[K, string]>;
  if (entries.length === 0 && required.length === 0) return undefined;
  for (const key of required) {
    if (!entries.some(([k]) => k === key)) throw new Error(`${what}: the ${key} file is not configured`);
  }
  const out: Partial<Record<K, string>> = {};
  for (const [key, path] of entries) {
    try {
      out[key] = await readFile(path, 'utf8');
    } catch (error) {
      throw new Error(`${what}: cannot read the ${key} file ${path}: ${(error as Error).message}`);
    }
  }
  return out;
}

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { createSentinel } from '@sentinel-kit/core';
import { createRegistryCredentialStore } from '@sentinel-kit/core';
import type { Logger, Sentinel } from '@sentinel-kit/core';
import { createDockerodeEngine } from './adapters/dockerode-engine.js';
import { createLowdbStorage } from './adapters/lowdb-storage.js';
import { createApp } from './app.js';
import type { ServerConfig } from './config.js';
import { createPinoLogger } from './logger.js';
import { readStoredProcessSettings, textLogDestination } from './routes/settings-process.js';

export interface RunningServer {
  /** The address the server listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  sentinel: Sentinel;
  /** Stop accepting requests, finish running work, flush storage. */
  close(): Promise<void>;
}

/**
 * Start the reference server: lowdb storage under `dataDir`, the Docker engine
 * at `dockerHost`, the native API on `port`. An unreachable engine never stops
 * the server: it says so in the log and in `GET /api/health`, and retries.
 */
export async function startServer(config: ServerConfig, options: { logger?: Logger } = {}): Promise<RunningServer> {
  // Process settings changed through the API (POST /api/settings/general…) apply from the next start: this one.
  const stored = await readStoredProcessSettings(resolve(config.dataDir));
  config = { ...config, settings: { web_port: config.port, ...config.settings }, ...(stored.web_port === undefined ? {} : { port: stored.web_port }) };
  if (options.logger === undefined && (stored.log_format ?? config.settings.log_format) === 'text') options = { ...options, logger: createPinoLogger({ level: config.logLevel, destination: textLogDestination(process.stdout) }) };
  const logger = options.logger ?? createPinoLogger({ level: config.logLevel });
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const storage = await createLowdbStorage(join(dataDir, 'sentinel.json'));
  const docker = createDockerodeEngine({ dockerHost: config.dockerHost });
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
  });

  const server = await new Promise<ServerType>((resolveListen, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolveListen(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${shownHost}:${port}`;
  logger.info(`Sentinel Kit listening on ${url}`, { data_dir: dataDir, docker_host: config.dockerHost });

  if (stored.tls_mode === 'manual') logger.warn('tls_mode=manual is stored but this server build serves plain HTTP; terminate TLS in a reverse proxy');
  if (stored.docker_tls_ca || stored.docker_tls_cert || stored.docker_tls_key) logger.warn('Docker TLS certificate paths are stored but this server build does not pass them to the engine connection; use DOCKER_HOST=https://… with DOCKER_CERT_PATH');
  if (stored.role !== undefined && stored.role !== 'standalone') logger.warn(`role ${stored.role} is stored but this server build runs standalone`);
  await app.start();
  await sentinel.start();
  if (!sentinel.engineStatus().connected) {
    logger.warn(`Docker engine not reachable at ${config.dockerHost}; the API is up and the engine is retried every 10s (see GET /api/health)`, {
      error: sentinel.engineStatus().error,
    });
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    sentinel,
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
      })();
      return closing;
    },
  };
}

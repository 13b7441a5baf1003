#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isSentinelError } from '@sentinel-kit/core';
import { CLI_HELP, loadConfig } from './config.js';
import { acquireDataDirLock, isDataDirLockedError } from './data-dir-lock.js';
import type { DataDirLock } from './data-dir-lock.js';
import { startServer } from './start-server.js';
import { SERVER_VERSION } from './version.js';
import { runImportCommand } from './inventory/import-command.js';

/**
 * The data directory an `import` writes to itself, or `undefined` when it sends the
 * feed to a running server (`--server`, `SENTINEL_URL`) or only prints its help.
 * Resolved exactly as the import command resolves it.
 */
function offlineImportDataDir(argv: string[], env: NodeJS.ProcessEnv): string | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, server: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) return undefined;
  const server = typeof values.server === 'string' ? values.server : env['SENTINEL_URL'];
  if (server !== undefined && server !== '') return undefined;
  return resolve(typeof values['data-dir'] === 'string' ? values['data-dir'] : (env['SENTINEL_DATA_DIR'] ?? './data'));
}

/**
 * `sentinel-server import` on its own data: under the directory's lock, so that it
 * never writes beside a running server (whose next write would erase the import).
 * While a server holds the directory, it refuses and says how to import through it.
 */
async function runOfflineImport(argv: string[]): Promise<number> {
  const dataDir = offlineImportDataDir(argv, process.env);
  let lock: DataDirLock | undefined;
  if (dataDir !== undefined) {
    try {
      lock = await acquireDataDirLock(dataDir, {
        command: 'sentinel-server import',
        onStaleLock: (previous) =>
          process.stderr.write(`sentinel-server import: took over the stale lock of ${dataDir}${previous === undefined ? '' : ` (pid ${previous.pid} no longer runs)`}\n`),
      });
    } catch (error) {
      if (!isDataDirLockedError(error)) throw error;
      const throughServer =
        error.owner?.command === 'sentinel-server'
          ? 'Import through the running server instead (POST /api/vulnerabilities/import; needs a settings.modify token):\n' +
            '  sentinel-server import --server http://<host>:<port> --token sntkn_... --source <nvd|osv|kev> <FILE|URL|->\n'
          : 'Run the import again once that process has finished.\n';
      process.stderr.write(`sentinel-server import: refused: ${error.message}\n${throughServer}`);
      return 1;
    }
  }
  try {
    return await runImportCommand(argv, process.env, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
  } finally {
    await lock?.release();
  }
}

async function main(): Promise<void> {
  // `sentinel-server import --source nvd FILE|URL`: a vulnerability feed import, not a server start.
  if (process.argv[2] === 'import') {
    process.exitCode = await runOfflineImport(process.argv.slice(3));
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`sentinel-server: ${(error as Error).message}\n\n${CLI_HELP}`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(CLI_HELP);
    return;
  }
  if (config.version) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return;
  }
  const server = await startServer(config);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    // Through the server's logger: a JSON log stays JSON to its last line.
    server.logger.info(`received ${signal}, shutting down`, { signal });
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = isSentinelError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`sentinel-server: could not start: ${message}\n`);
  process.exit(1);
});

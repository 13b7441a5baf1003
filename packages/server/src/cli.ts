#!/usr/bin/env node
import { isSentinelError } from '@sentinel-kit/core';
import { CLI_HELP, loadConfig } from './config.js';
import { startServer } from './start-server.js';
import { SERVER_VERSION } from './version.js';
import { runImportCommand } from './inventory/import-command.js';

async function main(): Promise<void> {
  // `sentinel-server import --source nvd FILE|URL`: a vulnerability feed import, not a server start.
  if (process.argv[2] === 'import') {
    process.exitCode = await runImportCommand(process.argv.slice(3), process.env, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
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
    process.stderr.write(`received ${signal}, shutting down\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
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

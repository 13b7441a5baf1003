#!/usr/bin/env node
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { hostname, release, type } from 'node:os';
import { runAgent } from './agent.js';
import type { AgentHost } from './agent.js';
import { AGENT_HELP, parseAgentArgs } from './args.js';
import type { SystemAccess } from './packages.js';

/** The host as the agent sees it: real commands (no shell), real files. */
const system: SystemAccess = {
  run(command, args) {
    return new Promise((resolve) => {
      // Package lists of large hosts run to megabytes; C locale so output is never translated.
      execFile(command, [...args], { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
        if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') return resolve(undefined);
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
      });
    });
  },
  async readFile(path) {
    try {
      return await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

const host: AgentHost = {
  system,
  hostname: () => hostname(),
  osFallback: () => `${type()} ${release()}`,
  fetch: (input, init) => globalThis.fetch(input, init),
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
  log: (line) => void process.stderr.write(`sentinel-agent: ${line}\n`),
  print: (text) => void process.stdout.write(text),
};

// `sentinel-agent --dry-run | head`: a closed pipe ends the output, it is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseAgentArgs>;
  try {
    parsed = parseAgentArgs(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`sentinel-agent: ${(error as Error).message}\n\n${AGENT_HELP}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(AGENT_HELP);
    return 0;
  }
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      host.log(`received ${signal}, stopping`);
      stop.abort();
    });
  }
  return runAgent(parsed.options, host, stop.signal);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sentinel-agent: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAssetStore, createVulnerabilityDatabase, errorMessage } from '@sentinel-kit/core';
import type { ImportProgress, ImportSummary, VulnerabilityStore } from '@sentinel-kit/core';
import { FeedSourceSchema } from '@sentinel-kit/core/contract';
import type { FeedImportResult, FeedSource } from '@sentinel-kit/core/contract';
import { createLowdbStorage } from '../adapters/lowdb-storage.js';
import { VULNERABILITY_STORE_FILE, createSqliteVulnerabilityStore } from '../adapters/sqlite-vulnerability-store.js';
import { DEFAULT_FEED_FETCH_TIMEOUT_MS } from '../routes/vulnerability-import.js';
import { fetchFeed, importFeed } from './feed-import.js';
import { createAssetMatcher } from './rematch.js';

export const IMPORT_HELP = `Usage: sentinel-server import --source <nvd|osv|kev> <FILE|URL|->

Import a vulnerability feed and re-match the stored inventories it concerns.

  FILE                     an NVD CVE API 2.0 response or yearly feed, OSV record(s), or CISA's
                           known_exploited_vulnerabilities.json (.json or .json.gz); "-" reads stdin
  URL                      http(s) address of such a feed, downloaded by this command

Options:
  --source <s>             nvd | osv | kev (required)
  --data-dir <dir>         SENTINEL_DATA_DIR   the server's data directory (default ./data).
                           The server must not be running: use --server instead while it is.
  --server <url>           SENTINEL_URL        send the feed to a running server
                           (POST /api/vulnerabilities/import; needs a settings.modify token)
  --token <token>          SENTINEL_TOKEN      API token (sntkn_…) for --server
  --partial                KEV: the file is not the whole catalogue (keep entries missing from it)
  --timeout <seconds>      deadline of a download (default ${DEFAULT_FEED_FETCH_TIMEOUT_MS / 1000})
  --json                   print the summary as JSON
  -h, --help               show this help
`;

export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: AsyncIterable<Uint8Array>;
  /** @default globalThis.fetch */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

class UsageError extends Error {}

const number = (n: number): string => n.toLocaleString('en-US');

function progressLine(p: ImportProgress): string {
  const of = p.total === undefined ? '' : ` / ${number(p.total)}`;
  return `${p.source}: ${number(p.processed)}${of} records read (${number(p.added)} added, ${number(p.updated)} updated, ${number(p.unchanged)} unchanged, ${number(p.skipped)} skipped)`;
}

function summaryText(summary: ImportSummary, from: string, rematched: number): string {
  const lines = [
    `imported ${summary.source} from ${from}: ${number(summary.processed)} records read — ${number(summary.added)} added, ${number(summary.updated)} updated, ${number(summary.unchanged)} unchanged, ${number(summary.skipped)} skipped${summary.source === 'kev' ? `, ${number(summary.removed)} removed` : ''}`,
    `${number(rematched)} asset${rematched === 1 ? '' : 's'} re-matched`,
  ];
  for (const [reason, count] of Object.entries(summary.skipped_reasons)) lines.push(`skipped ${number(count)}: ${reason}`);
  if (summary.warnings > 0) lines.push(`${number(summary.warnings)} criteria or packages ignored inside records (malformed)`);
  return `${lines.join('\n')}\n`;
}

const isUrl = (target: string): boolean => /^https?:\/\//i.test(target);

/** Bytes of a file, stdin or download, reporting upload progress every few megabytes when asked. */
async function* counted(chunks: AsyncIterable<Uint8Array>, onBytes: (total: number) => void): AsyncGenerator<Uint8Array> {
  let total = 0;
  let reported = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total - reported >= 8 * 1024 * 1024) {
      reported = total;
      onBytes(total);
    }
    yield chunk;
  }
}

/**
 * `sentinel-server import`: import one feed into the data directory (the
 * server stopped), or send it to a running server. Progress goes to stderr,
 * the summary to stdout. Resolves the exit code.
 */
export async function runImportCommand(argv: string[], env: Record<string, string | undefined>, io: CommandIo): Promise<number> {
  const fetch = io.fetch ?? ((input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init));
  let source: FeedSource;
  let target: string;
  let values: { 'data-dir'?: string; server?: string; token?: string; partial?: boolean; timeout?: string; json?: boolean; help?: boolean };
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        source: { type: 'string' },
        'data-dir': { type: 'string' },
        server: { type: 'string' },
        token: { type: 'string' },
        partial: { type: 'boolean' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    values = parsed.values;
    if (values.help === true) {
      io.stdout.write(IMPORT_HELP);
      return 0;
    }
    const sourceResult = FeedSourceSchema.safeParse(parsed.values.source);
    if (!sourceResult.success) throw new UsageError('--source must be nvd, osv or kev');
    source = sourceResult.data;
    if (parsed.positionals.length !== 1) throw new UsageError('give exactly one FILE, URL or "-"');
    target = parsed.positionals[0] as string;
    if (values.timeout !== undefined && !(Number(values.timeout) > 0)) throw new UsageError('--timeout must be a number of seconds');
  } catch (error) {
    io.stderr.write(`sentinel-server import: ${errorMessage(error)}\n\n${IMPORT_HELP}`);
    return 2;
  }
  const timeoutMs = values.timeout === undefined ? DEFAULT_FEED_FETCH_TIMEOUT_MS : Number(values.timeout) * 1000;
  const full = values.partial === true ? false : undefined;
  const server = values.server ?? env.SENTINEL_URL;

  try {
    if (server !== undefined && server !== '') return await importRemotely({ server, token: values.token ?? env.SENTINEL_TOKEN, source, target, full, timeoutMs, json: values.json === true, io, fetch });

    const input = target === '-' ? io.stdin : isUrl(target) ? await fetchFeed(fetch, target, { timeoutMs }) : await openFile(target);
    const dataDir = resolve(values['data-dir'] ?? env.SENTINEL_DATA_DIR ?? './data');
    const storage = await createLowdbStorage(join(dataDir, 'sentinel.json'));
    let store: VulnerabilityStore | undefined;
    try {
      store = createSqliteVulnerabilityStore(join(dataDir, VULNERABILITY_STORE_FILE));
      const vulnerabilities = createVulnerabilityDatabase({ store, storage });
      const matcher = createAssetMatcher({ vulnerabilities, assets: createAssetStore({ storage }) });
      await vulnerabilities.load();
      await matcher.ready();
      const live = io.stderr.isTTY === true;
      const summary = await importFeed(vulnerabilities, source, input, {
        maxBytes: Number.POSITIVE_INFINITY,
        ...(full === undefined ? {} : { full }),
        progressEvery: 5000,
        onProgress: (p) => io.stderr.write(live ? `\r${progressLine(p)}\u001b[K` : `${progressLine(p)}\n`),
      });
      if (live) io.stderr.write('\n');
      await matcher.idle();
      matcher.close();
      const result: FeedImportResult = { ...summary, assets_rematched: matcher.rematchedCount };
      io.stdout.write(values.json === true ? `${JSON.stringify(result, null, 2)}\n` : summaryText(summary, target, result.assets_rematched));
    } finally {
      await store?.close();
      await storage.close();
    }
    return 0;
  } catch (error) {
    io.stderr.write(`sentinel-server import: ${errorMessage(error)}\n`);
    return 1;
  }
}

async function openFile(file: string): Promise<AsyncIterable<Uint8Array>> {
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${errorMessage(error)}`);
  }
  return createReadStream(file) as AsyncIterable<Uint8Array>;
}

async function importRemotely(options: {
  server: string;
  token: string | undefined;
  source: FeedSource;
  target: string;
  full: boolean | undefined;
  timeoutMs: number;
  json: boolean;
  io: CommandIo;
  fetch: NonNullable<CommandIo['fetch']>;
}): Promise<number> {
  const { io, source, target } = options;
  const base = options.server.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.token !== undefined && options.token !== '') headers.authorization = `Bearer ${options.token}`;
  let init: RequestInit;
  let url = `${base}/api/vulnerabilities/import`;
  if (isUrl(target)) {
    // The server downloads it (through its own outbound fetch).
    init = { method: 'POST', headers, body: JSON.stringify({ source, url: target, ...(options.full === undefined ? {} : { full: options.full }) }) };
  } else {
    const bytes = target === '-' ? io.stdin : await openFile(target);
    url += `?source=${source}${options.full === false ? '&full=false' : ''}`;
    const body = counted(bytes, (total) => io.stderr.write(`sent ${(total / 1024 / 1024).toFixed(0)} MB…\n`));
    // Streamed: Node's fetch takes an async iterable body with duplex "half".
    init = { method: 'POST', headers, body: body as unknown as NonNullable<RequestInit['body']>, duplex: 'half' } as RequestInit;
  }
  io.stderr.write(`sending ${source} feed ${target} to ${base}…\n`);
  let response: Response;
  try {
    response = await options.fetch(url, init);
  } catch (error) {
    throw new Error(`cannot reach ${base}: ${errorMessage(error)}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const reason = typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : text.slice(0, 200);
    const hint = response.status === 401 ? ' (pass --token / SENTINEL_TOKEN)' : response.status === 403 ? ' (the token needs settings.modify)' : '';
    throw new Error(`${base} answered ${response.status}: ${reason}${hint}`);
  }
  const result = body as FeedImportResult;
  io.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : summaryText(result, target, result.assets_rematched));
  return 0;
}

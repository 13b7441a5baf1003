// One measured process of the vulnerability store benchmark (spawned by vuln-store-bench.ts,
// so that each figure of peak and idle RSS belongs to one process). Prints one JSON line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAssetStore, createVulnerabilityDatabase, silentLogger } from '@sentinel-kit/core';
import { createLowdbStorage } from '../packages/server/src/adapters/lowdb-storage.js';
import { VULNERABILITY_STORE_FILE, createSqliteVulnerabilityStore } from '../packages/server/src/adapters/sqlite-vulnerability-store.js';
import { importFeed } from '../packages/server/src/inventory/feed-import.js';
import { createAssetMatcher } from '../packages/server/src/inventory/rematch.js';
import { startServer } from '../packages/server/src/start-server.js';
import { percentile } from './bench-helpers.js';
import { syntheticNvdFeed, syntheticReport } from './synthetic-nvd.js';

const [mode, dataDir, countText] = process.argv.slice(2) as [string, string, string | undefined];
const mb = (bytes: number): number => Math.round(bytes / 1048576);
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** Bytes this process handed to write(2) so far (files and sockets), from /proc/self/io. */
function bytesWritten(): number {
  const line = readFileSync('/proc/self/io', 'utf8').split('\n').find((l) => l.startsWith('wchar:'));
  return Number(line?.split(':')[1]?.trim() ?? Number.NaN);
}

const encoder = new TextEncoder();
/** The synthetic feed as bytes, as a file or a download delivers it. */
async function* feedBytes(count: number): AsyncGenerator<Uint8Array> {
  for await (const text of syntheticNvdFeed(count)) yield encoder.encode(text);
}

if (mode === 'import') {
  // What `sentinel-server import --source nvd FILE` does, with the feed generated as it is read.
  const count = Number(countText);
  const started = performance.now();
  const storage = await createLowdbStorage(join(dataDir, 'sentinel.json'));
  const store = createSqliteVulnerabilityStore(join(dataDir, VULNERABILITY_STORE_FILE));
  const vulnerabilities = createVulnerabilityDatabase({ store, storage });
  const matcher = createAssetMatcher({ vulnerabilities, assets: createAssetStore({ storage }) });
  await vulnerabilities.load();
  await matcher.ready();
  const summary = await importFeed(vulnerabilities, 'nvd', feedBytes(count), { maxBytes: Number.POSITIVE_INFINITY });
  await matcher.idle();
  matcher.close();
  await store.close();
  await storage.close();
  console.log(JSON.stringify({ wall_ms: Math.round(performance.now() - started), peak_rss_mb: peakRssMb(), added: summary.added, skipped: summary.skipped }));
} else if (mode === 'serve') {
  const started = performance.now();
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir, dockerHost: `unix://${join(dataDir, 'no-docker.sock')}`, metrics: false, logLevel: 'error', settings: { poll_interval: 86_400_000 } },
    { logger: silentLogger },
  );
  const startMs = performance.now() - started;
  // Idle: let start-up work settle before reading the resident set.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const idleRss = mb(process.memoryUsage().rss);

  // Warm-up, so the figures are the write's and not the first calls' compilation.
  for (let i = 0; i < 20; i++) await server.sentinel.changeSettings({ grace_period: `${40 + (i % 2)}s` });
  const writeMs: number[] = [];
  const writeBytes: number[] = [];
  for (let i = 0; i < 100; i++) {
    const before = bytesWritten();
    const t = performance.now();
    await server.sentinel.changeSettings({ grace_period: `${30 + (i % 2)}s` });
    writeMs.push(performance.now() - t);
    writeBytes.push(bytesWritten() - before);
  }
  writeMs.sort((a, b) => a - b);
  writeBytes.sort((a, b) => a - b);

  // The matcher through the store, as a report is matched (a second handle on the same file).
  const store = createSqliteVulnerabilityStore(join(dataDir, VULNERABILITY_STORE_FILE));
  const db = createVulnerabilityDatabase({ store });
  await db.load();
  const report = syntheticReport();
  const coldStart = performance.now();
  let matches = await db.match(report);
  const coldMs = performance.now() - coldStart;
  // The same host reporting again (what agents do every interval): 100 runs.
  const matchMs: number[] = [];
  for (let run = 0; run < 100; run++) {
    const t = performance.now();
    matches = await db.match(report);
    matchMs.push(performance.now() - t);
  }
  matchMs.sort((a, b) => a - b);
  // Other hosts: a different 2,000-item report each run (other products, other versions, the kernel at another version).
  const otherMs: number[] = [];
  for (let run = 0; run < 30; run++) {
    const other = syntheticReport(2000, 100 + run);
    const t = performance.now();
    await db.match(other);
    otherMs.push(performance.now() - t);
  }
  otherMs.sort((a, b) => a - b);
  const records = (await db.stats()).records;
  await store.close();
  await server.close();
  console.log(
    JSON.stringify({
      records,
      start_ms: Math.round(startMs),
      idle_rss_mb: idleRss,
      settings_write_p50_ms: Math.round(percentile(writeMs, 50) * 100) / 100,
      settings_write_bytes_p50: percentile(writeBytes, 50),
      match_cold_ms: Math.round(coldMs),
      match_p50_ms: Math.round(percentile(matchMs, 50) * 10) / 10,
      match_p99_ms: Math.round(percentile(matchMs, 99) * 10) / 10,
      other_host_p50_ms: Math.round(percentile(otherMs, 50) * 10) / 10,
      other_host_p99_ms: Math.round(percentile(otherMs, 99) * 10) / 10,
      matches: matches.length,
      peak_rss_mb: peakRssMb(),
    }),
  );
} else {
  throw new Error(`unknown mode ${mode}`);
}

// The embedded vulnerability store with 20,000, 80,000 and 250,000 synthetic NVD records:
// each import and each server run is its own process, so peak and idle RSS are that process's.
// BENCH_VULN_SIZES=20000,80000 (or BENCH_QUICK=1 for 20,000 only) selects sizes.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const child = fileURLToPath(new URL('./vuln-store-child.ts', import.meta.url));

/** The sizes to measure: BENCH_VULN_SIZES, BENCH_QUICK, or all three. */
export function vulnStoreBenchSizes(env: NodeJS.ProcessEnv = process.env): number[] {
  if (env.BENCH_VULN_SIZES !== undefined && env.BENCH_VULN_SIZES !== '') return env.BENCH_VULN_SIZES.split(',').map((size) => Number(size.trim()));
  return env.BENCH_QUICK === '1' ? [20_000] : [20_000, 80_000, 250_000];
}

async function measure(mode: 'import' | 'serve', dataDir: string, count?: number): Promise<Record<string, number>> {
  const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), ['--conditions=@sentinel-kit/source', child, mode, dataDir, ...(count === undefined ? [] : [String(count)])], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Record<string, number>;
}

async function filesOf(dataDir: string): Promise<{ store: number; document: number }> {
  let store = 0;
  for (const name of await readdir(dataDir)) if (name.startsWith('vulnerabilities.db')) store += (await stat(join(dataDir, name))).size;
  return { store, document: (await stat(join(dataDir, 'sentinel.json'))).size };
}

const mb = (bytes: number): number => Math.round(bytes / 1048576);

export async function runVulnStoreBench(sizes = vulnStoreBenchSizes()): Promise<{ imports: Record<string, unknown>[]; server: Record<string, unknown>[] }> {
  const imports: Record<string, unknown>[] = [];
  const server: Record<string, unknown>[] = [];
  const empty = await mkdtemp(join(tmpdir(), 'sk-bench-vuln-'));
  let baseline: Record<string, number>;
  try {
    baseline = await measure('serve', empty);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
  const serverRow = (label: string, figures: Record<string, number>, largest: boolean): Record<string, unknown> => ({
    records: label,
    start_ms: figures.start_ms,
    'target start': '< 3000',
    idle_rss_mb: figures.idle_rss_mb,
    'target idle': '< 300',
    first_match_ms: figures.match_cold_ms,
    match_p50_ms: figures.match_p50_ms,
    match_p99_ms: figures.match_p99_ms,
    'target match': largest ? '<= 100' : '-',
    other_host_p50_ms: figures.other_host_p50_ms,
    other_host_p99_ms: figures.other_host_p99_ms,
    matches: figures.matches,
    settings_p50_ms: figures.settings_write_p50_ms,
    'vs empty': `${Math.round(((figures.settings_write_p50_ms as number) / (baseline.settings_write_p50_ms as number) - 1) * 100)}%`,
    'target vs empty': 'within 10%',
    settings_bytes: figures.settings_write_bytes_p50,
    'target bytes': '< 1 MB',
    peak_rss_mb: figures.peak_rss_mb,
  });
  server.push(serverRow('0 (empty)', baseline, false));
  for (const size of sizes) {
    const dataDir = await mkdtemp(join(tmpdir(), 'sk-bench-vuln-'));
    try {
      const imported = await measure('import', dataDir, size);
      const files = await filesOf(dataDir);
      imports.push({
        records: size,
        wall_s: Math.round((imported.wall_ms as number) / 100) / 10,
        'records/s': Math.round(size / ((imported.wall_ms as number) / 1000)),
        peak_rss_mb: imported.peak_rss_mb,
        store_file_mb: mb(files.store),
        document_kb: Math.round(files.document / 1024),
        'target document': 'small, whatever the feed',
        added: imported.added,
      });
      server.push(serverRow(String(size), await measure('serve', dataDir), size === Math.max(...sizes)));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return { imports, server };
}

import type { InventoryItem } from '../packages/core/src/contract/inventory.js';
import { createVulnerabilityDatabase } from '../packages/core/src/inventory/index.js';
import { ms, percentile, random } from './bench-helpers.js';

// One 2,000-item report matched against a synthetic NVD-shaped database of
// 200,000 CPE criteria in the memory vulnerability store. Target: under 100 ms p50 per report.
const VENDORS = 4000;
const PRODUCTS_PER_VENDOR = 5;
const CVES = 50_000;
const CRITERIA_PER_CVE = 4;
const ITEMS = 2000;
const RUNS = 50;

function pick(next: () => number, n: number): number {
  return Math.floor(next() * n);
}

function syntheticNvd(): { vulnerabilities: unknown[] } {
  const next = random(7);
  const vulnerabilities: unknown[] = [];
  for (let c = 0; c < CVES; c++) {
    const cpeMatch: unknown[] = [];
    for (let k = 0; k < CRITERIA_PER_CVE; k++) {
      const vendor = pick(next, VENDORS);
      const product = pick(next, PRODUCTS_PER_VENDOR);
      const major = pick(next, 5);
      const minor = pick(next, 20);
      const base = `cpe:2.3:a:vendor${vendor}:product${vendor}_${product}`;
      if (next() < 0.7) {
        cpeMatch.push({
          vulnerable: true,
          criteria: `${base}:*:*:*:*:*:*:*:*`,
          versionStartIncluding: `${major}.${minor}.0`,
          versionEndExcluding: `${major}.${minor + 1 + pick(next, 3)}.${pick(next, 10)}`,
        });
      } else {
        cpeMatch.push({ vulnerable: true, criteria: `${base}:${major}.${minor}.${pick(next, 10)}:*:*:*:*:*:*:*` });
      }
    }
    const year = 2000 + (c % 25);
    vulnerabilities.push({
      cve: {
        id: `CVE-${year}-${String(100000 + c)}`,
        published: '2024-01-01T00:00:00.000',
        lastModified: '2024-01-02T00:00:00.000',
        vulnStatus: 'Analyzed',
        descriptions: [{ lang: 'en', value: `Synthetic vulnerability ${c}.` }],
        metrics: {
          cvssMetricV31: [
            {
              source: 'nvd@nist.gov',
              type: 'Primary',
              cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, baseSeverity: 'CRITICAL' },
            },
          ],
        },
        configurations: [{ nodes: [{ operator: 'OR', negate: false, cpeMatch }] }],
      },
    });
  }
  return { vulnerabilities };
}

/** 2,000 items: 40% with a CPE, 45% by vendor and product name only, 15% unknown to the database. */
function syntheticReport(): InventoryItem[] {
  const next = random(11);
  const items: InventoryItem[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const vendor = pick(next, VENDORS);
    const product = pick(next, PRODUCTS_PER_VENDOR);
    const version = `${pick(next, 5)}.${pick(next, 22)}.${pick(next, 10)}`;
    const kind = next();
    if (kind < 0.4) {
      items.push({ name: `product${vendor}_${product}`, version, cpe: `cpe:2.3:a:vendor${vendor}:product${vendor}_${product}:${version}:*:*:*:*:*:*:*` });
    } else if (kind < 0.85) {
      items.push({ name: `Product${vendor} ${product}`, vendor: `Vendor${vendor}, Inc.`, version });
    } else {
      items.push({ name: `internal-tool-${i}`, vendor: 'Example Corp', version });
    }
  }
  return items;
}

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

export async function runInventoryBench(): Promise<Record<string, unknown>[]> {
  let peakHeap = 0;
  let peakRss = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakRss = Math.max(peakRss, usage.rss);
  };

  const db = createVulnerabilityDatabase({ batchSize: 1000 });
  await db.load();
  const importStart = performance.now();
  // The feed object is not kept: the memory figures are the database's, not the input's.
  const summary = await db.importNvd(syntheticNvd());
  const importMs = performance.now() - importStart;
  sample();
  const stats = await db.stats();

  const report = syntheticReport();
  const byKind = {
    all: report,
    cpe: report.filter((item) => item.cpe !== undefined),
    names: report.filter((item) => item.cpe === undefined),
  };
  const rows: Record<string, unknown>[] = [
    { case: 'import NVD feed', records: summary.added, criteria: stats.criteria, indexed_products: stats.indexed_products, wall_ms: Math.round(importMs) },
  ];
  for (const [kind, items] of Object.entries(byKind)) {
    const times: number[] = [];
    let matches = 0;
    // Warm-up so the JIT has compiled the hot paths before timing.
    await db.match(items);
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      matches = (await db.match(items)).length;
      times.push(performance.now() - start);
      sample();
    }
    times.sort((a, b) => a - b);
    rows.push({
      case: `match report (${kind})`,
      items: items.length,
      criteria: stats.criteria,
      runs: RUNS,
      p50_ms: ms(percentile(times, 50)),
      p99_ms: ms(percentile(times, 99)),
      matches,
      target_p50_ms: 100,
    });
  }
  const usage = process.memoryUsage();
  rows.push({ case: 'memory', heap_used_mb: mb(usage.heapUsed), rss_mb: mb(usage.rss), peak_heap_mb: mb(peakHeap), peak_rss_mb: mb(peakRss) });
  return rows;
}

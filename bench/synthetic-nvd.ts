// Synthetic NVD CVE API 2.0 records of realistic shape, and inventory reports
// that hit them, for the vulnerability store benchmark. Deterministic per seed.
import type { InventoryItem } from '../packages/core/src/contract/inventory.js';
import { random } from './bench-helpers.js';

/** Vendors and products of the synthetic world: many vendors with a few products each. */
export const VENDORS = 15_000;
const PRODUCTS_PER_VENDOR = 4;
/** A few products have thousands of CVEs, as the Linux kernel, Windows or Chrome do in NVD. */
const POPULAR = 200;

const pick = (next: () => number, n: number): number => Math.floor(next() * n);

/** A product: [vendor index, product index]; 3% the kernel, 12% a popular product, the rest anything. */
function product(next: () => number): [number, number] {
  const roll = next();
  if (roll < 0.03) return [0, 0];
  if (roll < 0.15) return [1 + pick(next, POPULAR), 0];
  return [pick(next, VENDORS), pick(next, PRODUCTS_PER_VENDOR)];
}

const vendorName = (v: number): string => (v === 0 ? 'linux' : `vendor${v}`);
const productName = (v: number, p: number): string => (v === 0 ? 'linux_kernel' : `product${v}_${p}`);
const WORDS = 'a buffer overflow in the parser allows remote attackers to execute arbitrary code via a crafted request to the handler component which does not validate input length before copying'.split(' ');

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[pick(next, WORDS.length)] as string);
  return `${out.join(' ')}.`;
}

/** One NVD API 2.0 `vulnerabilities[]` element, 2–6 KB of JSON like most real ones. */
export function syntheticCve(index: number, seed = 7): unknown {
  const next = random(seed * 1_000_003 + index);
  const [v, p] = product(next);
  const base = `cpe:2.3:${v === 0 ? 'o' : 'a'}:${vendorName(v)}:${productName(v, p)}`;
  const cpeMatch: unknown[] = [];
  const criteriaCount = 1 + Math.min(11, Math.floor(-Math.log(1 - next()) * 2.5));
  for (let k = 0; k < criteriaCount; k++) {
    const major = pick(next, 5);
    const minor = pick(next, 20);
    const id = `${(index * 31 + k).toString(16).toUpperCase().padStart(8, '0')}-0000-4000-8000-000000000000`;
    if (next() < 0.7) {
      cpeMatch.push({ vulnerable: true, criteria: `${base}:*:*:*:*:*:*:*:*`, versionStartIncluding: `${major}.${minor}.0`, versionEndExcluding: `${major}.${minor + 1 + pick(next, 3)}.${pick(next, 10)}`, matchCriteriaId: id });
    } else {
      cpeMatch.push({ vulnerable: true, criteria: `${base}:${major}.${minor}.${pick(next, 10)}:*:*:*:*:*:*:*`, matchCriteriaId: id });
    }
  }
  const configurations: unknown[] = [];
  const shape = next();
  if (shape < 0.15) {
    // Vulnerable on a platform: an AND of the application and the OS it runs on.
    const platform = next() < 0.5 ? 'cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*' : 'cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*';
    configurations.push({ operator: 'AND', nodes: [{ operator: 'OR', negate: false, cpeMatch }, { operator: 'OR', negate: false, cpeMatch: [{ vulnerable: false, criteria: platform, matchCriteriaId: 'PLATFORM' }] }] });
  } else {
    configurations.push({ nodes: [{ operator: 'OR', negate: false, cpeMatch }] });
  }
  if (shape > 0.95) {
    // Distribution advisories NVD lists as vulnerable products of their own.
    configurations.push({ nodes: [{ operator: 'OR', negate: false, cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:debian:debian_linux:11.0:*:*:*:*:*:*:*', matchCriteriaId: 'DEBIAN' }] }] });
  }
  const score = Math.round((2 + next() * 8) * 10) / 10;
  const severity = score >= 9 ? 'CRITICAL' : score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW';
  const year = 1999 + (index % 27);
  const references = Array.from({ length: 4 + pick(next, 14) }, (_, r) => ({ url: `https://advisories.example.test/${year}/${index}/${r}`, source: 'cve@mitre.org', tags: r === 0 ? ['Vendor Advisory'] : ['Third Party Advisory'] }));
  const metrics: Record<string, unknown> = {
    cvssMetricV31: [
      {
        source: 'nvd@nist.gov',
        type: 'Primary',
        cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: score, baseSeverity: severity, attackVector: 'NETWORK', attackComplexity: 'LOW' },
        exploitabilityScore: 3.9,
        impactScore: 5.9,
      },
    ],
  };
  if (year < 2016) metrics.cvssMetricV2 = [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '2.0', vectorString: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', baseScore: 7.5 }, baseSeverity: 'HIGH' }];
  return {
    cve: {
      id: `CVE-${year}-${String(100000 + index)}`,
      sourceIdentifier: 'cve@mitre.org',
      published: `${year}-0${1 + (index % 9)}-1${index % 10}T10:15:09.143`,
      lastModified: `2024-0${1 + (index % 9)}-0${1 + (index % 9)}T00:00:00.000`,
      vulnStatus: 'Analyzed',
      descriptions: [
        { lang: 'en', value: sentence(next, 60 + pick(next, 100)) },
        { lang: 'es', value: sentence(next, 30) },
      ],
      metrics,
      weaknesses: [{ source: 'nvd@nist.gov', type: 'Primary', description: [{ lang: 'en', value: `CWE-${100 + pick(next, 800)}` }] }],
      configurations,
      references,
    },
  };
}

/** The text of an NVD API 2.0 document of `count` records, in chunks of about 64 KB: what a download or a file read yields. */
export async function* syntheticNvdFeed(count: number, seed = 7): AsyncGenerator<string> {
  let chunk = `{"resultsPerPage":${count},"startIndex":0,"totalResults":${count},"format":"NVD_CVE","version":"2.0","timestamp":"2024-06-01T00:00:00.000","vulnerabilities":[`;
  for (let i = 0; i < count; i++) {
    chunk += (i === 0 ? '' : ',') + JSON.stringify(syntheticCve(i, seed));
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]}`;
}

/**
 * A 2,000-item report of one host, each product once: the kernel, 40 of the
 * popular products (hundreds of CVEs each at 250k records), the rest any
 * product; 40% of the items with a CPE, 45% by vendor and product name only,
 * 15% unknown to the database.
 */
export function syntheticReport(items = 2000, seed = 11): InventoryItem[] {
  const next = random(seed);
  const report: InventoryItem[] = [{ name: 'Linux Kernel', vendor: 'Linux', version: '2.10.3', part: 'o' }];
  const seen = new Set<string>();
  while (report.length < items) {
    const popular = report.length <= 40;
    const v = popular ? 1 + pick(next, POPULAR) : 1 + POPULAR + pick(next, VENDORS - 1 - POPULAR);
    const p = popular ? 0 : pick(next, PRODUCTS_PER_VENDOR);
    if (seen.has(`${v}:${p}`)) continue;
    seen.add(`${v}:${p}`);
    const version = `${pick(next, 5)}.${pick(next, 22)}.${pick(next, 10)}`;
    const kind = next();
    if (kind < 0.4) report.push({ name: productName(v, p), version, cpe: `cpe:2.3:a:${vendorName(v)}:${productName(v, p)}:${version}:*:*:*:*:*:*:*` });
    else if (kind < 0.85) report.push({ name: `Product${v} ${p}`, vendor: `Vendor${v}, Inc.`, version });
    else report.push({ name: `internal-tool-${report.length}`, vendor: 'Example Corp', version });
  }
  return report;
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cvss2BaseScore, cvss3BaseScore, primaryMetric } from './cvss.js';
import { streamJsonArray } from './json-stream.js';
import { kevCatalogOf, parseKevEntry } from './kev-feed.js';
import { nvdItemsOf, parseNvdCve } from './nvd-feed.js';
import { parseOsvRecord } from './osv-feed.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const nvd = JSON.parse(fixture('nvd-cves.json')) as unknown;
const osv = JSON.parse(fixture('osv-records.json')) as unknown[];

function nvdRecord(id: string) {
  const item = nvdItemsOf(nvd).items.find((entry) => (entry as { cve: { id: string } }).cve.id === id);
  const parsed = parseNvdCve(item);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.record;
}

describe('CVSS base scores', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10], // CVE-2021-44228
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5], // CVE-2014-0160
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 8.8], // CVE-2023-4863
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N', 6.8], // GHSA-r9p9-mrjm-926w
    ['CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
  ])('v3 %s = %f', (vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });

  it.each([
    ['AV:N/AC:L/Au:N/C:P/I:N/A:N', 5], // CVE-2014-0160
    ['AV:N/AC:M/Au:N/C:C/I:C/A:C', 9.3], // CVE-2021-44228
    ['AV:N/AC:L/Au:N/C:C/I:C/A:C', 10],
  ])('v2 %s = %f', (vector, score) => {
    expect(cvss2BaseScore(vector)).toBe(score);
  });

  it('refuses incomplete vectors', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L')).toBeUndefined();
    expect(cvss2BaseScore('AV:N')).toBeUndefined();
  });
});

describe('parseNvdCve', () => {
  it('keeps every metric, picks v3.1 over v2 as primary, and takes the KEV fields', () => {
    const record = nvdRecord('CVE-2021-44228');
    expect(record.cvss.map((metric) => metric.version)).toEqual(['3.1', '2.0']);
    expect(primaryMetric(record.cvss)).toMatchObject({ version: '3.1', base_score: 10, type: 'Primary' });
    expect(record.severity).toBe('critical');
    // v2 keeps its severity on the metric, not in cvssData.
    expect(record.cvss[1]).toMatchObject({ base_score: 9.3, base_severity: 'high' });
    expect(record.kev).toEqual({
      date_added: '2021-12-10',
      due_date: '2021-12-24',
      required_action: expect.stringContaining('Apply updates') as unknown as string,
      vulnerability_name: 'Apache Log4j2 Remote Code Execution Vulnerability',
      known_ransomware_campaign_use: null,
      source: 'nvd',
    });
    expect(record.description).toMatch(/^Apache Log4j2 2\.0-beta9 through 2\.15\.0/);
    expect(record.cwes).toEqual(['CWE-20', 'CWE-400', 'CWE-502', 'CWE-917']);
    expect(record.last_modified).toBe('2024-05-15T16:15:10.253Z');
    expect(record.configurations).toHaveLength(4);
    expect(record.configurations[1]).toMatchObject({ operator: 'AND', nodes: [{ cpeMatch: [{ vulnerable: true }] }, { cpeMatch: [{ vulnerable: false }] }] });
    expect(record.configurations[0]?.nodes[0]?.cpeMatch[2]).toEqual({
      criteria: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*',
      vulnerable: true,
      versionStartIncluding: '2.13.0',
      versionEndExcluding: '2.15.0',
      matchCriteriaId: '7B2B8D4C-5A2B-4C5E-8D6E-1E4B2A3C9F03',
    });
  });

  it('takes severity from a CNA metric when NVD has none', () => {
    const record = nvdRecord('CVE-2024-3094');
    expect(record.severity).toBe('critical');
    expect(record.kev).toBeNull();
  });

  it('reports why a record cannot be read', () => {
    expect(parseNvdCve({ cve: { lastModified: '2024-01-01T00:00:00' } })).toEqual({ ok: false, id: null, reason: 'missing cve.id' });
    expect(parseNvdCve({ cve: { id: 'CVE-2024-0001' } })).toEqual({ ok: false, id: 'CVE-2024-0001', reason: 'missing cve.lastModified' });
    expect(parseNvdCve('nope')).toEqual({ ok: false, id: null, reason: 'not an object' });
  });

  it('drops malformed criteria with a warning and empties rejected records', () => {
    const parsed = parseNvdCve({
      cve: {
        id: 'CVE-2024-0002',
        lastModified: '2024-01-01T00:00:00.000',
        configurations: [{ nodes: [{ operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:x:y:1.*.2:*:*:*:*:*:*:*' }, { vulnerable: true, criteria: 'cpe:2.3:a:x:y:1:*:*:*:*:*:*:*' }] }] }],
      },
    });
    expect(parsed.ok && parsed.warnings).toEqual(['malformed criteria cpe:2.3:a:x:y:1.*.2:*:*:*:*:*:*:*']);
    expect(parsed.ok && parsed.record.configurations[0]?.nodes[0]?.cpeMatch).toHaveLength(1);
    const rejected = parseNvdCve({ cve: { id: 'CVE-2024-0003', lastModified: '2024-01-01T00:00:00', vulnStatus: 'Rejected', configurations: [{ nodes: [{ cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:x:y:1:*:*:*:*:*:*:*' }] }] }] } });
    expect(rejected.ok && rejected.record.configurations).toEqual([]);
  });
});

describe('parseOsvRecord', () => {
  it('computes the CVSS v3 score of the GHSA example and keeps aliases and ranges', () => {
    const parsed = parseOsvRecord(osv[0]);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.record).toMatchObject({
      id: 'GHSA-r9p9-mrjm-926w',
      source: 'osv',
      aliases: ['CVE-2020-28498'],
      severity: 'medium',
      cwes: ['CWE-327'],
      last_modified: '2021-03-08T16:02:43Z',
    });
    expect(parsed.record.cvss[0]).toMatchObject({ version: '3.1', base_score: 6.8 });
    expect(parsed.record.affected).toEqual([
      { ecosystem: 'npm', name: 'elliptic', purl: null, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '6.5.4' }] }], versions: [] },
    ]);
  });

  it('reads the CVE of distribution records from `upstream` (osv.dev DEBIAN-CVE-… records)', () => {
    const parsed = parseOsvRecord({
      id: 'DEBIAN-CVE-2023-4863',
      modified: '2024-09-18T03:26:01Z',
      upstream: ['CVE-2023-4863'],
      affected: [{ package: { ecosystem: 'Debian:12', name: 'libwebp' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.4-0.2+deb12u1' }] }] }],
    });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.record.aliases).toEqual(['CVE-2023-4863']);
  });

  it('falls back to ecosystem_specific severity and keeps GIT ranges with versions', () => {
    const rust = parseOsvRecord(osv[1]);
    expect(rust.ok && rust.record.severity).toBe('high');
    const py = parseOsvRecord(osv[2]);
    if (!py.ok) throw new Error(py.reason);
    expect(py.record.affected[0]?.ranges.map((range) => range.type)).toEqual(['GIT', 'ECOSYSTEM']);
    expect(py.record.affected[0]?.versions).toContain('2.8.0.post1');
  });

  it('empties a withdrawn record and refuses one without modified', () => {
    const withdrawn = parseOsvRecord({ ...(osv[0] as object), withdrawn: '2022-01-01T00:00:00Z' });
    expect(withdrawn.ok && withdrawn.record.affected).toEqual([]);
    expect(withdrawn.ok && withdrawn.record.status).toBe('Withdrawn');
    expect(parseOsvRecord({ id: 'X-1' })).toEqual({ ok: false, id: 'X-1', reason: 'missing modified' });
  });
});

describe('KEV catalogue', () => {
  it('reads entries and the header', () => {
    const catalog = kevCatalogOf(JSON.parse(fixture('kev-catalog.json')));
    expect(catalog?.info.catalog_version).toBe('2024.06.01');
    const entry = parseKevEntry(catalog?.entries[0]);
    expect(entry.ok && entry.entry).toMatchObject({
      cve_id: 'CVE-2021-44228',
      date_added: '2021-12-10',
      due_date: '2021-12-24',
      known_ransomware_campaign_use: 'Known',
    });
    expect(parseKevEntry({ cveID: 'CVE-2021-1' })).toMatchObject({ ok: false, reason: 'cveID is not a CVE id' });
  });
});

describe('streamJsonArray', () => {
  async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
    const bytes = new TextEncoder().encode(text);
    for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
  }

  it('yields the elements of the named array and the scalar fields around it, across any chunking', async () => {
    const text = fixture('nvd-cves.json');
    for (const size of [1, 7, 64, 100000]) {
      const ids: string[] = [];
      const fields: Record<string, unknown> = {};
      for await (const event of streamJsonArray(chunked(text, size), 'vulnerabilities')) {
        if (event.kind === 'item') ids.push((event.value as { cve: { id: string } }).cve.id);
        else fields[event.key] = event.value;
      }
      expect(ids).toEqual(['CVE-2021-44228', 'CVE-2014-0160', 'CVE-2023-4863', 'CVE-2024-3094']);
      expect(fields).toMatchObject({ resultsPerPage: 4, totalResults: 4, format: 'NVD_CVE', version: '2.0' });
    }
  });

  it('streams a top-level array, strings with brackets included', async () => {
    const values: unknown[] = [];
    for await (const event of streamJsonArray(chunked('[{"a":"]}"},"x\\"]",3,[1,[2]],null]', 2))) values.push(event.kind === 'item' ? event.value : undefined);
    expect(values).toEqual([{ a: ']}' }, 'x"]', 3, [1, [2]], null]);
  });

  it('rejects what is not that shape', async () => {
    const drain = async (text: string, key?: string) => {
      for await (const event of streamJsonArray(chunked(text, 5), key)) void event;
    };
    await expect(drain('{"other": []}', 'vulnerabilities')).rejects.toThrow(/no "vulnerabilities" array/);
    await expect(drain('{"vulnerabilities": [{"a": 1}', 'vulnerabilities')).rejects.toThrow(/unexpected end/);
    await expect(drain('{"vulnerabilities": [{"a": 1,}]}', 'vulnerabilities')).rejects.toThrow(/Malformed JSON/);
    await expect(drain('[1, 2]', 'vulnerabilities')).rejects.toThrow(/top-level object/);
  });
});

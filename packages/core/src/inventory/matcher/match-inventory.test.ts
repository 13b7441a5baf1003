import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InventoryItem, InventoryMatch } from '../../contract/inventory.js';
import { createMemoryStorage } from '../../storage/index.js';
import { createVulnerabilityDatabase, matchInventory } from '../vulnerability-database.js';
import type { VulnerabilityDatabase } from '../vulnerability-database.js';
import { parseNvdCve } from '../feeds/nvd-feed.js';
import { createAssetIndex, itemKeys } from './asset-index.js';
import { matchItems } from './match-inventory.js';
import { VulnerabilityIndex } from './vulnerability-index.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

let db: VulnerabilityDatabase;

beforeAll(async () => {
  db = createVulnerabilityDatabase({ storage: createMemoryStorage() });
  await db.importNvd(fixture('nvd-cves.json'));
  await db.importOsv(fixture('osv-records.json'));
  await db.importKev(fixture('kev-catalog.json'));
});

async function match(...items: InventoryItem[]): Promise<InventoryMatch[]> {
  return matchInventory(db, items);
}

/** The facts a user checks, without the repetitive fields. */
function brief(matches: InventoryMatch[]) {
  return matches.map(({ item_index, vulnerability_id, method, confidence, fixed_version, platform_unverified }) => ({
    item_index,
    vulnerability_id,
    method,
    confidence,
    fixed_version,
    platform_unverified,
  }));
}

describe('CPE matching against NVD configurations', () => {
  it('finds Log4Shell for log4j 2.14.1 with severity, KEV and the fixed version', async () => {
    const [found, ...rest] = await match({ name: 'log4j-core', version: '2.14.1', cpe: 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*' });
    expect(rest).toEqual([]);
    expect(found).toEqual({
      item_index: 0,
      item_name: 'log4j-core',
      item_version: '2.14.1',
      vulnerability_id: 'CVE-2021-44228',
      cve: 'CVE-2021-44228',
      aliases: [],
      source: 'nvd',
      method: 'cpe',
      confidence: 'high',
      severity: 'critical',
      cvss_score: 10,
      in_kev: true,
      kev_due_date: '2021-12-24',
      fixed_version: '2.15.0',
      matched: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*',
      platform_unverified: false,
    });
  });

  it('respects the including and excluding bounds of every range', async () => {
    const at = async (version: string) => (await match({ name: 'log4j', version, cpe: `cpe:2.3:a:apache:log4j:${version}:*:*:*:*:*:*:*` })).length;
    expect(await at('2.15.0')).toBe(0);
    expect(await at('2.12.2')).toBe(0);
    expect(await at('2.3.1')).toBe(0);
    expect(await at('2.13.0')).toBe(1);
    expect(await at('2.12.1')).toBe(1);
    expect(await at('2.0.1')).toBe(1);
    expect(await at('1.2.17')).toBe(0);
  });

  it('takes the version from the item when its CPE has none, and compares update values', async () => {
    expect(brief(await match({ name: 'log4j', version: '2.14.0', cpe: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*' }))).toHaveLength(1);
    // NVD lists 2.0 with update "-" (the release) and 2.0-beta9/rc1/rc2: 2.0 matches, 2.0-rc3 does not exist.
    expect(await match({ name: 'log4j', version: '2.0', cpe: 'cpe:2.3:a:apache:log4j:2.0:*:*:*:*:*:*:*' })).toHaveLength(1);
    expect(await match({ name: 'log4j', version: '2.0', cpe: 'cpe:2.3:a:apache:log4j:2.0:rc2:*:*:*:*:*:*' })).toHaveLength(1);
    expect(await match({ name: 'log4j', version: '2.0', cpe: 'cpe:2.3:a:apache:log4j:2.0:rc3:*:*:*:*:*:*' })).toHaveLength(0);
  });

  it('matches exact-version criteria and knows no fixed version for them', async () => {
    const found = brief(await match({ name: 'openssl', version: '1.0.1f', cpe: 'cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*' }));
    expect(found).toEqual([{ item_index: 0, vulnerability_id: 'CVE-2014-0160', method: 'cpe', confidence: 'high', fixed_version: null, platform_unverified: false }]);
    expect(await match({ name: 'openssl', version: '1.0.1g', cpe: 'cpe:2.3:a:openssl:openssl:1.0.1g:*:*:*:*:*:*:*' })).toEqual([]);
    // An OpenSSL 1.0.1 beta is its own criteria; the final 1.0.1 release is another.
    expect(await match({ name: 'openssl', version: '1.0.1', cpe: 'cpe:2.3:a:openssl:openssl:1.0.1:beta2:*:*:*:*:*:*' })).toHaveLength(1);
  });

  it('never matches an application against OS criteria, or the reverse', async () => {
    expect(await match({ name: 'debian_linux', vendor: 'Debian', version: '11.0', part: 'a' })).toEqual([]);
    expect(await match({ name: 'debian', version: '11.0', cpe: 'cpe:2.3:a:debian:debian_linux:11.0:*:*:*:*:*:*:*' })).toEqual([]);
    const os = brief(await match({ name: 'Debian GNU/Linux', version: '11.0', cpe: 'cpe:2.3:o:debian:debian_linux:11.0:*:*:*:*:*:*:*' }));
    expect(os.map((m) => m.vulnerability_id).sort()).toEqual(['CVE-2021-44228', 'CVE-2023-4863']);
    expect(await match({ name: 'log4j', version: '2.14.1', cpe: 'cpe:2.3:o:apache:log4j:2.14.1:*:*:*:*:*:*:*' })).toEqual([]);
  });

  it('checks the platform of an AND configuration against the whole inventory', async () => {
    const firmware: InventoryItem = { name: 'SES3000 firmware', version: '1.0', cpe: 'cpe:2.3:o:siemens:sppa-t3000_ses3000_firmware:1.0:*:*:*:*:*:*:*' };
    // No hardware item at all: the platform cannot be checked, the match is kept but flagged and downgraded.
    expect(brief(await match(firmware))).toEqual([
      { item_index: 0, vulnerability_id: 'CVE-2021-44228', method: 'cpe', confidence: 'medium', fixed_version: null, platform_unverified: true },
    ]);
    // Other hardware: the platform condition is false, no match.
    expect(await match(firmware, { name: 'other box', version: '-', cpe: 'cpe:2.3:h:siemens:sppa-t3000_other:-:*:*:*:*:*:*:*' })).toEqual([]);
    // The right hardware: a confirmed match. The hardware itself (vulnerable: false) is never reported.
    expect(brief(await match(firmware, { name: 'SES3000', version: '-', cpe: 'cpe:2.3:h:siemens:sppa-t3000_ses3000:-:*:*:*:*:*:*:*' }))).toEqual([
      { item_index: 0, vulnerability_id: 'CVE-2021-44228', method: 'cpe', confidence: 'high', fixed_version: null, platform_unverified: false },
    ]);
  });

  it('treats an application platform as known: a plugin without its host application is not affected', async () => {
    const local = createVulnerabilityDatabase({ storage: createMemoryStorage() });
    await local.importNvd({
      vulnerabilities: [
        {
          cve: {
            id: 'CVE-2099-0002',
            lastModified: '2099-01-01T00:00:00.000',
            configurations: [
              {
                operator: 'AND',
                nodes: [
                  { operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:acme:gallery_plugin:*:*:*:*:*:*:*:*', versionEndExcluding: '2.0' }] },
                  { operator: 'OR', cpeMatch: [{ vulnerable: false, criteria: 'cpe:2.3:a:wordpress:wordpress:*:*:*:*:*:*:*:*' }] },
                ],
              },
            ],
          },
        },
      ],
    });
    const plugin: InventoryItem = { name: 'Gallery Plugin', vendor: 'Acme', version: '1.5' };
    expect(await matchInventory(local, [plugin])).toEqual([]);
    expect(brief(await matchInventory(local, [plugin, { name: 'WordPress', vendor: 'WordPress', version: '6.4.2' }]))).toEqual([
      { item_index: 0, vulnerability_id: 'CVE-2099-0002', method: 'vendor_product', confidence: 'high', fixed_version: '2.0', platform_unverified: false },
    ]);
  });

  it('never matches criteria whose vendor and product are both wildcards', async () => {
    const storage = createMemoryStorage();
    const wild = createVulnerabilityDatabase({ storage });
    await wild.importNvd({
      vulnerabilities: [
        {
          cve: {
            id: 'CVE-2099-0001',
            lastModified: '2099-01-01T00:00:00.000',
            configurations: [{ nodes: [{ operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:*:*:*:*:*:*:*:*:*:*' }] }] }],
          },
        },
      ],
    });
    expect(await matchInventory(wild, [{ name: 'log4j', version: '2.14.1', cpe: 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*' }, { name: 'anything', version: '1' }])).toEqual([]);
    expect((await wild.stats()).unindexed_criteria).toBe(1);
  });
});

describe('matching without a CPE', () => {
  it('uses normalised vendor and product names, with confidence', async () => {
    const found = brief(
      await match(
        { name: 'OpenSSL', vendor: 'OpenSSL Project', version: '1.0.1f' },
        { name: 'openssl', version: '1.0.1e' },
        { name: 'Google Chrome', vendor: 'Google LLC', version: '116.0.5845.96' },
        { name: 'libwebp', vendor: 'WebM Project', version: '1.3.1' },
      ),
    );
    expect(found).toEqual([
      { item_index: 0, vulnerability_id: 'CVE-2014-0160', method: 'vendor_product', confidence: 'high', fixed_version: null, platform_unverified: false },
      { item_index: 1, vulnerability_id: 'CVE-2014-0160', method: 'vendor_product', confidence: 'medium', fixed_version: null, platform_unverified: false },
      { item_index: 2, vulnerability_id: 'CVE-2023-4863', method: 'vendor_product', confidence: 'high', fixed_version: '116.0.5845.187', platform_unverified: false },
      { item_index: 3, vulnerability_id: 'CVE-2023-4863', method: 'vendor_product', confidence: 'high', fixed_version: '1.3.2', platform_unverified: false },
    ]);
  });

  it('does not match a product of the same name from another vendor', async () => {
    expect(brief(await match({ name: 'Thunderbird', vendor: 'Mozilla Foundation', version: '102.0' }))[0]).toMatchObject({ confidence: 'high' });
    expect(await match({ name: 'Thunderbird', vendor: 'Acme Corp', version: '102.0' })).toEqual([]);
    // A curated alias (a well-known product name) still matches a surprising vendor, with low confidence.
    expect(brief(await match({ name: 'OpenSSL', vendor: 'Acme Corp', version: '1.0.1f' }))[0]).toMatchObject({ method: 'vendor_product', confidence: 'low' });
    expect(await match({ name: 'Google Chrome', vendor: 'Google LLC', version: '117.0.5938.62' })).toEqual([]);
  });

  it('falls back to keywords within the vendor, with low confidence', async () => {
    expect(brief(await match({ name: 'Mozilla Firefox ESR Browser', vendor: 'Mozilla Corporation', version: '115.1.0' }))).toEqual([
      { item_index: 0, vulnerability_id: 'CVE-2023-4863', method: 'keyword', confidence: 'low', fixed_version: '115.2.1', platform_unverified: false },
    ]);
  });

  it('answers the seed report: nginx, PostgreSQL and a current OpenSSL have no known record here', async () => {
    const report: InventoryItem[] = [
      { name: 'nginx', version: '1.24.0', vendor: 'F5, Inc.' },
      { name: 'PostgreSQL', version: '15.4', vendor: 'PostgreSQL Global Development Group' },
      { name: 'OpenSSL', version: '3.1.4', vendor: 'OpenSSL Project' },
    ];
    expect(await match(...report)).toEqual([]);
  });
});

describe('distribution and language packages', () => {
  it('matches an npm package by purl against OSV ranges', async () => {
    expect(brief(await match({ name: 'elliptic', version: '6.5.3', purl: 'pkg:npm/elliptic@6.5.3' }))).toEqual([
      { item_index: 0, vulnerability_id: 'GHSA-r9p9-mrjm-926w', method: 'purl', confidence: 'high', fixed_version: '6.5.4', platform_unverified: false },
    ]);
    expect(await match({ name: 'elliptic', version: '6.5.4', purl: 'pkg:npm/elliptic@6.5.4' })).toEqual([]);
  });

  it('matches by package type, SEMVER ranges and explicit version lists', async () => {
    const found = brief(
      await match(
        { name: 'http', version: '0.1.19', package_type: 'cargo' },
        { name: 'pikepdf', version: '2.8.0.post1', package_type: 'pypi' },
        { name: 'pikepdf', version: '2.10.0', package_type: 'pypi' },
      ),
    );
    expect(found).toEqual([
      { item_index: 0, vulnerability_id: 'RUSTSEC-2019-0033', method: 'purl', confidence: 'high', fixed_version: '0.1.20', platform_unverified: false },
      { item_index: 1, vulnerability_id: 'PYSEC-2021-XXXX', method: 'purl', confidence: 'high', fixed_version: '2.10.0', platform_unverified: false },
    ]);
  });

  it('scopes Debian advisories to the host release', async () => {
    const nginx = (os: string): InventoryItem => ({ name: 'nginx', version: '1.2.1-2.2+wheezy2', package_type: 'deb', os_family: os });
    expect(brief(await match(nginx('Debian GNU/Linux 7 (wheezy)')))).toEqual([
      { item_index: 0, vulnerability_id: 'DSA-3029-1', method: 'purl', confidence: 'high', fixed_version: '1.2.1-2.2+wheezy3', platform_unverified: false },
    ]);
    expect(await match(nginx('Debian GNU/Linux 12 (bookworm)'))).toEqual([]);
    expect(await match({ ...nginx('Debian GNU/Linux 7 (wheezy)'), version: '1.2.1-2.2+wheezy3' })).toEqual([]);
  });

  it("prefers the distribution's verdict over NVD's upstream ranges (backported fixes)", async () => {
    const openssl = (version: string): InventoryItem => ({ name: 'openssl', version, purl: `pkg:deb/debian/openssl@${version}?distro=debian-7` });
    const vulnerable = await match(openssl('1.0.1e-2+deb7u4'));
    expect(brief(vulnerable)).toEqual([
      { item_index: 0, vulnerability_id: 'DSA-2896-1', method: 'purl', confidence: 'high', fixed_version: '1.0.1e-2+deb7u5', platform_unverified: false },
    ]);
    // One finding per CVE: the NVD record joins as an alias, and KEV applies through the alias.
    expect(vulnerable[0]).toMatchObject({ cve: 'CVE-2014-0160', in_kev: true, aliases: ['CVE-2014-0160'] });
    // Upstream 1.0.1e is in NVD's list, but Debian fixed it in this revision: no finding.
    expect(await match(openssl('1.0.1e-2+deb7u5'))).toEqual([]);
  });

  it('compares distribution packages with NVD by upstream version, at most medium confidence', async () => {
    expect(brief(await match({ name: 'xz-utils', version: '5.6.0-0.1', package_type: 'deb', os_family: 'debian' }))).toEqual([
      { item_index: 0, vulnerability_id: 'CVE-2024-3094', method: 'vendor_product', confidence: 'medium', fixed_version: null, platform_unverified: false },
    ]);
    expect(await match({ name: 'xz-utils', version: '5.4.1-0.2', package_type: 'deb', os_family: 'debian' })).toEqual([]);
    expect(brief(await match({ name: 'xz', version: '5.6.1-r0', cpe: 'cpe:2.3:a:tukaani:xz:*:*:*:*:*:*:*:*', package_type: 'apk' }))[0]).toMatchObject({
      method: 'cpe',
      confidence: 'medium',
    });
  });

  it('merges NVD and OSV findings of the same CVE for one item', async () => {
    const found = await match({
      name: 'log4j-core',
      version: '2.14.1',
      purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
      cpe: 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*',
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ vulnerability_id: 'GHSA-jfh8-c2jp-5v3q', cve: 'CVE-2021-44228', method: 'purl', fixed_version: '2.15.0', in_kev: true });
  });
});

describe('asset reverse index', () => {
  it('names the assets an import can concern', async () => {
    const assets = createAssetIndex();
    assets.set('web-1', [{ name: 'OpenSSL', vendor: 'OpenSSL Project', version: '1.0.1f' }]);
    assets.set('build-7', [{ name: 'elliptic', version: '6.5.3', purl: 'pkg:npm/elliptic@6.5.3' }]);
    assets.set('db-2', [{ name: 'PostgreSQL', version: '15.4' }]);
    expect(assets.affectedBy(await db.keysOf(['CVE-2014-0160']))).toEqual(['web-1']);
    expect(assets.affectedBy(await db.keysOf(['GHSA-r9p9-mrjm-926w']))).toEqual(['build-7']);
    expect(assets.affectedBy(await db.keysOf(['CVE-2024-3094']))).toEqual([]);
    assets.delete('web-1');
    expect(assets.affectedBy(await db.keysOf(['CVE-2014-0160']))).toEqual([]);
  });

  it('is told by the database which assets a new record or a KEV change concerns', async () => {
    const local = createVulnerabilityDatabase({ storage: createMemoryStorage() });
    await local.load();
    const assets = createAssetIndex();
    assets.set('web-1', [{ name: 'Google Chrome', vendor: 'Google LLC', version: '116.0.5845.96' }]);
    assets.set('db-2', [{ name: 'PostgreSQL', version: '15.4' }]);
    const affected: string[][] = [];
    local.onChange(({ keys }) => affected.push(assets.affectedBy(keys)));
    await local.importNvd(fixture('nvd-cves.json'));
    await local.importKev(fixture('kev-catalog.json'));
    expect(affected).toEqual([['web-1'], ['web-1']]);
    // And matching those assets again finds the new record.
    expect((await local.match([{ name: 'Google Chrome', vendor: 'Google LLC', version: '116.0.5845.96' }]))[0]?.vulnerability_id).toBe('CVE-2023-4863');
  });

  it('derives keys from names, vendors, CPEs and packages', () => {
    expect(itemKeys({ name: 'Apache HTTP Server', vendor: 'The Apache Software Foundation', version: '2.4.57' })).toEqual(
      expect.arrayContaining(['p:apache http server', 'p:http server', 'v:apache']),
    );
    expect(itemKeys({ name: 'x', version: '1', purl: 'pkg:npm/%40babel/core@7.0.0' })).toContain('pkg:npm\t@babel/core');
  });
});

describe('what the matcher remembers between reports', () => {
  const nvdRecord = (id: string, criteria: Record<string, unknown>) =>
    JSON.stringify({
      vulnerabilities: [
        {
          cve: {
            id,
            lastModified: '2024-01-01T00:00:00.000',
            descriptions: [{ lang: 'en', value: id }],
            configurations: [{ nodes: [{ operator: 'OR', negate: false, cpeMatch: [{ vulnerable: true, matchCriteriaId: `${id}-M`, ...criteria }] }] }],
          },
        },
      ],
    });

  it('answers a repeated report the same, and sees a record imported since', async () => {
    const memo = createVulnerabilityDatabase({ storage: createMemoryStorage() });
    await memo.importNvd(nvdRecord('CVE-2030-0001', { criteria: 'cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*', versionEndExcluding: '2.0' }));
    const item: InventoryItem = { name: 'widget', version: '1.5', cpe: 'cpe:2.3:a:acme:widget:1.5:*:*:*:*:*:*:*' };
    const ids = async (...items: InventoryItem[]) => (await matchInventory(memo, items)).map((m) => `${m.item_index}:${m.vulnerability_id}`);
    expect(await ids(item)).toEqual(['0:CVE-2030-0001']);
    expect(await ids(item)).toEqual(['0:CVE-2030-0001']);
    // Same software under another name and position: the same criteria apply.
    expect(await ids({ name: 'Widget Pro', version: '9.9' }, { ...item, name: 'acme widget' })).toEqual(['1:CVE-2030-0001']);
    // A version the remembered answer did not cover is matched on its own.
    expect(await ids({ ...item, version: '2.5', cpe: 'cpe:2.3:a:acme:widget:2.5:*:*:*:*:*:*:*' })).toEqual([]);
    await memo.importNvd(nvdRecord('CVE-2030-0002', { criteria: 'cpe:2.3:a:acme:widget:1.5:*:*:*:*:*:*:*' }));
    expect(await ids(item)).toEqual(['0:CVE-2030-0001', '0:CVE-2030-0002']);
  });

  it('forgets what it remembered when the index it read changes', () => {
    const index = new VulnerabilityIndex();
    const put = (id: string, criteria: Record<string, unknown>) => {
      const parsed = parseNvdCve((JSON.parse(nvdRecord(id, criteria)) as { vulnerabilities: unknown[] }).vulnerabilities[0]);
      if (!parsed.ok) throw new Error('fixture did not parse');
      index.put(parsed.record);
    };
    const item: InventoryItem = { name: 'gadget', version: '3.1', cpe: 'cpe:2.3:a:acme:gadget:3.1:*:*:*:*:*:*:*' };
    put('CVE-2030-0003', { criteria: 'cpe:2.3:a:acme:gadget:*:*:*:*:*:*:*:*', versionEndIncluding: '3.1' });
    expect(matchItems(index, [item]).map((m) => m.vulnerability_id)).toEqual(['CVE-2030-0003']);
    put('CVE-2030-0004', { criteria: 'cpe:2.3:a:acme:gadget:3.1:*:*:*:*:*:*:*' });
    expect(matchItems(index, [item]).map((m) => m.vulnerability_id)).toEqual(['CVE-2030-0003', 'CVE-2030-0004']);
    index.remove('nvd/CVE-2030-0003');
    expect(matchItems(index, [item]).map((m) => m.vulnerability_id)).toEqual(['CVE-2030-0004']);
  });
});

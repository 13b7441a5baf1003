import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAssetStore, createMemoryDocker, createMemoryStorage, createSentinel } from '@sentinel-kit/core';
import { createLowdbStorage } from '../adapters/lowdb-storage.js';
import { createApp } from '../app.js';
import { runImportCommand } from './import-command.js';
import type { CommandIo } from './import-command.js';

const FIXTURES = new URL('../../../core/src/inventory/fixtures/', import.meta.url);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sk-import-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io(extra: Partial<CommandIo> = {}): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    stdin: (async function* () {})(),
    ...extra,
  };
}

/** A data directory holding one host with OpenSSL 1.0.1f (Heartbleed) and one with nothing vulnerable. */
async function dataDirWithHosts(): Promise<string> {
  const dataDir = join(dir, 'data');
  const storage = await createLowdbStorage(join(dataDir, 'sentinel.json'));
  const assets = createAssetStore({ storage });
  const legacy = await assets.upsert({ hostname: 'legacy', organization_id: 1 });
  await assets.setSoftware(legacy.id, [{ name: 'OpenSSL', version: '1.0.1f', vendor: 'OpenSSL Project' }]);
  const other = await assets.upsert({ hostname: 'other', organization_id: 1 });
  await assets.setSoftware(other.id, [{ name: 'some-tool', version: '1.0' }]);
  await storage.close();
  return dataDir;
}

describe('sentinel-server import', () => {
  it('imports a file into the data directory, re-matches the hosts it concerns and prints a summary', async () => {
    const dataDir = await dataDirWithHosts();
    const run = io();
    const code = await runImportCommand(['--source', 'nvd', '--data-dir', dataDir, new URL('nvd-cves.json', FIXTURES).pathname], {}, run);
    expect(run.err.join('')).not.toContain('sentinel-server import:');
    expect(code).toBe(0);
    expect(run.out.join('')).toContain('imported nvd from');
    expect(run.out.join('')).toContain('4 records read — 4 added, 0 updated, 0 unchanged, 0 skipped');
    expect(run.out.join('')).toContain('1 asset re-matched');

    const storage = await createLowdbStorage(join(dataDir, 'sentinel.json'));
    const assets = createAssetStore({ storage });
    expect((await assets.matches(1)).map((m) => m.vulnerability_id)).toEqual(['CVE-2014-0160']);
    expect(await assets.matches(2)).toEqual([]);
    await storage.close();

    // Again: idempotent.
    const again = io();
    expect(await runImportCommand(['--source', 'nvd', '--json', new URL('nvd-cves.json', FIXTURES).pathname], { SENTINEL_DATA_DIR: dataDir }, again)).toBe(0);
    expect(JSON.parse(again.out.join(''))).toMatchObject({ source: 'nvd', added: 0, unchanged: 4, assets_rematched: 0 });
  });

  it('reads gzip files and prints progress for large feeds', async () => {
    const dataDir = join(dir, 'data');
    const vulnerabilities = Array.from({ length: 12_000 }, (_, i) => ({
      cve: { id: `CVE-2099-${String(i + 1).padStart(5, '0')}`, lastModified: '2024-01-01T00:00:00.000', descriptions: [{ lang: 'en', value: 'synthetic' }] },
    }));
    const file = join(dir, 'nvdcve-2.0-2099.json.gz');
    await writeFile(file, gzipSync(JSON.stringify({ resultsPerPage: vulnerabilities.length, totalResults: vulnerabilities.length, vulnerabilities })));
    const run = io();
    expect(await runImportCommand(['--source', 'nvd', '--data-dir', dataDir, file], {}, run)).toBe(0);
    expect(run.err.filter((line) => /^nvd: [\d,]+ \/ 12,000 records read/.test(line)).length).toBeGreaterThanOrEqual(2);
    expect(run.out.join('')).toContain('12,000 records read — 12,000 added');
  });

  it('sends the feed to a running server with --server (streamed)', async () => {
    const storage = createMemoryStorage();
    const sentinel = createSentinel({ storage, docker: createMemoryDocker() });
    const app = createApp({ sentinel, authMode: 'disabled' });
    const run = io({ fetch: async (input, init) => app.request(input instanceof URL ? input.toString() : input, init) });
    const code = await runImportCommand(['--source', 'osv', '--server', 'http://sentinel.test/', new URL('osv-records.json', FIXTURES).pathname], {}, run);
    expect(run.err.join('')).not.toContain('sentinel-server import:');
    expect(code).toBe(0);
    expect(run.out.join('')).toContain('imported osv from');
    expect(run.out.join('')).toContain('6 records read — 6 added');
    await app.close();
    await sentinel.stop();
  });

  it('explains usage errors (exit 2) and unreadable input (exit 1)', async () => {
    const noSource = io();
    expect(await runImportCommand(['feed.json'], {}, noSource)).toBe(2);
    expect(noSource.err.join('')).toContain('--source must be nvd, osv or kev');
    const missing = io();
    expect(await runImportCommand(['--source', 'kev', '--data-dir', join(dir, 'd'), join(dir, 'nope.json')], {}, missing)).toBe(1);
    expect(missing.err.join('')).toMatch(/cannot read .*nope\.json/);
    const malformed = io();
    await writeFile(join(dir, 'bad.json'), '{"vulnerabilities": [ {"cve": ');
    expect(await runImportCommand(['--source', 'nvd', '--data-dir', join(dir, 'd'), join(dir, 'bad.json')], {}, malformed)).toBe(1);
    expect(malformed.err.join('')).toContain('sentinel-server import: Malformed JSON feed');
    const help = io();
    expect(await runImportCommand(['--help'], {}, help)).toBe(0);
    expect(help.out.join('')).toContain('Usage: sentinel-server import');
  });
});

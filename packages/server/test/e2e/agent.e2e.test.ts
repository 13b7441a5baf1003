import { execFile } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { silentLogger } from '@sentinel-kit/core';
import { startServer } from '../../src/start-server.js';
import type { RunningServer } from '../../src/start-server.js';
import { setupAdminToken } from './support/first-run.js';

/**
 * `sentinel-agent` reports this machine's real package list to the real
 * server. The vulnerability feed is built here from the same machine's
 * `dpkg-query` output: OSV records (Debian ecosystem) for the exact versions
 * of three installed packages, and an NVD record for one of them, so the
 * test holds on any Debian machine. No Docker engine is needed.
 */
const root = fileURLToPath(new URL('../../../..', import.meta.url));
let dir: string;
let server: RunningServer;
let client: SentinelClient;
let token: string;
/** Set by the first test: the vulnerabilities the feed gives this machine's packages. */
let expectedCves: string[] = [];
let criticalCve = '';

interface Installed {
  name: string;
  version: string;
  source: string;
  sourceVersion: string;
}

function run(file: string, args: string[], options: { env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: root, env: { ...process.env, ...options.env }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

const tsx = (script: string, args: string[]) => run(process.execPath, ['--import', 'tsx', '--conditions=@sentinel-kit/source', script, ...args]);

async function installedPackages(): Promise<Installed[]> {
  const res = await run('dpkg-query', ['-W', '-f', '${Package}\t${Version}\t${Status}\t${source:Package}\t${source:Version}\n']);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((f) => f.length === 5 && f[2]?.split(' ')[2] === 'installed')
    .map(([name = '', version = '', , source = '', sourceVersion = '']) => ({ name, version, source, sourceVersion }));
}

/** Debian's upstream version: without epoch and revision (`1:2.36-9+deb12u9` → `2.36`). */
const upstream = (version: string): string => version.replace(/^\d+:/, '').replace(/-[^-]*$/, '');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sk-agent-e2e-'));
  server = await startServer(
    // No Docker engine: the server says so and serves the inventory API all the same.
    { port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), dockerHost: `unix://${join(dir, 'no-docker.sock')}`, metrics: false, logLevel: 'warn', settings: { poll_interval: 86_400_000 } },
    { logger: silentLogger },
  );
  token = await setupAdminToken(server.url);
  client = createSentinelClient({ baseUrl: server.url, token, retry: 0 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('sentinel-agent on this machine', () => {
  it('reports the real package list; the feed matches the exact installed versions; the next run sends a delta', async () => {
    const installed = await installedPackages();
    // What the agent reports: each installed name+version once (multi-arch packages list a version per architecture).
    const expectedCount = new Set(installed.map((p) => `${p.name.toLowerCase()}\t${p.version}`)).size;
    expect(expectedCount).toBeGreaterThan(20);
    // Packages built from a source package of the same name and version: Debian advisories name source packages.
    const candidates = installed.filter((p) => p.source === p.name && p.sourceVersion === p.version && /^[a-z0-9][a-z0-9.-]*$/.test(p.name)).sort((a, b) => a.name.localeCompare(b.name));
    const targets = candidates.slice(0, 3);
    expect(targets).toHaveLength(3);
    // The NVD record names one of them by product and upstream version.
    const nvdTarget = candidates.find((p) => /^[a-z][a-z0-9]*$/.test(p.name) && /^\d+(\.\d+)+$/.test(upstream(p.version)));
    expect(nvdTarget).toBeDefined();
    const nvdPackage = nvdTarget as Installed;
    const osRelease = await readFile('/etc/os-release', 'utf8');
    const versionId = /^VERSION_ID="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? '12';

    const cves = targets.map((_, i) => `CVE-2099-${String(1001 + i)}`);
    const osv = targets.map((p, i) => ({
      schema_version: '1.6.0',
      id: `DEBIAN-${cves[i] as string}`,
      modified: '2025-01-01T00:00:00Z',
      published: '2025-01-01T00:00:00Z',
      aliases: [cves[i]],
      summary: `test advisory for ${p.name} ${p.version}`,
      affected: [{ package: { ecosystem: `Debian:${versionId}`, name: p.name }, versions: [p.version] }],
    }));
    const nvdCve = 'CVE-2099-2001';
    const nvd = {
      resultsPerPage: 1,
      startIndex: 0,
      totalResults: 1,
      format: 'NVD_CVE',
      version: '2.0',
      timestamp: '2025-01-01T00:00:00.000',
      vulnerabilities: [
        {
          cve: {
            id: nvdCve,
            sourceIdentifier: 'cve@mitre.org',
            published: '2025-01-01T00:00:00.000',
            lastModified: '2025-01-02T00:00:00.000',
            vulnStatus: 'Analyzed',
            descriptions: [{ lang: 'en', value: `Test vulnerability of ${nvdPackage.name} ${upstream(nvdPackage.version)}.` }],
            metrics: {
              cvssMetricV31: [
                {
                  source: 'nvd@nist.gov',
                  type: 'Primary',
                  cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, baseSeverity: 'CRITICAL' },
                },
              ],
            },
            configurations: [
              { nodes: [{ operator: 'OR', negate: false, cpeMatch: [{ vulnerable: true, criteria: `cpe:2.3:a:${nvdPackage.name}:${nvdPackage.name}:${upstream(nvdPackage.version)}:*:*:*:*:*:*:*` }] }] },
            ],
          },
        },
      ],
    };

    const { key } = await client.agentKeys.create('e2e agent');
    expect(await client.inventory.importDocument('osv', osv)).toMatchObject({ source: 'osv', added: 3 });
    // The NVD file goes through the server's own CLI, streamed to the running server.
    const nvdFile = join(dir, 'nvd.json');
    await writeFile(nvdFile, JSON.stringify(nvd));
    const imported = await tsx('packages/server/src/cli.ts', ['import', '--source', 'nvd', '--server', server.url, '--token', token, nvdFile]);
    expect(imported.stderr).not.toContain('sentinel-server import:');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('1 records read — 1 added');

    const state = join(dir, 'agent-state.json');
    const first = await tsx('packages/client/src/agent/cli.ts', ['--once', '--server', server.url, '--key', key, '--state', state]);
    expect(first.stderr).not.toContain('error:');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`collected ${expectedCount} packages (dpkg)`);
    expect(first.stderr).toContain(`sending full report (${expectedCount} packages)`);
    expect(first.stderr).toMatch(new RegExp(`accepted: asset 1 \\(.+\\): ${expectedCount} processed, [3-9]\\d* matched, [4-9]\\d* vulnerabilities`));

    const page = await client.inventory.assets();
    expect(page.total).toBe(1);
    const asset = page.assets[0];
    expect(asset).toMatchObject({ id: 1, hostname: hostname(), software_count: expectedCount, organization_id: 1 });
    expect(asset?.os).toMatch(/Debian/);

    const vulnerable = await client.inventory.assetProducts(1, { vulnerable: true });
    for (const [i, p] of targets.entries()) {
      const product = vulnerable.products.find((candidate) => candidate.name === p.name && candidate.version === p.version);
      expect(product?.vulnerabilities.map((v) => v.cve), p.name).toContain(cves[i]);
      expect(product?.vulnerabilities.find((v) => v.cve === cves[i])).toMatchObject({ method: 'purl', confidence: 'high' });
    }
    const nvdMatch = vulnerable.products.find((candidate) => candidate.name === nvdPackage.name)?.vulnerabilities.find((v) => v.id === nvdCve);
    expect(nvdMatch).toMatchObject({ source: 'nvd', severity: 'critical', method: 'vendor_product' });
    const found = (await client.inventory.assetVulnerabilities(1)).vulnerabilities.map((v) => v.cve);
    expect(found).toEqual(expect.arrayContaining([...cves, nvdCve]));
    expectedCves = [...cves, nvdCve];
    criticalCve = nvdCve;
    expect((await client.inventory.vulnerability(nvdCve)).affected_assets.map((a) => a.id)).toEqual([1]);

    // Nothing changed on the machine: the second run sends an (empty) delta, and the inventory stays whole.
    const second = await tsx('packages/client/src/agent/cli.ts', ['--once', '--server', server.url, '--key', key, '--state', state]);
    expect(second.stderr).not.toContain('error:');
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('sending delta report (+0 −0)');
    expect(second.stderr).toContain(`accepted: asset 1 (`);
    expect((await client.inventory.asset(1)).software_count).toBe(expectedCount);
    expect(JSON.parse(await readFile(state, 'utf8'))).toMatchObject({ last: { asset_id: 1, server: server.url } });
  });

  it('an enrolled agent is a system: its audit, the compliance status and signed webhooks follow from its real packages', async () => {
    expect(expectedCves.length).toBeGreaterThan(0);
    const secret = 'agent-e2e-webhook-secret';
    const received: Array<{ raw: string; signature: string; body: { event: string; data: Record<string, unknown> } }> = [];
    const receiver = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ raw, signature: String(req.headers['x-signature-256'] ?? ''), body: JSON.parse(raw) as { event: string; data: Record<string, unknown> } });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const address = receiver.address();
    const receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/hook`;
    try {
      // The audit API with a JWT, as its documentation shows.
      const { access_token } = await createSentinelClient({ baseUrl: server.url, retry: 0 }).v1.auth.token({ username: 'admin', password: 'e2e-admin-password' });
      const api = createSentinelClient({ baseUrl: server.url, token: access_token, retry: 0 });
      await api.v1.webhooks.create({ url: receiverUrl, events: ['audit.completed', 'vulnerability.critical', 'compliance.failed'], secret });
      const enrollment = (await api.v1.agents.createEnrollmentToken({ name: 'e2e', expires_days: 1, max_uses: 1 })).data;

      // The real agent enrolls with the token and reports this machine's packages.
      const state = join(dir, 'enrolled-state.json');
      const enrolled = await tsx('packages/client/src/agent/cli.ts', ['--once', '--server', server.url, '--enroll', enrollment.token, '--state', state]);
      expect(enrolled.stderr).not.toContain('error:');
      expect(enrolled.code).toBe(0);
      const system = (await api.v1.systems.list()).data.systems.find((s) => s.hostname === hostname() && s.agent_id !== 'local-docker');
      expect(system).toBeDefined();
      const agentId = system?.agent_id as string;
      expect(agentId).toMatch(/^agt_/);
      // The token allowed one enrollment.
      const again = await tsx('packages/client/src/agent/cli.ts', ['--once', '--server', server.url, '--enroll', enrollment.token, '--state', join(dir, 'second.json')]);
      expect(again.code).toBe(1);

      const audit = (await api.v1.systems.audit(agentId, { include_vulnerability_scan: true })).data;
      expect(audit).toMatchObject({ agent_id: agentId, status: 'completed' });
      const auditedCves = audit.findings.flatMap((f) => f.vulnerabilities?.map((v) => v.id) ?? []);
      expect(auditedCves).toEqual(expect.arrayContaining([criticalCve]));
      expect(audit.findings.some((f) => f.severity === 'critical')).toBe(true);

      const nist = (await api.v1.compliance.status('nist')).data;
      expect(nist.status).toBe('fail');
      const fleet = (await api.v1.vulnerabilities.list({ severity: 'critical' })).data;
      expect(JSON.stringify(fleet)).toContain(criticalCve);

      const deadline = Date.now() + 30_000;
      while (!(received.some((r) => r.body.event === 'audit.completed') && received.some((r) => r.body.event === 'vulnerability.critical')) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const events = received.map((r) => r.body.event);
      expect(events).toEqual(expect.arrayContaining(['audit.completed', 'vulnerability.critical']));
      for (const r of received) {
        const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(r.raw).digest('hex')}`);
        const given = Buffer.from(r.signature);
        expect(given.length === expected.length && timingSafeEqual(given, expected), `signature of ${r.body.event}`).toBe(true);
      }
      expect(received.find((r) => r.body.event === 'audit.completed')?.body.data).toMatchObject({ audit_id: audit.id, agent_id: agentId });
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('says clearly when the key is wrong or the server is unreachable', async () => {
    const bad = await tsx('packages/client/src/agent/cli.ts', ['--once', '--server', server.url, '--key', 'sk_agent_wrong-key-000000000000', '--state', join(dir, 'bad.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error: the server refused the agent key (401');
    // A port nobody listens on: bound, then released.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
      });
    });
    const offline = await tsx('packages/client/src/agent/cli.ts', ['--once', '--server', `http://127.0.0.1:${port}`, '--key', 'sk_agent_any-key-0000000000000', '--state', join(dir, 'offline.json')]);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain(`error: cannot reach the server at http://127.0.0.1:${port}: connect ECONNREFUSED`);
  });
});

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent, runAgentOnce } from '@sentinel-kit/client/agent';
import type { AgentHost, AgentOptions, AgentState } from '@sentinel-kit/client/agent';
import { createAuthService, systemClock } from '@sentinel-kit/core';
import { createAuthFixture } from '../support/auth-fixture.js';
import type { AuthFixture } from '../support/auth-fixture.js';

/**
 * The agent behind `sentinel-agent`, run against the in-process app with a
 * fake host (its package list, OS and clock) — the e2e test runs the real
 * command on this machine.
 */
const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';
const dpkgLine = (name: string, version: string, source = name): string => `${name}\t${version}\tinstall ok installed\tamd64\t${source}\n`;

let dir: string;
const open: AuthFixture[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sk-agent-'));
});
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
  await rm(dir, { recursive: true, force: true });
});

interface FakeHost extends AgentHost {
  lines: string[];
  printed: string[];
  slept: number[];
  packages: string;
}

function fakeHost(f: AuthFixture, fetch: AgentHost['fetch'] = f.fetch): FakeHost {
  const host: FakeHost = {
    lines: [],
    printed: [],
    slept: [],
    packages: dpkgLine('openssl', '1.0.1f-1') + dpkgLine('tar', '1.34+dfsg-1.2') + dpkgLine('libssl1.0.0', '1.0.1f-1', 'openssl'),
    system: {
      run: async (command) => (command === 'dpkg-query' ? { code: 0, stdout: host.packages, stderr: '' } : undefined),
      readFile: async (path) => (path === '/etc/os-release' ? OS_RELEASE : undefined),
    },
    hostname: () => 'web-01',
    osFallback: () => 'Linux',
    fetch,
    now: () => Date.parse('2025-03-01T00:00:00Z'),
    sleep: async (ms) => void host.slept.push(ms),
    log: (line) => void host.lines.push(line),
    print: (text) => void host.printed.push(text),
  };
  return host;
}

function options(overrides: Partial<AgentOptions> = {}): AgentOptions {
  return {
    server: 'http://sentinel.test',
    key: undefined,
    enrollToken: undefined,
    statePath: join(dir, 'state', 'state.json'),
    once: true,
    intervalMs: 3_600_000,
    forceFull: false,
    fullEveryMs: 86_400_000,
    hostname: undefined,
    dryRun: false,
    timeoutMs: 5000,
    ...overrides,
  };
}

async function setup(app: Parameters<typeof createAuthFixture>[0] = {}): Promise<{ f: AuthFixture; key: string }> {
  const f = await createAuthFixture(app);
  open.push(f);
  const { key } = await f.client(f.admin.token).agentKeys.create('agents');
  return { f, key };
}

// A Debian advisory for the openssl source package: both binary packages built from it are affected.
const DSA = {
  id: 'DSA-9999-1',
  modified: '2025-01-01T00:00:00Z',
  aliases: ['CVE-2099-1000'],
  affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0.1g-1' }] }] }],
};

describe('sentinel-agent (in process)', () => {
  it('sends a full report, then a delta of what changed, and keeps its state', async () => {
    const { f, key } = await setup();
    const admin = f.client(f.admin.token);
    await admin.inventory.importDocument('osv', DSA);
    const host = fakeHost(f);

    const first = await runAgentOnce(options({ key }), host);
    expect(first).toMatchObject({ kind: 'full', packages: 3, response: { status: 'accepted', hostname: 'web-01', products_processed: 3, products_matched: 2, vulnerabilities_found: 1 } });
    expect(host.lines).toEqual([
      'collecting installed packages on web-01 (Debian GNU/Linux 12 (bookworm))…',
      'collected 3 packages (dpkg)',
      'sending full report (3 packages) to http://sentinel.test…',
      'accepted: asset 1 (web-01): 3 processed, 2 matched, 1 vulnerabilities',
    ]);
    const asset = await admin.inventory.asset(1);
    expect(asset).toMatchObject({ hostname: 'web-01', os: 'Debian GNU/Linux 12 (bookworm)', software_count: 3 });
    const products = await admin.inventory.assetProducts(1, { vulnerable: true });
    expect(products.products.map((p) => [p.name, p.vulnerabilities.map((v) => v.id)])).toEqual([
      ['openssl', ['DSA-9999-1']],
      ['libssl1.0.0', ['DSA-9999-1']],
    ]);
    const state = JSON.parse(await readFile(options().statePath, 'utf8')) as AgentState;
    expect(state.last).toMatchObject({ server: 'http://sentinel.test', hostname: 'web-01', asset_id: 1 });
    expect((await stat(options().statePath)).mode & 0o777).toBe(0o600);

    // The host upgrades openssl: the next run sends only that.
    host.packages = dpkgLine('openssl', '1.0.1g-1') + dpkgLine('tar', '1.34+dfsg-1.2') + dpkgLine('libssl1.0.0', '1.0.1g-1', 'openssl');
    host.lines.length = 0;
    const second = await runAgentOnce(options({ key }), host);
    expect(second).toMatchObject({ kind: 'delta', response: { products_processed: 3, products_matched: 0, vulnerabilities_found: 0, delta: true } });
    expect(host.lines).toContain('sending delta report (+2 −2) to http://sentinel.test…');
    expect((await admin.inventory.assetProducts(1)).products.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['libssl1.0.0@1.0.1g-1', 'openssl@1.0.1g-1', 'tar@1.34+dfsg-1.2']);
  });

  it('sends a full report again when the server lost what the agent sent', async () => {
    const { f, key } = await setup();
    const host = fakeHost(f);
    await runAgentOnce(options({ key }), host);
    // The server's copy changes behind the agent's back (a restored backup, another reporter with this hostname).
    await f.client().inventory.report({ hostname: 'web-01', software: [] }, { agentKey: key });
    host.lines.length = 0;
    const again = await runAgentOnce(options({ key }), host);
    expect(again).toMatchObject({ kind: 'full', response: { products_processed: 3, delta: false } });
    expect(host.lines).toContain('the server holds 0 packages for web-01, this host has 3: sending a full report');
    expect((await f.client(f.admin.token).inventory.asset(1)).software_count).toBe(3);
  });

  it('--dry-run prints the report and sends nothing', async () => {
    const { f } = await setup();
    const host = fakeHost(f);
    expect(await runAgent(options({ dryRun: true, server: undefined }), host)).toBe(0);
    const report = JSON.parse(host.printed.join('')) as { hostname: string; software: unknown[] };
    expect(report.hostname).toBe('web-01');
    expect(report.software).toHaveLength(3);
    expect((await f.client(f.admin.token).inventory.assets()).total).toBe(0);
  });

  it('explains a bad key, a missing key and an unreachable server (exit 1)', async () => {
    const { f } = await setup();
    const host = fakeHost(f);
    expect(await runAgent(options({ key: 'sk_agent_revoked-or-wrong-0000000' }), host)).toBe(1);
    expect(host.lines.at(-1)).toBe('error: the server refused the agent key (401: invalid, expired or revoked credentials); check --key / SENTINEL_AGENT_KEY');
    expect(await runAgent(options(), host)).toBe(1);
    expect(host.lines.at(-1)).toMatch(/^error: no agent key: pass --key/);
    const offline = fakeHost(f, async () => {
      throw new TypeError('fetch failed: connect ECONNREFUSED 127.0.0.1:9');
    });
    expect(await runAgent(options({ key: 'sk_agent_x0000000000000000', server: 'http://127.0.0.1:9' }), offline)).toBe(1);
    expect(offline.lines.at(-1)).toMatch(/^error: cannot reach the server at http:\/\/127\.0\.0\.1:9: /);
  });

  it('waits out a 429 as Retry-After says, then sends', async () => {
    const { f, key } = await setup({ app: { agentReports: { reportsPerMinute: 1 } } });
    const host = fakeHost(f);
    await f.client().inventory.report({ hostname: 'other', software: [] }, { agentKey: key });
    // The fake sleep returns at once, the server's bucket refills in real time: the agent gives up after its retries.
    expect(await runAgent(options({ key }), host)).toBe(1);
    expect(host.slept.length).toBe(3);
    expect(host.slept.every((ms) => ms >= 1000 && ms <= 60_000)).toBe(true);
    expect(host.lines).toContain(`rate limited (429): retrying in ${host.slept[0]! / 1000} s`);
    expect(host.lines.at(-1)).toMatch(/^error: the server is rate limiting this key \(429: /);
  });

  it('enrolls with a token, keeps the key in the state file, and reports as that agent', async () => {
    const { f } = await setup();
    // The enrollment endpoint (seed 004), as the shared contract defines it: answered here so this test does not depend on it.
    const auth = createAuthService({ storage: f.sentinel.storage, clock: systemClock });
    const enrollments: unknown[] = [];
    const fetch: AgentHost['fetch'] = async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname === '/api/v1/agents/enroll') {
        const body = (await request.json()) as { token: string; hostname: string };
        enrollments.push(body);
        if (body.token !== 'enr_valid') return Response.json({ detail: 'Invalid enrollment token', error_code: 'UNAUTHORIZED', status_code: 401 }, { status: 401 });
        const { secret } = await auth.credentials.issue({ kind: 'agent_key', name: body.hostname, organization: '1', scopes: ['agent'], metadata: { agent_id: 'agt_test1' } });
        return Response.json({ status: 'success', data: { agent_id: 'agt_test1', agent_key: secret, organization_id: 1 } });
      }
      return f.fetch(request);
    };
    const refused = fakeHost(f, fetch);
    expect(await runAgent(options({ enrollToken: 'enr_used' }), refused)).toBe(1);
    expect(refused.lines.at(-1)).toBe('error: the enrollment token was refused (401): it is unknown, expired or used up');

    const host = fakeHost(f, fetch);
    expect(await runAgent(options({ enrollToken: 'enr_valid' }), host)).toBe(0);
    expect(host.lines).toContain(`enrolled as agt_test1; the key is kept in ${options().statePath}`);
    const state = JSON.parse(await readFile(options().statePath, 'utf8')) as AgentState;
    expect(state).toMatchObject({ agent_id: 'agt_test1', enrolled_server: 'http://sentinel.test', agent_key: expect.stringMatching(/^sk_agent_/) });
    expect((await f.client(f.admin.token).inventory.asset(1)).agent_id).toBe('agt_test1');
    // Later runs use the kept key without enrolling again.
    expect(await runAgent(options({ enrollToken: 'enr_valid' }), host)).toBe(0);
    expect(enrollments).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import type { Audit } from '@sentinel-kit/core/contract';
import { DOCKER_ENGINE_CVE, KEV_FIXTURE, NVD_FIXTURE, createV1Fixture } from './v1-fixture.js';
import type { V1Fixture } from './v1-fixture.js';

async function rejection(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; body: unknown };
    return { status: e.status, body: e.body };
  }
  throw new Error('expected the request to fail');
}

const HARDENED = {
  User: '1000',
  Healthcheck: { Test: ['CMD', 'true'] },
  HostConfig: { Memory: 268_435_456, ReadonlyRootfs: true, SecurityOpt: ['no-new-privileges:true'] },
};

/** A Docker host with one risky and one hardened container; `id -u` answers 0 in the risky one. */
function stageContainers(f: V1Fixture): void {
  const tools = f.publish('tools', '1.0.0');
  f.publish('tools', '1.1.0');
  f.publish('tools', '2.0.0');
  const api = f.publish('api', '3.2.1');
  f.docker.seedContainer({
    name: 'risky',
    image: tools,
    mounts: [{ source: '/var/run/docker.sock', destination: '/var/run/docker.sock' }],
    native: { HostConfig: { Privileged: true, PidMode: 'host', CapAdd: ['SYS_ADMIN'] } },
  });
  f.docker.seedContainer({ name: 'hardened', image: api, native: HARDENED });
  f.docker.setExecHandler(({ container, command }) => (command.join(' ') === 'id -u' ? { exitCode: 0, output: container.name === 'risky' ? '0\n' : '1000\n' } : undefined));
}

const finding = (audit: Audit, checkId: string, target: string) => audit.findings.find((x) => x.check_id === checkId && x.target.name === target);
const check = (audit: Audit, checkId: string) => audit.checks.find((c) => c.check_id === checkId);

describe('POST /api/v1/systems/{agent_id}/audit', () => {
  it('audits the Docker host: container configuration in the spirit of the CIS benchmark, and the engine against the vulnerability data', async () => {
    const f = await createV1Fixture({ engineVersion: '26.1.3' });
    stageContainers(f);
    await f.client({ token: f.adminToken }).inventory.importDocument('nvd', DOCKER_ENGINE_CVE);

    const { status, data: audit } = await f.api.v1.systems.audit('local-docker', { include_vulnerability_scan: true });
    expect(status).toBe('success');
    expect(audit).toMatchObject({ agent_id: 'local-docker', hostname: 'docker-01', system_kind: 'docker_host', status: 'completed', include_vulnerability_scan: true });
    expect(audit.id).toMatch(/^aud_/);

    expect(finding(audit, 'docker.privileged', 'risky')).toMatchObject({
      severity: 'critical',
      title: 'Privileged container',
      evidence: expect.stringContaining('HostConfig.Privileged is true'),
      remediation: expect.stringContaining('--privileged'),
      reference: 'CIS Docker Benchmark 5.4',
      target: { type: 'container', name: 'risky', image: 'registry.test/tools:1.0.0' },
    });
    expect(finding(audit, 'docker.privileged', 'risky')?.controls).toMatchObject({ nist: expect.arrayContaining(['AC-6']), iso27001: expect.arrayContaining(['A.8.2']), soc2: expect.arrayContaining(['CC6.1']), hipaa: ['164.312(a)(1)'] });
    expect(finding(audit, 'docker.docker_socket', 'risky')?.evidence).toBe('/var/run/docker.sock is mounted at /var/run/docker.sock (read-write)');
    expect(finding(audit, 'docker.host_pid', 'risky')).toBeDefined();
    expect(finding(audit, 'docker.capabilities', 'risky')).toMatchObject({ severity: 'critical' });
    expect(finding(audit, 'docker.root_user', 'risky')?.evidence).toContain('`id -u` inside it answered 0');
    expect(finding(audit, 'docker.healthcheck', 'risky')).toBeDefined();
    expect(finding(audit, 'docker.memory_limit', 'risky')).toBeDefined();
    expect(finding(audit, 'docker.image_outdated', 'risky')?.evidence).toBe('1.0.0 is behind 2.0.0 (a newer major version; 2 newer releases, per the registry)');
    // The hardened container passes everything it can be judged on.
    expect(audit.findings.filter((x) => x.target.name === 'hardened')).toEqual([]);
    expect(check(audit, 'docker.root_user')).toMatchObject({ status: 'fail', targets_assessed: 2, targets_failed: 1 });
    expect(check(audit, 'docker.host_network')).toMatchObject({ status: 'pass', targets_assessed: 2 });
    // No image scans here: said so, not guessed.
    expect(check(audit, 'docker.image_vulnerabilities')).toMatchObject({ status: 'not_assessed', note: 'hardened, risky: the image has not been scanned' });

    // The engine itself is the Docker host's inventory: 26.1.3 is within CVE-2024-41110's ranges.
    const engine = audit.findings.find((x) => x.check_id === 'vuln.critical');
    expect(engine).toMatchObject({ severity: 'critical', target: { type: 'package', name: 'moby', version: '26.1.3' } });
    expect(engine?.vulnerabilities?.map((v) => [v.id, v.cvss_score])).toEqual([['CVE-2024-41110', 9.9]]);

    expect(audit.summary.critical).toBe(audit.findings.filter((x) => x.severity === 'critical').length);
    expect(audit.summary.total).toBe(audit.findings.length);
    expect(audit.score).toBe(Math.round((100 * audit.summary.checks_passed) / (audit.summary.checks_passed + audit.summary.checks_failed)));
    // Worst first.
    expect(audit.findings[0]?.severity).toBe('critical');

    const system = await f.api.v1.systems.get('local-docker');
    expect(system.data.vulnerabilities).toMatchObject({ critical: 1, total: 1 });
    expect(system.data.last_audit).toMatchObject({ id: audit.id, score: audit.score });
  });

  it.each([
    ['20.10.24+dfsg1', true],
    ['27.1.0', true],
    ['27.1.1', false],
  ])('matches engine %s against CVE-2024-41110 by its upstream version: affected %s', async (version, affected) => {
    const f = await createV1Fixture({ engineVersion: version });
    await f.client({ token: f.adminToken }).inventory.importDocument('nvd', DOCKER_ENGINE_CVE);
    const audit = (await f.api.v1.systems.audit('local-docker', { include_vulnerability_scan: true })).data;
    expect(check(audit, 'vuln.critical')).toMatchObject({ status: affected ? 'fail' : 'pass', targets_assessed: 1 });
    expect(audit.findings.filter((x) => x.target.type === 'package').map((x) => x.target)).toEqual(affected ? [{ type: 'package', name: 'moby', version }] : []);
  });

  it('grades an agent’s reported software by its stored matches, and matches again on request', async () => {
    const f = await createV1Fixture();
    const native = f.client({ token: f.adminToken });
    await native.inventory.importDocument('nvd', NVD_FIXTURE);
    await native.inventory.importDocument('kev', KEV_FIXTURE);
    const { data: token } = await f.api.v1.agents.createEnrollmentToken({ name: 'one' });
    const agent = (await f.client().v1.agents.enroll({ token: token.token, hostname: 'app-01' })).data;
    await f.client().inventory.report(
      { hostname: 'app-01', software: [{ name: 'log4j', vendor: 'apache', version: '2.14.1' }, { name: 'bash', version: '5.2.15' }] },
      { agentKey: agent.agent_key },
    );
    const stored = (await f.api.v1.systems.audit(agent.agent_id)).data;
    expect(stored.system_kind).toBe('host');
    expect(stored.checks.map((c) => c.check_id)).toEqual(['vuln.kev', 'vuln.critical', 'vuln.high', 'vuln.medium', 'vuln.low']);
    expect(stored.findings).toHaveLength(1);
    expect(stored.findings[0]).toMatchObject({ check_id: 'vuln.kev', severity: 'critical', target: { type: 'package', name: 'log4j', version: '2.14.1' } });
    expect(stored.findings[0]?.evidence).toBe('log4j 2.14.1 has 1 known-exploited (CISA KEV) vulnerability: CVE-2021-44228 (fixed in 2.15.0)');
    expect(check(stored, 'vuln.kev')).toMatchObject({ status: 'fail', targets_assessed: 2, targets_failed: 1 });
    expect(stored.notes[0]).toContain('as last matched');

    const rescanned = (await f.api.v1.systems.audit(agent.agent_id, { include_vulnerability_scan: true })).data;
    expect(rescanned.include_vulnerability_scan).toBe(true);
    expect(rescanned.findings.map((x) => x.check_id)).toEqual(['vuln.kev']);
    expect(rescanned.notes[0]).toMatch(/^matched 2 installed products against \d+ vulnerability records$/);
  });

  it('says what it could not assess for a system without an inventory, and refuses bad input', async () => {
    const f = await createV1Fixture();
    const { data: token } = await f.api.v1.agents.createEnrollmentToken({ name: 'one' });
    const agent = (await f.client().v1.agents.enroll({ token: token.token, hostname: 'empty' })).data;
    const audit = (await f.api.v1.systems.audit(agent.agent_id, {})).data;
    expect(audit.score).toBeNull();
    expect(audit.checks.every((c) => c.status === 'not_assessed')).toBe(true);
    expect(audit.summary).toMatchObject({ total: 0, checks_not_assessed: 5 });
    // No body at all is the same as {}.
    const bare = await f.app.request(`/api/v1/systems/${agent.agent_id}/audit`, { method: 'POST', headers: { authorization: `Bearer ${f.jwt}` } });
    expect(bare.status).toBe(201);

    expect(await rejection(f.api.v1.systems.audit('abc123'))).toEqual({ status: 404, body: { detail: 'Agent not found', error_code: 'NOT_FOUND', status_code: 404 } });
    const bad = await rejection(f.api.v1.systems.audit(agent.agent_id, { include_vulnerability_scan: 'yes' } as never));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'VALIDATION_ERROR', status_code: 400 });
    expect((await f.api.v1.audits.list()).data.total).toBe(2);
  });
});

describe('GET /api/v1/audits', () => {
  it('lists audits newest first, filtered by severity (findings narrowed) and system, at most limit', async () => {
    const f = await createV1Fixture();
    stageContainers(f);
    const native = f.client({ token: f.adminToken });
    await native.inventory.importDocument('nvd', NVD_FIXTURE);
    const { data: token } = await f.api.v1.agents.createEnrollmentToken({ name: 'one' });
    const agent = (await f.client().v1.agents.enroll({ token: token.token, hostname: 'app-01' })).data;
    await f.client().inventory.report({ hostname: 'app-01', software: [{ name: 'bash', version: '5.2.15' }] }, { agentKey: agent.agent_key });
    const clean = (await f.api.v1.systems.audit(agent.agent_id)).data;
    const host = (await f.api.v1.systems.audit('local-docker')).data;

    const all = await f.api.v1.audits.list();
    expect(all.data.audits.map((a) => a.id)).toEqual([host.id, clean.id]);
    expect(all.data).toMatchObject({ total: 2, limit: 50 });

    const critical = await f.api.v1.audits.list({ limit: 10, severity: 'critical' });
    expect(critical.data.audits.map((a) => a.id)).toEqual([host.id]);
    expect(critical.data.audits[0]?.findings.every((x) => x.severity === 'critical')).toBe(true);
    expect(critical.data.audits[0]?.findings.length).toBeLessThan(host.findings.length);
    expect(critical.data.audits[0]?.summary).toEqual(host.summary);

    expect((await f.api.v1.audits.list({ system: agent.agent_id })).data.audits.map((a) => a.id)).toEqual([clean.id]);
    expect((await f.api.v1.audits.list({ limit: 1 })).data).toMatchObject({ total: 2, limit: 1, audits: [{ id: host.id }] });
    for (const query of [{ limit: 0 }, { limit: 501 }, { severity: 'severe' }]) {
      expect((await rejection(f.api.v1.audits.list(query as never))).status).toBe(400);
    }
  });
});

describe('GET /api/v1/compliance/{framework}/status', () => {
  it('is computed from the latest audit of each system, control by control, for the four frameworks', async () => {
    const f = await createV1Fixture();
    stageContainers(f);
    expect((await f.api.v1.compliance.status('nist')).data).toMatchObject({ framework: 'nist', status: 'not_assessed', systems_assessed: 0, assessed_at: null });

    const audit = (await f.api.v1.systems.audit('local-docker')).data;
    const nist = (await f.api.v1.compliance.status('nist')).data;
    expect(nist).toMatchObject({ framework: 'nist', name: 'NIST SP 800-53 Rev. 5', status: 'fail', systems_assessed: 1, assessed_at: audit.completed_at });
    const ac6 = nist.controls.find((c) => c.control_id === 'AC-6');
    expect(ac6).toMatchObject({ title: 'Least Privilege', status: 'fail' });
    expect(ac6?.checks.find((c) => c.check_id === 'docker.privileged')).toMatchObject({ status: 'fail', failed_systems: ['local-docker'] });
    expect(nist.summary.pass + nist.summary.fail + nist.summary.not_assessed).toBe(nist.controls.length);

    for (const framework of ['iso27001', 'soc2', 'hipaa'] as const) {
      const status = (await f.api.v1.compliance.status(framework)).data;
      expect(status.framework).toBe(framework);
      expect(status.status).toBe('fail');
      expect(status.controls.length).toBeGreaterThan(4);
    }
    expect((await f.api.v1.compliance.status('ISO27001')).data.framework).toBe('iso27001');

    // Once the risky container is gone, the next audit decides.
    await f.docker.removeContainer('risky', { force: true });
    await f.api.v1.systems.audit('local-docker');
    const after = (await f.api.v1.compliance.status('nist')).data;
    expect(after.controls.find((c) => c.control_id === 'AC-6')?.status).toBe('pass');
  });

  it('answers an unknown framework with the documented 404', async () => {
    const f = await createV1Fixture();
    const missing = await rejection(f.api.v1.compliance.status('pci'));
    expect(missing).toEqual({ status: 404, body: { detail: 'Framework not found: pci (one of nist, iso27001, soc2, hipaa)', error_code: 'NOT_FOUND', status_code: 404 } });
  });
});

describe('GET /api/v1/vulnerabilities', () => {
  it('lists what the fleet’s matches found, worst first, with the database’s data, filtered by severity and KEV and paged', async () => {
    const f = await createV1Fixture();
    const native = f.client({ token: f.adminToken });
    await native.inventory.importDocument('nvd', NVD_FIXTURE);
    await native.inventory.importDocument('kev', KEV_FIXTURE);
    const { data: token } = await f.api.v1.agents.createEnrollmentToken({ name: 'fleet', max_uses: 2 });
    const software = [
      { name: 'log4j', vendor: 'apache', version: '2.14.1' },
      { name: 'libwebp', vendor: 'webmproject', version: '1.3.1' },
      { name: 'xz', vendor: 'tukaani', version: '5.6.1' },
    ];
    for (const hostname of ['app-01', 'app-02']) {
      const agent = (await f.client().v1.agents.enroll({ token: token.token, hostname })).data;
      await f.client().inventory.report({ hostname, software: hostname === 'app-01' ? software : software.slice(0, 1) }, { agentKey: agent.agent_key });
    }
    const all = await f.api.v1.vulnerabilities.list();
    expect(all.status).toBe('success');
    expect(all.data.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2021-44228', 'CVE-2024-3094', 'CVE-2023-4863']);
    const log4shell = all.data.vulnerabilities[0];
    expect(log4shell).toMatchObject({ cve: 'CVE-2021-44228', severity: 'critical', cvss_score: 10, in_kev: true, affected_count: 2 });
    expect(log4shell?.description).toContain('JNDI');
    expect(log4shell?.affected.map((a) => [a.hostname, a.package, a.version, a.fixed_version])).toEqual([
      ['app-01', 'log4j', '2.14.1', '2.15.0'],
      ['app-02', 'log4j', '2.14.1', '2.15.0'],
    ]);

    const criticalKev = await f.api.v1.vulnerabilities.list({ severity: 'critical', in_kev: true });
    expect(criticalKev.data.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2021-44228']);
    expect((await f.api.v1.vulnerabilities.list({ in_kev: false })).data.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2024-3094']);
    expect((await f.api.v1.vulnerabilities.list({ severity: ['high', 'medium'] })).data.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2023-4863']);
    const paged = await f.api.v1.vulnerabilities.list({ page: 2, per_page: 2 });
    expect(paged.data).toMatchObject({ total: 3, page: 2, per_page: 2 });
    expect(paged.data.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2023-4863']);
    expect((await rejection(f.api.v1.vulnerabilities.list({ severity: 'severe' as never }))).status).toBe(400);
    expect((await rejection(f.api.v1.vulnerabilities.list({ per_page: 501 }))).status).toBe(400);
  });
});

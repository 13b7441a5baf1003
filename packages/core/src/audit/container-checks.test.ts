import { describe, expect, it } from 'vitest';
import { createMemoryDocker } from '../docker/index.js';
import type { InventoryMatch } from '../contract/inventory.js';
import type { SeedContainerOptions } from '../docker/index.js';
import { evaluateContainers, isRootUser } from './container-checks.js';
import type { ContainerAuditInput } from './container-checks.js';

async function inputFor(seed: SeedContainerOptions, extra: Partial<ContainerAuditInput> = {}): Promise<ContainerAuditInput> {
  const docker = createMemoryDocker();
  docker.seedContainer(seed);
  return {
    detail: await docker.inspectContainer(seed.name),
    user: { value: '1000', source: 'config' },
    versions: { current: '1.0.0', newer: [], source: 'queue' },
    ...extra,
  };
}

const hardened = {
  HostConfig: { Memory: 268_435_456, ReadonlyRootfs: true, SecurityOpt: ['no-new-privileges:true'] },
  Healthcheck: { Test: ['CMD', 'true'] },
  User: '1000',
};

function match(overrides: Partial<InventoryMatch>): InventoryMatch {
  return {
    item_index: 0,
    item_name: 'openssl',
    item_version: '3.0.11',
    vulnerability_id: 'CVE-2024-0001',
    cve: 'CVE-2024-0001',
    aliases: [],
    source: 'nvd',
    method: 'cpe',
    confidence: 'high',
    severity: 'critical',
    cvss_score: 9.8,
    in_kev: false,
    kev_due_date: null,
    fixed_version: '3.0.12',
    matched: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*',
    platform_unverified: false,
    ...overrides,
  };
}

describe('evaluateContainers', () => {
  it('passes every configuration check of a hardened container', async () => {
    const input = await inputFor({ name: 'api', image: 'example/api:1.0.0', native: hardened }, { imageScan: { matches: [], scanned_at: '2025-01-01T00:00:00Z' } });
    const result = evaluateContainers([input]);
    expect(result.findings).toEqual([]);
    expect(result.checks.every((c) => c.status === 'pass')).toBe(true);
    expect(result.checks.map((c) => c.check_id)).toContain('docker.privileged');
  });

  it('reports a privileged, host-namespaced container with the socket and /etc mounted, each with evidence and controls', async () => {
    const input = await inputFor({
      name: 'risky',
      image: 'example/risky:1.0.0',
      mounts: [
        { source: '/var/run/docker.sock', destination: '/var/run/docker.sock' },
        { source: '/etc/', destination: '/host-etc', readOnly: true },
        { source: '/srv/data', destination: '/data' },
      ],
      native: { HostConfig: { Privileged: true, PidMode: 'host', IpcMode: 'host', CapAdd: ['NET_ADMIN', 'CAP_SYS_ADMIN'] } },
    }, { user: { value: '0', source: 'exec' } });
    const { findings, checks } = evaluateContainers([input]);
    const byCheck = new Map(findings.map((f) => [f.check_id, f]));
    expect(byCheck.get('docker.privileged')).toMatchObject({ severity: 'critical', target: { type: 'container', name: 'risky', image: 'example/risky:1.0.0' }, reference: 'CIS Docker Benchmark 5.4' });
    expect(byCheck.get('docker.privileged')?.controls.nist).toEqual(expect.arrayContaining(['AC-6', 'CM-6']));
    expect(byCheck.get('docker.docker_socket')?.evidence).toBe('/var/run/docker.sock is mounted at /var/run/docker.sock (read-write)');
    expect(byCheck.get('docker.host_pid')?.evidence).toContain('PidMode is "host"');
    expect(byCheck.get('docker.host_ipc')).toBeDefined();
    expect(byCheck.has('docker.host_network')).toBe(false);
    // /etc mounted read-only is still sensitive, one grade lower; /srv/data is not.
    expect(byCheck.get('docker.sensitive_mount')).toMatchObject({ severity: 'medium', evidence: 'host /etc mounted at /host-etc (read-only)' });
    expect(byCheck.get('docker.capabilities')).toMatchObject({ severity: 'critical' });
    expect(byCheck.get('docker.capabilities')?.evidence).toContain('[NET_ADMIN, SYS_ADMIN]');
    expect(byCheck.get('docker.root_user')?.evidence).toContain('`id -u` inside it answered 0');
    expect(byCheck.get('docker.memory_limit')).toBeDefined();
    expect(byCheck.get('docker.healthcheck')).toMatchObject({ severity: 'low' });
    expect(byCheck.get('docker.readonly_rootfs')).toBeDefined();
    expect(byCheck.get('docker.no_new_privileges')).toBeDefined();
    expect(checks.find((c) => c.check_id === 'docker.host_network')?.status).toBe('pass');
    expect(checks.find((c) => c.check_id === 'docker.privileged')).toMatchObject({ status: 'fail', targets_assessed: 1, targets_failed: 1 });
  });

  it('flags host networking', async () => {
    const input = await inputFor({ name: 'net', image: 'example/net:1.0.0', networks: ['host'], native: hardened });
    const { findings } = evaluateContainers([input]);
    expect(findings.map((f) => f.check_id)).toEqual(['docker.host_network']);
  });

  it('leaves checks it cannot decide not assessed, saying why and for which containers', async () => {
    const a = await inputFor({ name: 'app-a', image: 'example/a:1.0.0', native: hardened }, { user: { unknown: 'it sets no user and is not running' }, versions: { unknown: 'the registry could not be reached' } });
    const b = await inputFor({ name: 'app-b', image: 'example/b:1.0.0', native: hardened }, { user: { unknown: 'it sets no user and is not running' } });
    const { checks, notes } = evaluateContainers([a, b]);
    const root = checks.find((c) => c.check_id === 'docker.root_user');
    expect(root).toMatchObject({ status: 'not_assessed', targets_assessed: 0, note: 'app-a, app-b: it sets no user and is not running' });
    expect(checks.find((c) => c.check_id === 'docker.image_vulnerabilities')).toMatchObject({ status: 'not_assessed', note: 'app-a, app-b: the image has not been scanned' });
    // b's versions were known: the check is assessed for b and notes a.
    expect(checks.find((c) => c.check_id === 'docker.image_outdated')).toMatchObject({ status: 'pass', targets_assessed: 1, note: 'app-a: the registry could not be reached' });
    expect(notes).toContain('docker.root_user: app-a, app-b: it sets no user and is not running');
  });

  it('fails images with critical or known-exploited vulnerabilities, one finding per container', async () => {
    const input = await inputFor(
      { name: 'web', image: 'example/web:2.0.0', native: hardened },
      {
        imageScan: {
          scanned_at: '2025-01-02T00:00:00Z',
          matches: [
            match({ vulnerability_id: 'CVE-2024-0001', cve: 'CVE-2024-0001' }),
            match({ vulnerability_id: 'DSA-1-1', cve: 'CVE-2024-0001', source: 'osv', cvss_score: null }),
            match({ vulnerability_id: 'CVE-2023-0002', cve: 'CVE-2023-0002', severity: 'high', cvss_score: 7.5, in_kev: true }),
            match({ vulnerability_id: 'CVE-2023-0003', cve: 'CVE-2023-0003', severity: 'medium', cvss_score: 5 }),
          ],
        },
      },
    );
    const { findings } = evaluateContainers([input]);
    const image = findings.find((f) => f.check_id === 'docker.image_vulnerabilities');
    expect(image?.evidence).toBe('image example/web:2.0.0 (scanned 2025-01-02T00:00:00Z) has 2 critical or known-exploited vulnerabilities (1 in CISA KEV): CVE-2024-0001, CVE-2023-0002');
    expect(image?.vulnerabilities?.map((v) => v.id)).toEqual(['CVE-2024-0001', 'CVE-2023-0002']);
  });

  it('calls an image far behind when a newer major exists or it is several releases behind', async () => {
    const major = await inputFor({ name: 'app-m', image: 'example/m:1.4.0', native: hardened }, { versions: { current: '1.4.0', newer: ['2.0.0', '1.5.0'], source: 'registry' } });
    const many = await inputFor({ name: 'app-n', image: 'example/n:1.4.0', native: hardened }, { versions: { current: '1.4.0', newer: ['1.4.1', '1.5.0', '1.4.2'], source: 'queue' } });
    const close = await inputFor({ name: 'app-o', image: 'example/o:1.4.0', native: hardened }, { versions: { current: '1.4.0', newer: ['1.4.1'], source: 'queue' } });
    const { findings, checks } = evaluateContainers([major, many, close]);
    const outdated = findings.filter((f) => f.check_id === 'docker.image_outdated');
    expect(outdated.map((f) => [f.target.name, f.severity, f.evidence])).toEqual([
      ['app-m', 'medium', '1.4.0 is behind 2.0.0 (a newer major version; 2 newer releases, per the registry)'],
      ['app-n', 'low', '1.4.0 is behind 1.5.0 (3 newer releases, per the update queue)'],
    ]);
    expect(checks.find((c) => c.check_id === 'docker.image_outdated')).toMatchObject({ targets_assessed: 3, targets_failed: 2 });
    expect(evaluateContainers([many], { outdatedReleases: 4 }).findings.some((f) => f.check_id === 'docker.image_outdated')).toBe(false);
  });

  it('says so when the host runs no containers', () => {
    const { checks } = evaluateContainers([]);
    expect(checks.every((c) => c.status === 'not_assessed' && c.note === 'no containers on this Docker host')).toBe(true);
  });
});

describe('isRootUser', () => {
  it.each([
    ['', true],
    ['root', true],
    ['0', true],
    ['0:0', true],
    ['root:wheel', true],
    ['1000', false],
    ['nobody', false],
    ['1000:0', false],
  ])('%j → %s', (user, root) => {
    expect(isRootUser(user)).toBe(root);
  });
});

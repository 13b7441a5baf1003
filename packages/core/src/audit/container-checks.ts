import type { InventoryMatch } from '../contract/inventory.js';
import type { FindingTarget, FindingVulnerability } from '../contract/v1.js';
import type { ContainerDetail } from '../ports/docker.js';
import { compareTags, parseTag } from '../versions/index.js';
import { CheckTally } from './check-tally.js';
import type { AuditEvaluation } from './check-tally.js';
import type { AuditCheckId } from './checks.js';

/** Container checks, in report order. */
export const CONTAINER_CHECK_IDS = [
  'docker.privileged',
  'docker.docker_socket',
  'docker.host_network',
  'docker.host_pid',
  'docker.host_ipc',
  'docker.sensitive_mount',
  'docker.capabilities',
  'docker.root_user',
  'docker.no_new_privileges',
  'docker.memory_limit',
  'docker.healthcheck',
  'docker.readonly_rootfs',
  'docker.image_vulnerabilities',
  'docker.image_outdated',
] as const satisfies readonly AuditCheckId[];

/** What the audit knows about one container: the engine's inspection plus what was gathered around it. */
export interface ContainerAuditInput {
  detail: ContainerDetail;
  /**
   * The user the container's process runs as: its own `Config.User`
   * (`config`), or what `id -u` answered inside it when it inherits the
   * image's (`exec`); `unknown` with the reason otherwise.
   */
  user: { value: string; source: 'config' | 'exec' } | { unknown: string };
  /** The latest scan of the container's image: the vulnerabilities its packages matched. `undefined` when the image was never scanned. */
  imageScan?: { matches: readonly ImageScanVulnerability[]; scanned_at: string } | undefined;
  /**
   * Newer versions of the image's tag, as the engine's update queue or the
   * registry knows them; `unknown` with the reason when neither could tell.
   */
  versions: { current: string; newer: readonly string[]; source: 'queue' | 'registry' } | { unknown: string };
}

/** What the image check needs of a vulnerability found in an image (an `InventoryMatch` has it all). */
export type ImageScanVulnerability = Pick<InventoryMatch, 'vulnerability_id' | 'cve' | 'severity' | 'cvss_score' | 'in_kev' | 'fixed_version'>;

export interface ContainerCheckOptions {
  /** An image this many releases behind its newest version is "far behind" even within its major version. @default 3 */
  outdatedReleases?: number;
}

/** Host paths whose mount gives a container power over the host (CIS 5.5, plus the engine's own data). */
const SENSITIVE_HOST_PATHS = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/var/lib/docker']);
/** Capabilities that amount to root on the host. */
const CRITICAL_CAPABILITIES = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'DAC_READ_SEARCH', 'SYS_RAWIO']);

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const normalizePath = (path: string): string => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/**
 * Run the container checks over every container of a Docker host, in the
 * spirit of the CIS Docker Benchmark. Pure: everything it needs is in the
 * inputs, gathered by the caller from the engine, the update queue and the
 * image scans.
 */
export function evaluateContainers(inputs: readonly ContainerAuditInput[], options: ContainerCheckOptions = {}): AuditEvaluation {
  const tally = new CheckTally(CONTAINER_CHECK_IDS);
  const outdatedReleases = Math.max(1, options.outdatedReleases ?? 3);
  if (inputs.length === 0) {
    for (const id of CONTAINER_CHECK_IDS) tally.skip(id, '', 'no containers on this Docker host');
  }
  for (const input of inputs) {
    const { detail } = input;
    const target: FindingTarget = { type: 'container', name: detail.name, image: detail.image };
    const host = record(detail.spec.native['HostConfig']);
    const check = (id: AuditCheckId, bad: boolean, evidence: string): void => {
      if (bad) tally.fail(id, { target, evidence });
      else tally.pass(id);
    };

    check('docker.privileged', host['Privileged'] === true, 'HostConfig.Privileged is true: every device and capability of the host is available to the container');

    const socket = detail.mounts.find((m) => /(^|\/)docker\.sock$/.test(m.source) || /(^|\/)docker\.sock$/.test(m.destination));
    if (socket !== undefined) {
      tally.fail('docker.docker_socket', { target, evidence: `${socket.source} is mounted at ${socket.destination} (${socket.readOnly ? 'read-only, which does not limit the API' : 'read-write'})` });
    } else tally.pass('docker.docker_socket');

    for (const [key, id, label] of [
      ['NetworkMode', 'docker.host_network', 'network'],
      ['PidMode', 'docker.host_pid', 'process'],
      ['IpcMode', 'docker.host_ipc', 'IPC'],
    ] as const) {
      check(id, host[key] === 'host', `HostConfig.${key} is "host": the container shares the host's ${label} namespace`);
    }

    const sensitive = detail.mounts.filter((m) => m.type === 'bind' && SENSITIVE_HOST_PATHS.has(normalizePath(m.source)) && m !== socket);
    if (sensitive.length > 0) {
      tally.fail('docker.sensitive_mount', {
        target,
        evidence: sensitive.map((m) => `host ${normalizePath(m.source)} mounted at ${m.destination} (${m.readOnly ? 'read-only' : 'read-write'})`).join('; '),
        ...(sensitive.some((m) => !m.readOnly) ? {} : { severity: 'medium' as const }),
      });
    } else tally.pass('docker.sensitive_mount');

    const added = strings(host['CapAdd']).map((cap) => cap.toUpperCase().replace(/^CAP_/, ''));
    if (added.length > 0) {
      const critical = added.filter((cap) => CRITICAL_CAPABILITIES.has(cap));
      tally.fail('docker.capabilities', {
        target,
        evidence: `HostConfig.CapAdd is [${added.join(', ')}]${critical.length > 0 ? `: ${critical.join(', ')} amount${critical.length === 1 ? 's' : ''} to root on the host` : ''}`,
        ...(critical.length > 0 ? { severity: 'critical' as const } : {}),
      });
    } else tally.pass('docker.capabilities');

    if ('unknown' in input.user) tally.skip('docker.root_user', detail.name, input.user.unknown);
    else if (isRootUser(input.user.value)) {
      tally.fail('docker.root_user', {
        target,
        evidence:
          input.user.source === 'config'
            ? `Config.User is "${input.user.value}"`
            : `the container sets no user and its image none either: \`id -u\` inside it answered ${input.user.value}`,
      });
    } else tally.pass('docker.root_user');

    const securityOpt = strings(host['SecurityOpt']);
    check(
      'docker.no_new_privileges',
      !securityOpt.some((opt) => /^no-new-privileges(?:[:=]true)?$/i.test(opt)),
      `HostConfig.SecurityOpt is [${securityOpt.join(', ')}], without no-new-privileges`,
    );

    const memory = typeof host['Memory'] === 'number' ? host['Memory'] : 0;
    check('docker.memory_limit', !(memory > 0), 'HostConfig.Memory is 0: the container may use all of the host memory');
    check('docker.healthcheck', !detail.hasHealthcheck, 'no HEALTHCHECK in the image and none set on the container');
    check('docker.readonly_rootfs', host['ReadonlyRootfs'] !== true, 'HostConfig.ReadonlyRootfs is false: processes can change the image\'s files');

    checkImageVulnerabilities(tally, input, { type: 'image', name: detail.image, image: detail.image });
    checkImageVersions(tally, input, target, outdatedReleases);
  }
  return tally.result();
}

/** `root`, `0`, `root:…` or `0:…`: the process runs as uid 0. */
export function isRootUser(user: string): boolean {
  const name = user.trim().split(':')[0] ?? '';
  return name === '' || name === 'root' || name === '0';
}

function checkImageVulnerabilities(tally: CheckTally, input: ContainerAuditInput, target: FindingTarget): void {
  const scan = input.imageScan;
  if (scan === undefined) {
    tally.skip('docker.image_vulnerabilities', input.detail.name, 'the image has not been scanned');
    return;
  }
  const serious = dedupe(scan.matches.filter((m) => m.severity === 'critical' || m.in_kev));
  if (serious.length === 0) {
    tally.pass('docker.image_vulnerabilities');
    return;
  }
  const kev = serious.filter((m) => m.in_kev).length;
  tally.fail('docker.image_vulnerabilities', {
    target: { ...target, name: `${input.detail.name} (${input.detail.image})` },
    evidence:
      `image ${input.detail.image} (scanned ${scan.scanned_at}) has ${serious.length} critical or known-exploited ${serious.length === 1 ? 'vulnerability' : 'vulnerabilities'}` +
      `${kev > 0 ? ` (${kev} in CISA KEV)` : ''}: ${listIds(serious)}`,
    vulnerabilities: serious.map(findingVulnerability),
  });
}

function checkImageVersions(tally: CheckTally, input: ContainerAuditInput, target: FindingTarget, outdatedReleases: number): void {
  const versions = input.versions;
  if ('unknown' in versions) {
    tally.skip('docker.image_outdated', input.detail.name, versions.unknown);
    return;
  }
  const newer = [...versions.newer].sort(compareTags);
  const newest = newer[newer.length - 1];
  if (newest === undefined) {
    tally.pass('docker.image_outdated');
    return;
  }
  const current = parseTag(versions.current);
  const latest = parseTag(newest);
  const majorBehind = current !== undefined && latest !== undefined && current.kind === 'semver' && (latest.numbers[0] ?? 0) > (current.numbers[0] ?? 0);
  if (!majorBehind && newer.length < outdatedReleases) {
    tally.pass('docker.image_outdated');
    return;
  }
  const why = majorBehind ? `a newer major version; ${newer.length} newer ${newer.length === 1 ? 'release' : 'releases'}` : `${newer.length} newer releases`;
  tally.fail('docker.image_outdated', {
    target,
    evidence: `${versions.current} is behind ${newest} (${why}, per the ${versions.source === 'queue' ? 'update queue' : 'registry'})`,
    severity: majorBehind ? 'medium' : 'low',
  });
}

/** One match per vulnerability (an OSV advisory and the NVD record of the same CVE are one). */
export function dedupe<T extends ImageScanVulnerability>(matches: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const m of matches) {
    const key = m.cve ?? m.vulnerability_id;
    const kept = seen.get(key);
    if (kept === undefined || (m.cvss_score ?? -1) > (kept.cvss_score ?? -1)) seen.set(key, m);
  }
  return [...seen.values()];
}

export function findingVulnerability(m: ImageScanVulnerability): FindingVulnerability {
  return { id: m.vulnerability_id, cve: m.cve, severity: m.severity, cvss_score: m.cvss_score, in_kev: m.in_kev, fixed_version: m.fixed_version };
}

export function listIds(matches: readonly ImageScanVulnerability[], max = 10): string {
  const ids = matches.map((m) => m.cve ?? m.vulnerability_id);
  return ids.length > max ? `${ids.slice(0, max).join(', ')} and ${ids.length - max} more` : ids.join(', ');
}

import type { AuditCategory, ControlRefs, FindingSeverity } from '../contract/v1.js';

/** One audit check: what it looks for, how bad a failure is, how to fix it, and the controls it gives evidence for. */
export interface CheckDefinition {
  id: string;
  title: string;
  category: AuditCategory;
  /** Severity of a finding (a finding may raise it, e.g. `CAP_SYS_ADMIN`). */
  severity: FindingSeverity;
  /** The benchmark item it follows, when there is one. */
  reference: string | null;
  remediation: string;
  controls: ControlRefs;
}

const CIS = (item: string): string => `CIS Docker Benchmark ${item}`;

// Controls every container-configuration check gives evidence for, on top of its own.
const CONFIG = { nist: ['CM-6'], iso27001: ['A.8.9'], soc2: [] as string[], hipaa: [] as string[] };

function controls(own: Partial<ControlRefs>, withConfig = true): ControlRefs {
  const merge = (key: keyof ControlRefs): string[] => [...new Set([...(own[key] ?? []), ...(withConfig ? CONFIG[key] : [])])];
  return { nist: merge('nist'), iso27001: merge('iso27001'), soc2: merge('soc2'), hipaa: merge('hipaa') };
}

/**
 * Every check an audit runs, in report order. Container checks follow the
 * Container Images (§4) and Container Runtime (§5) sections of the CIS
 * Docker Benchmark (item numbers as in v1.2.0–v1.6.0); vulnerability checks
 * grade what the system's software inventory matched. The control mapping is
 * documented in docs/audit-and-compliance.md.
 */
export const AUDIT_CHECKS = [
  {
    id: 'docker.privileged',
    title: 'Privileged container',
    category: 'container',
    severity: 'critical',
    reference: CIS('5.4'),
    remediation: 'Run the container without --privileged; grant only the capabilities (--cap-add) or devices (--device) it needs.',
    controls: controls({ nist: ['AC-6', 'CM-7'], iso27001: ['A.8.2'], soc2: ['CC6.1', 'CC6.3'], hipaa: ['164.312(a)(1)'] }),
  },
  {
    id: 'docker.docker_socket',
    title: 'Docker socket mounted into the container',
    category: 'container',
    severity: 'critical',
    reference: CIS('5.31'),
    remediation: 'Remove the docker.sock mount; a container that needs the Docker API should reach it through an authorizing proxy with a narrow allow-list.',
    controls: controls({ nist: ['AC-3', 'AC-6'], iso27001: ['A.5.15', 'A.8.2'], soc2: ['CC6.1'], hipaa: ['164.312(a)(1)'] }),
  },
  {
    id: 'docker.host_network',
    title: "Container shares the host's network namespace",
    category: 'container',
    severity: 'high',
    reference: CIS('5.9'),
    remediation: 'Do not use --network=host; attach the container to a user-defined bridge network and publish only the ports it serves.',
    controls: controls({ nist: ['SC-7', 'SC-39'], iso27001: ['A.8.22'], soc2: ['CC6.6'], hipaa: ['164.312(a)(1)'] }),
  },
  {
    id: 'docker.host_pid',
    title: "Container shares the host's process namespace",
    category: 'container',
    severity: 'high',
    reference: CIS('5.15'),
    remediation: 'Do not use --pid=host.',
    controls: controls({ nist: ['SC-39'], iso27001: ['A.8.2'], soc2: ['CC6.1'], hipaa: ['164.312(a)(1)'] }),
  },
  {
    id: 'docker.host_ipc',
    title: "Container shares the host's IPC namespace",
    category: 'container',
    severity: 'high',
    reference: CIS('5.16'),
    remediation: 'Do not use --ipc=host.',
    controls: controls({ nist: ['SC-39'], iso27001: ['A.8.2'], soc2: ['CC6.1'], hipaa: ['164.312(a)(1)'] }),
  },
  {
    id: 'docker.sensitive_mount',
    title: 'Sensitive host directory mounted into the container',
    category: 'container',
    severity: 'high',
    reference: CIS('5.5'),
    remediation: 'Mount only the specific paths the container needs, read-only where possible; never /, /boot, /dev, /etc, /lib, /proc, /sys, /usr or /var/lib/docker.',
    controls: controls({ nist: ['AC-6', 'SC-39'], iso27001: ['A.8.2'], soc2: ['CC6.1'], hipaa: ['164.312(a)(1)', '164.312(c)(1)'] }),
  },
  {
    id: 'docker.capabilities',
    title: 'Extra Linux capabilities added',
    category: 'container',
    severity: 'high',
    reference: CIS('5.3'),
    remediation: 'Drop the added capabilities (--cap-add); start from --cap-drop=ALL and add back only what the process needs.',
    controls: controls({ nist: ['AC-6', 'CM-7'], iso27001: ['A.8.2'], soc2: ['CC6.3'], hipaa: ['164.312(a)(1)'] }),
  },
  {
    id: 'docker.root_user',
    title: 'Container runs as root',
    category: 'container',
    severity: 'medium',
    reference: CIS('4.1'),
    remediation: 'Create an unprivileged user in the image (USER in the Dockerfile) or run the container with --user <uid>:<gid>.',
    controls: controls({ nist: ['AC-6'], iso27001: ['A.8.2'], soc2: ['CC6.3'], hipaa: ['164.312(a)(1)'] }),
  },
  {
    id: 'docker.no_new_privileges',
    title: 'Container may gain new privileges',
    category: 'container',
    severity: 'low',
    reference: CIS('5.25'),
    remediation: 'Run the container with --security-opt no-new-privileges (or set "no-new-privileges": true in daemon.json).',
    controls: controls({ nist: ['AC-6'], iso27001: ['A.8.2'], soc2: ['CC6.3'], hipaa: ['164.312(a)(1)'] }),
  },
  {
    id: 'docker.memory_limit',
    title: 'No memory limit',
    category: 'container',
    severity: 'medium',
    reference: CIS('5.10'),
    remediation: 'Set a memory limit (--memory, or deploy.resources.limits.memory in Compose).',
    controls: controls({ nist: ['SC-6'], iso27001: ['A.8.6'], soc2: ['A1.1'], hipaa: ['164.308(a)(7)(i)'] }),
  },
  {
    id: 'docker.healthcheck',
    title: 'No healthcheck',
    category: 'container',
    severity: 'low',
    reference: CIS('4.6 / 5.26'),
    remediation: 'Add a HEALTHCHECK to the image or a healthcheck to the container (--health-cmd) so failures are detected and updates can be verified.',
    controls: controls({ nist: ['SI-4'], iso27001: ['A.8.16'], soc2: ['CC7.2'], hipaa: ['164.308(a)(7)(i)'] }),
  },
  {
    id: 'docker.readonly_rootfs',
    title: 'Writable root filesystem',
    category: 'container',
    severity: 'low',
    reference: CIS('5.12'),
    remediation: 'Run the container with --read-only and mount writable volumes or tmpfs only where it writes.',
    controls: controls({ nist: ['SI-7', 'CM-7'], iso27001: ['A.8.19'], soc2: ['CC6.8'], hipaa: ['164.312(c)(1)'] }),
  },
  {
    id: 'docker.image_vulnerabilities',
    title: 'Image with critical or known-exploited vulnerabilities',
    category: 'container',
    severity: 'critical',
    reference: CIS('4.4'),
    remediation: 'Rebuild or update the image to a version with the fixes, then recreate the container.',
    controls: controls({ nist: ['RA-5', 'SI-2'], iso27001: ['A.8.8'], soc2: ['CC7.1', 'CC6.8'], hipaa: ['164.308(a)(1)(ii)(A)', '164.308(a)(1)(ii)(B)', '164.308(a)(5)(ii)(B)'] }, false),
  },
  {
    id: 'docker.image_outdated',
    title: 'Image far behind its newest version',
    category: 'container',
    severity: 'medium',
    reference: CIS('4.4'),
    remediation: 'Update the container to a current release (approve the pending update, or change its tag) and keep it on a maintained version line.',
    controls: controls({ nist: ['SI-2', 'CM-2'], iso27001: ['A.8.8', 'A.8.9'], soc2: ['CC7.1', 'CC8.1'], hipaa: ['164.308(a)(1)(ii)(B)'] }, false),
  },
  {
    id: 'vuln.kev',
    title: 'Known exploited vulnerability installed (CISA KEV)',
    category: 'vulnerability',
    severity: 'critical',
    reference: 'CISA BOD 22-01',
    remediation: 'Update the package to a fixed version now: these vulnerabilities are exploited in the wild; CISA sets a due date for each.',
    controls: controls({ nist: ['RA-5', 'SI-2'], iso27001: ['A.8.8'], soc2: ['CC7.1'], hipaa: ['164.308(a)(1)(ii)(A)', '164.308(a)(1)(ii)(B)'] }, false),
  },
  {
    id: 'vuln.critical',
    title: 'Critical vulnerability installed',
    category: 'vulnerability',
    severity: 'critical',
    reference: null,
    remediation: 'Update the package to a fixed version (see fixed_version) or remove it.',
    controls: controls({ nist: ['RA-5', 'SI-2'], iso27001: ['A.8.8'], soc2: ['CC7.1'], hipaa: ['164.308(a)(1)(ii)(A)', '164.308(a)(1)(ii)(B)'] }, false),
  },
  {
    id: 'vuln.high',
    title: 'High-severity vulnerability installed',
    category: 'vulnerability',
    severity: 'high',
    reference: null,
    remediation: 'Update the package to a fixed version (see fixed_version) or remove it.',
    controls: controls({ nist: ['RA-5', 'SI-2'], iso27001: ['A.8.8'], soc2: ['CC7.1'], hipaa: ['164.308(a)(1)(ii)(A)', '164.308(a)(1)(ii)(B)'] }, false),
  },
  {
    id: 'vuln.medium',
    title: 'Medium-severity vulnerability installed',
    category: 'vulnerability',
    severity: 'medium',
    reference: null,
    remediation: 'Plan an update of the package to a fixed version.',
    controls: controls({ nist: ['RA-5'], iso27001: ['A.8.8'], soc2: ['CC7.1'], hipaa: ['164.308(a)(1)(ii)(A)'] }, false),
  },
  {
    id: 'vuln.low',
    title: 'Low-severity or unscored vulnerability installed',
    category: 'vulnerability',
    severity: 'low',
    reference: null,
    remediation: 'Update the package with the next routine maintenance.',
    controls: controls({ nist: ['RA-5'], iso27001: ['A.8.8'], soc2: ['CC7.1'], hipaa: ['164.308(a)(1)(ii)(A)'] }, false),
  },
] as const satisfies readonly CheckDefinition[];

export type AuditCheckId = (typeof AUDIT_CHECKS)[number]['id'];

const BY_ID = new Map<string, CheckDefinition>(AUDIT_CHECKS.map((check) => [check.id, check]));

/** The definition of a check; throws for an unknown id (a programming error). */
export function checkDefinition(id: AuditCheckId): CheckDefinition {
  const check = BY_ID.get(id);
  if (check === undefined) throw new Error(`unknown audit check ${id}`);
  return check;
}

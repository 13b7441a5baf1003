import type { FrameworkId } from '../contract/v1.js';

/** A compliance framework and the titles of the controls the audit checks map to. */
export interface FrameworkDefinition {
  id: FrameworkId;
  name: string;
  /** Control id → title, in the framework's own order. */
  controls: Readonly<Record<string, string>>;
}

/**
 * The four frameworks of `GET /api/v1/compliance/{framework}/status`. Only
 * the controls some audit check provides evidence for are listed: a
 * framework has many more, which an automated audit of hosts and containers
 * cannot assess (policies, training, physical security…).
 */
export const FRAMEWORKS: Readonly<Record<FrameworkId, FrameworkDefinition>> = {
  nist: {
    id: 'nist',
    name: 'NIST SP 800-53 Rev. 5',
    controls: {
      'AC-3': 'Access Enforcement',
      'AC-6': 'Least Privilege',
      'CM-2': 'Baseline Configuration',
      'CM-6': 'Configuration Settings',
      'CM-7': 'Least Functionality',
      'RA-5': 'Vulnerability Monitoring and Scanning',
      'SC-6': 'Resource Availability',
      'SC-7': 'Boundary Protection',
      'SC-39': 'Process Isolation',
      'SI-2': 'Flaw Remediation',
      'SI-4': 'System Monitoring',
      'SI-7': 'Software, Firmware, and Information Integrity',
    },
  },
  iso27001: {
    id: 'iso27001',
    name: 'ISO/IEC 27001:2022 Annex A',
    controls: {
      'A.5.15': 'Access control',
      'A.8.2': 'Privileged access rights',
      'A.8.6': 'Capacity management',
      'A.8.8': 'Management of technical vulnerabilities',
      'A.8.9': 'Configuration management',
      'A.8.16': 'Monitoring activities',
      'A.8.19': 'Installation of software on operational systems',
      'A.8.22': 'Segregation of networks',
    },
  },
  soc2: {
    id: 'soc2',
    name: 'SOC 2 (AICPA Trust Services Criteria 2017)',
    controls: {
      'CC6.1': 'Logical access security over protected information assets',
      'CC6.3': 'Access authorized on least privilege and segregation of duties',
      'CC6.6': 'Protection against threats from outside system boundaries',
      'CC6.8': 'Prevention and detection of unauthorized or malicious software',
      'CC7.1': 'Detection of configuration changes and newly discovered vulnerabilities',
      'CC7.2': 'Monitoring of system components for anomalies',
      'CC8.1': 'Change management of infrastructure and software',
      'A1.1': 'Capacity management to meet availability objectives',
    },
  },
  hipaa: {
    id: 'hipaa',
    name: 'HIPAA Security Rule (45 CFR Part 164 Subpart C)',
    controls: {
      '164.308(a)(1)(ii)(A)': 'Risk analysis',
      '164.308(a)(1)(ii)(B)': 'Risk management',
      '164.308(a)(5)(ii)(B)': 'Protection from malicious software',
      '164.308(a)(7)(i)': 'Contingency plan',
      '164.312(a)(1)': 'Access control',
      '164.312(c)(1)': 'Integrity',
    },
  },
};

export const FRAMEWORK_IDS: readonly FrameworkId[] = ['nist', 'iso27001', 'soc2', 'hipaa'];

export function isFrameworkId(value: string): value is FrameworkId {
  return (FRAMEWORK_IDS as readonly string[]).includes(value);
}

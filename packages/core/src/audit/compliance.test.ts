import { describe, expect, it } from 'vitest';
import type { Audit } from '../contract/v1.js';
import { buildAudit } from './audit-report.js';
import { AUDIT_CHECKS } from './checks.js';
import { complianceStatus, latestAuditPerSystem } from './compliance.js';
import { FRAMEWORK_IDS, FRAMEWORKS } from './frameworks.js';
import { evaluateVulnerabilities } from './vulnerability-checks.js';
import type { InventoryMatch } from '../contract/inventory.js';

const kevMatch: InventoryMatch = {
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
};

function audit(agentId: string, completedAt: string, matches: InventoryMatch[], softwareCount = 5): Audit {
  return buildAudit({
    id: `aud_${agentId}_${completedAt}`,
    system: { agent_id: agentId, asset_id: 1, hostname: agentId, system_kind: 'host' },
    include_vulnerability_scan: true,
    started_at: completedAt,
    completed_at: completedAt,
    evaluations: [evaluateVulnerabilities({ matches, softwareCount })],
  });
}

describe('the framework mapping', () => {
  it('maps every check to at least one control of every framework, and only to controls the framework lists', () => {
    for (const check of AUDIT_CHECKS) {
      for (const framework of FRAMEWORK_IDS) {
        const controls = check.controls[framework] as readonly string[];
        expect(controls.length, `${check.id} → ${framework}`).toBeGreaterThan(0);
        for (const control of controls) expect(Object.keys(FRAMEWORKS[framework].controls), `${check.id} → ${framework} ${control}`).toContain(control);
      }
    }
  });

  it('lists no control that no check maps to', () => {
    for (const framework of FRAMEWORK_IDS) {
      for (const control of Object.keys(FRAMEWORKS[framework].controls)) {
        expect(AUDIT_CHECKS.some((c) => (c.controls[framework] as readonly string[]).includes(control)), `${framework} ${control}`).toBe(true);
      }
    }
  });
});

describe('complianceStatus', () => {
  it('is not assessed before any audit', () => {
    const status = complianceStatus('nist', []);
    expect(status).toMatchObject({ framework: 'nist', name: 'NIST SP 800-53 Rev. 5', status: 'not_assessed', assessed_at: null, systems_assessed: 0 });
    expect(status.controls.every((c) => c.status === 'not_assessed')).toBe(true);
  });

  it('fails the controls a failed check maps to, naming the systems, and passes those only clean checks map to', () => {
    const audits = [audit('agt_b', '2025-01-02T00:00:00.000Z', [kevMatch]), audit('agt_a', '2025-01-01T00:00:00.000Z', [])];
    const nist = complianceStatus('nist', audits);
    expect(nist.status).toBe('fail');
    expect(nist.assessed_at).toBe('2025-01-02T00:00:00.000Z');
    expect(nist.systems_assessed).toBe(2);
    const ra5 = nist.controls.find((c) => c.control_id === 'RA-5');
    expect(ra5?.status).toBe('fail');
    expect(ra5?.title).toBe('Vulnerability Monitoring and Scanning');
    expect(ra5?.checks.find((c) => c.check_id === 'vuln.kev')).toMatchObject({ status: 'fail', failed_systems: ['agt_b'] });
    expect(ra5?.checks.find((c) => c.check_id === 'vuln.high')).toMatchObject({ status: 'pass', failed_systems: [] });
    // Container checks were never run on these hosts.
    expect(nist.controls.find((c) => c.control_id === 'SC-39')?.status).toBe('not_assessed');
    expect(nist.summary.fail).toBeGreaterThan(0);
    expect(nist.summary.pass + nist.summary.fail + nist.summary.not_assessed).toBe(nist.controls.length);
    expect(complianceStatus('hipaa', audits).controls.find((c) => c.control_id === '164.308(a)(1)(ii)(A)')?.status).toBe('fail');
  });

  it('passes once the latest audit of every system is clean', () => {
    const latest = latestAuditPerSystem([audit('agt_b', '2025-01-02T00:00:00.000Z', [kevMatch]), audit('agt_b', '2025-01-03T00:00:00.000Z', [])]);
    expect(latest.map((a) => a.completed_at)).toEqual(['2025-01-03T00:00:00.000Z']);
    const iso = complianceStatus('iso27001', latest);
    expect(iso.status).toBe('pass');
    expect(iso.controls.find((c) => c.control_id === 'A.8.8')?.status).toBe('pass');
  });
});

import type { Audit, CheckStatus, ComplianceStatus, ControlStatus, FrameworkId } from '../contract/v1.js';
import { AUDIT_CHECKS } from './checks.js';
import { FRAMEWORKS } from './frameworks.js';

/** `fail` if any fails, else `pass` if any passes, else `not_assessed`. */
function combine(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('pass')) return 'pass';
  return 'not_assessed';
}

/**
 * The latest audit of each system, newest first: what compliance is computed
 * from. `audits` may come in any order.
 */
export function latestAuditPerSystem(audits: readonly Audit[]): Audit[] {
  const latest = new Map<string, Audit>();
  for (const audit of audits) {
    const kept = latest.get(audit.agent_id);
    if (kept === undefined || audit.completed_at > kept.completed_at) latest.set(audit.agent_id, audit);
  }
  return [...latest.values()].sort((a, b) => b.completed_at.localeCompare(a.completed_at));
}

/**
 * A framework's status from the latest audit of each system: every control
 * the audit checks map to, with the status of each of its checks across the
 * fleet (failing systems named). A check fails when any system's latest
 * audit failed it and passes when some audit passed it and none failed it; a
 * control and the framework combine the same way.
 */
export function complianceStatus(framework: FrameworkId, latestAudits: readonly Audit[]): ComplianceStatus {
  const definition = FRAMEWORKS[framework];
  const checkStatus = (checkId: string): { status: CheckStatus; failed_systems: string[] } => {
    const statuses: CheckStatus[] = [];
    const failedSystems: string[] = [];
    for (const audit of latestAudits) {
      const result = audit.checks.find((c) => c.check_id === checkId);
      if (result === undefined) continue;
      statuses.push(result.status);
      if (result.status === 'fail') failedSystems.push(audit.agent_id);
    }
    return { status: combine(statuses), failed_systems: failedSystems.sort() };
  };
  const controls: ControlStatus[] = Object.entries(definition.controls).map(([controlId, title]) => {
    const checks = AUDIT_CHECKS.filter((c) => (c.controls[framework] as readonly string[]).includes(controlId)).map((c) => ({
      check_id: c.id,
      title: c.title,
      ...checkStatus(c.id),
    }));
    return { control_id: controlId, title, status: combine(checks.map((c) => c.status)), checks };
  });
  const summary = { pass: 0, fail: 0, not_assessed: 0 };
  for (const c of controls) summary[c.status]++;
  const assessedAt = latestAudits.reduce<string | null>((max, a) => (max === null || a.completed_at > max ? a.completed_at : max), null);
  return {
    framework,
    name: definition.name,
    status: combine(controls.map((c) => c.status)),
    assessed_at: assessedAt,
    systems_assessed: latestAudits.length,
    summary,
    controls,
  };
}

import type { Audit, AuditFinding, FindingCounts, FindingSeverity, SystemKind } from '../contract/v1.js';
import type { AuditEvaluation } from './check-tally.js';
import { AUDIT_CHECKS } from './checks.js';

/** The system an audit is about. */
export interface AuditSubject {
  agent_id: string;
  asset_id: number;
  hostname: string;
  system_kind: SystemKind;
}

export interface BuildAuditInput {
  id: string;
  system: AuditSubject;
  include_vulnerability_scan: boolean;
  started_at: string;
  completed_at: string;
  evaluations: readonly AuditEvaluation[];
  /** Further notes (what was recomputed, what could not be reached). */
  notes?: readonly string[];
}

export const SEVERITY_RANK: Readonly<Record<FindingSeverity, number>> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
const CHECK_ORDER = new Map<string, number>(AUDIT_CHECKS.map((c, i) => [c.id, i]));

/** Findings counted by severity. */
export function countFindings(findings: readonly Pick<AuditFinding, 'severity'>[]): FindingCounts {
  const counts: FindingCounts = { total: findings.length, critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/**
 * Put the evaluations of one audit together: findings worst first, a summary
 * by severity and by check outcome, and a score — the percent of assessed
 * checks that passed (null when nothing could be assessed).
 */
export function buildAudit(input: BuildAuditInput): Audit {
  const findings = input.evaluations
    .flatMap((e) => e.findings)
    .sort(
      (a, b) =>
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        (CHECK_ORDER.get(a.check_id) ?? 0) - (CHECK_ORDER.get(b.check_id) ?? 0) ||
        a.target.name.localeCompare(b.target.name),
    );
  const checks = input.evaluations.flatMap((e) => e.checks);
  const passed = checks.filter((c) => c.status === 'pass').length;
  const failed = checks.filter((c) => c.status === 'fail').length;
  return {
    id: input.id,
    agent_id: input.system.agent_id,
    asset_id: input.system.asset_id,
    hostname: input.system.hostname,
    system_kind: input.system.system_kind,
    status: 'completed',
    include_vulnerability_scan: input.include_vulnerability_scan,
    started_at: input.started_at,
    completed_at: input.completed_at,
    score: passed + failed === 0 ? null : Math.round((100 * passed) / (passed + failed)),
    summary: { ...countFindings(findings), checks_passed: passed, checks_failed: failed, checks_not_assessed: checks.length - passed - failed },
    findings,
    checks,
    notes: [...(input.notes ?? []), ...input.evaluations.flatMap((e) => e.notes)],
  };
}

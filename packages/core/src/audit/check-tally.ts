import type { AuditCheckResult, AuditFinding, FindingSeverity, FindingTarget, FindingVulnerability } from '../contract/v1.js';
import { checkDefinition } from './checks.js';
import type { AuditCheckId } from './checks.js';

/** What one group of checks produced: findings, the result of each check, and notes about what could not be looked at. */
export interface AuditEvaluation {
  findings: AuditFinding[];
  checks: AuditCheckResult[];
  notes: string[];
}

interface CheckState {
  assessed: number;
  failed: number;
  /** Reason → targets it applies to, so that one reason is told once for many containers. */
  skipped: Map<string, string[]>;
}

/**
 * Counts, per check, the targets looked at and the ones that failed, and
 * collects findings. A check fails when any target failed, passes when it
 * looked at some target and none failed, and is `not_assessed` otherwise.
 */
export class CheckTally {
  readonly #state = new Map<AuditCheckId, CheckState>();
  readonly #findings: AuditFinding[] = [];

  constructor(ids: readonly AuditCheckId[]) {
    for (const id of ids) this.#state.set(id, { assessed: 0, failed: 0, skipped: new Map() });
  }

  /** `count` targets were looked at and passed. */
  pass(id: AuditCheckId, count = 1): void {
    this.#get(id).assessed += Math.max(0, count);
  }

  fail(
    id: AuditCheckId,
    finding: { target: FindingTarget; evidence: string; severity?: FindingSeverity; title?: string; vulnerabilities?: FindingVulnerability[] },
  ): void {
    const state = this.#get(id);
    state.assessed++;
    state.failed++;
    const check = checkDefinition(id);
    this.#findings.push({
      check_id: check.id,
      category: check.category,
      severity: finding.severity ?? check.severity,
      title: finding.title ?? check.title,
      target: finding.target,
      evidence: finding.evidence,
      remediation: check.remediation,
      reference: check.reference,
      controls: { nist: [...check.controls.nist], iso27001: [...check.controls.iso27001], soc2: [...check.controls.soc2], hipaa: [...check.controls.hipaa] },
      ...(finding.vulnerabilities === undefined ? {} : { vulnerabilities: finding.vulnerabilities }),
    });
  }

  /** The check could not look at `target`, for `reason`. */
  skip(id: AuditCheckId, target: string, reason: string): void {
    const skipped = this.#get(id).skipped;
    skipped.set(reason, [...(skipped.get(reason) ?? []), target]);
  }

  result(): AuditEvaluation {
    const checks: AuditCheckResult[] = [];
    const notes: string[] = [];
    for (const [id, state] of this.#state) {
      const check = checkDefinition(id);
      const reasons = [...state.skipped].map(([reason, targets]) => (targets.length === 0 || targets[0] === '' ? reason : `${formatTargets(targets)}: ${reason}`));
      const note = reasons.length === 0 ? null : reasons.join('; ');
      if (note !== null) notes.push(`${check.id}: ${note}`);
      checks.push({
        check_id: check.id,
        title: check.title,
        category: check.category,
        severity: check.severity,
        status: state.failed > 0 ? 'fail' : state.assessed > 0 ? 'pass' : 'not_assessed',
        targets_assessed: state.assessed,
        targets_failed: state.failed,
        note,
        reference: check.reference,
      });
    }
    return { findings: [...this.#findings], checks, notes };
  }

  #get(id: AuditCheckId): CheckState {
    const state = this.#state.get(id);
    if (state === undefined) throw new Error(`check ${id} is not part of this evaluation`);
    return state;
  }
}

function formatTargets(targets: readonly string[]): string {
  const shown = targets.slice(0, 5).join(', ');
  return targets.length > 5 ? `${shown} and ${targets.length - 5} more` : shown;
}

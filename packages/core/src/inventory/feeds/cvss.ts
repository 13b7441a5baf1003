import type { CvssMetric, Severity } from '../../contract/inventory.js';

/** Qualitative severity of a CVSS base score: v2 has no "critical" and no "none". */
export function severityFromScore(version: CvssMetric['version'], score: number): Severity {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'none';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** Map a severity word from any feed (`CRITICAL`, `MODERATE`, `Important`, `negligible`…). */
export function normalizeSeverity(value: unknown): Severity {
  if (typeof value !== 'string') return 'unknown';
  switch (value.trim().toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
    case 'negligible':
      return 'low';
    case 'none':
      return 'none';
    default:
      return 'unknown';
  }
}

function vectorMetrics(vector: string): Map<string, string> {
  const metrics = new Map<string, string>();
  for (const part of vector.split('/')) {
    const [name, value] = part.split(':');
    if (name !== undefined && value !== undefined) metrics.set(name, value);
  }
  return metrics;
}

/** CVSS v3.1 `Roundup` (spec §7.1), which avoids floating-point surprises; v3.0 rounds up to one decimal. */
function roundUp(value: number, version: '3.0' | '3.1'): number {
  if (version === '3.0') return Math.ceil(value * 10) / 10;
  const integer = Math.round(value * 100000);
  return integer % 10000 === 0 ? integer / 100000 : (Math.floor(integer / 10000) + 1) / 10;
}

/**
 * The base score of a CVSS v3.x vector (CVSS v3.1 specification §7.1), or
 * undefined when a base metric is missing or unknown.
 *
 * @example cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H') // 10
 */
export function cvss3BaseScore(vector: string): number | undefined {
  const version = /^CVSS:3\.([01])\//.exec(vector)?.[1] === '0' ? '3.0' : '3.1';
  const m = vectorMetrics(vector);
  const scopeChanged = m.get('S') === 'C';
  if (m.get('S') !== 'U' && !scopeChanged) return undefined;
  const av = ({ N: 0.85, A: 0.62, L: 0.55, P: 0.2 } as Record<string, number>)[m.get('AV') ?? ''];
  const ac = ({ L: 0.77, H: 0.44 } as Record<string, number>)[m.get('AC') ?? ''];
  const prTable: Record<string, number> = scopeChanged ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 };
  const pr = prTable[m.get('PR') ?? ''];
  const ui = ({ N: 0.85, R: 0.62 } as Record<string, number>)[m.get('UI') ?? ''];
  const cia = { H: 0.56, L: 0.22, N: 0 } as Record<string, number>;
  const c = cia[m.get('C') ?? ''];
  const i = cia[m.get('I') ?? ''];
  const a = cia[m.get('A') ?? ''];
  if (av === undefined || ac === undefined || pr === undefined || ui === undefined || c === undefined || i === undefined || a === undefined) {
    return undefined;
  }
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scopeChanged ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return scopeChanged ? roundUp(Math.min(1.08 * (impact + exploitability), 10), version) : roundUp(Math.min(impact + exploitability, 10), version);
}

/**
 * The base score of a CVSS v2 vector (CVSS v2 guide §3.2.1), or undefined.
 *
 * @example cvss2BaseScore('AV:N/AC:L/Au:N/C:P/I:N/A:N') // 5
 */
export function cvss2BaseScore(vector: string): number | undefined {
  const m = vectorMetrics(vector.replace(/^\(|\)$/g, ''));
  const av = ({ L: 0.395, A: 0.646, N: 1 } as Record<string, number>)[m.get('AV') ?? ''];
  const ac = ({ H: 0.35, M: 0.61, L: 0.71 } as Record<string, number>)[m.get('AC') ?? ''];
  const au = ({ M: 0.45, S: 0.56, N: 0.704 } as Record<string, number>)[m.get('Au') ?? ''];
  const cia = { N: 0, P: 0.275, C: 0.66 } as Record<string, number>;
  const c = cia[m.get('C') ?? ''];
  const i = cia[m.get('I') ?? ''];
  const a = cia[m.get('A') ?? ''];
  if (av === undefined || ac === undefined || au === undefined || c === undefined || i === undefined || a === undefined) return undefined;
  const impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
  const exploitability = 20 * av * ac * au;
  const f = impact === 0 ? 0 : 1.176;
  return Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * f * 10) / 10;
}

const VERSION_RANK: Record<CvssMetric['version'], number> = { '4.0': 4, '3.1': 3, '3.0': 2, '2.0': 1 };

/**
 * The metric a record is summarised by: the newest CVSS version present, and
 * within it NVD's own (`Primary`) score before a CNA's, then one that has a
 * score. The others are kept beside it.
 */
export function primaryMetric(metrics: readonly CvssMetric[]): CvssMetric | undefined {
  let best: CvssMetric | undefined;
  for (const metric of metrics) {
    if (best === undefined) {
      best = metric;
      continue;
    }
    const rank = VERSION_RANK[metric.version] - VERSION_RANK[best.version];
    if (rank > 0) best = metric;
    else if (rank === 0) {
      const primaryFirst = (metric.type === 'Primary' ? 1 : 0) - (best.type === 'Primary' ? 1 : 0);
      const scoredFirst = (metric.base_score !== null ? 1 : 0) - (best.base_score !== null ? 1 : 0);
      if (primaryFirst > 0 || (primaryFirst === 0 && scoredFirst > 0)) best = metric;
    }
  }
  return best;
}

/** The severity of the best metric that has one, in `primaryMetric` order. */
export function bestSeverity(metrics: readonly CvssMetric[]): Severity {
  const remaining = [...metrics];
  while (remaining.length > 0) {
    const best = primaryMetric(remaining) as CvssMetric;
    if (best.base_severity !== 'unknown') return best.base_severity;
    remaining.splice(remaining.indexOf(best), 1);
  }
  return 'unknown';
}

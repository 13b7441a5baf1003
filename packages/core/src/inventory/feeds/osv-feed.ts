import type { CvssMetric, OsvAffected, OsvEvent, OsvRange, Severity } from '../../contract/inventory.js';
import { bestSeverity, cvss2BaseScore, cvss3BaseScore, normalizeSeverity, severityFromScore } from './cvss.js';
import { asArray, asObject, asString, asStrings } from './json-values.js';
import { normalizeTimestamp } from './vulnerability-record.js';
import type { ParsedRecord, StoredVulnerability } from './vulnerability-record.js';

/** OSV `severity[]` entries as CVSS metrics: v2 and v3 scores are computed from the vector; v4 keeps only the vector. */
function parseSeverity(value: unknown): { metrics: CvssMetric[]; words: Severity[] } {
  const metrics: CvssMetric[] = [];
  const words: Severity[] = [];
  for (const entry of asArray(value)) {
    const severity = asObject(entry);
    const type = asString(severity?.type);
    const score = asString(severity?.score);
    if (type === undefined || score === undefined) continue;
    if (type === 'CVSS_V3') {
      const version = score.startsWith('CVSS:3.0/') ? '3.0' : '3.1';
      const base = cvss3BaseScore(score) ?? null;
      metrics.push({ version, source: null, type: null, vector: score, base_score: base, base_severity: base === null ? 'unknown' : severityFromScore(version, base) });
    } else if (type === 'CVSS_V2') {
      const base = cvss2BaseScore(score) ?? null;
      metrics.push({ version: '2.0', source: null, type: null, vector: score, base_score: base, base_severity: base === null ? 'unknown' : severityFromScore('2.0', base) });
    } else if (type === 'CVSS_V4') {
      metrics.push({ version: '4.0', source: null, type: null, vector: score, base_score: null, base_severity: 'unknown' });
    } else {
      // e.g. Ubuntu's priority words ("medium", "negligible").
      words.push(normalizeSeverity(score));
    }
  }
  return { metrics, words };
}

function parseEvents(value: unknown): OsvEvent[] {
  const events: OsvEvent[] = [];
  for (const entry of asArray(value)) {
    const event = asObject(entry);
    if (event === undefined) continue;
    for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
      const version = asString(event[kind]);
      if (version !== undefined) {
        events.push({ [kind]: version });
        break;
      }
    }
  }
  return events;
}

function parseAffected(value: unknown, warnings: string[]): OsvAffected[] {
  const out: OsvAffected[] = [];
  for (const entry of asArray(value)) {
    const affected = asObject(entry);
    const pkg = asObject(affected?.package);
    const ecosystem = asString(pkg?.ecosystem);
    const name = asString(pkg?.name);
    if (affected === undefined || ecosystem === undefined || name === undefined) {
      warnings.push('affected entry without package ecosystem and name');
      continue;
    }
    const ranges: OsvRange[] = [];
    for (const rawRange of asArray(affected.ranges)) {
      const range = asObject(rawRange);
      const type = asString(range?.type);
      if (range === undefined || (type !== 'SEMVER' && type !== 'ECOSYSTEM' && type !== 'GIT')) {
        warnings.push(`range of unknown type in ${ecosystem}/${name}`);
        continue;
      }
      const events = parseEvents(range.events);
      if (!events.some((event) => event.introduced !== undefined)) {
        warnings.push(`range without an introduced event in ${ecosystem}/${name}`);
        continue;
      }
      const repo = asString(range.repo);
      ranges.push(repo === undefined ? { type, events } : { type, repo, events });
    }
    out.push({ ecosystem, name, purl: asString(pkg?.purl) ?? null, ranges, versions: asStrings(affected.versions) });
  }
  return out;
}

/**
 * Normalise one OSV record (OSV schema 1.x). Severity comes from the best
 * CVSS metric (record-level or per package), else from
 * `database_specific.severity` (GitHub's `MODERATE`…) or
 * `affected[].ecosystem_specific.severity`.
 */
export function parseOsvRecord(input: unknown): ParsedRecord {
  const record = asObject(input);
  if (record === undefined) return { ok: false, id: null, reason: 'not an object' };
  const id = asString(record.id);
  if (id === undefined) return { ok: false, id: null, reason: 'missing id' };
  const modified = asString(record.modified);
  if (modified === undefined) return { ok: false, id, reason: 'missing modified' };

  const warnings: string[] = [];
  const top = parseSeverity(record.severity);
  const metrics = [...top.metrics];
  const words = [...top.words];
  for (const entry of asArray(record.affected)) {
    const affected = asObject(entry);
    const perPackage = parseSeverity(affected?.severity);
    for (const metric of perPackage.metrics) if (!metrics.some((m) => m.vector === metric.vector)) metrics.push(metric);
    words.push(...perPackage.words);
    words.push(normalizeSeverity(asObject(affected?.ecosystem_specific)?.severity));
    words.push(normalizeSeverity(asObject(affected?.database_specific)?.severity));
  }
  const databaseSpecific = asObject(record.database_specific);
  words.unshift(normalizeSeverity(databaseSpecific?.severity));
  let severity = bestSeverity(metrics);
  if (severity === 'unknown') severity = words.find((word) => word !== 'unknown') ?? 'unknown';

  const withdrawn = asString(record.withdrawn);
  const published = asString(record.published);
  const stored: StoredVulnerability = {
    id,
    source: 'osv',
    // osv.dev's distribution records (DEBIAN-CVE-…, UBUNTU-CVE-…) name the CVE in `upstream`, not `aliases`.
    aliases: [...new Set([...asStrings(record.aliases), ...asStrings(record.upstream)])].filter((alias) => alias !== id),
    title: asString(record.summary) ?? null,
    description: asString(record.details) ?? asString(record.summary) ?? '',
    published: published === undefined ? null : normalizeTimestamp(published),
    last_modified: normalizeTimestamp(modified),
    status: withdrawn === undefined ? null : 'Withdrawn',
    cvss: metrics,
    severity,
    cwes: asStrings(databaseSpecific?.cwe_ids),
    references: asStrings(asArray(record.references).map((reference) => asObject(reference)?.url)),
    kev: null,
    configurations: [],
    // A withdrawn advisory applies to nothing.
    affected: withdrawn === undefined ? parseAffected(record.affected, warnings) : [],
  };
  return { ok: true, record: stored, warnings };
}

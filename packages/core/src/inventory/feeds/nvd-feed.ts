import type { CvssMetric, KevInfo, NvdConfiguration, NvdCpeMatch, NvdNode } from '../../contract/inventory.js';
import { tryParseCpe } from '../cpe/cpe-name.js';
import { bestSeverity, cvss2BaseScore, cvss3BaseScore, normalizeSeverity, severityFromScore } from './cvss.js';
import { asArray, asBoolean, asNumber, asObject, asString, asStrings } from './json-values.js';
import type { JsonObject } from './json-values.js';
import { isCveId, normalizeTimestamp } from './vulnerability-record.js';
import type { ParsedRecord, StoredVulnerability } from './vulnerability-record.js';

const METRIC_KEYS: ReadonlyArray<readonly [string, CvssMetric['version']]> = [
  ['cvssMetricV40', '4.0'],
  ['cvssMetricV31', '3.1'],
  ['cvssMetricV30', '3.0'],
  ['cvssMetricV2', '2.0'],
];

function parseMetrics(metrics: JsonObject | undefined): CvssMetric[] {
  const out: CvssMetric[] = [];
  if (metrics === undefined) return out;
  for (const [key, fallbackVersion] of METRIC_KEYS) {
    for (const entry of asArray(metrics[key])) {
      const metric = asObject(entry);
      const data = asObject(metric?.cvssData);
      const vector = asString(data?.vectorString);
      if (metric === undefined || data === undefined || vector === undefined) continue;
      const declared = asString(data.version);
      const version = declared === '2.0' || declared === '3.0' || declared === '3.1' || declared === '4.0' ? declared : fallbackVersion;
      let score = asNumber(data.baseScore) ?? null;
      if (score === null && version !== '4.0') score = (version === '2.0' ? cvss2BaseScore(vector) : cvss3BaseScore(vector)) ?? null;
      // v2 keeps baseSeverity on the metric, v3 and v4 inside cvssData.
      let severity = normalizeSeverity(data.baseSeverity ?? metric.baseSeverity);
      if (severity === 'unknown' && score !== null) severity = severityFromScore(version, score);
      out.push({
        version,
        source: asString(metric.source) ?? null,
        type: asString(metric.type) ?? null,
        vector,
        base_score: score,
        base_severity: severity,
      });
    }
  }
  return out;
}

function parseCpeMatch(value: unknown, warnings: string[]): NvdCpeMatch | undefined {
  const entry = asObject(value);
  const criteria = asString(entry?.criteria);
  if (entry === undefined || criteria === undefined) {
    warnings.push('cpeMatch without criteria');
    return undefined;
  }
  if (tryParseCpe(criteria) === undefined) {
    warnings.push(`malformed criteria ${criteria}`);
    return undefined;
  }
  const match: NvdCpeMatch = { criteria, vulnerable: asBoolean(entry.vulnerable) ?? true };
  for (const bound of ['versionStartIncluding', 'versionStartExcluding', 'versionEndIncluding', 'versionEndExcluding', 'matchCriteriaId'] as const) {
    const text = asString(entry[bound]);
    if (text !== undefined) match[bound] = text;
  }
  return match;
}

function parseOperator(value: unknown): 'AND' | 'OR' {
  return asString(value)?.toUpperCase() === 'AND' ? 'AND' : 'OR';
}

function parseConfigurations(value: unknown, warnings: string[]): NvdConfiguration[] {
  const out: NvdConfiguration[] = [];
  for (const item of asArray(value)) {
    const configuration = asObject(item);
    if (configuration === undefined) continue;
    const nodes: NvdNode[] = [];
    for (const rawNode of asArray(configuration.nodes)) {
      const node = asObject(rawNode);
      if (node === undefined) continue;
      const cpeMatch = asArray(node.cpeMatch)
        .map((entry) => parseCpeMatch(entry, warnings))
        .filter((entry): entry is NvdCpeMatch => entry !== undefined);
      if (cpeMatch.length === 0) continue;
      nodes.push({ operator: parseOperator(node.operator), negate: asBoolean(node.negate) ?? false, cpeMatch });
    }
    if (nodes.length === 0) continue;
    out.push({ operator: parseOperator(configuration.operator), negate: asBoolean(configuration.negate) ?? false, nodes });
  }
  return out;
}

function englishDescription(value: unknown): string {
  const descriptions = asArray(value).map(asObject);
  const english = descriptions.find((d) => asString(d?.lang)?.toLowerCase().startsWith('en'));
  return asString((english ?? descriptions[0])?.value) ?? '';
}

/**
 * Normalise one NVD CVE API 2.0 `cve` object (the `vulnerabilities[].cve` of
 * a response or a yearly feed). Accepts the wrapper `{ cve: {…} }` too.
 * Criteria that do not parse as CPE 2.3 are dropped with a warning.
 */
export function parseNvdCve(input: unknown): ParsedRecord {
  const wrapper = asObject(input);
  const cve = asObject(wrapper?.cve) ?? wrapper;
  if (cve === undefined) return { ok: false, id: null, reason: 'not an object' };
  const id = asString(cve.id);
  if (id === undefined) return { ok: false, id: null, reason: 'missing cve.id' };
  if (!isCveId(id)) return { ok: false, id, reason: 'cve.id is not a CVE id' };
  const lastModified = asString(cve.lastModified);
  if (lastModified === undefined) return { ok: false, id, reason: 'missing cve.lastModified' };

  const warnings: string[] = [];
  const cvss = parseMetrics(asObject(cve.metrics));
  const cisaAdded = asString(cve.cisaExploitAdd);
  const kev: KevInfo | null =
    cisaAdded === undefined
      ? null
      : {
          date_added: cisaAdded,
          due_date: asString(cve.cisaActionDue) ?? null,
          required_action: asString(cve.cisaRequiredAction) ?? null,
          vulnerability_name: asString(cve.cisaVulnerabilityName) ?? null,
          known_ransomware_campaign_use: null,
          source: 'nvd',
        };
  const cwes: string[] = [];
  for (const weakness of asArray(cve.weaknesses)) {
    for (const description of asArray(asObject(weakness)?.description)) {
      const value = asString(asObject(description)?.value);
      if (value !== undefined && /^CWE-\d+$/.test(value) && !cwes.includes(value)) cwes.push(value);
    }
  }
  const references = asStrings(asArray(cve.references).map((reference) => asObject(reference)?.url));
  const status = asString(cve.vulnStatus) ?? null;
  const record: StoredVulnerability = {
    id: id.toUpperCase(),
    source: 'nvd',
    aliases: [],
    title: kev?.vulnerability_name ?? null,
    description: englishDescription(cve.descriptions),
    published: asString(cve.published) === undefined ? null : normalizeTimestamp(asString(cve.published) as string),
    last_modified: normalizeTimestamp(lastModified),
    status,
    cvss,
    severity: bestSeverity(cvss),
    cwes,
    references,
    kev,
    // A rejected CVE applies to nothing, whatever configurations it kept.
    configurations: status?.toLowerCase() === 'rejected' ? [] : parseConfigurations(cve.configurations, warnings),
    affected: [],
  };
  return { ok: true, record, warnings };
}

/** The records of a parsed NVD document: an API response or feed `{ vulnerabilities: [...] }`, an array, or one CVE. */
export function nvdItemsOf(document: unknown): { items: unknown[]; total: number | undefined } {
  if (Array.isArray(document)) return { items: document, total: document.length };
  const object = asObject(document);
  if (object !== undefined && Array.isArray(object.vulnerabilities)) {
    return { items: object.vulnerabilities, total: object.vulnerabilities.length };
  }
  if (object !== undefined && (object.cve !== undefined || object.id !== undefined)) return { items: [object], total: 1 };
  return { items: [], total: undefined };
}

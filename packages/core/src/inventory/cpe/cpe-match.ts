import { ANY, CPE_ATTRIBUTES, NA, hasUnquotedWildcard, isLogicalValue, parseCpe, unquoteCpeValue } from './cpe-name.js';
import type { CpeAttribute, CpeValue, Wfn } from './cpe-name.js';

/**
 * The relation of a source value (or name) to a target (NISTIR 7696 §6.1):
 * SUPERSET means the source covers the target, SUBSET the reverse. UNDEFINED
 * is what the specification gives when the target holds wildcards; at name
 * level it also covers a mix of SUPERSET and SUBSET attributes (the names
 * overlap without either containing the other).
 */
export type CpeRelation = 'EQUAL' | 'SUPERSET' | 'SUBSET' | 'DISJOINT' | 'UNDEFINED';

/**
 * Compare one attribute value of a source WFN with the target's
 * (NISTIR 7696 §6.1.2, Table 6-2), case-insensitively.
 *
 * @example compareCpeValues(ANY, 'foo') // 'SUPERSET'
 * @example compareCpeValues('sp?', 'sp1') // 'SUPERSET'
 */
export function compareCpeValues(source: CpeValue, target: CpeValue): CpeRelation {
  const sourceText = isLogicalValue(source) ? undefined : source.toLowerCase();
  const targetText = isLogicalValue(target) ? undefined : target.toLowerCase();
  // Rows 4, 8, 13: a target with unquoted wildcards has no defined relation.
  if (targetText !== undefined && hasUnquotedWildcard(targetText)) return 'UNDEFINED';
  if (source === target || (sourceText !== undefined && sourceText === targetText)) return 'EQUAL';
  if (source === ANY) return 'SUPERSET';
  if (target === ANY) return 'SUBSET';
  if (source === NA || target === NA) return 'DISJOINT';
  return compareStrings(sourceText as string, targetText as string);
}

/**
 * Rows 11, 12, 16, 17: two strings, the source possibly with wildcards at its
 * ends. A leading or trailing `*` matches any run of characters; a run of n
 * `?` matches up to n characters (as in NIST's reference implementation of
 * NISTIR 7696 §7).
 */
function compareStrings(source: string, target: string): CpeRelation {
  let start = 0;
  let end = source.length;
  let before = 0;
  let after = 0;
  if (source[0] === '*') {
    start = 1;
    before = Number.POSITIVE_INFINITY;
  } else {
    while (start < end && source[start] === '?') {
      start++;
      before++;
    }
  }
  if (end > start && source[end - 1] === '*' && !isQuoted(source, end - 1)) {
    end--;
    after = Number.POSITIVE_INFINITY;
  } else {
    while (end > start && source[end - 1] === '?' && !isQuoted(source, end - 1)) {
      end--;
      after++;
    }
  }
  if (before === 0 && after === 0) return unquoteCpeValue(source) === unquoteCpeValue(target) ? 'EQUAL' : 'DISJOINT';

  const middle = unquoteCpeValue(source.slice(start, end));
  const plain = unquoteCpeValue(target);
  for (let index = plain.indexOf(middle); index !== -1; index = plain.indexOf(middle, index + 1)) {
    if (index > before) break;
    if (plain.length - index - middle.length <= after) return 'SUPERSET';
  }
  return 'DISJOINT';
}

/** Whether the character at `index` is quoted (preceded by an odd run of backslashes). */
function isQuoted(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

export interface CpeComparison {
  /** The name-level relation (NISTIR 7696 §6.2). */
  relation: CpeRelation;
  /** The relation of every attribute. */
  attributes: Record<CpeAttribute, CpeRelation>;
}

function toWfn(name: Wfn | string): Wfn {
  return typeof name === 'string' ? parseCpe(name) : name;
}

/**
 * Compare two CPE names attribute by attribute (NISTIR 7696 §6.2): DISJOINT
 * if any attribute is; EQUAL if all are; SUPERSET (the source matches the
 * target) if every attribute is SUPERSET or EQUAL; SUBSET if every one is
 * SUBSET or EQUAL; UNDEFINED otherwise.
 *
 * @example compareCpe('cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*').relation // 'SUPERSET'
 */
export function compareCpe(source: Wfn | string, target: Wfn | string): CpeComparison {
  const s = toWfn(source);
  const t = toWfn(target);
  const attributes = {} as Record<CpeAttribute, CpeRelation>;
  let disjoint = false;
  let undefinedSeen = false;
  let superset = true;
  let subset = true;
  for (const attribute of CPE_ATTRIBUTES) {
    const relation = compareCpeValues(s[attribute], t[attribute]);
    attributes[attribute] = relation;
    if (relation === 'DISJOINT') disjoint = true;
    else if (relation === 'UNDEFINED') undefinedSeen = true;
    if (relation !== 'SUPERSET' && relation !== 'EQUAL') superset = false;
    if (relation !== 'SUBSET' && relation !== 'EQUAL') subset = false;
  }
  const relation: CpeRelation = disjoint
    ? 'DISJOINT'
    : undefinedSeen
      ? 'UNDEFINED'
      : superset && subset
        ? 'EQUAL'
        : superset
          ? 'SUPERSET'
          : subset
            ? 'SUBSET'
            : 'UNDEFINED';
  return { relation, attributes };
}

/** Whether a value is ANY or a string that is nothing but wildcards (it names no particular thing). */
export function isWildcardValue(value: CpeValue): boolean {
  if (value === ANY) return true;
  if (value === NA) return false;
  return /^[*?]+$/.test(value as string);
}

/**
 * Whether the source name (an advisory's criteria) matches the target (an
 * installed product): the source is a SUPERSET of, or EQUAL to, the target.
 * Two guards against known false positives come on top of NISTIR 7696:
 * criteria whose vendor and product are both wildcards match nothing, and an
 * application name (`a`) never matches operating-system criteria (`o`), or
 * the reverse (the part comparison already says DISJOINT for those).
 *
 * @example cpeMatches('cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*', 'cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*') // true
 */
export function cpeMatches(source: Wfn | string, target: Wfn | string): boolean {
  const s = toWfn(source);
  if (isWildcardValue(s.vendor) && isWildcardValue(s.product)) return false;
  const { relation } = compareCpe(s, toWfn(target));
  return relation === 'SUPERSET' || relation === 'EQUAL';
}

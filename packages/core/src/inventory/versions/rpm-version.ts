import { compareDigitRuns, isAsciiLetter, isDigit } from './numeric-string.js';

const TILDE = 126;
const CARET = 94;

function isAlnum(code: number): boolean {
  return isDigit(code) || isAsciiLetter(code);
}

/**
 * rpm's `rpmvercmp`: compare one version (or release) string. Separators
 * (anything not alphanumeric, `~` or `^`) only split segments; digit segments
 * compare by value and beat letter segments; `~` sorts before everything, even
 * the end of the string; `^` sorts after the end but before anything else.
 *
 * @example compareRpmFragment('1.0~rc1', '1.0') // -1
 */
export function compareRpmFragment(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a.charCodeAt(i)) && a.charCodeAt(i) !== TILDE && a.charCodeAt(i) !== CARET) i++;
    while (j < b.length && !isAlnum(b.charCodeAt(j)) && b.charCodeAt(j) !== TILDE && b.charCodeAt(j) !== CARET) j++;

    const x = a.charCodeAt(i);
    const y = b.charCodeAt(j);
    if (x === TILDE || y === TILDE) {
      if (x !== TILDE) return 1;
      if (y !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (x === CARET || y === CARET) {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (x !== CARET) return 1;
      if (y !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;

    const numeric = isDigit(x);
    const same = numeric ? isDigit : isAsciiLetter;
    let endA = i;
    let endB = j;
    while (endA < a.length && same(a.charCodeAt(endA))) endA++;
    while (endB < b.length && same(b.charCodeAt(endB))) endB++;
    // `b` has a segment of the other kind here: a number is newer than letters.
    if (endB === j) return numeric ? 1 : -1;

    const segmentA = a.slice(i, endA);
    const segmentB = b.slice(j, endB);
    const result = numeric ? compareDigitRuns(segmentA, segmentB) : segmentA < segmentB ? -1 : segmentA > segmentB ? 1 : 0;
    if (result !== 0) return result;
    i = endA;
    j = endB;
  }
  const doneA = i >= a.length;
  const doneB = j >= b.length;
  if (doneA && doneB) return 0;
  return doneA ? -1 : 1;
}

/** An RPM `[epoch:]version[-release]`. */
export interface RpmVersion {
  epoch: number;
  version: string;
  release: string | undefined;
}

/** Split an EVR string; never throws. */
export function parseRpmVersion(input: string): RpmVersion {
  const text = input.trim();
  let epoch = 0;
  let rest = text;
  const colon = text.indexOf(':');
  if (colon > 0 && /^\d+$/.test(text.slice(0, colon))) {
    epoch = Number(text.slice(0, colon));
    rest = text.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen === -1) return { epoch, version: rest, release: undefined };
  return { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
}

/**
 * Order two RPM versions as rpm does: epoch (missing is 0), version, then
 * release. When only one side has a release (a bare upstream version from an
 * advisory), the release is not compared, as in rpm's dependency matching.
 *
 * @example compareRpmVersions('1:1.1.1k-7.el8', '1:1.1.1k-12.el8') // -1
 */
export function compareRpmVersions(a: string, b: string): number {
  const x = parseRpmVersion(a);
  const y = parseRpmVersion(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const version = compareRpmFragment(x.version, y.version);
  if (version !== 0 || x.release === undefined || y.release === undefined) return version;
  return compareRpmFragment(x.release, y.release);
}

import { compareDigitRuns, isAsciiLetter, isDigit } from './numeric-string.js';

/** A Debian version split as dpkg does: `[epoch:]upstream_version[-debian_revision]`. */
export interface DebianVersion {
  epoch: number;
  upstream: string;
  /** Empty when the version has no revision (`1.0` and `1.0-` compare equal, as in dpkg). */
  revision: string;
}

/**
 * Split a Debian version (Debian Policy §5.6.12). Lenient like dpkg's
 * comparison: surrounding whitespace is ignored, a prefix before the first
 * colon is the epoch only when it is all digits, the revision follows the last
 * hyphen. Never throws.
 */
export function parseDebianVersion(input: string): DebianVersion {
  const text = input.trim();
  let epoch = 0;
  let rest = text;
  const colon = text.indexOf(':');
  if (colon > 0 && /^\d+$/.test(text.slice(0, colon))) {
    epoch = Number(text.slice(0, colon));
    rest = text.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen === -1) return { epoch, upstream: rest, revision: '' };
  return { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) };
}

/** dpkg's character weight: `~` before the end of the string, letters before other symbols. */
function order(code: number): number {
  if (Number.isNaN(code) || isDigit(code)) return 0;
  if (isAsciiLetter(code)) return code;
  if (code === 126 /* ~ */) return -1;
  return code + 256;
}

/**
 * dpkg's `verrevcmp`: alternate non-digit runs (compared by `order`) and digit
 * runs (compared by value) until both strings are used up.
 */
export function compareDebianFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const x = order(a.charCodeAt(i));
      const y = order(b.charCodeAt(j));
      if (x !== y) return x < y ? -1 : 1;
      i++;
      j++;
    }
    const startA = i;
    const startB = j;
    while (i < a.length && isDigit(a.charCodeAt(i))) i++;
    while (j < b.length && isDigit(b.charCodeAt(j))) j++;
    const digits = compareDigitRuns(a.slice(startA, i) || '0', b.slice(startB, j) || '0');
    if (digits !== 0) return digits;
  }
  return 0;
}

/**
 * Order two Debian package versions: epoch, then upstream version, then
 * revision, each as dpkg compares them (`~` sorts before anything, even the
 * end of the string: `1.0~rc1 < 1.0`).
 *
 * @example compareDebianVersions('2.2~rc-4', '2.2-1') // -1
 */
export function compareDebianVersions(a: string, b: string): number {
  const x = parseDebianVersion(a);
  const y = parseDebianVersion(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return compareDebianFragment(x.upstream, y.upstream) || compareDebianFragment(x.revision, y.revision);
}

import { compareDigitRuns, isAsciiLetter, isDigit } from './numeric-string.js';

/** Words that mark a pre-release, lowest first; a version with one sorts below the bare release. */
const PRE_RELEASE_RANK: Readonly<Record<string, number>> = {
  dev: 1,
  snapshot: 1,
  alpha: 2,
  a: 2,
  beta: 3,
  b: 3,
  pre: 4,
  preview: 4,
  c: 5,
  rc: 5,
  cr: 5,
};

type Segment = { numeric: true; text: string } | { numeric: false; text: string; preRelease: number | undefined };

// Matching compares the same few thousand bound versions over and over: parse each once.
const CACHE_LIMIT = 20_000;
const parsed = new Map<string, readonly Segment[]>();

function cachedSegments(version: string): readonly Segment[] {
  let result = parsed.get(version);
  if (result === undefined) {
    result = segments(version);
    // A bounded memo: dropped wholesale when full, so memory stays flat on any input.
    if (parsed.size >= CACHE_LIMIT) parsed.clear();
    parsed.set(version, result);
  }
  return result;
}

/**
 * Split into digit runs and lowercased letter runs; every other character only
 * separates. A letter run is a pre-release marker when it is a known word and
 * either a word longer than one letter or a single letter followed by a
 * number (`1.0a1`, `2.0b2`), so OpenSSL-style letter releases (`1.0.1f`)
 * stay above their base version.
 */
function segments(version: string): Segment[] {
  const out: Segment[] = [];
  const text = version.trim().replace(/^v(?=\d)/i, '');
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isDigit(code)) {
      const start = i;
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      out.push({ numeric: true, text: text.slice(start, i) });
    } else if (isAsciiLetter(code)) {
      const start = i;
      while (i < text.length && isAsciiLetter(text.charCodeAt(i))) i++;
      const word = text.slice(start, i).toLowerCase();
      const rank = PRE_RELEASE_RANK[word];
      const followedByNumber = i < text.length && isDigit(text.charCodeAt(i));
      const preRelease = rank !== undefined && (word.length > 1 || followedByNumber) ? rank : undefined;
      out.push({ numeric: false, text: word, preRelease });
    } else {
      i++;
    }
  }
  return out;
}

function compareSegment(a: Segment, b: Segment): number {
  if (a.numeric && b.numeric) return compareDigitRuns(a.text, b.text);
  if (a.numeric !== b.numeric) {
    // A pre-release word sorts below a number in the same place (1.0.rc1 < 1.0.0); other words above.
    const word = (a.numeric ? b : a) as Extract<Segment, { numeric: false }>;
    const wordFirst = word.preRelease !== undefined ? -1 : 1;
    return a.numeric ? -wordFirst : wordFirst;
  }
  const x = a as Extract<Segment, { numeric: false }>;
  const y = b as Extract<Segment, { numeric: false }>;
  if (x.preRelease !== undefined || y.preRelease !== undefined) {
    if (x.preRelease === undefined) return 1;
    if (y.preRelease === undefined) return -1;
    if (x.preRelease !== y.preRelease) return x.preRelease < y.preRelease ? -1 : 1;
    return 0;
  }
  return x.text < y.text ? -1 : x.text > y.text ? 1 : 0;
}

/**
 * Order two versions of unknown scheme. Digit runs compare by value, letter
 * runs case-insensitively, punctuation only separates, a leading `v` is
 * ignored, and pre-release words (`alpha`, `beta`, `rc`, `dev`…) sort below
 * the release they precede. Any two strings get an answer: this never throws,
 * which is what a matcher needs for versions it cannot classify.
 *
 * @example compareGenericVersions('1.0.1f', '1.0.1g') // -1
 * @example compareGenericVersions('2.0.0-rc1', '2.0.0') // -1
 */
export function compareGenericVersions(a: string, b: string): number {
  const x = cachedSegments(String(a));
  const y = cachedSegments(String(b));
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    const result = compareSegment(x[i] as Segment, y[i] as Segment);
    if (result !== 0) return result;
  }
  const longer = x.length > y.length ? x : y;
  // Trailing zero components change nothing (2.0 = 2.0.0); past them, the longer
  // version is newer unless it goes on with a pre-release word (2.0 > 2.0.0rc1).
  let k = length;
  while (k < longer.length && (longer[k] as Segment).numeric && /^0+$/.test((longer[k] as Segment).text)) k++;
  const next = longer[k];
  if (next === undefined) return 0;
  const longerIsNewer = next.numeric || next.preRelease === undefined;
  const sign = longer === x ? 1 : -1;
  return longerIsNewer ? sign : -sign;
}

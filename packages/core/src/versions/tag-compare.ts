import { compileTagFilter } from './tag-filter.js';
import type { TagPattern } from './tag-filter.js';
import { STAGE_RANK, parseTag } from './tag-parse.js';
import type { BuildSuffix, ParsedTag, Prerelease } from './tag-parse.js';

export interface NewerVersionsOptions {
  /** Only tags matching this regular expression are candidates (label `sentinel.include-tags`). Unanchored: use `^…$` to match whole tags. */
  readonly include?: TagPattern | undefined;
  /** Tags matching this regular expression are never candidates (label `sentinel.exclude-tags`). */
  readonly exclude?: TagPattern | undefined;
}

/**
 * Order two parsed tags: numbers, then pre-release (a stable release is above
 * all of its pre-releases), then build counter. Tags of different families
 * that tie are told apart by family so that 0 means "same version" only for
 * tags that can replace one another.
 */
export function compareParsed(a: ParsedTag, b: ParsedTag): number {
  return compareVersionOnly(a, b) || (a.family < b.family ? -1 : a.family > b.family ? 1 : 0);
}

function compareVersionOnly(a: ParsedTag, b: ParsedTag): number {
  return compareNumberLists(a.numbers, b.numbers) || comparePrerelease(a.prerelease, b.prerelease) || compareBuild(a.build, b.build);
}

function compareNumberLists(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    // A missing component sorts first: only tags of different arity differ in length.
    const x = a[i] ?? -1;
    const y = b[i] ?? -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function comparePrerelease(a: Prerelease | undefined, b: Prerelease | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  const rank = STAGE_RANK[a.stage] - STAGE_RANK[b.stage];
  if (rank !== 0) return rank < 0 ? -1 : 1;
  return compareNumberLists(a.numbers, b.numbers) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

function compareBuild(a: BuildSuffix | undefined, b: BuildSuffix | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  if (a.number !== b.number) return a.number < b.number ? -1 : 1;
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

/**
 * Compare two tags: negative when `a` is older, positive when newer, 0 when
 * they are the same version (`1.2.3` and `1.2.03`). Meaningful for two
 * compatible tags (same `family`); for any other pair it is still a
 * consistent total order, so it can sort a whole tag list: versions by number,
 * non-version tags (`latest`) before all versions and by name among themselves.
 *
 * @example ['1.10.0', '1.9.2', '1.27.4'].sort(compareTags) // ['1.9.2', '1.10.0', '1.27.4']
 */
export function compareTags(a: string, b: string): number {
  const pa = parseTag(a);
  const pb = parseTag(b);
  if (pa === undefined) {
    if (pb !== undefined) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (pb === undefined) return 1;
  return Math.sign(compareParsed(pa, pb));
}

/**
 * Whether `candidate` may be offered as an update of `current`. Both must be
 * of the same family. A stable candidate must be newer. A pre-release is only
 * offered to a pre-release of the same version numbers, and only when it is a
 * later stage (`beta` → `rc`) or a later build of the same label (`rc.1` → `rc.2`):
 * someone testing `3.13.0b1` gets `3.13.0b2`, `3.13.0rc1` and `3.13.0`, then
 * graduates to stable releases instead of being carried into `3.14.0a1`.
 */
export function isOfferable(current: ParsedTag, candidate: ParsedTag): boolean {
  if (candidate.family !== current.family || compareParsed(candidate, current) <= 0) return false;
  const pre = candidate.prerelease;
  if (pre === undefined) return true;
  const currentPre = current.prerelease;
  if (currentPre === undefined) return false;
  if (compareNumberLists(candidate.numbers, current.numbers) !== 0) return false;
  return STAGE_RANK[pre.stage] > STAGE_RANK[currentPre.stage] || pre.label === currentPre.label;
}

/**
 * The tags of `tags` that are newer compatible versions of `current`, newest
 * first, one tag per version. Returns `[]` when `current` is not a version
 * tag (the caller then compares digests) or nothing newer exists.
 *
 * When several tags spell the same version (`1.27.5`, `1.27.05`), the
 * shortest spelling is kept.
 *
 * @throws InvalidError when `include` or `exclude` is not a valid regular expression.
 * @example newerVersions('1.27.4-alpine', ['1.27.5', '1.27.5-alpine', '1.28.0-alpine', 'latest']) // ['1.28.0-alpine', '1.27.5-alpine']
 */
export function newerVersions(current: string, tags: Iterable<string>, options: NewerVersionsOptions = {}): string[] {
  // Compiled before anything else so that a bad label fails every time, not only when a candidate exists.
  const include = compileTagFilter(options.include, 'include');
  const exclude = compileTagFilter(options.exclude, 'exclude');
  const base = parseTag(current);
  if (base === undefined) return [];

  const candidates: ParsedTag[] = [];
  for (const tag of tags) {
    const parsed = parseTag(tag);
    if (parsed === undefined || !isOfferable(base, parsed)) continue;
    if (include !== undefined && !include.test(tag)) continue;
    if (exclude !== undefined && exclude.test(tag)) continue;
    candidates.push(parsed);
  }
  candidates.sort((a, b) => compareParsed(b, a) || preferSpelling(a.raw, b.raw));

  const result: string[] = [];
  let previous: ParsedTag | undefined;
  for (const candidate of candidates) {
    if (previous !== undefined && compareParsed(previous, candidate) === 0) continue;
    result.push(candidate.raw);
    previous = candidate;
  }
  return result;
}

function preferSpelling(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Name the version behind a set of tags that point to one digest, e.g. the
 * tags sharing `latest`'s digest: the most specific (most numeric
 * components), highest version tag, preferring a tag without variant or
 * prefix. Used to fill `resolved_current_version` and `resolved_target_version`.
 * Returns `undefined` when none of the tags is a version.
 *
 * @example resolveVersionForDigest(['latest', '1', '1.27', '1.27.5', 'mainline']) // '1.27.5'
 */
export function resolveVersionForDigest(tagsWithDigest: Iterable<string>): string | undefined {
  let best: ParsedTag | undefined;
  for (const tag of tagsWithDigest) {
    const parsed = parseTag(tag);
    if (parsed !== undefined && (best === undefined || describesBetter(parsed, best))) best = parsed;
  }
  return best?.raw;
}

function describesBetter(a: ParsedTag, b: ParsedTag): boolean {
  if (a.numbers.length !== b.numbers.length) return a.numbers.length > b.numbers.length;
  const version = compareVersionOnly(a, b);
  if (version !== 0) return version > 0;
  if ((a.variant === '') !== (b.variant === '')) return a.variant === '';
  if ((a.prefix === '') !== (b.prefix === '')) return a.prefix === '';
  return preferSpelling(a.raw, b.raw) < 0;
}

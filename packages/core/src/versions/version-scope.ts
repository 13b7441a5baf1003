import { compareParsed, isOfferable } from './tag-compare.js';
import { parseTag } from './tag-parse.js';
import type { ParsedTag } from './tag-parse.js';

/**
 * How far an automatic update may move: `patch` keeps major and minor,
 * `minor` keeps major, `major` allows any newer compatible version.
 */
export type VersionScope = 'patch' | 'minor' | 'major';

export const VERSION_SCOPES: readonly VersionScope[] = ['patch', 'minor', 'major'];

/**
 * Scope applied when neither the container nor the settings choose one.
 * `major` keeps every auto-updated container fully current; users who want
 * safer automatic updates set `patch` or `minor`.
 */
export const DEFAULT_VERSION_SCOPE: VersionScope = 'major';

export function isVersionScope(value: unknown): value is VersionScope {
  return value === 'patch' || value === 'minor' || value === 'major';
}

// How many leading components a scope keeps fixed.
const FIXED_COMPONENTS: Readonly<Record<VersionScope, number>> = { patch: 2, minor: 1, major: 0 };

/**
 * Whether moving from `current` to `candidate` stays within `scope`. False
 * when either tag is not a version or the two are not compatible (different
 * variant, prefix, arity or kind). Direction is not checked: use it on
 * candidates from `newerVersions`.
 *
 * A tag with fewer components keeps what it has: `8.1` under `patch` only
 * accepts `8.1` rebuilds (its patches arrive as new digests of `8.1` itself),
 * and `8` only moves under `major`. An 8-digit date `YYYYMMDD` is scoped as
 * year.month.day.
 *
 * @example withinScope('1.27.4', '1.28.0', 'patch') // false
 * @example withinScope('1.27.4', '1.27.9', 'patch') // true
 */
export function withinScope(current: string, candidate: string, scope: VersionScope): boolean {
  const a = parseTag(current);
  const b = parseTag(candidate);
  if (a === undefined || b === undefined || a.family !== b.family) return false;
  return parsedWithinScope(a, b, scope);
}

function parsedWithinScope(current: ParsedTag, candidate: ParsedTag, scope: VersionScope): boolean {
  const a = scopeComponents(current);
  const b = scopeComponents(candidate);
  const fixed = Math.min(FIXED_COMPONENTS[scope], a.length);
  for (let i = 0; i < fixed; i++) if (a[i] !== b[i]) return false;
  return true;
}

function scopeComponents(tag: ParsedTag): readonly number[] {
  const only = tag.numbers[0];
  if (tag.kind === 'calver' && tag.numbers.length === 1 && only !== undefined && only >= 10_000_101 && only <= 99_991_231) {
    const year = Math.floor(only / 10_000);
    const month = Math.floor(only / 100) % 100;
    const day = only % 100;
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31) return [year, month, day];
  }
  return tag.numbers;
}

/**
 * The update an automatic policy should apply: the newest tag of `newer`
 * (typically `newerVersions(current, tags)`) that is a valid update of
 * `current` and within `scope`, or `undefined` when none is.
 *
 * @default scope `DEFAULT_VERSION_SCOPE` (`major`)
 * @example pickTarget('1.27.4', ['2.0.0', '1.28.1', '1.27.6'], 'minor') // '1.28.1'
 */
export function pickTarget(current: string, newer: Iterable<string>, scope: VersionScope = DEFAULT_VERSION_SCOPE): string | undefined {
  const base = parseTag(current);
  if (base === undefined) return undefined;
  let best: ParsedTag | undefined;
  for (const tag of newer) {
    const candidate = parseTag(tag);
    if (candidate === undefined || !isOfferable(base, candidate) || !parsedWithinScope(base, candidate, scope)) continue;
    // Same family here, so a tie means the same version: keep the first listed.
    if (best === undefined || compareParsed(candidate, best) > 0) best = candidate;
  }
  return best?.raw;
}

/**
 * Parsing of container image tags into comparable versions.
 *
 * Docker tags are not semver: they have any number of numeric components
 * (`8`, `8.1`, `1.40.0.7998`), variants (`-alpine`, `-bookworm-slim`,
 * `-alpine3.19`), build counters (`-ls45`, `-r3`, `_13`), pre-releases written
 * in many styles (`-rc.1`, `b1`, `-SNAPSHOT`), dates (`2026.4.0`, `20240101`)
 * and non-version names (`latest`, `stable`). This parser turns a tag into a
 * `ParsedTag` whose `family` says which other tags it may be compared with.
 * See docs/update-decisions.md for the user-facing rules.
 */

/** `semver`: dotted numbers whose first component is below 1000. `calver`: a date-like version. */
export type TagKind = 'semver' | 'calver';

/**
 * Maturity of a pre-release, lowest first. Several spellings map to one stage:
 * `nightly`, `snapshot`, `canary`, `edge`… are `dev`; `a`/`alpha`; `b`/`beta`;
 * `pre`/`preview`/`M` (milestone)/`ea`; `c`/`cr`/`rc`.
 */
export type PrereleaseStage = 'dev' | 'alpha' | 'beta' | 'preview' | 'rc';

export interface Prerelease {
  /** As written in the tag, e.g. `rc.1`, `b1`, `SNAPSHOT`. */
  readonly raw: string;
  /** Normalised spelling (`b` → `beta`, `cr` → `rc`, lower case). */
  readonly label: string;
  readonly stage: PrereleaseStage;
  /** Numbers after the label (`rc.1` → `[1]`, `beta` → `[]`). */
  readonly numbers: readonly number[];
}

/** A rebuild counter of the same upstream version: `-ls45` (linuxserver), `-r3` (bitnami), `-v10` (redis-stack), `_13` (temurin), `-1`. */
export interface BuildSuffix {
  readonly raw: string;
  /** `ls`, `r`, `v`, `build` or `''` for a bare number. */
  readonly label: string;
  readonly number: number;
}

export interface ParsedTag {
  /** The tag exactly as given. */
  readonly raw: string;
  readonly kind: TagKind;
  /** Text before the first digit: `''`, `v`, `V`, `version-`, `release-v`, `jammy-`. */
  readonly prefix: string;
  /** Numeric components, leading zeros dropped (`1.2.03` → `[1, 2, 3]`). */
  readonly numbers: readonly number[];
  /** Remaining suffix that must match exactly (`alpine`, `bookworm-slim`, `debian-12`), `''` when none. */
  readonly variant: string;
  readonly prerelease: Prerelease | undefined;
  readonly build: BuildSuffix | undefined;
  /** A commit hash embedded in the suffix (`1.40.0.7998-c29d4c0c8-ls220`); ignored when ordering. */
  readonly commit: string | undefined;
  /**
   * Compatibility key: two tags can replace one another only when their
   * families are equal (same kind, prefix, arity, variant, build style).
   */
  readonly family: string;
}

// Docker's tag grammar (distribution/reference): at most 128 characters.
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

// Tags that are artifacts of a build rather than releases. A hex run must
// contain a letter, otherwise it is a number (`20240101` is a date, not a hash).
const COMMIT_HASH = /^(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}$|^[0-9a-f]{64}$/i;
const COMMIT_PREFIXED = /^(?:sha|git|commit)[-_][0-9a-f]{7,64}$/i;
const DIGEST_TAG = /^sha256-[0-9a-f]{64}/i;
const SIGNATURE_ARTIFACT = /\.(?:sig|att|sbom)$/i;

// Optional word prefix (`version-`, `release-`, `jammy-`, `amd64-`) then an optional
// `v`, then the numbers. The rest is parsed segment by segment.
const VERSION_HEAD = /^((?:[A-Za-z][A-Za-z0-9]*[-_])?[vV]?)(\d+(?:\.\d+)*)(.*)$/;
// `2024-01-01`: a dashed date is one version, not `2024` plus suffixes.
const DASHED_DATE = /^((?:[A-Za-z][A-Za-z0-9]*[-_])?[vV]?)(\d{4})-(\d{2})-(\d{2})(?=$|[-_.])(.*)$/;

const PRERELEASE_WORD =
  /^(alpha|beta|rc|cr|pre|preview|dev|devel|develop|nightly|snapshot|canary|edge|next|insiders?|experimental|unstable|test|testing|milestone|ea|m)(?:[.]?(\d+(?:\.\d+)*))?$/i;
// Python (`3.13.0b1`, `3.13.0a4`, `3.13.0rc2`) and postgres (`17beta3`) glue a
// short label straight onto the numbers; single letters are only trusted there.
const PRERELEASE_ATTACHED = /^(a|b|c)(\d+(?:\.\d+)*)$/i;
const BUILD = /^(ls|r|v|build)?(\d+)$/i;
const HEX_SEGMENT = /^(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}$/i;
const DIGITS = /^\d+$/;

const STAGE_OF: Readonly<Record<string, PrereleaseStage>> = {
  dev: 'dev',
  nightly: 'dev',
  snapshot: 'dev',
  canary: 'dev',
  edge: 'dev',
  next: 'dev',
  insiders: 'dev',
  experimental: 'dev',
  unstable: 'dev',
  test: 'dev',
  alpha: 'alpha',
  beta: 'beta',
  preview: 'preview',
  milestone: 'preview',
  ea: 'preview',
  rc: 'rc',
};

const LABEL_SYNONYMS: Readonly<Record<string, string>> = {
  a: 'alpha',
  b: 'beta',
  c: 'rc',
  cr: 'rc',
  pre: 'preview',
  m: 'milestone',
  devel: 'dev',
  develop: 'dev',
  insider: 'insiders',
  testing: 'test',
};

/** Rank of each stage; a stable release ranks above all of them. */
export const STAGE_RANK: Readonly<Record<PrereleaseStage, number>> = { dev: 0, alpha: 1, beta: 2, preview: 3, rc: 4 };

/**
 * Whether a tag is a build artifact that is never an update candidate nor a
 * version: a commit hash (`3f2a9c1`, `sha-3f2a9c1`), a digest-named tag
 * (`sha256-…`), or a cosign signature/attestation/SBOM (`*.sig`, `*.att`, `*.sbom`).
 */
export function isIgnoredTag(tag: string): boolean {
  return COMMIT_HASH.test(tag) || COMMIT_PREFIXED.test(tag) || DIGEST_TAG.test(tag) || SIGNATURE_ARTIFACT.test(tag);
}

/**
 * Whether a tag names a version that can be ordered. `latest`, `stable`,
 * `main`, `edge`, `alpine`… are not: for those the caller compares manifest
 * digests instead.
 */
export function isVersionTag(tag: string): boolean {
  return parseTag(tag) !== undefined;
}

// Scans call this for the same tags over and over (every container of a
// repository, every cycle), so results are memoised. Entries are frozen and
// the map is bounded: the oldest insertion is evicted first.
const PARSE_CACHE_LIMIT = 20_000;
const parseCache = new Map<string, ParsedTag | null>();

/**
 * Parse an image tag. Returns `undefined` for tags that are not versions
 * (`latest`, `main`), for ignored artifacts (see `isIgnoredTag`) and for
 * strings that are not valid Docker tags.
 *
 * @example parseTag('1.27.4-alpine') // { numbers: [1, 27, 4], variant: 'alpine', kind: 'semver', … }
 * @example parseTag('3.13.0b1')?.prerelease // { label: 'beta', stage: 'beta', numbers: [1], raw: 'b1' }
 */
export function parseTag(tag: string): ParsedTag | undefined {
  const cached = parseCache.get(tag);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parseUncached(tag);
  if (parseCache.size >= PARSE_CACHE_LIMIT) {
    const oldest = parseCache.keys().next();
    if (oldest.done !== true) parseCache.delete(oldest.value);
  }
  parseCache.set(tag, parsed ?? null);
  return parsed;
}

interface Segment {
  /** `-`, `_`, `.` (only right after the numbers) or `''` (glued on, as in `3.13.0b1`). */
  readonly sep: string;
  readonly text: string;
}

function parseUncached(tag: string): ParsedTag | undefined {
  if (!DOCKER_TAG.test(tag) || isIgnoredTag(tag)) return undefined;

  let prefix: string;
  let numbers: number[];
  let rest: string;
  let dashedDate = false;
  const date = DASHED_DATE.exec(tag);
  if (date !== null && isMonthDay(Number(date[3]), Number(date[4]))) {
    prefix = date[1] ?? '';
    numbers = [Number(date[2]), Number(date[3]), Number(date[4])];
    rest = date[5] ?? '';
    dashedDate = true;
  } else {
    const head = VERSION_HEAD.exec(tag);
    if (head === null) return undefined;
    prefix = head[1] ?? '';
    const components = (head[2] ?? '').split('.');
    // Beyond 15 digits a component is an id, not a version, and would lose precision.
    if (components.some((c) => c.length > 15)) return undefined;
    numbers = components.map(Number);
    rest = head[3] ?? '';
  }

  const segments = splitSegments(rest);
  if (segments === undefined) return undefined;

  let prerelease: Prerelease | undefined;
  let build: BuildSuffix | undefined;
  let commit: string | undefined;
  // Index of the build segment: the last one that looks like a counter.
  let buildIndex = -1;
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i];
    if (s !== undefined && s.sep !== '' && BUILD.test(s.text)) {
      buildIndex = i;
      break;
    }
  }

  let variantKey = '';
  let variant = '';
  const addVariant = (segment: Segment, key: string): void => {
    variantKey += segment.sep + key;
    if (key !== '#') variant += (variant === '' ? '' : segment.sep) + segment.text;
  };

  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === undefined) continue;
    if (prerelease === undefined) {
      const found = matchPrerelease(segment);
      if (found !== undefined) {
        let { numbers: preNumbers, raw } = found;
        // `-rc-1`, `-nightly-20240101`: a bare number right after a bare label belongs to it.
        const next = segments[i + 1];
        if (preNumbers.length === 0 && next !== undefined && next.sep === '-' && DIGITS.test(next.text)) {
          preNumbers = [Number(next.text)];
          raw += next.sep + next.text;
          if (buildIndex === i + 1) buildIndex = -1;
          i++;
        }
        prerelease = { raw, label: found.label, stage: found.stage, numbers: preNumbers };
        continue;
      }
    }
    if (i === buildIndex) {
      const m = BUILD.exec(segment.text);
      if (m !== null) {
        build = { raw: segment.sep + segment.text, label: (m[1] ?? '').toLowerCase(), number: Number(m[2]) };
        variantKey += `${segment.sep}@${build.label}`;
        continue;
      }
    }
    if (commit === undefined && segment.sep !== '' && HEX_SEGMENT.test(segment.text)) {
      commit = segment.text;
      // The hash is still a suffix (a bare tag never moves to `1.2.4-abc1234`), but any hash will do.
      addVariant(segment, '#');
      continue;
    }
    addVariant(segment, segment.text);
  }

  const first = numbers[0] ?? 0;
  const kind: TagKind = dashedDate || first >= 1000 ? 'calver' : 'semver';
  const family = `${kind}${dashedDate ? '-dashed' : ''}|${prefix}|${numbers.length}|${variantKey}`;
  // Parsed tags are shared through the cache, so nothing in them may change.
  Object.freeze(numbers);
  if (prerelease !== undefined) Object.freeze(prerelease.numbers);
  return Object.freeze({
    raw: tag,
    kind,
    prefix,
    numbers,
    variant,
    prerelease: prerelease === undefined ? undefined : Object.freeze(prerelease),
    build: build === undefined ? undefined : Object.freeze(build),
    commit,
    family,
  });
}

function splitSegments(rest: string): Segment[] | undefined {
  const segments: Segment[] = [];
  let i = 0;
  while (i < rest.length) {
    let sep = '';
    const c = rest[i];
    // A dot only separates right after the numbers (`1.0.0.dev1`); later dots
    // belong to the segment (`alpine3.19`, `rc.1`).
    if (c === '-' || c === '_' || (i === 0 && c === '.')) {
      sep = c;
      i++;
    }
    let j = i;
    while (j < rest.length && rest[j] !== '-' && rest[j] !== '_') j++;
    const text = rest.slice(i, j);
    if (text === '') return undefined;
    segments.push({ sep, text });
    i = j;
  }
  return segments;
}

function matchPrerelease(segment: Segment): { raw: string; label: string; stage: PrereleaseStage; numbers: number[] } | undefined {
  const word = PRERELEASE_WORD.exec(segment.text);
  const attached = word === null && segment.sep === '' ? PRERELEASE_ATTACHED.exec(segment.text) : null;
  const m = word ?? attached;
  if (m === null) return undefined;
  const written = (m[1] ?? '').toLowerCase();
  // A lone `m` is only a milestone with a number (`8.0-M02`).
  if (written === 'm' && m[2] === undefined) return undefined;
  const label = LABEL_SYNONYMS[written] ?? written;
  const stage = STAGE_OF[label];
  if (stage === undefined) return undefined;
  const numbers = m[2] === undefined ? [] : m[2].split('.').map(Number);
  return { raw: segment.text, label, stage, numbers };
}

function isMonthDay(month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

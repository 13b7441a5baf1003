import semver from 'semver';
import { cpeValueText, tryParseCpe } from '../cpe/cpe-name.js';
import { compareApkVersions } from './apk-version.js';
import { compareDebianVersions, parseDebianVersion } from './debian-version.js';
import { compareGenericVersions } from './generic-version.js';
import { compareRpmVersions, parseRpmVersion } from './rpm-version.js';

/** The version orderings the matcher knows. `generic` is the fallback for anything else. */
export type VersionScheme = 'semver' | 'deb' | 'rpm' | 'apk' | 'generic';

export const VERSION_SCHEMES: readonly VersionScheme[] = ['semver', 'deb', 'rpm', 'apk', 'generic'];

export function isVersionScheme(value: unknown): value is VersionScheme {
  return typeof value === 'string' && (VERSION_SCHEMES as readonly string[]).includes(value);
}

const SEMVER_OPTIONS = { loose: true } as const;

function compareSemver(a: string, b: string): number {
  // Versions outside SemVer 2.0 (`1.2`, `2024.1`) still need an order: fall back to the generic rules.
  const x = semver.parse(a.trim(), SEMVER_OPTIONS);
  const y = semver.parse(b.trim(), SEMVER_OPTIONS);
  if (x === null || y === null) return compareGenericVersions(a, b);
  return x.compare(y);
}

/** The comparator of a scheme, for callers that compare many versions under one scheme. */
export function comparatorFor(scheme: VersionScheme | string): (a: string, b: string) => number {
  switch (scheme) {
    case 'semver':
      return compareSemver;
    case 'deb':
      return compareDebianVersions;
    case 'rpm':
      return compareRpmVersions;
    case 'apk':
      return compareApkVersions;
    default:
      return compareGenericVersions;
  }
}

/**
 * Compare two versions under a scheme: negative when `a` is older, 0 when
 * equal, positive when newer. Never throws: an unknown scheme, or a version
 * the scheme cannot parse, is compared with the generic rules.
 *
 * - `semver`: SemVer 2.0 precedence (the `semver` package, loose parsing, `v1.2.3` accepted)
 * - `deb`: dpkg ordering (epoch, upstream, revision; `~` sorts first)
 * - `rpm`: rpmvercmp on epoch, version and release
 * - `apk`: apk-tools ordering (`_alpha` … `_rc`, `_p`, `-rN`)
 * - `generic`: digit runs by value, pre-release words below the release
 *
 * @example compareVersions('deb', '1:1.0-1', '2.0-1') // 1 (the epoch wins)
 */
export function compareVersions(scheme: VersionScheme | string, a: string, b: string): number {
  const x = String(a);
  const y = String(b);
  let result: number;
  switch (scheme) {
    case 'semver':
      result = compareSemver(x, y);
      break;
    case 'deb':
      result = compareDebianVersions(x, y);
      break;
    case 'rpm':
      result = compareRpmVersions(x, y);
      break;
    case 'apk':
      result = compareApkVersions(x, y);
      break;
    default:
      result = compareGenericVersions(x, y);
  }
  return Math.sign(result);
}

/**
 * The upstream part of a distribution package version, to compare against
 * upstream version ranges such as NVD's: `1:2.4.57-2+deb12u1` → `2.4.57`,
 * `1.1.1k-7.el8_6` → `1.1.1k`, `3.1.4-r0` → `3.1.4`. Other schemes are
 * returned trimmed, without a leading `v`.
 */
export function upstreamVersion(scheme: VersionScheme, version: string): string {
  switch (scheme) {
    case 'deb':
      return parseDebianVersion(version).upstream;
    case 'rpm':
      return parseRpmVersion(version).version;
    case 'apk':
      return version.trim().replace(/-r\d+$/, '');
    default:
      return version.trim().replace(/^v(?=\d)/i, '');
  }
}

/** What `detectScheme` looks at; every field optional. */
export interface SchemeHints {
  /** Package URL, e.g. `pkg:deb/debian/openssl@3.0.11-1~deb12u2`. */
  purl?: string | undefined;
  /** Package manager or package type: `deb`, `dpkg`, `rpm`, `apk`, `npm`, `pypi`… */
  package_type?: string | undefined;
  /** Operating system family or name: `debian`, `Ubuntu 22.04`, `alpine`, `rhel`… */
  os_family?: string | undefined;
  /** A CPE 2.3 formatted string; its `target_sw` can name an ecosystem (`node.js`). */
  cpe?: string | undefined;
  /** An OSV ecosystem, e.g. `Debian:12`, `npm`, `Alpine:v3.18`. */
  ecosystem?: string | undefined;
}

const PACKAGE_TYPE_SCHEMES: Readonly<Record<string, VersionScheme>> = {
  deb: 'deb',
  dpkg: 'deb',
  debian: 'deb',
  ubuntu: 'deb',
  rpm: 'rpm',
  redhat: 'rpm',
  apk: 'apk',
  alpine: 'apk',
  npm: 'semver',
  cargo: 'semver',
  'crates.io': 'semver',
  golang: 'semver',
  go: 'semver',
  nuget: 'semver',
  composer: 'semver',
  packagist: 'semver',
  hex: 'semver',
  pub: 'semver',
  swift: 'semver',
  pypi: 'generic',
  gem: 'generic',
  rubygems: 'generic',
  maven: 'generic',
};

const OS_FAMILY_SCHEMES: ReadonlyArray<readonly [RegExp, VersionScheme]> = [
  [/\b(debian|ubuntu|mint|raspbian|kali|devuan)\b/i, 'deb'],
  [/\b(rhel|red ?hat|centos|fedora|rocky|alma(linux)?|oracle ?linux|ol|amzn|amazon ?linux|suse|sles|opensuse|photon|mageia|openeuler|mariner|azurelinux)\b/i, 'rpm'],
  [/\b(alpine|wolfi|chainguard|postmarketos)\b/i, 'apk'],
];

const ECOSYSTEM_SCHEMES: ReadonlyArray<readonly [RegExp, VersionScheme]> = [
  [/^(debian|ubuntu)\b/i, 'deb'],
  [/^(alpine|wolfi|chainguard|minimos)\b/i, 'apk'],
  [/^(red hat|rocky linux|almalinux|opensuse|suse|photon os|mageia|openeuler|azure linux|mariner|oracle linux)\b/i, 'rpm'],
  [/^(npm|crates\.io|go|nuget|packagist|hex|pub|swifturl)$/i, 'semver'],
];

const TARGET_SW_SCHEMES: Readonly<Record<string, VersionScheme>> = {
  'node.js': 'semver',
  nodejs: 'semver',
  rust: 'semver',
  go: 'semver',
  golang: 'semver',
};

/** The scheme a CPE `target_sw` value implies (`node.js` → semver), if any. */
export function schemeForTargetSw(targetSw: string): VersionScheme | undefined {
  return TARGET_SW_SCHEMES[targetSw.toLowerCase()];
}

/** The scheme of an OSV ecosystem (`Debian:12` → `deb`); `generic` when unknown. */
export function schemeForEcosystem(ecosystem: string): VersionScheme {
  for (const [pattern, scheme] of ECOSYSTEM_SCHEMES) if (pattern.test(ecosystem.trim())) return scheme;
  return 'generic';
}

/**
 * Choose the version scheme for an inventory item, from the most specific hint
 * to the least: package URL type, package type, OSV ecosystem, operating
 * system family, then the CPE's `target_sw`. `generic` when nothing says.
 *
 * @example detectScheme({ purl: 'pkg:apk/alpine/busybox@1.36.1-r15' }) // 'apk'
 * @example detectScheme({ os_family: 'Ubuntu 22.04' }) // 'deb'
 */
export function detectScheme(item: SchemeHints): VersionScheme {
  const purlType = item.purl === undefined ? undefined : /^pkg:([a-z0-9.+-]+)\//i.exec(item.purl.trim())?.[1]?.toLowerCase();
  if (purlType !== undefined) {
    const scheme = PACKAGE_TYPE_SCHEMES[purlType];
    if (scheme !== undefined) return scheme;
  }
  const packageType = item.package_type?.trim().toLowerCase();
  if (packageType !== undefined && packageType !== '') {
    const scheme = PACKAGE_TYPE_SCHEMES[packageType];
    if (scheme !== undefined) return scheme;
  }
  if (item.ecosystem !== undefined && item.ecosystem.trim() !== '') {
    const scheme = schemeForEcosystem(item.ecosystem);
    if (scheme !== 'generic') return scheme;
  }
  if (item.os_family !== undefined) {
    for (const [pattern, scheme] of OS_FAMILY_SCHEMES) if (pattern.test(item.os_family)) return scheme;
  }
  if (item.cpe !== undefined) {
    const wfn = tryParseCpe(item.cpe);
    const scheme = wfn === undefined ? undefined : schemeForTargetSw(cpeValueText(wfn.target_sw));
    if (scheme !== undefined) return scheme;
  }
  return 'generic';
}

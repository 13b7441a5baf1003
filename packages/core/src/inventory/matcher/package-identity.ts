/**
 * Package identity: which OSV ecosystem package an inventory item is, from its
 * package URL or its package type and host OS.
 */

export interface PackageIdentity {
  /** Lowercased OSV ecosystem without its release suffix: `npm`, `pypi`, `debian`, `alpine`, `red hat`… */
  family: string;
  /** Package name as the ecosystem keys it (`@scope/name`, `group:artifact`, normalised PyPI name). */
  name: string;
  /** Distribution release when known (`12`, `3.18`, `22.04`). */
  release: string | null;
}

export interface ParsedPurl {
  type: string;
  namespace: string | null;
  name: string;
  version: string | null;
  qualifiers: Record<string, string>;
}

/**
 * Parse a package URL (`pkg:type/namespace/name@version?qualifiers#subpath`).
 * Returns undefined for anything that is not one.
 */
export function parsePurl(purl: string): ParsedPurl | undefined {
  const match = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/+([^?#]+?)(?:@([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/.exec(purl.trim());
  if (match === null) return undefined;
  const [, type, path, version, query] = match as unknown as [string, string, string, string | undefined, string | undefined];
  const segments = path.split('/').filter((segment) => segment !== '');
  const rawName = segments.pop();
  if (rawName === undefined) return undefined;
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const qualifiers: Record<string, string> = {};
  for (const pair of (query ?? '').split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) qualifiers[pair.slice(0, eq).toLowerCase()] = decode(pair.slice(eq + 1));
  }
  return {
    type: type.toLowerCase(),
    namespace: segments.length === 0 ? null : segments.map(decode).join('/'),
    name: decode(rawName),
    version: version === undefined || version === '' ? null : decode(version),
    qualifiers,
  };
}

/** Normalise a package name the way its ecosystem compares names. */
export function normalizePackageName(family: string, name: string): string {
  if (family === 'pypi') return name.toLowerCase().replace(/[-_.]+/g, '-');
  // Ecosystems with case-sensitive names (Go module paths, Maven coordinates) are
  // still compared case-insensitively: no two real packages differ only by case.
  return name.toLowerCase();
}

/** Split an OSV ecosystem string: `Debian:12` → debian / 12, `Alpine:v3.18` → alpine / 3.18. */
export function splitEcosystem(ecosystem: string): { family: string; release: string | null } {
  const colon = ecosystem.indexOf(':');
  const family = (colon === -1 ? ecosystem : ecosystem.slice(0, colon)).trim().toLowerCase();
  if (colon === -1) return { family, release: null };
  const rest = ecosystem.slice(colon + 1).trim();
  // Ubuntu writes "Ubuntu:22.04:LTS" and "Ubuntu:Pro:18.04:LTS"; keep the numeric release.
  const numeric = /v?(\d+(?:\.\d+)*)/.exec(rest)?.[1];
  return { family, release: numeric ?? (rest === '' ? null : rest.toLowerCase()) };
}

const PURL_FAMILIES: Readonly<Record<string, string>> = {
  npm: 'npm',
  pypi: 'pypi',
  maven: 'maven',
  golang: 'go',
  cargo: 'crates.io',
  gem: 'rubygems',
  nuget: 'nuget',
  composer: 'packagist',
  hex: 'hex',
  pub: 'pub',
  hackage: 'hackage',
  cran: 'cran',
  swift: 'swifturl',
};

const DISTRO_FAMILIES: Readonly<Record<string, string>> = {
  debian: 'debian',
  ubuntu: 'ubuntu',
  alpine: 'alpine',
  wolfi: 'wolfi',
  chainguard: 'chainguard',
  redhat: 'red hat',
  rhel: 'red hat',
  rocky: 'rocky linux',
  'rocky linux': 'rocky linux',
  almalinux: 'almalinux',
  alma: 'almalinux',
  opensuse: 'opensuse',
  suse: 'suse',
  sles: 'suse',
  photon: 'photon os',
  mageia: 'mageia',
  openeuler: 'openeuler',
};

/** The distribution family and release named by an OS string ("Debian GNU/Linux 12 (bookworm)", "Alpine Linux v3.18.4"). */
export function distroOf(os: string | undefined): { family: string; release: string | null } | undefined {
  if (os === undefined) return undefined;
  const text = os.toLowerCase();
  for (const [word, family] of Object.entries(DISTRO_FAMILIES)) {
    const at = text.search(new RegExp(`\\b${word.replace(' ', '\\s+')}\\b`));
    if (at === -1) continue;
    const release = /v?(\d+(?:\.\d+)*)/.exec(text.slice(at))?.[1] ?? null;
    return { family, release };
  }
  return undefined;
}

/** The `distro` qualifier of a purl (`debian-12`, `alpine-3.18.4`, `bookworm`) as a release number. */
function releaseOfDistroQualifier(value: string | undefined): string | null {
  if (value === undefined) return null;
  return /(\d+(?:\.\d+)*)/.exec(value)?.[1] ?? null;
}

/** What an inventory item says about its package identity. */
export interface PackageHints {
  name: string;
  purl?: string | undefined;
  package_type?: string | undefined;
  os_family?: string | undefined;
}

/**
 * The OSV package an item is, when its purl or its package type (with the
 * host OS for distribution packages) says. Debian and Alpine advisories name
 * source packages: a purl's `upstream` qualifier (set by SBOM tools for
 * binary packages built from another source) is used when present.
 */
export function packageIdentity(item: PackageHints): PackageIdentity | undefined {
  if (item.purl !== undefined) {
    const purl = parsePurl(item.purl);
    if (purl !== undefined) {
      const language = PURL_FAMILIES[purl.type];
      if (language !== undefined) {
        const name =
          purl.namespace === null ? purl.name : language === 'maven' ? `${purl.namespace}:${purl.name}` : `${purl.namespace}/${purl.name}`;
        return { family: language, name: normalizePackageName(language, name), release: null };
      }
      if (purl.type === 'deb' || purl.type === 'apk' || purl.type === 'rpm') {
        const fromOs = distroOf(item.os_family);
        const family = (purl.namespace !== null ? DISTRO_FAMILIES[purl.namespace.toLowerCase()] : undefined) ?? fromOs?.family;
        if (family === undefined) return undefined;
        const source = purl.qualifiers.upstream?.replace(/@.*$/, '').trim();
        const release = releaseOfDistroQualifier(purl.qualifiers.distro) ?? fromOs?.release ?? null;
        return { family, name: normalizePackageName(family, source !== undefined && source !== '' ? source : purl.name), release };
      }
      return undefined;
    }
  }
  const type = item.package_type?.trim().toLowerCase();
  if (type === undefined || type === '') return undefined;
  const language = PURL_FAMILIES[type] ?? (type === 'go' ? 'go' : type === 'crates.io' ? 'crates.io' : type === 'rubygems' ? 'rubygems' : undefined);
  if (language !== undefined) return { family: language, name: normalizePackageName(language, item.name), release: null };
  if (type === 'deb' || type === 'dpkg' || type === 'apk' || type === 'rpm') {
    const distro = distroOf(item.os_family);
    const family = distro?.family ?? (type === 'apk' ? 'alpine' : type === 'rpm' ? undefined : 'debian');
    if (family === undefined) return undefined;
    return { family, name: normalizePackageName(family, item.name), release: distro?.release ?? null };
  }
  return undefined;
}

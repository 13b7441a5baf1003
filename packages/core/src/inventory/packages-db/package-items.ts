import type { InventoryItem } from '../../contract/inventory.js';
import { distroOf } from '../matcher/package-identity.js';
import type { InstalledPackage } from './installed-package.js';
import type { OsRelease } from './os-release.js';

/** The `package_type` of inventory items read from each package database. */
export const PACKAGE_TYPE = { dpkg: 'deb', apk: 'apk' } as const;

/**
 * The distribution family words the matcher knows for an os-release: its
 * `ID` when known (`debian`, `ubuntu`, `alpine`), else the first known
 * `ID_LIKE` (Raspbian → `debian`), with the release number.
 */
export function osFamilyOf(os: OsRelease): { family: string; release: string | null } | undefined {
  const release = os.version_id;
  for (const id of [os.id, ...os.id_like]) {
    const known = distroOf(id);
    if (known !== undefined) return { family: id, release };
  }
  return undefined;
}

/**
 * Inventory items for the vulnerability matcher from an image's OS packages:
 * a package URL (`pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl`)
 * whose `upstream` names the source package distribution advisories are
 * written against, the package type (which picks the version scheme) and
 * the OS family (which picks the advisory release).
 *
 * @example
 * toInventoryItems(parseDpkgStatus(status), parseOsRelease(osRelease))
 */
export function toInventoryItems(packages: readonly InstalledPackage[], os: OsRelease | undefined): InventoryItem[] {
  const known = os === undefined ? undefined : osFamilyOf(os);
  const osFamily = known === undefined ? undefined : [known.family, known.release].filter((part) => part !== null).join(' ');
  return packages.map((pkg) => {
    const namespace = known?.family ?? (pkg.manager === 'apk' ? 'alpine' : 'debian');
    const qualifiers: string[] = [];
    if (pkg.architecture !== null) qualifiers.push(`arch=${encodeURIComponent(pkg.architecture)}`);
    if (known?.release !== undefined && known.release !== null) qualifiers.push(`distro=${encodeURIComponent(`${namespace}-${known.release}`)}`);
    if (pkg.source !== null && pkg.source !== pkg.name) qualifiers.push(`upstream=${encodeURIComponent(pkg.source)}`);
    const purl = `pkg:${PACKAGE_TYPE[pkg.manager]}/${namespace}/${encodeURIComponent(pkg.name)}@${encodeURIComponent(pkg.version)}${qualifiers.length === 0 ? '' : `?${qualifiers.join('&')}`}`;
    return {
      name: pkg.name,
      version: pkg.version,
      package_type: PACKAGE_TYPE[pkg.manager],
      purl,
      ...(osFamily === undefined ? {} : { os_family: osFamily }),
    };
  });
}

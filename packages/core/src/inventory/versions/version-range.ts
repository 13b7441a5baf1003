import { comparatorFor } from './version-scheme.js';
import type { VersionScheme } from './version-scheme.js';

/** NVD's range bounds on a CPE match; absent bounds are open. */
export interface VersionRange {
  versionStartIncluding?: string | undefined;
  versionStartExcluding?: string | undefined;
  versionEndIncluding?: string | undefined;
  versionEndExcluding?: string | undefined;
}

export function hasVersionRange(range: VersionRange): boolean {
  return (
    range.versionStartIncluding !== undefined ||
    range.versionStartExcluding !== undefined ||
    range.versionEndIncluding !== undefined ||
    range.versionEndExcluding !== undefined
  );
}

/**
 * Whether `version` lies within the bounds, compared under `scheme`. A range
 * with no bounds contains every version.
 *
 * @example inVersionRange('generic', '2.14.1', { versionStartIncluding: '2.13.0', versionEndExcluding: '2.15.0' }) // true
 */
export function inVersionRange(scheme: VersionScheme, version: string, range: VersionRange): boolean {
  const { versionStartIncluding, versionStartExcluding, versionEndIncluding, versionEndExcluding } = range;
  const compare = comparatorFor(scheme);
  if (versionStartIncluding !== undefined && compare(version, versionStartIncluding) < 0) return false;
  if (versionStartExcluding !== undefined && compare(version, versionStartExcluding) <= 0) return false;
  if (versionEndIncluding !== undefined && compare(version, versionEndIncluding) > 0) return false;
  if (versionEndExcluding !== undefined && compare(version, versionEndExcluding) >= 0) return false;
  return true;
}

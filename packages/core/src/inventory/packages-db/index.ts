// OS package databases read from container images: dpkg status, Alpine's installed db, os-release.
export { parseDpkgStatus, parseDeb822Stanza } from './dpkg-status.js';
export { parseApkInstalled } from './apk-installed.js';
export { parseOsRelease, describeOs } from './os-release.js';
export type { OsRelease } from './os-release.js';
export { toInventoryItems, osFamilyOf, PACKAGE_TYPE } from './package-items.js';
export type { InstalledPackage, PackageManager } from './installed-package.js';

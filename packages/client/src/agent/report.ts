import type { AgentReportBody, ReportSoftwareItem } from '@sentinel-kit/core/contract';
import type { OsRelease } from './os-release.js';
import type { InstalledPackage, PackageManager } from './packages.js';

const PACKAGE_TYPE: Record<PackageManager, string> = { dpkg: 'deb', rpm: 'rpm', apk: 'apk' };

/** The purl namespace of a distribution's packages (`pkg:deb/debian/…`, `pkg:rpm/fedora/…`, `pkg:apk/alpine/…`). */
function purlNamespace(manager: PackageManager, os: OsRelease): string {
  if (os.id !== undefined) return os.id;
  return manager === 'dpkg' ? 'debian' : manager === 'apk' ? 'alpine' : 'rpm';
}

/**
 * Report items of installed packages: `package_type` and a package URL
 * (`pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12`)
 * that names the source package (`upstream`) when it differs, because
 * distribution advisories are keyed by source package. Repeated
 * name+version pairs (one per architecture) are listed once.
 */
export function softwareItems(manager: PackageManager, packages: readonly InstalledPackage[], os: OsRelease): ReportSoftwareItem[] {
  const namespace = purlNamespace(manager, os);
  const distro = os.id !== undefined && os.versionId !== undefined ? `${os.id}-${os.versionId}` : undefined;
  const seen = new Set<string>();
  const items: ReportSoftwareItem[] = [];
  for (const pkg of packages) {
    const key = `${pkg.name.toLowerCase()}\t${pkg.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const qualifiers = [
      ...(pkg.architecture === undefined ? [] : [`arch=${encodeURIComponent(pkg.architecture)}`]),
      ...(distro === undefined ? [] : [`distro=${encodeURIComponent(distro)}`]),
      ...(pkg.source === undefined ? [] : [`upstream=${encodeURIComponent(pkg.source)}`]),
    ];
    items.push({
      name: pkg.name,
      version: pkg.version,
      package_type: PACKAGE_TYPE[manager],
      purl: `pkg:${PACKAGE_TYPE[manager]}/${encodeURIComponent(namespace)}/${encodeURIComponent(pkg.name)}@${encodeURIComponent(pkg.version)}${qualifiers.length === 0 ? '' : `?${qualifiers.join('&')}`}`,
    });
  }
  return items;
}

/** What the agent remembers of the last report the server accepted. */
export interface SentInventory {
  server: string;
  hostname: string;
  /** `[name, version]` of every item sent. */
  packages: Array<[string, string]>;
  asset_id: number;
  /** ISO time of the last full report. */
  full_at: string;
}

export interface PlannedReport {
  body: AgentReportBody;
  kind: 'full' | 'delta';
  added: number;
  removed: number;
}

/**
 * The report to send: a delta against what the server last accepted from
 * this agent, or a full report when there is nothing to compare with (first
 * run, another server or hostname), when asked, or when the last full report
 * is older than `fullEveryMs` (so a server that lost data catches up).
 */
export function planReport(
  current: { server: string; hostname: string; os: string; items: readonly ReportSoftwareItem[] },
  previous: SentInventory | undefined,
  options: { forceFull?: boolean; fullEveryMs: number; now: number },
): PlannedReport {
  const full = (): PlannedReport => ({ body: { hostname: current.hostname, os: current.os, software: [...current.items] }, kind: 'full', added: current.items.length, removed: 0 });
  if (options.forceFull === true || previous === undefined) return full();
  if (previous.server !== current.server || previous.hostname !== current.hostname) return full();
  if (!(options.now - Date.parse(previous.full_at) < options.fullEveryMs)) return full();
  const before = new Set(previous.packages.map(([name, version]) => `${name}\t${version}`));
  const now = new Set(current.items.map((item) => `${item.name}\t${item.version}`));
  const added = current.items.filter((item) => !before.has(`${item.name}\t${item.version}`));
  const removed = previous.packages.filter(([name, version]) => !now.has(`${name}\t${version}`)).map(([name, version]) => ({ name, version }));
  return {
    body: { hostname: current.hostname, os: current.os, delta: true, software_added: added, software_removed: removed },
    kind: 'delta',
    added: added.length,
    removed: removed.length,
  };
}

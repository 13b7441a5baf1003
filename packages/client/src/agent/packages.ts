/**
 * Installed packages of the host, from whichever package manager it has:
 * dpkg (Debian, Ubuntu), rpm (Red Hat, Fedora, SUSE…) or apk (Alpine).
 * Parsers are pure functions of the tools' output; `collectPackages` runs
 * the tools through an injected `SystemAccess` so it can be tested.
 */

export type PackageManager = 'dpkg' | 'rpm' | 'apk';

export interface InstalledPackage {
  name: string;
  version: string;
  architecture?: string;
  /** The source package it was built from, when it differs from `name` (distribution advisories name source packages). */
  source?: string;
}

/** What the collectors need from the host. */
export interface SystemAccess {
  /** Run a command; `undefined` when the program does not exist. Never throws for a non-zero exit. */
  run(command: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string } | undefined>;
  /** A file's text, or `undefined` when it cannot be read. */
  readFile(path: string): Promise<string | undefined>;
}

/** `dpkg-query -W -f` format: the brief's three fields, then architecture and source package. */
export const DPKG_FORMAT = '${Package}\\t${Version}\\t${Status}\\t${Architecture}\\t${source:Package}\\n';

/**
 * Parse `dpkg-query -W -f '${Package}\t${Version}\t${Status}\t${Architecture}\t${source:Package}\n'`,
 * keeping packages whose status is `installed` (not `config-files`, `half-installed`…).
 */
export function parseDpkgQuery(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const line of text.split('\n')) {
    const [name, version, status, architecture, source] = line.split('\t');
    if (name === undefined || name === '' || version === undefined || version === '' || status === undefined) continue;
    // Status is "want error state": "install ok installed", "hold ok installed", "deinstall ok config-files"…
    if (status.trim().split(/\s+/)[2] !== 'installed') continue;
    out.push({
      name,
      version,
      ...(architecture === undefined || architecture === '' ? {} : { architecture }),
      ...(source === undefined || source === '' || source === name ? {} : { source }),
    });
  }
  return out;
}

/** `rpm -qa --qf` format: name, [epoch:]version-release, arch, source RPM file. */
export const RPM_FORMAT = '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n';

/** Parse the output of `rpm -qa --qf` with {@link RPM_FORMAT}. `gpg-pubkey` pseudo-packages are skipped. */
export function parseRpmQuery(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const line of text.split('\n')) {
    const [name, version, architecture, sourceRpm] = line.split('\t');
    if (name === undefined || name === '' || version === undefined || version === '' || name === 'gpg-pubkey') continue;
    const source = /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(sourceRpm ?? '')?.[1];
    out.push({
      name,
      version,
      ...(architecture === undefined || architecture === '' || architecture === '(none)' ? {} : { architecture }),
      ...(source === undefined || source === name ? {} : { source }),
    });
  }
  return out;
}

/** Parse Alpine's package database (`/lib/apk/db/installed`): blocks of `P:` name, `V:` version, `A:` arch, `o:` origin. */
export function parseApkInstalled(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      if (line.length > 2 && line[1] === ':') fields.set(line[0] as string, line.slice(2));
    }
    const name = fields.get('P');
    const version = fields.get('V');
    if (name === undefined || version === undefined) continue;
    const architecture = fields.get('A');
    const origin = fields.get('o');
    out.push({ name, version, ...(architecture === undefined ? {} : { architecture }), ...(origin === undefined || origin === name ? {} : { source: origin }) });
  }
  return out;
}

/** Parse `apk info -v` (`busybox-1.36.1-r5` per line): the version is the part from the last `-<digit>` before `-r<n>`. */
export function parseApkInfo(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const line of text.split('\n')) {
    const match = /^(.+?)-(\d[^-]*-r\d+)$/.exec(line.trim());
    if (match !== null) out.push({ name: match[1] as string, version: match[2] as string });
  }
  return out;
}

/** Which managers to try first, from the OS id (`/etc/os-release` `ID`, `ID_LIKE`). */
function managerOrder(osIds: readonly string[]): PackageManager[] {
  const ids = osIds.map((id) => id.toLowerCase());
  const first: PackageManager | undefined = ids.some((id) => ['debian', 'ubuntu'].includes(id))
    ? 'dpkg'
    : ids.some((id) => ['rhel', 'fedora', 'centos', 'suse', 'opensuse', 'sles', 'rocky', 'almalinux', 'amzn', 'ol'].includes(id))
      ? 'rpm'
      : ids.includes('alpine')
        ? 'apk'
        : undefined;
  const all: PackageManager[] = ['dpkg', 'rpm', 'apk'];
  return first === undefined ? all : [first, ...all.filter((m) => m !== first)];
}

async function collectWith(manager: PackageManager, system: SystemAccess): Promise<InstalledPackage[] | undefined> {
  if (manager === 'dpkg') {
    const result = await system.run('dpkg-query', ['-W', '-f', DPKG_FORMAT.replaceAll('\\t', '\t').replaceAll('\\n', '\n')]);
    if (result === undefined || result.code !== 0) return undefined;
    return parseDpkgQuery(result.stdout);
  }
  if (manager === 'rpm') {
    const result = await system.run('rpm', ['-qa', '--qf', RPM_FORMAT.replaceAll('\\t', '\t').replaceAll('\\n', '\n')]);
    if (result === undefined || result.code !== 0) return undefined;
    return parseRpmQuery(result.stdout);
  }
  const database = await system.readFile('/lib/apk/db/installed');
  if (database !== undefined) return parseApkInstalled(database);
  const result = await system.run('apk', ['info', '-v']);
  if (result === undefined || result.code !== 0) return undefined;
  return parseApkInfo(result.stdout);
}

/**
 * The installed packages of the host, from the first package manager (in
 * the order the OS suggests) that lists any.
 * @throws Error when no dpkg, rpm or apk database can be read.
 */
export async function collectPackages(system: SystemAccess, osIds: readonly string[] = []): Promise<{ manager: PackageManager; packages: InstalledPackage[] }> {
  for (const manager of managerOrder(osIds)) {
    const packages = await collectWith(manager, system);
    if (packages !== undefined && packages.length > 0) return { manager, packages };
  }
  throw new Error('no installed packages found: none of dpkg-query, rpm or apk (/lib/apk/db/installed) is available on this host');
}

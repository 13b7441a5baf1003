/** Which package database a package was read from. */
export type PackageManager = 'dpkg' | 'apk';

/** One installed OS package, as its package database records it. */
export interface InstalledPackage {
  manager: PackageManager;
  /** Binary package name (`libssl3`, `musl`). */
  name: string;
  /** Installed version, exactly as recorded (`3.0.11-1~deb12u2`, `1:1.2.13.dfsg-1`, `1.2.4-r2`). */
  version: string;
  architecture: string | null;
  /** Source package (dpkg `Source`, apk `o:` origin) when it differs from the name or is recorded; distribution advisories name it. */
  source: string | null;
  /** Source version when dpkg records one that differs from the binary version (binNMUs: `Source: glibc (2.36-9)`). */
  source_version: string | null;
}

/** Split a package database into stanzas: groups of lines separated by blank lines. CRLF tolerated. */
export function stanzas(text: string): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      if (current.length > 0) out.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

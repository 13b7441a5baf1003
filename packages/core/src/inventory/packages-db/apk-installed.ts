import type { InstalledPackage } from './installed-package.js';
import { stanzas } from './installed-package.js';

/**
 * Parse Alpine's package database, `/lib/apk/db/installed`: one stanza per
 * package of one-letter fields (`P:` name, `V:` version, `A:` architecture,
 * `o:` origin — the source package Alpine's advisories name). File lists
 * (`F:`/`R:`…) are ignored. A stanza without `P:` or `V:` is skipped.
 *
 * @example
 * parseApkInstalled('P:libcrypto3\nV:3.1.4-r1\nA:x86_64\no:openssl\n')
 * // [{ manager: 'apk', name: 'libcrypto3', version: '3.1.4-r1', architecture: 'x86_64', source: 'openssl', … }]
 */
export function parseApkInstalled(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const lines of stanzas(text)) {
    let name: string | undefined;
    let version: string | undefined;
    let architecture: string | null = null;
    let origin: string | null = null;
    for (const line of lines) {
      if (line.length < 2 || line[1] !== ':') continue;
      const value = line.slice(2).trim();
      switch (line[0]) {
        case 'P':
          name = value;
          break;
        case 'V':
          version = value;
          break;
        case 'A':
          architecture = value || null;
          break;
        case 'o':
          origin = value || null;
          break;
        default:
          break;
      }
    }
    if (name === undefined || name === '' || version === undefined || version === '') continue;
    out.push({ manager: 'apk', name, version, architecture, source: origin, source_version: null });
  }
  return out;
}

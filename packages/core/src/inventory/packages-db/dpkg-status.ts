import type { InstalledPackage } from './installed-package.js';
import { stanzas } from './installed-package.js';

/**
 * dpkg `Status` states whose files are on disk. `not-installed` and
 * `config-files` (removed, configuration kept) are not installed software.
 */
const PRESENT_STATES: ReadonlySet<string> = new Set(['installed', 'half-configured', 'unpacked', 'half-installed', 'triggers-awaiting', 'triggers-pending']);

/** The fields of one deb822 stanza, names lowercased; continuation lines are joined with `\n`. */
export function parseDeb822Stanza(lines: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      fields.set(last, `${fields.get(last) ?? ''}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    fields.set(last, line.slice(colon + 1).trim());
  }
  return fields;
}

/**
 * Parse a dpkg database: `/var/lib/dpkg/status`, or one file of
 * `/var/lib/dpkg/status.d/` (distroless images write one stanza per package
 * there, often without a `Status` field — such stanzas count as installed).
 * Packages that are not installed (`deinstall ok config-files`…) are left out;
 * a stanza without `Package` or `Version` is skipped.
 *
 * @example
 * parseDpkgStatus('Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.11-1~deb12u2\n')
 * // [{ manager: 'dpkg', name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl', … }]
 */
export function parseDpkgStatus(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const lines of stanzas(text)) {
    const fields = parseDeb822Stanza(lines);
    const name = fields.get('package');
    const version = fields.get('version');
    if (name === undefined || name === '' || version === undefined || version === '') continue;
    const status = fields.get('status');
    if (status !== undefined) {
      const state = status.split(/\s+/)[2];
      if (state === undefined || !PRESENT_STATES.has(state)) continue;
    }
    // `Source: glibc` or `Source: glibc (2.36-9)` when the binary was rebuilt with another version.
    const sourceField = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(fields.get('source') ?? '');
    const sourceVersion = sourceField?.[2]?.trim();
    out.push({
      manager: 'dpkg',
      name,
      version,
      architecture: fields.get('architecture') || null,
      source: sourceField?.[1] ?? null,
      source_version: sourceVersion !== undefined && sourceVersion !== version ? sourceVersion : null,
    });
  }
  return out;
}

import type { InventoryItem } from '@sentinel-kit/core';

/**
 * The operating system a report names, as an inventory item of CPE part `o`,
 * so that NVD configurations with an OS platform condition ("application X
 * running on Debian 12") can be checked against the host, and OS-level
 * records match the OS itself.
 *
 * Only operating systems whose NVD vendor:product is known and whose release
 * the text names become an item: an OS item with a guessed product or no
 * version would match every release's records. When there is none, platform
 * conditions on the OS stay unverified (the matcher flags them).
 */
interface OsCpeRule {
  pattern: RegExp;
  vendor: string;
  product: string;
  /** The release as NVD writes it in this product's CPEs, from the digits after the name. */
  version: (numbers: string[]) => string | undefined;
  /**
   * A Linux distribution: NVD lists its releases as vulnerable when they ship
   * a vulnerable package, and keeps listing them after the distribution's fix.
   * The package inventory is matched (with the distribution's own advisories),
   * so the OS item only serves platform conditions and never matches by itself.
   */
  distribution?: true;
}

const major0 = (n: string[]): string | undefined => (n[0] === undefined ? undefined : `${n[0]}.0`);
const majorMinor = (n: string[]): string | undefined => (n[0] === undefined ? undefined : n[1] === undefined ? n[0] : `${n[0]}.${n[1]}`);
const majorOnly = (n: string[]): string | undefined => n[0];

const RULES: readonly OsCpeRule[] = [
  // NVD writes Debian releases as 10.0, 11.0, 12.0.
  { pattern: /\bdebian\b/i, vendor: 'debian', product: 'debian_linux', version: major0, distribution: true },
  { pattern: /\bubuntu\b/i, vendor: 'canonical', product: 'ubuntu_linux', version: (n) => (n[0] === undefined || n[1] === undefined ? undefined : `${n[0]}.${n[1].padStart(2, '0')}`), distribution: true },
  { pattern: /\balpine\b/i, vendor: 'alpinelinux', product: 'alpine_linux', version: majorMinor, distribution: true },
  { pattern: /\bred\s*hat\s+enterprise\s+linux\b|\brhel\b/i, vendor: 'redhat', product: 'enterprise_linux', version: major0, distribution: true },
  { pattern: /\bfedora\b/i, vendor: 'fedoraproject', product: 'fedora', version: majorOnly, distribution: true },
  { pattern: /\bfreebsd\b/i, vendor: 'freebsd', product: 'freebsd', version: majorMinor },
  { pattern: /\b(?:macos|mac\s+os\s+x)\b/i, vendor: 'apple', product: 'macos', version: majorMinor },
  { pattern: /\bsuse\s+linux\s+enterprise\s+server\b|\bsles\b/i, vendor: 'suse', product: 'linux_enterprise_server', version: majorOnly, distribution: true },
];

/**
 * The OS item of a report's `os` text ("Debian GNU/Linux 12 (bookworm)",
 * "Ubuntu 22.04.3 LTS", "FreeBSD 14.0-RELEASE"), or undefined when the OS or
 * its release is not recognised.
 *
 * @example
 * osItem('Debian GNU/Linux 12 (bookworm)')
 * // { name: 'Debian GNU/Linux 12 (bookworm)', version: '12.0', vendor: 'debian', part: 'o', cpe: 'cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*' }
 */
export function osItem(os: string | undefined): InventoryItem | undefined {
  return describeOs(os)?.item;
}

/** The OS item and whether its own matches count (see `OsCpeRule.distribution`). */
export function describeOs(os: string | undefined): { item: InventoryItem; distribution: boolean } | undefined {
  const text = os?.trim() ?? '';
  if (text === '' || text.toLowerCase() === 'unknown') return undefined;
  for (const rule of RULES) {
    const found = rule.pattern.exec(text);
    if (found === null) continue;
    const after = text.slice(found.index + found[0].length);
    const numbers = /(\d+)(?:\.(\d+))?/.exec(after);
    const version = rule.version(numbers === null ? [] : [numbers[1] as string, ...(numbers[2] === undefined ? [] : [numbers[2]])]);
    if (version === undefined) return undefined;
    return {
      item: { name: text, version, vendor: rule.vendor, part: 'o', cpe: `cpe:2.3:o:${rule.vendor}:${rule.product}:${version}:*:*:*:*:*:*:*` },
      distribution: rule.distribution === true,
    };
  }
  return undefined;
}

/**
 * Name normalisation for matching products reported without a CPE
 * ("OpenSSL" by "OpenSSL Project") to the vendor and product of CPE criteria
 * (`openssl:openssl`).
 */

/** Lowercase; every run of characters other than letters, digits and `+` becomes one space. */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9+]+/g, ' ')
    .trim();
}

/** Words that say what kind of organisation a vendor is, not which one. */
const ORGANISATION_WORDS = new Set([
  'the',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'llc',
  'lp',
  'llp',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'srl',
  'bv',
  'nv',
  'ab',
  'oy',
  'as',
  'kk',
  'pty',
  'project',
  'foundation',
  'software',
  'team',
  'community',
  'group',
  'org',
]);

/**
 * A vendor name reduced to what identifies it: normalised, organisation words
 * (`inc`, `corp`, `ltd`, `project`, `foundation`…) dropped.
 *
 * @example normalizeVendor('F5, Inc.') // 'f5'
 * @example normalizeVendor('The Apache Software Foundation') // 'apache'
 */
export function normalizeVendor(vendor: string): string {
  const words = normalizeName(vendor)
    .split(' ')
    .filter((word) => word !== '' && !ORGANISATION_WORDS.has(word));
  // A vendor made only of such words ("The Software Company") keeps its normalised name.
  return words.length === 0 ? normalizeName(vendor) : words.join(' ');
}

/** The forms a vendor name is compared in: reduced (`normalizeVendor`) and squeezed (all spaces removed). */
export interface VendorForms {
  reduced: string;
  squeezed: string;
  squeezedFull: string;
}

export function vendorForms(vendor: string): VendorForms {
  const reduced = normalizeVendor(vendor);
  return { reduced, squeezed: reduced.replace(/ /g, ''), squeezedFull: normalizeName(vendor).replace(/ /g, '') };
}

/**
 * How an item's vendor relates to a CPE vendor: `exact` when the reduced
 * names are equal, also once spaces are squeezed out ("WebM Project" and
 * `webmproject`); `word` when one appears in the other on word boundaries
 * ("postgresql" in "postgresql global development"); else `none`.
 */
export function vendorRelation(item: VendorForms | string, cpe: VendorForms | string): 'exact' | 'word' | 'none' {
  const a = typeof item === 'string' ? vendorForms(item) : item;
  const b = typeof cpe === 'string' ? vendorForms(cpe) : cpe;
  if (a.reduced === '' || b.reduced === '') return 'none';
  if (a.reduced === b.reduced || a.squeezed === b.squeezed || a.squeezedFull === b.squeezedFull || a.squeezed === b.squeezedFull || a.squeezedFull === b.squeezed) {
    return 'exact';
  }
  const [shorter, longer] = a.reduced.length <= b.reduced.length ? [a.reduced, b.reduced] : [b.reduced, a.reduced];
  // A one-letter name would match far too much on word boundaries.
  if (shorter.length < 2) return 'none';
  return ` ${longer} `.includes(` ${shorter} `) ? 'word' : 'none';
}

/** The item's name without its vendor in front ("Cisco IOS" by "Cisco" → "ios"). */
export function stripVendorPrefix(name: string, vendor: string): string {
  if (vendor === '') return name;
  for (const prefix of new Set([vendor, vendor.split(' ')[0] as string])) {
    if (name.startsWith(`${prefix} `) && name.length > prefix.length + 1) return name.slice(prefix.length + 1);
  }
  return name;
}

/**
 * Product names that differ between what inventories report and NVD's CPE
 * dictionary, mapped to their CPE `vendor:product` pairs. The keys are
 * normalised names (`normalizeName`), after the vendor prefix is stripped.
 */
export const PRODUCT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  nginx: ['f5:nginx', 'nginx:nginx'],
  'nginx plus': ['f5:nginx_plus'],
  postgresql: ['postgresql:postgresql'],
  postgres: ['postgresql:postgresql'],
  'postgresql server': ['postgresql:postgresql'],
  openssl: ['openssl:openssl'],
  libssl3: ['openssl:openssl'],
  'libssl1 1': ['openssl:openssl'],
  'http server': ['apache:http_server'],
  httpd: ['apache:http_server'],
  apache2: ['apache:http_server'],
  'apache http server': ['apache:http_server'],
  tomcat: ['apache:tomcat'],
  log4j: ['apache:log4j'],
  log4j2: ['apache:log4j'],
  'log4j core': ['apache:log4j'],
  'log4j api': ['apache:log4j'],
  'liblog4j2 java': ['apache:log4j'],
  libwebp: ['webmproject:libwebp'],
  libwebp7: ['webmproject:libwebp'],
  chrome: ['google:chrome'],
  'google chrome': ['google:chrome'],
  firefox: ['mozilla:firefox'],
  'mozilla firefox': ['mozilla:firefox'],
  'node js': ['nodejs:node.js'],
  nodejs: ['nodejs:node.js'],
  node: ['nodejs:node.js'],
  openssh: ['openbsd:openssh'],
  'openssh server': ['openbsd:openssh'],
  'openssh client': ['openbsd:openssh'],
  redis: ['redis:redis'],
  'redis server': ['redis:redis'],
  mysql: ['oracle:mysql'],
  'mysql server': ['oracle:mysql'],
  mariadb: ['mariadb:mariadb'],
  curl: ['haxx:curl'],
  libcurl: ['haxx:libcurl'],
  libcurl4: ['haxx:libcurl'],
  git: ['git-scm:git'],
  sudo: ['sudo_project:sudo', 'todd_miller:sudo'],
  bash: ['gnu:bash'],
  glibc: ['gnu:glibc'],
  libc6: ['gnu:glibc'],
  'xz utils': ['tukaani:xz'],
  xz: ['tukaani:xz'],
  zlib: ['zlib:zlib'],
  zlib1g: ['zlib:zlib'],
  libxml2: ['xmlsoft:libxml2'],
  busybox: ['busybox:busybox'],
  ios: ['cisco:ios'],
  'ios xe': ['cisco:ios_xe'],
  pfsense: ['netgate:pfsense'],
  python: ['python:python'],
  python3: ['python:python'],
  openjdk: ['oracle:openjdk'],
  'docker engine': ['docker:docker', 'mobyproject:moby'],
  'docker ce': ['docker:docker', 'mobyproject:moby'],
  containerd: ['linuxfoundation:containerd'],
  runc: ['linuxfoundation:runc'],
  'linux kernel': ['linux:linux_kernel'],
  kernel: ['linux:linux_kernel'],
};

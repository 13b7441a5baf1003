/** What `/etc/os-release` (or `/usr/lib/os-release`) says about the distribution. */
export interface OsRelease {
  /** Lowercase distribution id: `debian`, `ubuntu`, `alpine`. */
  id: string;
  /** `ID_LIKE` ids, e.g. `['debian']` for Ubuntu. */
  id_like: string[];
  /** `12`, `22.04`, `3.18.4`; null when absent (Debian testing). */
  version_id: string | null;
  version_codename: string | null;
  /** `Debian GNU/Linux 12 (bookworm)`. */
  pretty_name: string | null;
  name: string | null;
}

function unquote(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    // Shell double-quote escapes, as os-release(5) allows: \" \\ \$ \`
    return value.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  }
  return value;
}

/**
 * Parse os-release(5): `KEY=value` lines, values optionally quoted, `#`
 * comments. Returns undefined when there is no `ID` and no `NAME` (not an
 * os-release file). `ID` defaults to `linux`, as the specification says.
 *
 * @example
 * parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')
 * // { id: 'debian', version_id: '12', pretty_name: 'Debian GNU/Linux 12 (bookworm)', … }
 */
export function parseOsRelease(text: string): OsRelease | undefined {
  const fields = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    fields.set(line.slice(0, eq).trim(), unquote(line.slice(eq + 1)));
  }
  if (!fields.has('ID') && !fields.has('NAME')) return undefined;
  const nonEmpty = (key: string): string | null => {
    const value = fields.get(key);
    return value === undefined || value === '' ? null : value;
  };
  return {
    id: (nonEmpty('ID') ?? 'linux').toLowerCase(),
    id_like: (fields.get('ID_LIKE') ?? '').split(/\s+/).filter((word) => word !== '').map((word) => word.toLowerCase()),
    version_id: nonEmpty('VERSION_ID'),
    version_codename: nonEmpty('VERSION_CODENAME'),
    pretty_name: nonEmpty('PRETTY_NAME'),
    name: nonEmpty('NAME'),
  };
}

/** A one-line OS description: the pretty name, else `id version`. */
export function describeOs(os: OsRelease): string {
  return os.pretty_name ?? [os.name ?? os.id, os.version_id].filter((part) => part !== null).join(' ');
}

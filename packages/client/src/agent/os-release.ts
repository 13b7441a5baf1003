/** What `/etc/os-release` says about the host (os-release(5)). */
export interface OsRelease {
  /** `debian`, `ubuntu`, `alpine`, `fedora`… */
  id: string | undefined;
  /** Distributions this one derives from (`ID_LIKE`). */
  idLike: string[];
  /** `12`, `22.04`, `3.18.4`. */
  versionId: string | undefined;
  /** `Debian GNU/Linux 12 (bookworm)`. */
  prettyName: string | undefined;
}

/** Parse os-release(5) text: `KEY=value` lines, values optionally quoted with shell escapes. */
export function parseOsRelease(text: string): OsRelease {
  const values = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\(["\\$`])/g, '$1');
    }
    values.set(line.slice(0, eq), value);
  }
  const nonEmpty = (key: string): string | undefined => {
    const v = values.get(key);
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    id: nonEmpty('ID')?.toLowerCase(),
    idLike: (nonEmpty('ID_LIKE') ?? '').split(/\s+/).filter((s) => s !== '').map((s) => s.toLowerCase()),
    versionId: nonEmpty('VERSION_ID'),
    prettyName: nonEmpty('PRETTY_NAME') ?? (nonEmpty('NAME') === undefined ? undefined : `${nonEmpty('NAME')}${nonEmpty('VERSION') === undefined ? '' : ` ${nonEmpty('VERSION')}`}`),
  };
}

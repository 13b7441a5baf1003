/** One challenge of a `WWW-Authenticate` header: `Bearer realm="…",service="…"`. */
export interface AuthChallenge {
  /** Scheme, lower-cased: `bearer`, `basic`. */
  readonly scheme: string;
  /** Parameters with lower-cased names and unquoted values. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
// token68 may end in `=` padding and also uses `/`.
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

/**
 * Parse a `WWW-Authenticate` header (RFC 9110 §11.6.1) into its challenges.
 *
 * Several challenges may share one header (`Bearer realm="a", Basic realm="b"`),
 * quoted values may contain commas, `=` and escaped quotes, and whitespace around
 * `=` is allowed. Unparseable trailing input is ignored rather than thrown: a
 * registry's odd header must not hide the challenges we can read.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: Array<{ scheme: string; params: Record<string, string> }> = [];
  let i = 0;
  const n = header.length;

  const skipSpaces = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const skipSeparators = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t' || header[i] === ',')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TOKEN_CHAR.test(header[i] ?? '')) i++;
    return header.slice(start, i);
  };
  const readQuoted = (): string => {
    // Caller has checked header[i] === '"'.
    i++;
    let value = '';
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i++;
      value += header[i];
      i++;
    }
    i++; // closing quote (or end of input)
    return value;
  };

  while (i < n) {
    skipSeparators();
    const scheme = readToken();
    if (scheme.length === 0) break;
    const challenge = { scheme: scheme.toLowerCase(), params: {} as Record<string, string> };
    challenges.push(challenge);
    skipSpaces();

    // Either a token68 (`Basic dXNlcjpwYXNz`) or a comma-separated list of name=value.
    const token68Start = i;
    while (i < n && TOKEN68_CHAR.test(header[i] ?? '')) i++;
    while (i < n && header[i] === '=') i++;
    const after = i;
    skipSpaces();
    const looksLikeToken68 = after > token68Start && (i >= n || header[i] === ',') && !isParamAhead(header, token68Start);
    if (looksLikeToken68) {
      challenge.params['token68'] = header.slice(token68Start, after);
      continue;
    }
    i = token68Start;

    for (;;) {
      skipSeparators();
      const save = i;
      const name = readToken();
      if (name.length === 0) break;
      skipSpaces();
      if (header[i] !== '=') {
        // A bare token here is the scheme of the next challenge.
        i = save;
        break;
      }
      i++;
      skipSpaces();
      const value = header[i] === '"' ? readQuoted() : readToken();
      challenge.params[name.toLowerCase()] = value;
      skipSpaces();
      if (i < n && header[i] !== ',') break;
    }
  }
  return challenges;
}

/** True when the text at `at` is `name = value` (a parameter), not a token68. */
function isParamAhead(header: string, at: number): boolean {
  const m = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=[ \t]*[^=\s,]/.exec(header.slice(at));
  return m !== null;
}

export const REDACTED = '[REDACTED]';

// Header and query names that carry credentials on any Sentinel Kit surface
// (bearer tokens, session cookies, CSRF tokens, agent/API keys).
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-csrf-token|x-api-key|x-agent-key|x-auth-token)$|token|secret|password|api[-_]?key/i;
const SECRET_QUERY = /token|secret|password|passwd|api[-_]?key|signature|^key$|^auth/i;

/** A copy of `headers` (names lower-cased) whose credentials are replaced by `[REDACTED]`. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    out[lower] = SECRET_HEADER.test(lower) ? REDACTED : value;
  }
  return out;
}

/** `url` with credential-looking query parameters and any userinfo redacted. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = REDACTED;
    parsed.password = '';
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY.test(key)) parsed.searchParams.set(key, REDACTED);
  }
  return parsed.toString();
}

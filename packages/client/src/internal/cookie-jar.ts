/**
 * A minimal cookie jar for browser-less clients (scripts, CI): remembers the
 * cookies one server sets (`sentinel_session`, `sentinel_csrf`) and sends
 * them back. One jar serves one base URL, so domains and paths are not
 * tracked. In a browser, `Set-Cookie` is unreadable and the `Cookie` header
 * cannot be set: the jar stays empty and the browser does the work.
 */
export class CookieJar {
  readonly #cookies = new Map<string, { value: string; expiresAt: number | undefined }>();

  /** Record the `Set-Cookie` headers of a response (an empty value or a past expiry deletes). */
  capture(headers: Headers): void {
    const lines = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
    for (const line of lines) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let expiresAt: number | undefined;
      for (const attribute of attributes) {
        const [key = '', raw = ''] = attribute.split('=', 2).map((s) => s.trim());
        if (key.toLowerCase() === 'max-age' && /^-?\d+$/.test(raw)) expiresAt = Date.now() + Number(raw) * 1000;
        else if (key.toLowerCase() === 'expires' && expiresAt === undefined && !Number.isNaN(Date.parse(raw))) expiresAt = Date.parse(raw);
      }
      if (value === '' || (expiresAt !== undefined && expiresAt <= Date.now())) this.#cookies.delete(name);
      else this.#cookies.set(name, { value, expiresAt });
    }
  }

  get(name: string): string | undefined {
    const c = this.#cookies.get(name);
    if (c === undefined) return undefined;
    if (c.expiresAt !== undefined && c.expiresAt <= Date.now()) {
      this.#cookies.delete(name);
      return undefined;
    }
    return c.value;
  }

  /** The `Cookie` request header, or `undefined` when the jar is empty. */
  header(): string | undefined {
    const pairs: string[] = [];
    for (const name of [...this.#cookies.keys()]) {
      const value = this.get(name);
      if (value !== undefined) pairs.push(`${name}=${value}`);
    }
    return pairs.length === 0 ? undefined : pairs.join('; ');
  }

  clear(): void {
    this.#cookies.clear();
  }
}

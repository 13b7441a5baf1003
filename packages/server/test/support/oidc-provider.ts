import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenID provider (`oidc-provider`) on a free local port, with one
 * confidential client and fixed accounts, and a minimal "browser" that walks
 * its login and consent pages (the package's development interactions: plain
 * HTML forms) with its own cookies.
 */
export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>` */
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export interface TestOidcProviderOptions {
  /** The redirect URI registered for the client. */
  redirectUri: string;
  /** Account id (what the login form takes) → claims. */
  accounts: Record<string, Record<string, unknown>>;
}

/** Run `fn` with oidc-provider's development-mode warnings kept out of the test output. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  const filter = (write: (...args: unknown[]) => void) => (...args: unknown[]) => {
    if (!String(args[0]).includes('oidc-provider')) write(...args);
  };
  console.warn = filter(warn);
  console.info = filter(info);
  try {
    return await fn();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

export async function startOidcProvider(options: TestOidcProviderOptions): Promise<TestOidcProvider> {
  // The issuer contains the port, so listen first and install the provider's handler once it exists.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'sentinel-kit';
  const clientSecret = 'a-client-secret-for-tests-only-0123456789';
  const provider = await quietly(async () => {
    const { default: Provider } = await import('oidc-provider');
    return new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [options.redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email', 'email_verified'], groups: ['groups'] },
      scopes: ['openid', 'profile', 'email', 'groups'],
      findAccount: (_ctx, id) => {
        const claims = options.accounts[id];
        return claims === undefined ? undefined : { accountId: id, claims: () => ({ sub: id, ...claims }) };
      },
      cookies: { keys: ['test-only-cookie-signing-key'] },
      // Explicit lifetimes (seconds), so the provider does not print notices about its defaults.
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      pkce: { required: () => true },
    });
  });
  handler = provider.callback();
  return {
    issuer,
    clientId,
    clientSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const decodeHtml = (s: string): string => s.replace(/&amp;/g, '&').replace(/&#x2F;/gi, '/').replace(/&#39;/g, "'").replace(/&quot;/g, '"');

/** A user agent for the provider's pages: keeps the provider's cookies, follows redirects by hand, submits its forms. */
export class ProviderBrowser {
  readonly #origin: string;
  readonly #cookies = new Map<string, string>();

  constructor(issuer: string) {
    this.#origin = new URL(issuer).origin;
  }

  async #request(url: string, init: { method: 'GET' | 'POST'; form?: URLSearchParams }): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method: init.method, headers, redirect: 'manual', ...(init.form === undefined ? {} : { body: init.form.toString() }) });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expires = attributes.map((a) => /^\s*expires=(.*)$/i.exec(a)?.[1]).find((v) => v !== undefined);
      if (value === '' || (expires !== undefined && Date.parse(expires) <= Date.now())) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return res;
  }

  /**
   * Open the authorization URL and go through the provider's pages — sign
   * in as `account` (any password: development interactions), consent — until
   * the provider sends the browser elsewhere; answers that URL (the client's
   * redirect URI with `code` and `state`, or `error`). `abort` cancels at the
   * first page instead.
   */
  async authorize(authorizationUrl: string, account: string, options: { abort?: boolean } = {}): Promise<URL> {
    let url = authorizationUrl;
    let form: URLSearchParams | undefined;
    for (let step = 0; step < 20; step++) {
      const res = await this.#request(url, form === undefined ? { method: 'GET' } : { method: 'POST', form });
      form = undefined;
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location !== null) {
        await res.body?.cancel();
        const next = new URL(location, url);
        if (next.origin !== this.#origin) return next;
        url = next.href;
        continue;
      }
      const html = await res.text();
      if (res.status !== 200) throw new Error(`the provider answered ${res.status} at ${url}: ${html.slice(0, 300)}`);
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
      if (action === undefined || prompt === undefined) throw new Error(`no interaction form at ${url}: ${html.slice(0, 300)}`);
      const target = new URL(decodeHtml(action), url);
      if (options.abort === true) {
        url = `${target.href}/abort`;
        continue;
      }
      form = new URLSearchParams({ prompt });
      if (prompt === 'login') {
        form.set('login', account);
        form.set('password', 'any password');
      }
      url = target.href;
    }
    throw new Error('the provider never redirected back');
  }
}

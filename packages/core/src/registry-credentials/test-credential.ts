import type { Clock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import { apiHostFor } from '../registry/image-reference.js';
import { isLoopbackRegistry } from '../registry/registry-client.js';
import { parseWwwAuthenticate } from '../registry/www-authenticate.js';

/** The answer of a credential test: the seed's `{"success": true, "message": "Credentials valid"}`. */
export interface CredentialTestResult {
  success: boolean;
  message: string;
}

export interface TestCredentialOptions {
  fetch: FetchLike;
  clock: Clock;
  /**
   * Scheme per registry.
   * @default http for loopback registries (`localhost`, `127.0.0.0/8`, `::1`), https otherwise
   */
  scheme?: (registry: string) => 'http' | 'https';
  /**
   * Give up on a request whose response headers have not arrived after this long.
   * @default 15_000
   */
  timeoutMs?: number;
  /** @default 'sentinel-kit' */
  userAgent?: string;
}

/**
 * Check a login against a registry for real, the way `docker login` does:
 * ping `/v2/` anonymously, then answer its challenge with the credentials —
 * a bearer token request with Basic auth to the announced realm, or Basic
 * auth on `/v2/` itself. Never throws for a registry's answer; the secret
 * never appears in the message.
 *
 * @param registry normalised registry name (`docker.io`, `ghcr.io`, `registry.lan:5000`)
 * @example
 * await testRegistryCredential('docker.io', { username: 'me', password: token }, { fetch, clock });
 * // { success: true, message: 'Credentials valid' }
 */
export async function testRegistryCredential(
  registry: string,
  credentials: { username: string; password: string },
  options: TestCredentialOptions,
): Promise<CredentialTestResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const userAgent = options.userAgent ?? 'sentinel-kit';
  const scheme = options.scheme?.(registry) ?? (isLoopbackRegistry(registry) ? 'http' : 'https');
  const base = `${scheme}://${apiHostFor(registry)}`;
  const authorization = basicHeader(credentials.username, credentials.password);

  const request = async (url: URL, headers: Record<string, string>, redirect: 'follow' | 'manual'): Promise<Response | string> => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = options.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      return await options.fetch(url.toString(), { method: 'GET', headers: { 'User-Agent': userAgent, ...headers }, redirect, signal: controller.signal });
    } catch (error) {
      return timedOut ? `timed out after ${timeoutMs} ms` : `failed${networkCode(error)}`;
    } finally {
      options.clock.clearTimeout(timer);
    }
  };

  const ping = await request(new URL(`${base}/v2/`), {}, 'follow');
  if (typeof ping === 'string') return { success: false, message: `Could not reach ${registry}: request ${ping}` };
  release(ping);
  if (ping.ok) return { success: true, message: `${registry} allows anonymous access; the credentials were not needed and not checked` };
  if (ping.status !== 401) return { success: false, message: `${registry} answered ${ping.status} to the registry API check (/v2/)` };

  const challenges = parseWwwAuthenticate(ping.headers.get('www-authenticate') ?? '');
  const bearer = challenges.find((c) => c.scheme === 'bearer' && (c.params['realm'] ?? '') !== '');
  const basic = challenges.find((c) => c.scheme === 'basic');

  if (bearer !== undefined) {
    let realm: URL;
    try {
      realm = new URL(bearer.params['realm'] ?? '');
    } catch {
      return { success: false, message: `${registry} announced an invalid token service address` };
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') return { success: false, message: `${registry} announced an invalid token service address` };
    if (realm.protocol === 'http:' && scheme === 'https') {
      // Sending the password in clear to a realm an https registry named would expose it.
      return { success: false, message: `${registry} asked for credentials over plain HTTP (${realm.host}); refusing to send them` };
    }
    const service = bearer.params['service'];
    if (service !== undefined) realm.searchParams.set('service', service);
    realm.searchParams.set('account', credentials.username);
    // Like `docker login`: no scope, which asks the token service to authenticate the account only.
    const res = await request(realm, { Authorization: authorization, Accept: 'application/json' }, 'manual');
    if (typeof res === 'string') return { success: false, message: `Could not reach the token service of ${registry} (${realm.host}): request ${res}` };
    if (res.status === 401 || res.status === 403) {
      release(res);
      return { success: false, message: `Invalid username or password: the token service of ${registry} answered ${res.status}` };
    }
    if (!res.ok) {
      release(res);
      return { success: false, message: `The token service of ${registry} (${realm.host}) answered ${res.status}` };
    }
    const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const token = body?.['token'] ?? body?.['access_token'];
    if (typeof token !== 'string' || token.length === 0) return { success: false, message: `The token service of ${registry} answered without a token` };
    return { success: true, message: 'Credentials valid' };
  }

  if (basic !== undefined) {
    const res = await request(new URL(`${base}/v2/`), { Authorization: authorization }, 'manual');
    if (typeof res === 'string') return { success: false, message: `Could not reach ${registry}: request ${res}` };
    release(res);
    if (res.ok) return { success: true, message: 'Credentials valid' };
    if (res.status === 401 || res.status === 403) return { success: false, message: `Invalid username or password: ${registry} answered ${res.status}` };
    return { success: false, message: `${registry} answered ${res.status} to the authenticated registry API check` };
  }

  return { success: false, message: `${registry} requires authentication but announced no supported scheme (Bearer or Basic)` };
}

function basicHeader(username: string, password: string): string {
  // btoa takes Latin-1 only: encode the UTF-8 bytes first.
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

function release(res: Response): void {
  // Not awaited: some fetch implementations never settle a cancel.
  res.body?.cancel().catch(() => undefined);
}

/** ` (ECONNREFUSED)` for a network error with a system code; never the error's own text, which may quote the URL. */
function networkCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = cause?.code ?? (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? ` (${code})` : '';
}

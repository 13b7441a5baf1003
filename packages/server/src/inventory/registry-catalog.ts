import { UpstreamError, apiHostFor, isLoopbackRegistry, parseWwwAuthenticate } from '@sentinel-kit/core';
import type { Clock, FetchLike, RegistryCredentials } from '@sentinel-kit/core';

export interface CatalogOptions {
  fetch: FetchLike;
  clock: Clock;
  /** Credentials for the registry (Basic auth, or the account of a bearer token request). */
  credentials?: RegistryCredentials | undefined;
  /** @default http for loopback registries, https otherwise */
  scheme?: 'http' | 'https';
  /** Stop after this many repositories. @default 1000 */
  maxRepositories?: number;
  /** Page size asked for (`n`). @default 100 */
  pageSize?: number;
  /** Abort a request whose headers have not arrived after this long. @default 30 000 */
  timeoutMs?: number;
  /** Stop listing (the server is shutting down). */
  signal?: AbortSignal;
}

function basic(credentials: RegistryCredentials): string {
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

/**
 * Repositories of a registry, from the distribution API's catalogue
 * (`GET /v2/_catalog`, following `Link` pages). The registry client has no
 * catalogue call, so this speaks the same auth dance itself: anonymous first,
 * then Basic or a bearer token for scope `registry:catalog:*` as the
 * challenge asks. Docker Hub and most public registries do not serve a
 * catalogue: they answer 401/404, reported as `UpstreamError`.
 */
export async function listRegistryCatalog(registry: string, options: CatalogOptions): Promise<string[]> {
  const scheme = options.scheme ?? (isLoopbackRegistry(registry) ? 'http' : 'https');
  const base = `${scheme}://${apiHostFor(registry)}`;
  const max = options.maxRepositories ?? 1000;
  const pageSize = options.pageSize ?? 100;
  const timeoutMs = options.timeoutMs ?? 30_000;
  let authorization: string | undefined;

  const exchange = async (url: string, headers: Record<string, string>): Promise<Response> => {
    const controller = new AbortController();
    const timer = options.clock.setTimeout(() => controller.abort(), timeoutMs);
    const stop = (): void => controller.abort();
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted === true) controller.abort();
    try {
      return await options.fetch(url, { method: 'GET', headers: { 'User-Agent': 'sentinel-kit', ...headers }, signal: controller.signal, redirect: 'follow' });
    } catch (error) {
      throw new UpstreamError(`catalog request to ${registry} failed`, { cause: error, details: { registry } });
    } finally {
      options.clock.clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
    }
  };

  const authorize = async (response: Response): Promise<boolean> => {
    const challenges = parseWwwAuthenticate(response.headers.get('www-authenticate') ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer' && (c.params['realm'] ?? '') !== '');
    if (bearer !== undefined) {
      const url = new URL(bearer.params['realm'] ?? '');
      if (bearer.params['service'] !== undefined) url.searchParams.set('service', bearer.params['service']);
      url.searchParams.set('scope', 'registry:catalog:*');
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (options.credentials !== undefined) {
        // Never send a password to a plain-http realm of an https registry.
        if (url.protocol !== 'https:' && scheme === 'https') throw new UpstreamError(`${registry} asked for credentials over plain HTTP; refusing to send them`, { details: { registry } });
        headers['Authorization'] = basic(options.credentials);
        url.searchParams.set('account', options.credentials.username);
      }
      const res = await exchange(url.toString(), headers);
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new UpstreamError(`token request for the catalogue of ${registry} failed with status ${res.status}`, { status: res.status, details: { registry } });
      }
      const body = (await res.json().catch(() => null)) as { token?: unknown; access_token?: unknown } | null;
      const token = typeof body?.token === 'string' ? body.token : typeof body?.access_token === 'string' ? body.access_token : undefined;
      if (token === undefined || token === '') throw new UpstreamError(`token response from ${registry} has no token`, { details: { registry } });
      authorization = `Bearer ${token}`;
      return true;
    }
    if (challenges.some((c) => c.scheme === 'basic') && options.credentials !== undefined) {
      authorization = basic(options.credentials);
      return true;
    }
    return false;
  };

  const repositories: string[] = [];
  const seen = new Set<string>();
  let next: URL | undefined = new URL(`${base}/v2/_catalog?n=${pageSize}`);
  const visited = new Set<string>();
  while (next !== undefined && repositories.length < max) {
    const url: URL = next;
    if (visited.has(url.toString())) throw new UpstreamError(`${registry} keeps paging its catalogue`, { details: { registry } });
    visited.add(url.toString());
    let res = await exchange(url.toString(), { Accept: 'application/json', ...(authorization === undefined ? {} : { Authorization: authorization }) });
    if (res.status === 401) {
      await res.body?.cancel().catch(() => undefined);
      if (await authorize(res)) res = await exchange(url.toString(), { Accept: 'application/json', ...(authorization === undefined ? {} : { Authorization: authorization }) });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new UpstreamError(`${registry} answered ${res.status} for its catalogue`, { status: res.status, details: { registry } });
    }
    const body = (await res.json().catch(() => null)) as { repositories?: unknown } | null;
    if (!Array.isArray(body?.repositories)) throw new UpstreamError(`${registry} returned a catalogue without a repositories list`, { details: { registry } });
    for (const name of body.repositories) {
      if (typeof name === 'string' && name !== '' && !seen.has(name) && repositories.length < max) {
        seen.add(name);
        repositories.push(name);
      }
    }
    const link = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(res.headers.get('link') ?? '')?.[1];
    next = link === undefined ? undefined : new URL(link, url);
    // Following a link to another host would send our token there.
    if (next !== undefined && next.origin !== url.origin) throw new UpstreamError(`${registry} sent a catalogue page link to another host`, { details: { registry } });
  }
  return repositories;
}

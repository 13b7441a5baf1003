/**
 * An in-memory OCI distribution registry exposed as a `fetch` function, for
 * tests and examples that must not touch the network. It speaks enough of the
 * distribution API for the registry client: `/v2/`, tag lists with `Link`
 * paging, manifest HEAD/GET with `Docker-Content-Digest`, and optional bearer
 * auth with a token endpoint.
 */
export interface FakeRegistryOptions {
  /** Host the fake answers for, e.g. `registry.test` or `127.0.0.1:5000`. */
  host: string;
  /** Largest tag page served when the client does not ask for less. @default 100 */
  pageSize?: number;
  /** Require bearer tokens (served from `https://<host>/token`). @default false */
  requireToken?: boolean;
}

export interface FakeRegistry {
  /** Use as the registry client's `fetch`. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Publish (or move) `repository:tag` to a manifest digest; returns the digest. */
  push(repository: string, tag: string, digest?: string): string;
  /** Remove a tag. */
  untag(repository: string, tag: string): void;
  /** Make every request for a repository fail with this status. */
  fail(repository: string, status: number | undefined): void;
  /** Requests received, by kind. */
  requests(): { tags: number; manifest_head: number; manifest_get: number; token: number; other: number };
  resetRequests(): void;
  digestOf(repository: string, tag: string): string | undefined;
}

let counter = 0;

/** A deterministic fake digest for tests: `sha256:` followed by 64 hex characters. */
export function fakeDigest(seed: string): string {
  let h1 = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < 64; round++) {
    for (const ch of `${seed}#${round}`) h1 = Math.imul(h1 ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h1.toString(16).padStart(8, '0');
  }
  return `sha256:${out.slice(0, 64)}`;
}

export function createFakeRegistry(options: FakeRegistryOptions): FakeRegistry {
  const pageSize = options.pageSize ?? 100;
  const repos = new Map<string, Map<string, string>>();
  const failing = new Map<string, number>();
  const counts = { tags: 0, manifest_head: 0, manifest_get: 0, token: 0, other: 0 };
  const tokens = new Set<string>();

  const json = (body: unknown, init: ResponseInit = {}): Response =>
    new Response(JSON.stringify(body), { ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });

  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    if (url.host !== options.host) throw new TypeError(`fetch failed: fake registry ${options.host} does not serve ${url.host}`);
    if (url.pathname === '/token') {
      counts.token++;
      const token = `tok-${++counter}`;
      tokens.add(token);
      return json({ token, expires_in: 300 });
    }
    if (options.requireToken) {
      const auth = request.headers.get('authorization') ?? '';
      if (!tokens.has(auth.replace(/^Bearer /, ''))) {
        const scope = /^\/v2\/(.+)\/(tags|manifests)\//.exec(url.pathname)?.[1];
        return json(
          { errors: [{ code: 'UNAUTHORIZED' }] },
          {
            status: 401,
            headers: {
              'www-authenticate': `Bearer realm="${url.protocol}//${options.host}/token",service="${options.host}"${scope ? `,scope="repository:${scope}:pull"` : ''}`,
            },
          },
        );
      }
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      counts.other++;
      return json({});
    }
    const tagsMatch = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (tagsMatch) {
      counts.tags++;
      const repo = tagsMatch[1] as string;
      const status = failing.get(repo);
      if (status !== undefined) return json({ errors: [{ code: 'UNKNOWN' }] }, { status });
      const tags = repos.get(repo);
      if (tags === undefined) return json({ errors: [{ code: 'NAME_UNKNOWN' }] }, { status: 404 });
      const all = [...tags.keys()].sort();
      const n = Math.min(Number(url.searchParams.get('n') ?? pageSize) || pageSize, pageSize);
      const last = url.searchParams.get('last');
      const start = last === null ? 0 : all.findIndex((t) => t > last);
      const page = start < 0 ? [] : all.slice(start, start + n);
      const headers: Record<string, string> = {};
      const lastOfPage = page[page.length - 1];
      if (start >= 0 && start + n < all.length && lastOfPage !== undefined) {
        headers.link = `</v2/${repo}/tags/list?n=${n}&last=${encodeURIComponent(lastOfPage)}>; rel="next"`;
      }
      return json({ name: repo, tags: page }, { headers });
    }
    const manifestMatch = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (manifestMatch) {
      const repo = manifestMatch[1] as string;
      const ref = decodeURIComponent(manifestMatch[2] as string);
      if (request.method === 'HEAD') counts.manifest_head++;
      else counts.manifest_get++;
      const status = failing.get(repo);
      if (status !== undefined) return new Response(null, { status });
      const tags = repos.get(repo);
      const digest = ref.startsWith('sha256:') ? ([...(tags?.values() ?? [])].includes(ref) ? ref : undefined) : tags?.get(ref);
      if (digest === undefined) return json({ errors: [{ code: 'MANIFEST_UNKNOWN' }] }, { status: 404 });
      const mediaType = 'application/vnd.oci.image.manifest.v1+json';
      const headers = { 'docker-content-digest': digest, 'content-type': mediaType };
      if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
      return new Response(JSON.stringify({ schemaVersion: 2, mediaType, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: 2 }, layers: [] }), { headers });
    }
    counts.other++;
    return json({ errors: [{ code: 'UNSUPPORTED' }] }, { status: 404 });
  };

  return {
    fetch: fetchImpl,
    push(repository, tag, digest) {
      const d = digest ?? fakeDigest(`${options.host}/${repository}:${tag}:${++counter}`);
      let tags = repos.get(repository);
      if (tags === undefined) {
        tags = new Map();
        repos.set(repository, tags);
      }
      tags.set(tag, d);
      return d;
    },
    untag(repository, tag) {
      repos.get(repository)?.delete(tag);
    },
    fail(repository, status) {
      if (status === undefined) failing.delete(repository);
      else failing.set(repository, status);
    },
    requests: () => ({ ...counts }),
    resetRequests() {
      for (const k of Object.keys(counts) as Array<keyof typeof counts>) counts[k] = 0;
    },
    digestOf: (repository, tag) => repos.get(repository)?.get(tag),
  };
}

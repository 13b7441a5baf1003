import { sha256Digest } from '../../registry/content-digest.js';
import { DOCKER_MANIFEST_MEDIA_TYPE, OCI_INDEX_MEDIA_TYPE } from '../../registry/media-types.js';
import type { Platform } from '../../registry/media-types.js';
import { createTar, gzipBytes } from './tar-writer.js';
import type { TarWriteEntry } from './tar-writer.js';

/**
 * An in-memory OCI distribution registry that serves real image content —
 * `/v2/_catalog`, tag lists, manifests (images and indexes) and blobs — as a
 * `fetch` function, for tests and examples of image scanning that must not
 * touch the network. Optional Basic auth. Layers are real `tar+gzip` blobs.
 */
export interface MemoryOciRegistryOptions {
  /** Host the registry answers for: `images.test`, `127.0.0.1:5000`. */
  host: string;
  /** Require these credentials (Basic auth challenge) on every `/v2/` request. */
  auth?: { username: string; password: string };
  /** Largest `_catalog` page when the client does not ask for less. @default 100 */
  catalogPageSize?: number;
}

export interface PushedImage {
  /** Digest of the tag's manifest (the index's when several platforms were pushed). */
  digest: string;
  /** Digests of the single-platform manifests, by `os/architecture`. */
  platforms: Record<string, string>;
  /** Layer blob digests of the first platform, bottom first. */
  layers: string[];
}

export interface PushImageOptions {
  /** Layers, bottom first: file entries (written as tar+gzip) or ready blobs with their media type. */
  layers: Array<TarWriteEntry[] | { blob: Uint8Array; mediaType: string }>;
  /** @default { os: 'linux', architecture: 'amd64' } */
  platform?: Platform;
  /** Further platforms: an index is pushed, each platform with these layers. */
  otherPlatforms?: Array<{ platform: Platform; layers: Array<TarWriteEntry[] | { blob: Uint8Array; mediaType: string }> }>;
}

export interface MemoryOciRegistry {
  readonly host: string;
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Push an image (or a multi-platform index) as `repository:tag`. */
  pushImage(repository: string, tag: string, options: PushImageOptions): Promise<PushedImage>;
  /** Point a tag at an existing manifest digest. */
  tag(repository: string, tag: string, digest: string): void;
  deleteTag(repository: string, tag: string): void;
  /** Requests received by kind. */
  requests(): { catalog: number; tags: number; manifest: number; blob: number; unauthorized: number };
}

const GZIP_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const CONFIG = 'application/vnd.docker.container.image.v1+json';

export function createMemoryOciRegistry(options: MemoryOciRegistryOptions): MemoryOciRegistry {
  const blobs = new Map<string, Uint8Array>();
  const manifests = new Map<string, { bytes: Uint8Array; mediaType: string }>();
  const repos = new Map<string, Map<string, string>>();
  const counts = { catalog: 0, tags: 0, manifest: 0, blob: 0, unauthorized: 0 };
  const pageSize = options.catalogPageSize ?? 100;
  const encoder = new TextEncoder();

  const putBlob = async (bytes: Uint8Array): Promise<string> => {
    const digest = await sha256Digest(bytes);
    blobs.set(digest, bytes);
    return digest;
  };
  const putManifest = async (body: object, mediaType: string): Promise<{ digest: string; size: number }> => {
    const bytes = encoder.encode(JSON.stringify(body));
    const digest = await sha256Digest(bytes);
    manifests.set(digest, { bytes, mediaType });
    return { digest, size: bytes.length };
  };
  const tagsOf = (repository: string): Map<string, string> => {
    let tags = repos.get(repository);
    if (tags === undefined) {
      tags = new Map();
      repos.set(repository, tags);
    }
    return tags;
  };

  const pushPlatform = async (platform: Platform, layers: PushImageOptions['layers']): Promise<{ digest: string; size: number; layers: string[] }> => {
    const descriptors: Array<{ mediaType: string; digest: string; size: number }> = [];
    for (const layer of layers) {
      const blob = Array.isArray(layer) ? await gzipBytes(createTar(layer)) : layer.blob;
      descriptors.push({ mediaType: Array.isArray(layer) ? GZIP_LAYER : layer.mediaType, digest: await putBlob(blob), size: blob.length });
    }
    const config = encoder.encode(JSON.stringify({ architecture: platform.architecture, os: platform.os, rootfs: { type: 'layers', diff_ids: [] } }));
    const configDigest = await putBlob(config);
    const manifest = await putManifest(
      { schemaVersion: 2, mediaType: DOCKER_MANIFEST_MEDIA_TYPE, config: { mediaType: CONFIG, digest: configDigest, size: config.length }, layers: descriptors },
      DOCKER_MANIFEST_MEDIA_TYPE,
    );
    return { ...manifest, layers: descriptors.map((d) => d.digest) };
  };

  const json = (body: unknown, init: ResponseInit = {}): Response =>
    new Response(JSON.stringify(body), { ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  const notFound = (code: string): Response => json({ errors: [{ code, message: code.toLowerCase() }] }, { status: 404 });

  const authorized = (request: Request): boolean => {
    if (options.auth === undefined) return true;
    const expected = `Basic ${btoa(`${options.auth.username}:${options.auth.password}`)}`;
    return request.headers.get('authorization') === expected;
  };

  const registry: MemoryOciRegistry = {
    host: options.host,

    async fetch(input, init) {
      const request = input instanceof Request ? input : new Request(input, init);
      const url = new URL(request.url);
      if (url.host !== options.host) throw new TypeError(`fetch failed: memory registry ${options.host} does not serve ${url.host}`);
      if (!authorized(request)) {
        counts.unauthorized++;
        return json({ errors: [{ code: 'UNAUTHORIZED' }] }, { status: 401, headers: { 'www-authenticate': `Basic realm="${options.host}"` } });
      }
      const path = url.pathname;
      if (path === '/v2/' || path === '/v2') return json({});
      if (path === '/v2/_catalog') {
        counts.catalog++;
        const n = Math.min(Number(url.searchParams.get('n') ?? pageSize) || pageSize, pageSize);
        const last = url.searchParams.get('last') ?? '';
        const names = [...repos.keys()].filter((name) => (repos.get(name)?.size ?? 0) > 0).sort().filter((name) => name > last);
        const page = names.slice(0, n);
        const headers: Record<string, string> = {};
        if (names.length > n) headers['link'] = `</v2/_catalog?n=${n}&last=${encodeURIComponent(page[page.length - 1] ?? '')}>; rel="next"`;
        return json({ repositories: page }, { headers });
      }
      const match = /^\/v2\/(.+)\/(tags\/list|manifests\/[^/]+|blobs\/[^/]+)$/.exec(path);
      if (match === null) return notFound('NOT_FOUND');
      const [, repository = '', rest = ''] = match;
      const tags = repos.get(repository);
      if (rest === 'tags/list') {
        counts.tags++;
        if (tags === undefined) return notFound('NAME_UNKNOWN');
        return json({ name: repository, tags: [...tags.keys()].sort() });
      }
      const reference = decodeURIComponent(rest.slice(rest.indexOf('/') + 1));
      if (rest.startsWith('manifests/')) {
        counts.manifest++;
        const digest = reference.startsWith('sha256:') ? reference : tags?.get(reference);
        const found = digest === undefined ? undefined : manifests.get(digest);
        if (found === undefined || digest === undefined) return notFound('MANIFEST_UNKNOWN');
        const headers = { 'content-type': found.mediaType, 'docker-content-digest': digest, 'content-length': String(found.bytes.length) };
        return new Response(request.method === 'HEAD' ? null : found.bytes, { status: 200, headers });
      }
      counts.blob++;
      const blob = blobs.get(reference);
      if (blob === undefined) return notFound('BLOB_UNKNOWN');
      return new Response(blob, { status: 200, headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) } });
    },

    async pushImage(repository, tag, push) {
      const first = { platform: push.platform ?? { os: 'linux', architecture: 'amd64' }, layers: push.layers };
      const all = [first, ...(push.otherPlatforms ?? [])];
      const pushed = await Promise.all(all.map((p) => pushPlatform(p.platform, p.layers)));
      const platforms: Record<string, string> = {};
      all.forEach((p, i) => {
        platforms[`${p.platform.os}/${p.platform.architecture}`] = (pushed[i] as { digest: string }).digest;
      });
      let digest = (pushed[0] as { digest: string }).digest;
      if (all.length > 1) {
        const index = await putManifest(
          {
            schemaVersion: 2,
            mediaType: OCI_INDEX_MEDIA_TYPE,
            manifests: all.map((p, i) => ({ mediaType: DOCKER_MANIFEST_MEDIA_TYPE, digest: pushed[i]?.digest, size: pushed[i]?.size, platform: p.platform })),
          },
          OCI_INDEX_MEDIA_TYPE,
        );
        digest = index.digest;
      }
      tagsOf(repository).set(tag, digest);
      return { digest, platforms, layers: pushed[0]?.layers ?? [] };
    },

    tag(repository, tag, digest) {
      if (!manifests.has(digest)) throw new Error(`no manifest ${digest}`);
      tagsOf(repository).set(tag, digest);
    },

    deleteTag(repository, tag) {
      repos.get(repository)?.delete(tag);
    },

    requests() {
      return { ...counts };
    },
  };
  return registry;
}

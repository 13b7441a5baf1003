/** OCI image index (multi-platform). */
export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
/** Docker manifest list (multi-platform). */
export const DOCKER_MANIFEST_LIST_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** OCI image manifest (one platform). */
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
/** Docker image manifest schema 2 (one platform). */
export const DOCKER_MANIFEST_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

/**
 * Every manifest media type we accept, indexes first. A registry answers with
 * the first listed type it has; sending all four makes Docker Hub return the
 * multi-platform digest that `docker pull` records, not a converted schema 1.
 */
export const MANIFEST_MEDIA_TYPES = [
  OCI_INDEX_MEDIA_TYPE,
  DOCKER_MANIFEST_LIST_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  DOCKER_MANIFEST_MEDIA_TYPE,
] as const;

export type ManifestMediaType = (typeof MANIFEST_MEDIA_TYPES)[number];

const INDEX_TYPES: ReadonlySet<string> = new Set([OCI_INDEX_MEDIA_TYPE, DOCKER_MANIFEST_LIST_MEDIA_TYPE]);
const IMAGE_TYPES: ReadonlySet<string> = new Set([OCI_MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE]);

/** A content descriptor: what a manifest says about a blob or another manifest. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly urls?: readonly string[];
}

export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
}

/** A single-platform image manifest (OCI or Docker schema 2). */
export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A multi-platform index (OCI image index or Docker manifest list). */
export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly manifests: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** `index` for multi-platform lists, `image` for single-platform manifests. */
export type ManifestKind = 'index' | 'image';

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

export function isImageManifestMediaType(mediaType: string): boolean {
  return IMAGE_TYPES.has(mediaType);
}

/**
 * Decide what a parsed manifest body is, from its media type when known and
 * from its shape otherwise (some registries send `application/json`).
 */
export function classifyManifest(mediaType: string, body: unknown): { kind: 'index'; manifest: ImageIndex } | { kind: 'image'; manifest: ImageManifest } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (record['schemaVersion'] !== 2) return undefined;
  const declared = typeof record['mediaType'] === 'string' ? record['mediaType'] : mediaType;
  const hasManifests = Array.isArray(record['manifests']);
  const hasLayers = Array.isArray(record['layers']) && typeof record['config'] === 'object' && record['config'] !== null;
  if ((isIndexMediaType(declared) || !isImageManifestMediaType(declared)) && hasManifests) {
    return { kind: 'index', manifest: body as ImageIndex };
  }
  if (hasLayers) return { kind: 'image', manifest: body as ImageManifest };
  return undefined;
}

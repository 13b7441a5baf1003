import type { InventoryItem } from '../../contract/inventory.js';
import { InvalidError, UpstreamError, errorMessage, isSentinelError } from '../../errors/index.js';
import { parseImageReference } from '../../registry/image-reference.js';
import type { ImageReference } from '../../registry/image-reference.js';
import type { Descriptor, ImageManifest, Platform } from '../../registry/media-types.js';
import type { ReferenceInput, RegistryClient } from '../../registry/registry-client.js';
import { parseApkInstalled } from '../packages-db/apk-installed.js';
import { parseDpkgStatus } from '../packages-db/dpkg-status.js';
import type { InstalledPackage, PackageManager } from '../packages-db/installed-package.js';
import { parseOsRelease } from '../packages-db/os-release.js';
import type { OsRelease } from '../packages-db/os-release.js';
import { toInventoryItems } from '../packages-db/package-items.js';
import { createImageFilesystem, isPackageDatabasePath, PACKAGE_DATABASE_PATHS } from './image-filesystem.js';

/** The platform to scan in a multi-platform image. */
export interface ScanPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ScanImageOptions {
  registry: RegistryClient;
  /** Tag or digest reference (`registry.lan/app:1.2`, `app@sha256:…`). */
  reference: ReferenceInput;
  /** Platform picked from an index; linux/amd64 is the fallback when it is absent. @default linux/amd64 */
  platform?: ScanPlatform;
  /** Largest package database file read. @default 64 MiB */
  maxFileBytes?: number;
  /** Abort the scan (the layer download in progress is cancelled). */
  signal?: AbortSignal;
}

/** What an image's layers say about its OS packages. */
export interface ImagePackageScan {
  /** Digest the reference points at: the index's for a multi-platform image, as `docker pull` reports it. */
  manifest_digest: string;
  /** Digest of the single-platform manifest whose layers were read. */
  platform_digest: string;
  platform: ScanPlatform | null;
  os: OsRelease | null;
  /** Package databases found (`dpkg`, `apk`); empty for an image without one (scratch, busybox, static binaries). */
  package_managers: PackageManager[];
  packages: InstalledPackage[];
  /** The packages as inventory items for the vulnerability matcher. */
  items: InventoryItem[];
  layers: number;
}

/** Layer media types whose blobs are tar streams, gzipped or not. zstd needs a decompressor Node 20 lacks. */
const LAYER_TYPES: Readonly<Record<string, 'gzip' | 'tar' | 'zstd'>> = {
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar': 'tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar': 'tar',
  'application/vnd.docker.image.rootfs.diff.tar': 'tar',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd': 'zstd',
};

const MAX_INDEX_DEPTH = 2;

/** The scan failed for a reason the image inventory reports as `error_type`. */
function scanFailure(errorType: string, message: string): InvalidError {
  return new InvalidError(message, { details: { error_type: errorType } });
}

const isReal = (platform: Platform | undefined): platform is Platform =>
  platform !== undefined && platform.os !== 'unknown' && platform.architecture !== 'unknown';

/** Pick the manifest of `want` from an index: exact platform, then linux/amd64, then the first real platform. */
export function pickPlatform(manifests: readonly Descriptor[], want: ScanPlatform): Descriptor | undefined {
  const real = manifests.filter((m) => isReal(m.platform));
  const same = (m: Descriptor, os: string, architecture: string, variant?: string): boolean =>
    m.platform?.os === os && m.platform.architecture === architecture && (variant === undefined || m.platform.variant === undefined || m.platform.variant === variant);
  return (
    real.find((m) => same(m, want.os, want.architecture, want.variant)) ??
    real.find((m) => same(m, 'linux', 'amd64')) ??
    real[0] ??
    // Indexes without platforms (some artifact indexes) name their image first.
    manifests.find((m) => m.platform === undefined)
  );
}

async function* readStream(stream: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  const abort = (): void => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted === true) throw signal.reason ?? new Error('aborted');
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    // Cancelling releases the connection when we stop before the end (tar end marker, abort, error).
    await reader.cancel().catch(() => undefined);
  }
}

function gunzip(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(new DecompressionStream('gzip'));
}

// A function, so that TypeScript does not narrow `aborted` across awaits.
const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/**
 * Settle with `work`, or reject as soon as `signal` aborts (the registry
 * client's requests take no signal of ours). A response that arrives after
 * the abort has its body cancelled so the connection is released.
 */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    void work.then((value) => (value instanceof Response ? value.body?.cancel() : undefined)).catch(() => undefined);
    return Promise.reject(signal.reason ?? new Error('aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason ?? new Error('aborted'));
      void work.then((value) => (value instanceof Response ? value.body?.cancel() : undefined)).catch(() => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The layer as tar bytes: gunzipped by media type, or by its magic number when the type says nothing useful. */
async function layerTarStream(body: ReadableStream<Uint8Array>, layer: Descriptor): Promise<ReadableStream<Uint8Array>> {
  const declared = LAYER_TYPES[layer.mediaType];
  if (declared === 'zstd') throw scanFailure('UNSUPPORTED_LAYER', `layer ${layer.digest} is zstd-compressed (${layer.mediaType}), which this runtime cannot decompress`);
  if (declared === 'gzip') return gunzip(body);
  if (declared === 'tar') return body;
  // Unknown media type: sniff the first bytes (gzip magic 1f 8b).
  const reader = body.getReader();
  const first = await reader.read();
  const head = first.done ? new Uint8Array(0) : first.value;
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length > 0) controller.enqueue(head);
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  if (head[0] === 0x1f && head[1] === 0x8b) return gunzip(replay);
  throw scanFailure('UNSUPPORTED_LAYER', `layer ${layer.digest} has media type ${layer.mediaType}, which is not a tar layer`);
}

function dedupe(packages: InstalledPackage[]): InstalledPackage[] {
  const seen = new Set<string>();
  return packages.filter((p) => {
    const key = `${p.manager}\t${p.name}\t${p.version}\t${p.architecture ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Read an image's OS package databases from its layers, through the
 * registry client: resolve the manifest (for an index, the manifest of
 * `platform`), then stream each layer — gunzip, walk the tar, keep only
 * `var/lib/dpkg/status`, `var/lib/dpkg/status.d/*`, `lib/apk/db/installed`
 * and os-release, apply whiteouts in layer order — and parse what remains.
 * Only those files are ever held in memory; one layer is read at a time.
 *
 * @throws NotFoundError when the reference does not exist; UpstreamError /
 *   RateLimitedError for registry failures; InvalidError with
 *   `details.error_type` (`UNSUPPORTED_LAYER`, `UNSUPPORTED_MANIFEST`,
 *   `INVALID_LAYER`) for content that cannot be read.
 *
 * @example
 * const scan = await scanImagePackages({ registry, reference: 'registry.lan/app:1.2' });
 * const matches = db.match(scan.items);
 */
export async function scanImagePackages(options: ScanImageOptions): Promise<ImagePackageScan> {
  const { registry, signal } = options;
  const want = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const reference: ImageReference = typeof options.reference === 'string' ? parseImageReference(options.reference) : options.reference;

  const top = await unlessAborted(registry.getManifest(reference), signal);
  let manifest: ImageManifest;
  let platformDigest = top.digest;
  let platform: ScanPlatform | null = null;
  if (top.kind === 'image') {
    manifest = top.manifest;
  } else {
    let current = top;
    for (let depth = 0; ; depth++) {
      const chosen = pickPlatform(current.manifest.manifests, want);
      if (chosen === undefined) throw scanFailure('UNSUPPORTED_MANIFEST', `${reference.familiar} has no image for any platform`);
      const next = await unlessAborted(registry.getManifest({ ...reference, digest: chosen.digest }), signal);
      platformDigest = next.digest;
      if (chosen.platform !== undefined) {
        platform = { os: chosen.platform.os, architecture: chosen.platform.architecture, ...(chosen.platform.variant === undefined ? {} : { variant: chosen.platform.variant }) };
      }
      if (next.kind === 'image') {
        manifest = next.manifest;
        break;
      }
      if (depth + 1 >= MAX_INDEX_DEPTH) throw scanFailure('UNSUPPORTED_MANIFEST', `${reference.familiar}: nested indexes are too deep`);
      current = next;
    }
  }
  if (!Array.isArray(manifest.layers)) throw scanFailure('UNSUPPORTED_MANIFEST', `${reference.familiar}: the manifest lists no layers`);

  const fs = createImageFilesystem(isPackageDatabasePath);
  const blobRef: ImageReference = { ...reference, digest: platformDigest };
  for (const layer of manifest.layers) {
    const response = await unlessAborted(registry.getBlob(blobRef, layer.digest), signal);
    if (response.body === null) throw scanFailure('INVALID_LAYER', `layer ${layer.digest} has no content`);
    const tar = await layerTarStream(response.body, layer);
    try {
      await fs.applyLayerArchive(readStream(tar, signal), options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes });
    } catch (error) {
      if (isAborted(signal)) throw signal?.reason ?? error;
      if (error instanceof InvalidError) throw scanFailure('INVALID_LAYER', `layer ${layer.digest}: ${error.message}`);
      if (isSentinelError(error)) throw error;
      // A corrupt gzip stream surfaces as the decompressor's zlib error (Z_DATA_ERROR…); anything else is the download failing.
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && code.startsWith('Z_')) throw scanFailure('INVALID_LAYER', `layer ${layer.digest} could not be decompressed: ${errorMessage(error)}`);
      throw new UpstreamError(`downloading layer ${layer.digest} of ${reference.familiar} failed: ${errorMessage(error)}`, { cause: error, details: { registry: reference.registry } });
    }
  }

  const decode = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));
  const osText = PACKAGE_DATABASE_PATHS.osRelease.map((path) => decode(fs.read(path))).find((text) => text !== undefined);
  const os = osText === undefined ? null : (parseOsRelease(osText) ?? null);
  const managers: PackageManager[] = [];
  const packages: InstalledPackage[] = [];
  const status = decode(fs.read(PACKAGE_DATABASE_PATHS.dpkgStatus));
  const statusDir = fs.list(PACKAGE_DATABASE_PATHS.dpkgStatusDir);
  if (status !== undefined || statusDir.length > 0) {
    managers.push('dpkg');
    if (status !== undefined) packages.push(...parseDpkgStatus(status));
    for (const path of statusDir) packages.push(...parseDpkgStatus(decode(fs.read(path)) ?? ''));
  }
  const apk = decode(fs.read(PACKAGE_DATABASE_PATHS.apkInstalled));
  if (apk !== undefined) {
    managers.push('apk');
    packages.push(...parseApkInstalled(apk));
  }
  const unique = dedupe(packages);
  return {
    manifest_digest: top.digest,
    platform_digest: platformDigest,
    platform,
    os,
    package_managers: managers,
    packages: unique,
    items: toInventoryItems(unique, os ?? undefined),
    layers: manifest.layers.length,
  };
}

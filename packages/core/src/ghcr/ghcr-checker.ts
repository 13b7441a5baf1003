import type { GhcrCheck } from '../contract/ghcr.js';
import { errorMessage, NotFoundError, UpstreamError } from '../errors/index.js';
import type { Clock } from '../ports/clock.js';
import type { DockerPort } from '../ports/docker.js';
import { DOCKER_HUB_REGISTRY, formatReference, parseImageReference } from '../registry/image-reference.js';
import type { ImageReference } from '../registry/image-reference.js';
import type { ManifestResult, RegistryClient } from '../registry/registry-client.js';
import { ghcrRepositoryCandidates, githubRepositoryFromSource, OCI_SOURCE_LABEL } from './github-source.js';

export const GHCR_REGISTRY = 'ghcr.io';

export interface GhcrCheckerOptions {
  /** Speaks to Docker Hub (manifests, config blobs) and ghcr.io (digests); use the engine's, so credentials and rate-limit bookkeeping are shared. */
  registry: RegistryClient;
  /** Local images are read first: their labels cost no registry request. */
  docker: DockerPort;
  clock: Clock;
}

/** What to check: an image reference and, when known, the local image id the container runs. */
export interface GhcrCheckTarget {
  image: string;
  imageId?: string | undefined;
}

export interface GhcrChecker {
  /**
   * Whether `target.image` (a Docker Hub reference) is published on ghcr.io at
   * the same tag. "No" answers carry a `reason`; registry failures other than
   * "not found" / "not public" reject with `UpstreamError` or `RateLimitedError`.
   */
  check(target: GhcrCheckTarget): Promise<GhcrCheck>;
}

// Platforms tried, in order, when the label has to be read from a multi-platform index.
const PREFERRED_PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' },
];

/**
 * Find ghcr.io alternatives of Docker Hub images: read the image's
 * `org.opencontainers.image.source` label (local image first, else the
 * registry: manifest, then config blob), map `github.com/<org>/<repo>` to
 * `ghcr.io/<org>/<repo>` (and close variants), and ask ghcr.io for the same tag.
 */
export function createGhcrChecker(options: GhcrCheckerOptions): GhcrChecker {
  const { registry, docker, clock } = options;

  const result = (image: string, fields: Partial<GhcrCheck>): GhcrCheck => ({
    image,
    available: false,
    ghcr_image: null,
    source: null,
    same_digest: null,
    reason: null,
    checked_at: new Date(clock.now()).toISOString(),
    ...fields,
  });

  /** The label from the local image, if it is present and has one. */
  const localSource = async (target: GhcrCheckTarget): Promise<string | undefined> => {
    for (const ref of [target.imageId, target.image]) {
      if (ref === undefined || ref === '') continue;
      try {
        const image = await docker.inspectImage(ref);
        const label = image?.labels[OCI_SOURCE_LABEL];
        if (label !== undefined && label !== '') return label;
        if (image !== undefined) return undefined;
      } catch {
        // The engine is one way to learn the label; the registry is the other.
      }
    }
    return undefined;
  };

  /** The label from the registry: manifest annotations, else the image config's labels. */
  const remoteSource = async (ref: ImageReference): Promise<string | undefined> => {
    let manifest: ManifestResult = await registry.getManifest(ref);
    const annotated = manifest.manifest.annotations?.[OCI_SOURCE_LABEL];
    if (annotated !== undefined && annotated !== '') return annotated;
    if (manifest.kind === 'index') {
      const entries = manifest.manifest.manifests;
      const chosen =
        PREFERRED_PLATFORMS.map((p) => entries.find((m) => m.platform?.os === p.os && m.platform.architecture === p.architecture)).find((m) => m !== undefined) ??
        // Attestation manifests are listed with platform unknown/unknown; skip them.
        entries.find((m) => m.platform === undefined || m.platform.os !== 'unknown');
      if (chosen === undefined) return undefined;
      manifest = await registry.getManifest({ ...ref, digest: chosen.digest });
      if (manifest.kind !== 'image') return undefined;
      const nested = manifest.manifest.annotations?.[OCI_SOURCE_LABEL];
      if (nested !== undefined && nested !== '') return nested;
    }
    const configDigest = manifest.manifest.config.digest;
    const bytes = await registry.getBlobBytes(ref, configDigest);
    let config: unknown;
    try {
      config = JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      throw new UpstreamError(`the image config of ${ref.familiar} is not JSON`, { cause: error });
    }
    const labels = (config as { config?: { Labels?: unknown } } | null)?.config?.Labels;
    if (typeof labels !== 'object' || labels === null) return undefined;
    const value = (labels as Record<string, unknown>)[OCI_SOURCE_LABEL];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };

  return {
    async check(target) {
      let ref: ImageReference;
      try {
        ref = parseImageReference(target.image);
      } catch (error) {
        return result(target.image, { reason: `unreadable image reference: ${errorMessage(error)}` });
      }
      if (ref.registry !== DOCKER_HUB_REGISTRY) return result(target.image, { reason: `not a Docker Hub image (registry ${ref.registry})` });

      const label = (await localSource(target)) ?? (await remoteSource(ref).catch(notFoundAsUndefined));
      if (label === undefined) return result(target.image, { reason: `the image has no ${OCI_SOURCE_LABEL} label` });
      const github = githubRepositoryFromSource(label);
      if (github === undefined) return result(target.image, { reason: `the image source ${truncate(label)} is not a GitHub repository` });

      const pinned = ref.tag === undefined ? { digest: ref.digest } : { tag: ref.tag };
      const tried: string[] = [];
      for (const repository of ghcrRepositoryCandidates(github, ref.repository)) {
        const candidate = { registry: GHCR_REGISTRY, repository, ...pinned };
        const display = formatReference(candidate);
        tried.push(`${GHCR_REGISTRY}/${repository}`);
        let digest: string;
        try {
          digest = (await registry.getDigest(display)).digest;
        } catch (error) {
          // ghcr.io answers 401/403 (not 404) for packages that do not exist or are private.
          if (error instanceof NotFoundError || (error instanceof UpstreamError && (error.status === 401 || error.status === 403))) continue;
          throw error;
        }
        const hubDigest = await registry.getDigest(ref).then((d) => d.digest, () => undefined);
        return result(target.image, {
          available: true,
          ghcr_image: display,
          source: github.url,
          same_digest: hubDigest === undefined ? null : hubDigest === digest,
        });
      }
      const what = ref.tag === undefined ? 'this digest' : `tag ${ref.tag}`;
      return result(target.image, {
        source: github.url,
        reason: tried.length === 0 ? `no ghcr.io repository name can be derived from ${github.url}` : `${what} is not publicly available on ${tried.join(' or ')}`,
      });
    },
  };
}

function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof NotFoundError) return undefined;
  throw error;
}

function truncate(value: string): string {
  return value.length > 120 ? `${value.slice(0, 120)}…` : value;
}

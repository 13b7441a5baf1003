import { errorMessage, InvalidError } from '../errors/index.js';
import { LABELS } from '../policy/resolve-policy.js';
import type { ContainerSummary, DockerPort } from '../ports/docker.js';
import { formatReference, parseImageReference } from '../registry/index.js';
import type { ImageReference } from '../registry/index.js';
import { isVersionTag, newerVersions, pickTarget, resolveVersionForDigest } from '../versions/index.js';
import type { VersionScope } from '../versions/index.js';

/** What a check needs from the registry: in a scan, a de-duplicating scan session. */
export interface RegistryLookup {
  listTags(ref: ImageReference): Promise<readonly string[]>;
  getDigest(ref: ImageReference): Promise<string>;
}

export type CheckResult =
  | {
      status: 'update_available';
      /** `version`: a newer compatible tag; `digest`: the same tag was re-pushed. */
      kind: 'version' | 'digest';
      /** Every newer compatible version, newest first, without ignored ones. */
      newer_versions: string[];
      /** Image a manual approval applies (the newest). */
      target_image: string;
      /** Image an auto update may apply under the version scope; undefined when beyond scope. */
      auto_target_image: string | undefined;
      resolved_current_version: string;
      resolved_target_version: string;
      /** Identifier `ignore` stores: the top version, or the new digest for digest updates. */
      ignore_id: string;
    }
  | { status: 'up_to_date'; newer_versions: string[] }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: string };

export interface CheckInputs {
  container: ContainerSummary;
  lookup: RegistryLookup;
  docker: DockerPort;
  /** Versions (or digests) ignored for this container. */
  ignored: readonly string[];
  /** Global version scope; the `sentinel.semver` label overrides it. */
  scope: VersionScope;
}

const SCOPES: readonly string[] = ['patch', 'minor', 'major'];

/** The container's effective version scope. */
export function scopeFor(labels: Record<string, string>, globalScope: VersionScope): VersionScope {
  const label = labels[LABELS.semver]?.trim().toLowerCase();
  return label !== undefined && SCOPES.includes(label) ? (label as VersionScope) : globalScope;
}

/**
 * Check one container against its registry. Expected outcomes are values;
 * registry failures become `{ status: 'failed' }` so a scan goes on.
 */
export async function checkContainer(inputs: CheckInputs): Promise<CheckResult> {
  const { container, lookup, docker } = inputs;
  let ref: ImageReference;
  try {
    ref = parseImageReference(container.image);
  } catch (error) {
    return { status: 'failed', error: `cannot read image reference "${container.image}": ${errorMessage(error)}` };
  }
  if (ref.digest !== undefined) return { status: 'skipped', reason: 'digest-pinned image references are never updated' };

  // Only a digest-alone reference lacks a tag, and those returned above.
  const tag = ref.tag ?? 'latest';
  const scope = scopeFor(container.labels, inputs.scope);
  try {
    let compatible: string[] = [];
    if (isVersionTag(tag)) {
      const tags = await lookup.listTags(ref);
      compatible = newerVersions(tag, tags, filtersFrom(container.labels));
      const newer = compatible.filter((v) => !inputs.ignored.includes(v));
      const top = newer[0];
      if (top !== undefined) {
        const auto = pickTarget(tag, newer, scope);
        return {
          status: 'update_available',
          kind: 'version',
          newer_versions: newer,
          target_image: withTag(ref, top),
          auto_target_image: auto === undefined ? undefined : withTag(ref, auto),
          resolved_current_version: tag,
          resolved_target_version: top,
          ignore_id: top,
        };
      }
    }

    // No newer tag: the tag itself may have been re-pushed. Compare manifest digests.
    const local = await localDigests(docker, container, ref);
    if (local.length === 0) return { status: 'skipped', reason: 'the local image has no registry digest to compare (built locally?)' };
    const remote = await lookup.getDigest(ref);
    if (local.includes(remote) || inputs.ignored.includes(remote)) return { status: 'up_to_date', newer_versions: compatible };

    const resolved = isVersionTag(tag) ? { current: tag, target: tag } : await resolveVersions(lookup, ref, tag, local, remote);
    const newerVersionsList = resolved.target !== tag && resolved.target !== resolved.current ? [resolved.target] : [];
    return {
      status: 'update_available',
      kind: 'digest',
      newer_versions: newerVersionsList,
      target_image: container.image,
      auto_target_image: container.image,
      resolved_current_version: resolved.current,
      resolved_target_version: resolved.target,
      ignore_id: remote,
    };
  } catch (error) {
    if (error instanceof InvalidError) return { status: 'failed', error: error.message };
    return { status: 'failed', error: `registry check failed: ${errorMessage(error)}` };
  }
}

function filtersFrom(labels: Record<string, string>): { include?: string; exclude?: string } {
  const include = labels[LABELS.includeTags];
  const exclude = labels[LABELS.excludeTags];
  return { ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) };
}

function withTag(ref: ImageReference, tag: string): string {
  return formatReference({ registry: ref.registry, repository: ref.repository, tag }, { familiar: true });
}

/** Manifest digests the container's local image was pulled by, for this repository. */
async function localDigests(docker: DockerPort, container: ContainerSummary, ref: ImageReference): Promise<string[]> {
  const image = await docker.inspectImage(container.imageId);
  if (image === undefined) return [];
  const out: string[] = [];
  for (const entry of image.repoDigests) {
    try {
      const parsed = parseImageReference(entry);
      if (parsed.registry === ref.registry && parsed.repository === ref.repository && parsed.digest !== undefined) out.push(parsed.digest);
    } catch {
      // An unparseable entry cannot match.
    }
  }
  return out;
}

/** Most version tags HEADed to name what a `latest` digest stands for. */
const RESOLVE_CANDIDATES = 12;

/**
 * For a non-version tag whose digest changed, find which version tags carry
 * the current and the new digest. Only runs when an update was detected.
 */
async function resolveVersions(lookup: RegistryLookup, ref: ImageReference, tag: string, local: string[], remote: string): Promise<{ current: string; target: string }> {
  const tags = await lookup.listTags(ref);
  const candidates = tags.filter((t) => isVersionTag(t));
  const ordered = sortNewestFirst(candidates).slice(0, RESOLVE_CANDIDATES);
  const withCurrent: string[] = [];
  const withTarget: string[] = [];
  for (const t of ordered) {
    let digest: string;
    try {
      digest = await lookup.getDigest({ ...ref, tag: t });
    } catch {
      continue;
    }
    if (digest === remote) withTarget.push(t);
    if (local.includes(digest)) withCurrent.push(t);
    if (withTarget.length > 0 && withCurrent.length > 0) break;
  }
  return {
    current: resolveVersionForDigest(withCurrent) ?? tag,
    target: resolveVersionForDigest(withTarget) ?? tag,
  };
}

function sortNewestFirst(tags: readonly string[]): string[] {
  // Plain (variant-free) version tags, newest first: group by shape and let newerVersions order within each.
  const plain = tags.filter((t) => /^v?\d+(\.\d+)*$/.test(t));
  return [...plain].sort((a, b) => {
    const pa = a.replace(/^v/, '').split('.').map(Number);
    const pb = b.replace(/^v/, '').split('.').map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pb[i] ?? -1) - (pa[i] ?? -1);
      if (d !== 0) return d;
    }
    return 0;
  });
}

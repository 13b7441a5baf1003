import type { ReleaseSource } from '../contract/ops.js';
import { ReleaseSourcesSchema } from '../contract/ops.js';
import { InvalidError } from '../errors/index.js';
import type { StoragePort } from '../ports/storage.js';
import { githubRepositoryFromSource, OCI_SOURCE_LABEL } from '../ghcr/github-source.js';
import { parseImageReference } from '../registry/image-reference.js';

const COLLECTION = 'release_sources';
const KEY = 'mappings';

/** The OCI image label naming the source repository (`https://github.com/org/app`). */

/** Stored image-pattern → GitHub repository mappings, replaced as a whole. */
export interface ReleaseSourceStore {
  list(): Promise<ReleaseSource[]>;
  /** Validate and replace every mapping; throws `InvalidError` (and changes nothing) on bad input. */
  replace(sources: unknown): Promise<ReleaseSource[]>;
}

export function createReleaseSourceStore(storage: StoragePort): ReleaseSourceStore {
  return {
    async list() {
      return (await storage.get<ReleaseSource[]>(COLLECTION, KEY)) ?? [];
    },
    async replace(input) {
      const sources = validateReleaseSources(input);
      await storage.put(COLLECTION, KEY, sources);
      return sources;
    },
  };
}

/** Check a list of mappings; throws `InvalidError` naming the first problems. */
export function validateReleaseSources(input: unknown): ReleaseSource[] {
  const parsed = ReleaseSourcesSchema.safeParse(input);
  if (!parsed.success) {
    const message = parsed.error.issues
      .slice(0, 5)
      .map((i) => (i.path.length === 0 ? i.message : `${i.path.map(String).join('.')}: ${i.message}`))
      .join('; ');
    throw new InvalidError(`invalid release sources: ${message}`);
  }
  return parsed.data.map((s) => ({ image_pattern: s.image_pattern, github_repo: s.github_repo }));
}

/** Compile a glob (`*` any run of characters, `/` included; `?` one character) to an anchored, case-insensitive RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

/**
 * The names an image pattern is tried against, so that `nginx`,
 * `library/nginx` and `docker.io/library/nginx` all match Docker Hub's nginx,
 * and `ghcr.io/org/*` matches GHCR images.
 */
export function imageNameCandidates(image: string): string[] {
  const names = new Set<string>();
  try {
    const ref = parseImageReference(image);
    names.add(ref.familiarName);
    names.add(ref.repository);
    names.add(`${ref.registry}/${ref.repository}`);
  } catch {
    // An unparseable reference is still matched as written, without its tag.
  }
  names.add(image.replace(/@.*$/, '').replace(/:[^:/]+$/, ''));
  return [...names];
}

/** The GitHub repository of the first mapping whose pattern matches the image. */
export function matchReleaseSource(image: string, sources: readonly ReleaseSource[]): string | undefined {
  const candidates = imageNameCandidates(image);
  for (const source of sources) {
    const re = globToRegExp(source.image_pattern);
    if (candidates.some((c) => re.test(c))) return source.github_repo;
  }
  return undefined;
}

/**
 * `owner/repo` from a source URL that points at GitHub
 * (`https://github.com/o/r`, `https://github.com/o/r.git`, `git@github.com:o/r.git`,
 * `github.com/o/r/tree/main`), else `undefined`.
 */
export function githubRepoFromSourceUrl(url: string): string | undefined {
  const repository = githubRepositoryFromSource(url);
  return repository === undefined ? undefined : `${repository.owner}/${repository.repo}`;
}

/**
 * Where an image's release notes live: a configured mapping first, else the
 * image's `org.opencontainers.image.source` label when it points at GitHub.
 */
export function releaseRepoFor(image: string, sources: readonly ReleaseSource[], labels: Readonly<Record<string, string>> = {}): string | undefined {
  const mapped = matchReleaseSource(image, sources);
  if (mapped !== undefined) return mapped;
  const label = labels[OCI_SOURCE_LABEL];
  return label === undefined ? undefined : githubRepoFromSourceUrl(label);
}

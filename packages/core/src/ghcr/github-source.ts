/** A GitHub repository named by an image's `org.opencontainers.image.source` label. */
export interface GitHubRepository {
  owner: string;
  repo: string;
  /** `https://github.com/<owner>/<repo>`, as written (case kept). */
  url: string;
}

/** The OCI annotation / label naming the source repository of an image. */
export const OCI_SOURCE_LABEL = 'org.opencontainers.image.source';

// GitHub's own limits: user and org names are 1-39 letters, digits and single hyphens; repository names are 1-100 of [A-Za-z0-9._-].
const OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO_RE = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * The GitHub repository a source label points at, or `undefined` when it is
 * not a GitHub repository. Accepts the forms image builders write:
 * `https://github.com/o/r`, `…/r.git`, `…/r/tree/main/sub`, `git@github.com:o/r.git`,
 * `git+https://github.com/o/r`, `github.com/o/r`.
 *
 * @example
 * githubRepositoryFromSource('https://github.com/linuxserver/docker-sonarr');
 * // { owner: 'linuxserver', repo: 'docker-sonarr', url: 'https://github.com/linuxserver/docker-sonarr' }
 */
export function githubRepositoryFromSource(source: string): GitHubRepository | undefined {
  let value = source.trim();
  if (value.length === 0 || value.length > 2048) return undefined;
  const scp = /^(?:ssh:\/\/)?git@github\.com[:/](.+)$/i.exec(value);
  let path: string;
  if (scp?.[1] !== undefined) {
    path = scp[1];
  } else {
    value = value.replace(/^git\+/i, '');
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) value = `https://${value}`;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return undefined;
    }
    if (!['http:', 'https:', 'git:', 'ssh:'].includes(url.protocol)) return undefined;
    const host = url.hostname.toLowerCase();
    if (host !== 'github.com' && host !== 'www.github.com') return undefined;
    path = url.pathname;
  }
  const [owner, rawRepo] = path.replace(/^\/+/, '').split('/');
  if (owner === undefined || rawRepo === undefined) return undefined;
  const repo = rawRepo.replace(/\.git$/i, '');
  if (!OWNER_RE.test(owner) || !REPO_RE.test(repo) || repo === '.' || repo === '..') return undefined;
  return { owner, repo, url: `https://github.com/${owner}/${repo}` };
}

// What the distribution spec allows in one repository path component.
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * Where the same image may be published on ghcr.io, most likely first:
 * `<owner>/<repo>`, then `<owner>/<name on Docker Hub>` (linuxserver's
 * `docker-sonarr` repository publishes `ghcr.io/linuxserver/sonarr`), then
 * `<owner>/<repo without a docker- prefix>`. Lowercased, as ghcr.io requires.
 *
 * @param hubRepository the Docker Hub repository path (`linuxserver/sonarr`, `library/nginx`)
 */
export function ghcrRepositoryCandidates(source: GitHubRepository, hubRepository: string): string[] {
  const owner = source.owner.toLowerCase();
  const repo = source.repo.toLowerCase();
  const hubName = hubRepository.split('/').pop()?.toLowerCase() ?? '';
  const names = [repo, hubName, repo.replace(/^docker-/, '')];
  const out: string[] = [];
  for (const name of names) {
    if (!PATH_COMPONENT_RE.test(owner) || !PATH_COMPONENT_RE.test(name)) continue;
    const candidate = `${owner}/${name}`;
    if (!out.includes(candidate)) out.push(candidate);
  }
  return out;
}

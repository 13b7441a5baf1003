import { InvalidError } from '../errors/index.js';

/**
 * A parsed, normalised image reference.
 *
 * `registry` is the name users and Docker use for the registry (`docker.io`,
 * `ghcr.io`, `127.0.0.1:5000`); `apiHost` is where its HTTP API actually lives
 * (`registry-1.docker.io` for Docker Hub, the registry itself otherwise).
 */
export interface ImageReference {
  /** Normalised registry name, port included: `docker.io`, `ghcr.io`, `localhost:5000`. */
  readonly registry: string;
  /** Host (and port) serving the distribution API: `registry-1.docker.io` for Docker Hub. */
  readonly apiHost: string;
  /** Repository path inside the registry: `library/nginx`, `org/app`. */
  readonly repository: string;
  /**
   * The tag: the one written, `latest` when neither tag nor digest was written,
   * and `undefined` only for a reference pinned by digest alone (`app@sha256:…`).
   */
  readonly tag: string | undefined;
  /** `sha256:<hex>` when the reference is pinned by digest. */
  readonly digest: string | undefined;
  /** The short form users write: `nginx:latest`, `user/app:1.2`, `ghcr.io/org/app:v1`. */
  readonly familiar: string;
  /** The familiar name without tag or digest: `nginx`, `user/app`, `ghcr.io/org/app`. */
  readonly familiarName: string;
}

/** Docker Hub's canonical registry name. */
export const DOCKER_HUB_REGISTRY = 'docker.io';
/** Where Docker Hub's distribution API actually answers. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

// `index.docker.io` is what old clients wrote for Docker Hub; Docker normalises it.
const LEGACY_DOCKER_HUB = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
// Docker's limit on the whole name, registry included.
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar of github.com/distribution/reference (regexp.go), anchored.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
// A bare 64-hex string is an image ID, never a repository name (Docker refuses it too).
const IMAGE_ID_RE = /^[a-f0-9]{64}$/;

/** The API host for a registry name: Docker Hub is served from `registry-1.docker.io`. */
export function apiHostFor(registry: string): string {
  return registry === DOCKER_HUB_REGISTRY ? DOCKER_HUB_API_HOST : registry;
}

/**
 * Parse an image reference the way Docker does, normalising Docker Hub names.
 *
 * @throws InvalidError when the reference does not follow the grammar.
 * @example
 * parseImageReference('nginx');
 * // { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'library/nginx', tag: 'latest', ... }
 * parseImageReference('127.0.0.1:5000/team/app:1.0.0@sha256:…');
 */
export function parseImageReference(ref: string): ImageReference {
  if (typeof ref !== 'string' || ref.length === 0) throw new InvalidError('image reference is empty');
  if (ref !== ref.trim() || /\s/.test(ref)) throw invalid(ref, 'contains whitespace');
  if (IMAGE_ID_RE.test(ref)) throw invalid(ref, 'a 64-character hexadecimal string is an image ID, not a repository name');

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw invalid(ref, 'digest must be sha256:<64 lowercase hex> or sha512:<128 lowercase hex>');
  }

  // The tag follows the last colon, unless that colon belongs to a registry port
  // (a colon before the last slash).
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon !== -1 && colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw invalid(ref, 'tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}');
  }
  if (rest.length === 0) throw invalid(ref, 'repository name is missing');

  const { registry, repository } = splitRegistry(rest, ref);
  if (repository.toLowerCase() !== repository) throw invalid(ref, 'repository name must be lowercase');
  if (!REPOSITORY_RE.test(repository)) throw invalid(ref, 'repository name has invalid characters or separators');
  if (!DOMAIN_RE.test(registry)) throw invalid(ref, 'registry host is not a valid host[:port]');
  if (registry.length + 1 + repository.length > NAME_TOTAL_LENGTH_MAX) throw invalid(ref, `name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);

  // Docker resolves an untagged, undigested reference to `latest`; a digest alone pins it.
  if (tag === undefined && digest === undefined) tag = 'latest';

  const familiarName = familiarNameOf(registry, repository);
  return {
    registry,
    apiHost: apiHostFor(registry),
    repository,
    tag,
    digest,
    familiarName,
    familiar: joinReference(familiarName, tag, digest),
  };
}

/** What `formatReference` needs: the parts of an `ImageReference` that identify an image. */
export interface ReferenceParts {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

export interface FormatReferenceOptions {
  /**
   * `true` drops `docker.io/` and `library/` (`nginx:1.27`); `false` spells
   * everything out (`docker.io/library/nginx:1.27`).
   * @default true
   */
  readonly familiar?: boolean;
}

/**
 * Turn reference parts back into a string; handy for "the same image at another tag".
 *
 * @example
 * formatReference({ ...parseImageReference('nginx:1.25'), tag: '1.27' }); // 'nginx:1.27'
 * formatReference(parseImageReference('nginx'), { familiar: false }); // 'docker.io/library/nginx:latest'
 */
export function formatReference(parts: ReferenceParts, options: FormatReferenceOptions = {}): string {
  const name = options.familiar === false ? `${parts.registry}/${parts.repository}` : familiarNameOf(parts.registry, parts.repository);
  return joinReference(name, parts.tag, parts.digest);
}

function splitRegistry(name: string, ref: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? name : name.slice(0, slash);
  // Same rule as Docker's splitDockerDomain: the first component is a registry
  // only if it looks like a host (a dot, a port, `localhost`, or uppercase letters).
  const isHost = slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  if (!isHost) {
    return { registry: DOCKER_HUB_REGISTRY, repository: slash === -1 ? OFFICIAL_PREFIX + name : name };
  }
  let registry = first;
  let repository = name.slice(slash + 1);
  if (repository.length === 0) throw invalid(ref, 'repository name is missing');
  if (registry === LEGACY_DOCKER_HUB) registry = DOCKER_HUB_REGISTRY;
  if (registry === DOCKER_HUB_REGISTRY && !repository.includes('/')) repository = OFFICIAL_PREFIX + repository;
  return { registry, repository };
}

function familiarNameOf(registry: string, repository: string): string {
  if (registry !== DOCKER_HUB_REGISTRY) return `${registry}/${repository}`;
  const short = repository.startsWith(OFFICIAL_PREFIX) ? repository.slice(OFFICIAL_PREFIX.length) : repository;
  // `library/a/b` is not an official image, so it keeps its prefix.
  return short.includes('/') ? repository : short;
}

function joinReference(name: string, tag: string | undefined, digest: string | undefined): string {
  return `${name}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
}

function invalid(ref: string, reason: string): InvalidError {
  // References are user input, so cap what we echo back.
  const shown = ref.length > 300 ? `${ref.slice(0, 300)}…` : ref;
  return new InvalidError(`invalid image reference "${shown}": ${reason}`, { details: { reference: shown } });
}

import type { WebhookSource } from '../contract/ops.js';
import { parseImageReference } from '../registry/image-reference.js';

/** What an inbound webhook says was pushed. `image` and `tag` are empty when it does not say. */
export interface WebhookPush {
  source: WebhookSource;
  image: string;
  tag: string;
}

const UNKNOWN: WebhookPush = { source: 'unknown', image: '', tag: '' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const at = (v: unknown, ...path: string[]): unknown => {
  let cur = v;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
};

/**
 * Recognise a push notification by its shape:
 * - Docker Hub: `{"push_data": {"tag"}, "repository": {"repo_name"}}`;
 * - GHCR: GitHub's `package` and `registry_package` events for container packages
 *   (`{"package": {"namespace", "name", "package_version": {"container_metadata": {"tag": {"name"}}}}}`);
 * - generic: `{"image": "app", "tag": "1.2"}` or `{"image": "app:1.2"}`.
 * Anything else (including an empty body) is `unknown`, which callers answer with a full scan.
 */
export function parseWebhookPayload(body: unknown): WebhookPush {
  if (!isObject(body)) return UNKNOWN;

  if (isObject(body.push_data)) {
    const image = str(at(body, 'repository', 'repo_name')) || str(at(body, 'repository', 'name'));
    if (image !== '') return { source: 'dockerhub', image, tag: str(at(body, 'push_data', 'tag')) };
  }

  const pkg = isObject(body.registry_package) ? body.registry_package : isObject(body.package) ? body.package : undefined;
  if (pkg !== undefined) {
    const ghcr = parseGithubPackage(pkg);
    if (ghcr !== undefined) return ghcr;
  }

  if (typeof body.image === 'string' && body.image.trim() !== '') {
    const tag = str(body.tag);
    if (tag !== '') return { source: 'generic', image: body.image.trim(), tag };
    return { source: 'generic', ...splitTag(body.image.trim()) };
  }
  return UNKNOWN;
}

/** A GitHub package event's container package as `ghcr.io/<owner>/<name>` and its tag. */
function parseGithubPackage(pkg: Record<string, unknown>): WebhookPush | undefined {
  const type = (str(pkg.package_type) || str(pkg.ecosystem)).toLowerCase();
  if (type !== '' && type !== 'container' && type !== 'docker') return undefined;
  const name = str(pkg.name);
  if (name === '') return undefined;
  const owner = str(pkg.namespace) || str(at(pkg, 'owner', 'login'));
  // GitHub names may carry capitals; registry repositories are lower case.
  const image = (owner === '' ? `ghcr.io/${name}` : `ghcr.io/${owner}/${name}`).toLowerCase();
  let tag = str(at(pkg, 'package_version', 'container_metadata', 'tag', 'name'));
  if (tag === '') {
    // `package_url` is `ghcr.io/owner/name:tag` on container packages.
    const url = str(at(pkg, 'package_version', 'package_url'));
    if (url !== '') tag = splitTag(url).tag;
  }
  return { source: 'ghcr', image, tag };
}

/** `app:1.2` → `{image: 'app', tag: '1.2'}`; a registry port (`host:5000/app`) is not a tag. */
function splitTag(ref: string): { image: string; tag: string } {
  const withoutDigest = ref.replace(/@.*$/, '');
  const idx = withoutDigest.lastIndexOf(':');
  if (idx > 0 && !withoutDigest.slice(idx + 1).includes('/')) return { image: withoutDigest.slice(0, idx), tag: withoutDigest.slice(idx + 1) };
  return { image: withoutDigest, tag: '' };
}

/** Registry and repository of an image name, normalised (`nginx` → `docker.io/library/nginx`); `undefined` if unparseable. */
function repositoryOf(image: string): string | undefined {
  try {
    const ref = parseImageReference(image);
    return `${ref.registry}/${ref.repository}`;
  } catch {
    return undefined;
  }
}

/**
 * Names of the containers whose image is the pushed repository (any tag:
 * a new tag may be a newer version for containers on older ones).
 */
export function containersForPush(push: WebhookPush, containers: ReadonlyArray<{ name: string; image: string }>): string[] {
  if (push.image === '') return [];
  const wanted = repositoryOf(push.image);
  if (wanted === undefined) return [];
  return containers.filter((c) => repositoryOf(c.image) === wanted).map((c) => c.name);
}

import { parseImageReference } from './image-reference.js';
import type { ImageReference } from './image-reference.js';
import type { ManifestDigest, ReferenceInput, RegistryClient } from './registry-client.js';

/**
 * A view of a registry client for one scan. Within a session a repository's tag
 * list and a tag's digest are fetched once, however many containers use them,
 * and concurrent callers share the same in-flight request. Failures are shared
 * too: one scan sees one answer per repository, and the next scan asks again.
 * Tokens live in the client, so they outlast the session.
 */
export interface ScanSession {
  /** The tags of the reference's repository (`RegistryClient.listTags`), fetched at most once per session. */
  listTags(ref: ReferenceInput): Promise<readonly string[]>;
  /** The digest the reference's tag points at (`RegistryClient.getDigest`), fetched at most once per session. */
  getDigest(ref: ReferenceInput): Promise<ManifestDigest>;
  /** The client the session reads through. */
  readonly client: RegistryClient;
}

/**
 * Start a scan-scoped cache over `client`; drop it when the scan ends.
 *
 * @example
 * const session = createScanSession(registry);
 * await Promise.all(containers.map((c) => session.listTags(c.image))); // one request per repository
 */
export function createScanSession(client: RegistryClient): ScanSession {
  const tags = new Map<string, Promise<readonly string[]>>();
  const digests = new Map<string, Promise<ManifestDigest>>();

  return {
    client,
    listTags(ref) {
      const parsed = toReference(ref);
      const key = `${parsed.registry}/${parsed.repository}`;
      let pending = tags.get(key);
      if (pending === undefined) {
        pending = client.listTags(parsed).then((list) => Object.freeze([...list]));
        tags.set(key, pending);
      }
      return pending;
    },
    getDigest(ref) {
      const parsed = toReference(ref);
      // Same rule as the client: the tag when there is one, the digest otherwise.
      const key = `${parsed.registry}/${parsed.repository}${parsed.tag === undefined ? `@${parsed.digest ?? ''}` : `:${parsed.tag}`}`;
      let pending = digests.get(key);
      if (pending === undefined) {
        pending = client.getDigest(parsed);
        digests.set(key, pending);
      }
      return pending;
    },
  };
}

function toReference(ref: ReferenceInput): ImageReference {
  return typeof ref === 'string' ? parseImageReference(ref) : ref;
}

export { parseImageReference, formatReference, apiHostFor, DOCKER_HUB_REGISTRY, DOCKER_HUB_API_HOST } from './image-reference.js';
export type { ImageReference, ReferenceParts, FormatReferenceOptions } from './image-reference.js';
export { createRegistryClient, isLoopbackRegistry } from './registry-client.js';
export type {
  RegistryClient,
  RegistryClientOptions,
  RegistryCredentials,
  ReferenceInput,
  RegistryRequestKind,
  RegistryRequestCounts,
  RegistryStats,
  ManifestDigest,
  ManifestResult,
} from './registry-client.js';
export type { RateLimitInfo } from './rate-limit.js';
export { createScanSession } from './scan-session.js';
export type { ScanSession } from './scan-session.js';
export {
  MANIFEST_MEDIA_TYPES,
  OCI_INDEX_MEDIA_TYPE,
  DOCKER_MANIFEST_LIST_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  DOCKER_MANIFEST_MEDIA_TYPE,
} from './media-types.js';
export type { ManifestMediaType, Descriptor, Platform, ImageManifest, ImageIndex, ManifestKind } from './media-types.js';
export { parseWwwAuthenticate } from './www-authenticate.js';
export type { AuthChallenge } from './www-authenticate.js';

export {
  createReleaseSourceStore,
  validateReleaseSources,
  globToRegExp,
  imageNameCandidates,
  matchReleaseSource,
  githubRepoFromSourceUrl,
  releaseRepoFor,
} from './release-sources.js';
export type { ReleaseSourceStore } from './release-sources.js';
export { createReleaseNotesResolver, enrichQueueWithReleaseNotes, releaseTagCandidates } from './release-notes.js';
export type { ReleaseNotesOptions, ReleaseNotesResolver, EnrichOptions } from './release-notes.js';

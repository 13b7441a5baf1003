export { parseTag, isVersionTag, isIgnoredTag } from './tag-parse.js';
export type { ParsedTag, TagKind, Prerelease, PrereleaseStage, BuildSuffix } from './tag-parse.js';
export { compareTags, newerVersions, resolveVersionForDigest } from './tag-compare.js';
export type { NewerVersionsOptions } from './tag-compare.js';
export { compileTagFilter } from './tag-filter.js';
export type { TagPattern, TagFilterKind } from './tag-filter.js';
export { withinScope, pickTarget, isVersionScope, DEFAULT_VERSION_SCOPE, VERSION_SCOPES } from './version-scope.js';
export type { VersionScope } from './version-scope.js';

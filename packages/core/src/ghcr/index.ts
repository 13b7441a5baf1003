export { createGhcrChecker, GHCR_REGISTRY } from './ghcr-checker.js';
export type { GhcrChecker, GhcrCheckerOptions, GhcrCheckTarget } from './ghcr-checker.js';
export { createGhcrAlternatives } from './ghcr-alternatives.js';
export type { GhcrAlternatives, GhcrAlternativesOptions, GhcrRefreshSummary } from './ghcr-alternatives.js';
export { githubRepositoryFromSource, ghcrRepositoryCandidates, OCI_SOURCE_LABEL } from './github-source.js';
export type { GitHubRepository } from './github-source.js';

// Public API of @sentinel-kit/core. Every export is named on purpose.
export {
  SentinelError,
  InvalidError,
  NotFoundError,
  ConflictError,
  ForbiddenError,
  UpstreamError,
  RateLimitedError,
  UnavailableError,
  NotImplementedError,
  isSentinelError,
  errorMessage,
} from './errors/index.js';
export type { SentinelErrorCode } from './errors/index.js';
export { systemClock, createManualClock } from './ports/index.js';
export type {
  Clock,
  ManualClock,
  TimerHandle,
  DockerPort,
  ContainerSummary,
  ContainerDetail,
  ContainerSpec,
  ContainerState,
  ContainerRuntimeState,
  HealthStatus,
  ImageSummary,
  RegistryAuth,
  ExecResult,
  EngineInfo,
  PullProgress,
  StoragePort,
  StorageEntry,
  StorageOperation,
  ListOptions,
  JsonValue,
} from './ports/index.js';
export type { FetchLike } from './ports/fetch.js';
export { parseDuration, formatGoDuration, compactGoDuration, msToNanoseconds } from './config/index.js';
export { silentLogger } from './logging/index.js';
export type { Logger } from './logging/index.js';
export { createEventBus } from './events/index.js';
export type { EventBus, EventBusOptions, EventListener, PublishInput, SentinelEvent } from './events/index.js';
export {
  parseTag,
  isVersionTag,
  isIgnoredTag,
  compareTags,
  newerVersions,
  resolveVersionForDigest,
  withinScope,
  pickTarget,
  isVersionScope,
  DEFAULT_VERSION_SCOPE,
  VERSION_SCOPES,
} from './versions/index.js';
export type { ParsedTag, VersionScope, NewerVersionsOptions } from './versions/index.js';
export { parseImageReference, formatReference, createRegistryClient, createScanSession, MANIFEST_MEDIA_TYPES } from './registry/index.js';
export type {
  ImageReference,
  RegistryClient,
  RegistryClientOptions,
  RegistryCredentials,
  RegistryStats,
  RateLimitInfo,
  ScanSession,
} from './registry/index.js';
export { LABELS, isPolicy, resolvePolicy, isSelfProtected } from './policy/index.js';
export type { PolicyInputs } from './policy/index.js';
export {
  SETTING_DEFINITIONS,
  SETTING_KEYS,
  isSettingKey,
  parseSetting,
  formatSetting,
  settingsFromEnv,
  createSettingsStore,
} from './settings/index.js';
export type { SettingValues, SettingKey, SettingsStore } from './settings/index.js';
export { createUpdateQueue, queueKey } from './queue/index.js';
export type { UpdateQueue } from './queue/index.js';
export { createHistoryStore, historyToCsv } from './history/index.js';
export type { HistoryStore, Snapshot } from './history/index.js';
export { createUpdateTransaction, createUpdateLocks } from './updates/index.js';
export type { UpdateTransaction, HealthGateOptions, UpdateOutcome, UpdateResult } from './updates/index.js';
export { createUpdateJournal, asideName, parseAsideName, isAsideName } from './journal/index.js';
export type { JournalEntry, JournalStep, UpdateJournal, RecoveryOutcome } from './journal/index.js';
export { checkContainer, scopeFor } from './scan/index.js';
export type { CheckResult, RegistryLookup } from './scan/index.js';
export { createScheduler } from './scheduler/index.js';
export type { Scheduler, SchedulerOptions } from './scheduler/index.js';
export { createSentinel } from './engine/index.js';
export type { Sentinel, SentinelOptions, EngineStatus, ScanSummary, RecoveryReport } from './engine/index.js';
export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, isPermission, roleHas, scopeOf, isRouteAccess } from './auth/index.js';
export type { Permission, Role, RouteAccess, ScopeAccess } from './auth/index.js';
export {
  createAuthService,
  UnauthenticatedError,
  ANONYMOUS_PRINCIPAL,
  hasPermission,
  CREDENTIAL_KINDS,
  isCredentialKind,
  DEFAULT_SESSION_TTL,
  SESSION_TOKEN_PREFIX,
  DEFAULT_LOGIN_THROTTLE,
  DEFAULT_PASSWORD_COST,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MAX_LENGTH,
  hashPassword,
  verifyPassword,
  checkPasswordPolicy,
  createTotpKey,
  generateTotp,
  matchTotp,
  totpUri,
  generateRecoveryCodes,
  USERNAME_PATTERN,
  isRole,
} from './auth/index.js';
export type {
  AuthService,
  AuthServiceOptions,
  CredentialPresentation,
  LoginResult,
  RequestInfo,
  TotpStatus,
  UserDirectory,
  Principal,
  PrincipalVia,
  Credential,
  CredentialFilter,
  CredentialKind,
  CredentialStore,
  IssueCredentialInput,
  IssuedSession,
  LoginMethod,
  Session,
  SessionStore,
  SessionTtl,
  LoginThrottle,
  LoginThrottleOptions,
  AttemptSource,
  TotpAlgorithm,
  TotpKey,
  TotpParameters,
  User,
  ExternalIdentity,
  CreateUserInput,
} from './auth/index.js';
export { createMemoryStorage, toJsonDocument } from './storage/index.js';
export { createMemoryDocker } from './docker/index.js';
export type { MemoryDocker, MemoryDockerOptions, ImageBehavior } from './docker/index.js';
export type { MemoryStorage, MemoryStorageOptions, StoragePersistence, StorageSnapshot } from './storage/index.js';
export {
  createRegistryCredentialStore,
  isMaskedSecret,
  MASKED_SECRET,
  normalizeRegistryName,
  testRegistryCredential,
  rateLimitStatus,
  rateLimitHealth,
  rateLimitEntries,
} from './registry-credentials/index.js';
export type { RegistryCredential, RegistryCredentialStore, CredentialTestResult, TestCredentialOptions, RateLimitHealth, RateLimitEntry } from './registry-credentials/index.js';
export { createGhcrChecker, createGhcrAlternatives, githubRepositoryFromSource, ghcrRepositoryCandidates, GHCR_REGISTRY, OCI_SOURCE_LABEL } from './ghcr/index.js';
export type { GhcrChecker, GhcrCheckerOptions, GhcrCheckTarget, GhcrAlternatives, GhcrAlternativesOptions, GhcrRefreshSummary, GitHubRepository } from './ghcr/index.js';
export { createActivityLog, activityFromEvent } from './activity/index.js';
export type { ActivityLog, ActivityLogOptions, ActivityInput } from './activity/index.js';
export {
  createReleaseSourceStore,
  validateReleaseSources,
  globToRegExp,
  matchReleaseSource,
  githubRepoFromSourceUrl,
  releaseRepoFor,
  createReleaseNotesResolver,
  enrichQueueWithReleaseNotes,
  releaseTagCandidates,
} from './release-notes/index.js';
export type { ReleaseSourceStore, ReleaseNotesOptions, ReleaseNotesResolver, EnrichOptions } from './release-notes/index.js';
export { parseWebhookPayload, containersForPush, createWebhookConfigStore } from './inbound-webhook/index.js';
export type { WebhookPush, WebhookConfigStore, WebhookConfigView } from './inbound-webhook/index.js';
export { createConfigTransfer, isSecretSettingKey } from './config-transfer/index.js';
export type { ConfigTransfer, ConfigTransferOptions, ConfigSection, PreparedSection, SectionItem } from './config-transfer/index.js';
export {
  createNotifier,
  compileTemplate,
  validateTemplate,
  TEMPLATE_VARIABLES,
  EVENT_TYPE_DEFINITIONS,
  notificationEventTypes,
  HTTP_TRANSPORTS,
  notificationPayload,
  signPayload,
  channelLabel,
  maskToken,
  maskUrl,
  maskChannel,
  redactSecrets,
  nextDigestAt,
  CHANNEL_TYPE_NAMES,
} from './notify/index.js';
export type {
  Notifier,
  NotifierOptions,
  DeliveryReport,
  DigestResult,
  CompiledTemplate,
  TemplateVariableName,
  TemplateVars,
  NotificationSeverity,
  StoredChannel,
  ChannelOf,
  DigestLine,
  NotificationMessage,
  NotificationTransport,
  TransportContext,
} from './notify/index.js';
export { registryCredentialsConfigSection, REDACTED_SECRET } from './registry-credentials/index.js';
export type { RegistryCredentialsConfigSection, PreparedRegistryImport } from './registry-credentials/index.js';
export { parseMaintenanceWindow, isWithinWindow, nextWindowOpening, compileScanFilters, validateScanFilters } from './policy/index.js';
export type { MaintenanceWindow, WindowEntry } from './policy/index.js';
export { settingEffect, settingEnv } from './settings/index.js';
export type { SettingEffect } from './settings/index.js';
export { validateCron, nextCronRun, assertTimeZone } from './scheduler/index.js';
export { backupReference } from './updates/index.js';
export type { UpdateOptions } from './updates/index.js';
export type { HoldReason } from './engine/index.js';
export {
  HOOK_PHASES,
  HOOK_LABELS,
  HOOK_SKIP_EXIT_CODE,
  isHookPhase,
  validateHook,
  hooksFromLabels,
  hookLabels,
  resolveHooks,
  createHookStore,
  runHook,
} from './hooks/index.js';
export type { Hook, HookPhase, ResolvedHook, HookStore, HookRun } from './hooks/index.js';
export { buildDependencyGraph, dependencyInputFrom, orderByDependencies, transitiveDependents, DEPENDENCY_LABELS } from './deps/index.js';
export type { DependencyInput, DependencyNode, DependencyGraph } from './deps/index.js';
export { createPasskeyStore, checkPasskeyName, PASSKEY_NAME_MAX, createChallengeStore, DEFAULT_CHALLENGE_TTL_MS } from './auth/passkeys/index.js';
export type { Passkey, NewPasskey, PasskeyStore, ChallengeStore, ChallengeStoreOptions } from './auth/passkeys/index.js';
export {
  createOidcSettingsStore,
  mergeOidcSettings,
  maskOidcSettings,
  claimValue,
  roleFromClaims,
  usernameFromClaims,
  DEFAULT_OIDC_SETTINGS,
  OIDC_SECRET_MASK,
  createOidcLoginStates,
  DEFAULT_OIDC_LOGIN_TTL_MS,
} from './auth/oidc/index.js';
export type { OidcSettings, OidcSettingsInput, OidcSettingsStore, OidcPendingLogin } from './auth/oidc/index.js';
export {
  createVulnerabilityDatabase,
  matchInventory,
  VULNERABILITY_COLLECTIONS,
  createAssetIndex,
  itemKeys,
  normalizeName,
  normalizeVendor,
  vendorRelation,
  PRODUCT_ALIASES,
  packageIdentity,
  parsePurl,
  splitEcosystem,
  parseNvdCve,
  parseOsvRecord,
  parseKevEntry,
  streamJsonArray,
  cvss2BaseScore,
  cvss3BaseScore,
  severityFromScore,
  primaryMetric,
  compareVersions,
  detectScheme,
  schemeForEcosystem,
  upstreamVersion,
  isVersionScheme,
  VERSION_SCHEMES,
  compareDebianVersions,
  compareRpmVersions,
  compareApkVersions,
  compareGenericVersions,
  inVersionRange,
  CPE_ATTRIBUTES,
  ANY,
  NA,
  parseCpe,
  tryParseCpe,
  formatCpe,
  formatWfn,
  createWfn,
  quoteCpeValue,
  unquoteCpeValue,
  cpeValueText,
  compareCpe,
  compareCpeValues,
  cpeMatches,
  createAssetStore,
} from './inventory/index.js';
export type {
  VulnerabilityDatabase,
  VulnerabilityDatabaseOptions,
  VulnerabilityDatabaseStats,
  VulnerabilityQuery,
  VulnerabilityPage,
  VulnerabilitySort,
  VulnerabilityChange,
  ImportOptions,
  KevImportOptions,
  ImportProgress,
  NvdInput,
  OsvInput,
  KevInput,
  AssetIndex,
  PackageIdentity,
  ParsedPurl,
  JsonStreamEvent,
  JsonTextStream,
  StoredVulnerability,
  StoredKevEntry,
  ParsedRecord,
  VersionScheme,
  SchemeHints,
  VersionRange,
  CpeAttribute,
  CpeValue,
  CpeLogicalValue,
  Wfn,
  CpeRelation,
  CpeComparison,
  InventoryItem,
  InventoryMatch,
  MatchMethod,
  MatchConfidence,
  Severity,
  CvssMetric,
  KevInfo,
  VulnerabilitySummary,
  VulnerabilityDetail,
  ImportSummary,
  Asset,
  AssetKind,
  AssetStore,
  Organization,
  UpsertAssetInput,
} from './inventory/index.js';
export {
  AUDIT_CHECKS,
  checkDefinition,
  FRAMEWORKS,
  FRAMEWORK_IDS,
  isFrameworkId,
  CheckTally,
  CONTAINER_CHECK_IDS,
  evaluateContainers,
  isRootUser,
  VULNERABILITY_CHECK_IDS,
  evaluateVulnerabilities,
  buildAudit,
  countFindings,
  SEVERITY_RANK,
  complianceStatus,
  latestAuditPerSystem,
} from './audit/index.js';
export type {
  AuditCheckId,
  CheckDefinition,
  FrameworkDefinition,
  AuditEvaluation,
  ContainerAuditInput,
  ContainerCheckOptions,
  ImageScanVulnerability,
  AuditSubject,
  BuildAuditInput,
} from './audit/index.js';
export { apiHostFor, isLoopbackRegistry, parseWwwAuthenticate } from './registry/index.js';
export { parseDpkgStatus, parseDeb822Stanza, parseApkInstalled, parseOsRelease, describeOs, toInventoryItems, osFamilyOf, PACKAGE_TYPE } from './inventory/packages-db/index.js';
export type { OsRelease, InstalledPackage, PackageManager } from './inventory/packages-db/index.js';
export {
  readTar,
  normalizeArchivePath,
  createTar,
  gzipBytes,
  createImageFilesystem,
  isPackageDatabasePath,
  PACKAGE_DATABASE_PATHS,
  scanImagePackages,
  pickPlatform,
  SEVERITY_BUCKETS,
  severityBucket,
  documentedPackageType,
  imageVulnerabilities,
  vulnerabilitiesSummary,
  kubernetesSummary,
  toImageResult,
  searchImages,
  facetImages,
  searchRepositories,
  DEFAULT_ROWS,
  DEFAULT_FACET_ROWS,
  createMemoryOciRegistry,
} from './inventory/images/index.js';
export type {
  TarEntry,
  TarEntryType,
  ReadTarOptions,
  TarWriteEntry,
  ImageFilesystem,
  ImageFileNode,
  ScanImageOptions,
  ScanPlatform,
  ImagePackageScan,
  ImageInventoryEntry,
  ImageWorkload,
  ImageVulnerability,
  RepositoryEntry,
  MemoryOciRegistry,
  MemoryOciRegistryOptions,
  PushImageOptions,
  PushedImage,
} from './inventory/images/index.js';
// The vulnerability store port, its memory adapter and what every adapter derives its indexes with.
export {
  createMemoryVulnerabilityStore,
  recordIndexEntries,
  severityRank,
  DEFAULT_MAX_RECORD_BYTES,
  storableRecordJson,
  compareStoreOrder,
  migrateVulnerabilityStorage,
  isStoredVulnerability,
  DEFAULT_MAX_JSON_VALUE_CHARS,
} from './inventory/index.js';
export type {
  MemoryVulnerabilityStoreOptions,
  CpeIndexEntry,
  NameIndexEntry,
  RecordIndexEntries,
  RecordSummaryFields,
  VulnerabilityMigration,
  KevCatalogInfo,
  JsonStreamOptions,
} from './inventory/index.js';
export type {
  VulnerabilityStore,
  VulnerabilityStoreStats,
  RecordVersion,
  FeedCursor,
  CpeLookup,
  CandidateQuery,
  StoreQuery,
  StoreQueryPage,
  StoreSort,
  KevChange,
} from './ports/index.js';

export { createRegistryCredentialStore, isMaskedSecret, MASKED_SECRET } from './credential-store.js';
export type { RegistryCredential, RegistryCredentialInput, RegistryCredentialStore, MaskedRegistryCredential } from './credential-store.js';
export { normalizeRegistryName } from './registry-name.js';
export { testRegistryCredential } from './test-credential.js';
export type { CredentialTestResult, TestCredentialOptions } from './test-credential.js';
export { rateLimitStatus, rateLimitHealth, rateLimitEntries, LOW_FRACTION, LOW_REMAINING } from './rate-limit-status.js';
export type { RateLimitHealth, RateLimitEntry } from './rate-limit-status.js';
export { registryCredentialsConfigSection, REDACTED_SECRET } from './config-section.js';
export type { RegistryCredentialsConfigSection, PreparedRegistryImport } from './config-section.js';

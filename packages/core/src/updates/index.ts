export { createUpdateTransaction, backupReference } from './update-transaction.js';
export type { UpdateTransaction, UpdateTransactionDeps } from './update-transaction.js';
export type { HealthGateOptions } from './health-gate.js';
export type { UpdateOutcome, UpdateResult, UpdateOptions } from './update-result.js';
export type { ReplaceRequest } from './attempt-events.js';
export { createUpdateLocks } from './update-locks.js';
export type { UpdateLocks } from './update-locks.js';

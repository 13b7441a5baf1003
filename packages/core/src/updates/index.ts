export { createUpdateTransaction, backupReference } from './update-transaction.js';
export type { UpdateTransaction, UpdateTransactionDeps, HealthGateOptions, UpdateOutcome, UpdateResult, UpdateOptions, ReplaceRequest } from './update-transaction.js';
export { createUpdateLocks } from './update-locks.js';
export type { UpdateLocks } from './update-locks.js';

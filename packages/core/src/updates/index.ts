export { createUpdateTransaction } from './update-transaction.js';
export type { UpdateTransaction, UpdateTransactionDeps, HealthGateOptions, UpdateOutcome, UpdateResult, ReplaceRequest } from './update-transaction.js';
export { createUpdateLocks } from './update-locks.js';
export type { UpdateLocks } from './update-locks.js';

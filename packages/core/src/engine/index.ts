export { createSentinel } from './sentinel.js';
export type { Sentinel, SentinelOptions, EngineStatus, ScanSummary, HoldReason, RecoveryReport } from './sentinel.js';

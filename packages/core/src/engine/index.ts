export { createSentinel } from './sentinel.js';
export type { Sentinel, SentinelOptions, EngineStatus, ScanSummary } from './sentinel.js';

export { createHistoryStore } from './history.js';
export type { HistoryStore, HistoryStoreOptions, Snapshot } from './history.js';
export { historyToCsv } from './csv.js';

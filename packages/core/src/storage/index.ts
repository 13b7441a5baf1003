export { createMemoryStorage } from './memory-storage.js';
export type { MemoryStorage, MemoryStorageOptions, StoragePersistence, StorageSnapshot } from './memory-storage.js';
export { toJsonDocument } from './json-document.js';

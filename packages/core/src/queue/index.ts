export { createUpdateQueue, queueKey } from './queue.js';
export type { UpdateQueue } from './queue.js';

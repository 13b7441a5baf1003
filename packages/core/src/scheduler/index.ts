export { createScheduler } from './scheduler.js';
export type { Scheduler, SchedulerOptions } from './scheduler.js';
export { validateCron, nextCronRun, assertTimeZone } from './cron.js';

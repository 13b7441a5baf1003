export { createActivityLog, activityFromEvent } from './activity-log.js';
export type { ActivityLog, ActivityLogOptions, ActivityInput } from './activity-log.js';

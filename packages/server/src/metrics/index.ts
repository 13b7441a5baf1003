export { createServerMetrics, serverMetricsFor, releaseServerMetrics, recordNotificationFailure, METRIC_NAMES, UPDATE_OUTCOMES } from './server-metrics.js';
export type { ServerMetrics, ServerMetricsOptions } from './server-metrics.js';
export { grafanaDashboard } from './grafana-dashboard.js';

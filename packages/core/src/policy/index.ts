export { LABELS, isPolicy, resolvePolicy, isSelfProtected } from './resolve-policy.js';
export type { PolicyInputs } from './resolve-policy.js';
export { parseMaintenanceWindow, isWithinWindow, nextWindowOpening } from './maintenance-window.js';
export type { MaintenanceWindow, WindowEntry } from './maintenance-window.js';
export { compileScanFilters, validateScanFilters } from './scan-filters.js';

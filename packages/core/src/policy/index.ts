export { LABELS, isPolicy, resolvePolicy, isSelfProtected } from './resolve-policy.js';
export type { PolicyInputs } from './resolve-policy.js';

export { checkContainer, scopeFor } from './check-container.js';
export type { CheckResult, CheckInputs, RegistryLookup } from './check-container.js';

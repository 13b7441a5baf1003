export { checkContainer, scopeFor } from './check-container.js';
export type { CheckResult, CheckInputs, RegistryLookup } from './check-container.js';
export { decideUpdate } from './decide-update.js';
export type { DecideUpdateInput, HoldReason, UpdateDecision } from './decide-update.js';

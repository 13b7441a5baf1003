export {
  HOOK_PHASES,
  HOOK_LABELS,
  HOOK_SKIP_EXIT_CODE,
  HOOK_DEFAULT_TIMEOUT,
  HOOK_MAX_TIMEOUT,
  isHookPhase,
  validateHook,
  hooksFromLabels,
  hookLabels,
  resolveHooks,
  createHookStore,
  runHook,
  describeHookFailure,
} from './hooks.js';
export type { Hook, HookPhase, ResolvedHook, HookStore, HookRun } from './hooks.js';

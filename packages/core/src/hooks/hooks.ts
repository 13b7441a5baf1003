import { errorMessage, InvalidError } from '../errors/index.js';
import type { DockerPort } from '../ports/docker.js';
import type { StoragePort } from '../ports/storage.js';

export type HookPhase = 'pre-update' | 'post-update';

export const HOOK_PHASES: readonly HookPhase[] = ['pre-update', 'post-update'];

/** A lifecycle command run inside the container (`docker exec`). */
export interface Hook {
  container_name: string;
  phase: HookPhase;
  /** argv; a shell command is `["sh", "-c", "…"]`. */
  command: string[];
  /** Seconds the command may run before it is abandoned. */
  timeout: number;
}

/** A hook and where it was defined. API hooks win over label hooks of the same phase. */
export interface ResolvedHook extends Hook {
  source: 'api' | 'label';
}

/** A pre-update hook that exits with this code skips the update (like `EX_TEMPFAIL`: "not now"). */
export const HOOK_SKIP_EXIT_CODE = 75;

/** Default and maximum hook timeouts, in seconds. */
export const HOOK_DEFAULT_TIMEOUT = 60;
export const HOOK_MAX_TIMEOUT = 3600;

/**
 * Labels that define hooks on the container itself:
 * - `sentinel.hook.pre-update` / `sentinel.hook.post-update`: the command. A
 *   value starting with `[` is a JSON array (argv); anything else is a shell
 *   command run with `sh -c`.
 * - `sentinel.hook.pre-update.timeout` / `sentinel.hook.post-update.timeout`:
 *   seconds (default 60).
 */
export const HOOK_LABELS: Readonly<Record<HookPhase, string>> = {
  'pre-update': 'sentinel.hook.pre-update',
  'post-update': 'sentinel.hook.post-update',
};

export function isHookPhase(value: string): value is HookPhase {
  return (HOOK_PHASES as readonly string[]).includes(value);
}

/** Validate a hook's command and timeout; throws `InvalidError`. */
export function validateHook(hook: Hook): Hook {
  if (!isHookPhase(hook.phase)) throw new InvalidError(`phase must be pre-update or post-update, got "${hook.phase}"`);
  if (hook.command.length === 0 || hook.command.length > 64) throw new InvalidError('command must have 1 to 64 arguments');
  if (hook.command[0] === '' || hook.command.some((a) => a.length > 8192 || a.includes('\0'))) throw new InvalidError('command arguments must be non-empty text');
  if (!Number.isInteger(hook.timeout) || hook.timeout < 1 || hook.timeout > HOOK_MAX_TIMEOUT) {
    throw new InvalidError(`timeout must be a whole number of seconds from 1 to ${HOOK_MAX_TIMEOUT}`);
  }
  return hook;
}

/** Hooks defined by labels (ignored when unreadable: a bad label must not break updates). */
export function hooksFromLabels(containerName: string, labels: Record<string, string>): Hook[] {
  const out: Hook[] = [];
  for (const phase of HOOK_PHASES) {
    const raw = labels[HOOK_LABELS[phase]]?.trim();
    if (raw === undefined || raw === '') continue;
    let command: string[];
    if (raw.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) continue;
        command = parsed;
      } catch {
        continue;
      }
    } else {
      command = ['sh', '-c', raw];
    }
    const t = Number(labels[`${HOOK_LABELS[phase]}.timeout`] ?? HOOK_DEFAULT_TIMEOUT);
    const timeout = Number.isInteger(t) && t >= 1 && t <= HOOK_MAX_TIMEOUT ? t : HOOK_DEFAULT_TIMEOUT;
    try {
      out.push(validateHook({ container_name: containerName, phase, command, timeout }));
    } catch {
      // An invalid label hook is skipped, not run.
    }
  }
  return out;
}

/** The labels that carry `hooks` (what `hooks_write_labels` writes on a recreated container). */
export function hookLabels(hooks: readonly Hook[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const hook of hooks) {
    const [first, flag, script] = hook.command;
    const shell = hook.command.length === 3 && (first === 'sh' || first === '/bin/sh') && flag === '-c' && script !== undefined && !script.trim().startsWith('[');
    out[HOOK_LABELS[hook.phase]] = shell ? script : JSON.stringify(hook.command);
    out[`${HOOK_LABELS[hook.phase]}.timeout`] = String(hook.timeout);
  }
  return out;
}

/** API hooks win over label hooks of the same phase; ordered pre-update, post-update. */
export function resolveHooks(stored: readonly Hook[], labels: readonly Hook[]): ResolvedHook[] {
  const out: ResolvedHook[] = [];
  for (const phase of HOOK_PHASES) {
    const api = stored.find((h) => h.phase === phase);
    const label = labels.find((h) => h.phase === phase);
    if (api !== undefined) out.push({ ...api, source: 'api' });
    else if (label !== undefined) out.push({ ...label, source: 'label' });
  }
  return out;
}

const COLLECTION = 'hooks';

/** API-defined hooks, persisted by container name and phase. */
export interface HookStore {
  list(containerName: string): Promise<Hook[]>;
  set(hook: Hook): Promise<Hook>;
  /** Resolves true when a hook was removed. */
  remove(containerName: string, phase: HookPhase): Promise<boolean>;
}

export function createHookStore(storage: StoragePort): HookStore {
  return {
    async list(containerName) {
      const entries = await storage.list<Hook>(COLLECTION, { prefix: `${containerName}/` });
      return HOOK_PHASES.flatMap((phase) => entries.filter((e) => e.key === `${containerName}/${phase}`).map((e) => e.value));
    },
    async set(hook) {
      const valid = validateHook({ container_name: hook.container_name, phase: hook.phase, command: [...hook.command], timeout: hook.timeout });
      await storage.put(COLLECTION, `${valid.container_name}/${valid.phase}`, valid);
      return valid;
    },
    remove: (containerName, phase) => storage.delete(COLLECTION, `${containerName}/${phase}`),
  };
}

/** What running a hook produced. */
export interface HookRun {
  phase: HookPhase;
  source: 'api' | 'label';
  exitCode: number;
  output: string;
  timedOut: boolean;
  /** Set when the exec itself could not run (container not running, engine error). */
  error?: string;
}

/** Run `hook` inside container `id` with its timeout. Never throws: failures are in the result. */
export async function runHook(docker: DockerPort, id: string, hook: ResolvedHook): Promise<HookRun> {
  try {
    const r = await docker.exec(id, hook.command, { timeoutMs: hook.timeout * 1000 });
    return { phase: hook.phase, source: hook.source, exitCode: r.exitCode, output: r.output, timedOut: r.timedOut };
  } catch (error) {
    return { phase: hook.phase, source: hook.source, exitCode: -1, output: '', timedOut: false, error: errorMessage(error) };
  }
}

/** One line describing a hook that did not succeed, for history and events. */
export function describeHookFailure(run: HookRun): string {
  const tail = run.output.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
  if (run.error !== undefined) return `${run.phase} hook could not run: ${run.error}`;
  if (run.timedOut) return `${run.phase} hook timed out`;
  return `${run.phase} hook exited with code ${run.exitCode}${tail === '' ? '' : `: ${tail}`}`;
}

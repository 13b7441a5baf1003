import { compactGoDuration } from '../config/duration.js';
import { NotFoundError } from '../errors/index.js';
import type { Hook, HookPhase, ResolvedHook } from '../hooks/hooks.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { SETTING_KEYS, settingEnv } from '../settings/settings.js';
import type { SettingKey } from '../settings/settings.js';
import type { EngineContext } from './engine-context.js';
import type { Sentinel } from './sentinel-types.js';
import type { UpdateRunner } from './update-runner.js';

/** Settings that change when scans are scheduled. */
const SCHEDULE_KEYS: readonly SettingKey[] = ['poll_interval', 'schedule', 'timezone'];

/** Runtime settings and hooks. */
export type SettingsActions = Pick<Sentinel, 'changeSettings' | 'settingsView' | 'listHooks' | 'setHook' | 'removeHook'>;

export function createSettingsActions(ctx: EngineContext, deps: Pick<UpdateRunner, 'hooksFor'> & { scheduler: Scheduler }): SettingsActions {
  const { logger, events, settings, hookStore, findContainer } = ctx;
  const { hooksFor, scheduler } = deps;
  const api = {
    /**
     * Validate and store runtime settings (all or nothing), emit one
     * `settings_change` event and re-arm the schedule when it changed.
     * Returns the stored values as the wire shows them.
     */
    async changeSettings(changes: Partial<Record<SettingKey, string>>): Promise<Partial<Record<SettingKey, string>>> {
      const stored = await settings.setMany(changes);
      const keys = Object.keys(stored) as SettingKey[];
      if (keys.length === 0) return stored;
      events.publish({ type: 'settings_change', message: `settings changed: ${keys.join(', ')}`, data: { changes: { ...stored } } });
      logger.info('settings changed', { changes: stored });
      if (keys.some((k) => SCHEDULE_KEYS.includes(k))) await scheduler.reschedule();
      return stored;
    },

    /**
     * Every setting as a flat map of strings: for each, its environment
     * variable with the configured value (environment / CLI, else the default)
     * and its runtime key with the effective value (a stored override wins).
     */
    async settingsView(): Promise<Record<string, string>> {
      // Configured values read as people write them (`6h`, as the seed shows); a runtime
      // override reads as stored, in the form its POST answered (`4h0m0s`).
      const configured = settings.configuredFormatted();
      const effective = await settings.formatted();
      const out: Record<string, string> = {};
      for (const key of SETTING_KEYS) {
        out[settingEnv(key)] = compactGoDuration(configured[key]);
        out[key] = (await settings.override(key)) === undefined ? compactGoDuration(configured[key]) : effective[key];
      }
      return out;
    },

    /** Hooks of a container: API-defined ones and those its labels define (API wins per phase). */
    async listHooks(name: string): Promise<ResolvedHook[]> {
      const c = await findContainer(name);
      return hooksFor(name, c.labels);
    },

    /** Create or replace the API hook of a container for one phase. */
    async setHook(name: string, hook: { phase: HookPhase; command: string[]; timeout?: number | undefined }): Promise<Hook> {
      await findContainer(name);
      const saved = await hookStore.set({ container_name: name, phase: hook.phase, command: hook.command, timeout: hook.timeout ?? 60 });
      events.publish({ type: 'settings_change', container_name: name, message: `${hook.phase} hook set for ${name}`, data: { hook: { phase: saved.phase, command: saved.command, timeout: saved.timeout } } });
      return saved;
    },

    /** Delete the API hook of a container for one phase; NotFound when there is none. */
    async removeHook(name: string, phase: HookPhase): Promise<void> {
      if (!(await hookStore.remove(name, phase))) throw new NotFoundError(`no ${phase} hook defined through the API for ${name}`);
      events.publish({ type: 'settings_change', container_name: name, message: `${phase} hook removed for ${name}`, data: { hook: { phase, removed: true } } });
    },
  };
  return api;
}

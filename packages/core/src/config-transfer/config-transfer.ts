import type { ConfigBackup, ConfigImportResponse } from '../contract/ops.js';
import { CONFIG_BACKUP_VERSION, ConfigImportBodySchema, REDACTED } from '../contract/ops.js';
import { errorMessage, InvalidError } from '../errors/index.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type { WebhookConfigStore } from '../inbound-webhook/webhook-config.js';
import type { ReleaseSourceStore } from '../release-notes/release-sources.js';
import { validateReleaseSources } from '../release-notes/release-sources.js';
import type { SettingKey, SettingsStore } from '../settings/settings.js';
import { isSettingKey, parseSetting, SETTING_KEYS } from '../settings/settings.js';

export type SectionItem = Record<string, unknown>;

/** What importing one section would do, computed before anything is written. */
export interface PreparedSection {
  imported: number;
  redactedSkipped: number;
  warnings: string[];
  /** Write the section. Called only after every section prepared without error. */
  apply(): Promise<void>;
}

/**
 * A list section of the backup kept by another module (notification
 * channels, registry credentials). `prepare` validates and throws
 * `InvalidError` without writing anything.
 */
export interface ConfigSection {
  export(options: { secrets: boolean }): Promise<SectionItem[]>;
  prepare(items: readonly SectionItem[]): Promise<PreparedSection>;
}

export interface ConfigTransferOptions {
  settings: SettingsStore;
  /**
   * Writes the imported settings at once. Pass the engine's `changeSettings` so an
   * import emits `settings_change` and re-arms the schedule.
   * @default one `settings.setRaw` per key
   */
  applySettings?: (changes: Partial<Record<SettingKey, string>>) => Promise<unknown>;
  releaseSources: ReleaseSourceStore;
  webhook: WebhookConfigStore;
  /** Notification channels; when absent they export as `[]` and an import skips them with a warning. */
  notifications?: ConfigSection | undefined;
  /** Registry credentials; when absent they export as `[]` and an import skips them with a warning. */
  registries?: ConfigSection | undefined;
  /** @default systemClock */
  clock?: Clock;
}

export interface ConfigTransfer {
  /** The whole configuration; secrets read `***REDACTED***` unless `secrets` is true. */
  export(options?: { secrets?: boolean }): Promise<ConfigBackup>;
  /**
   * Apply a backup: validate every section first (unknown setting keys, bad
   * values → `InvalidError`, nothing written), then write. `***REDACTED***`
   * values are skipped and counted.
   */
  import(body: unknown): Promise<ConfigImportResponse>;
}

// Setting keys whose values are secrets (none of today's engine settings are; keys added later may be).
const SECRET_SETTING = /(secret|password|passwd|token|api_?key|credential)/i;

/** Whether a setting's value is a secret that exports redact. */
export function isSecretSettingKey(key: string): boolean {
  return SECRET_SETTING.test(key);
}

const KNOWN_SECTIONS = new Set(['version', 'exported_at', 'settings', 'notifications', 'registries', 'release_sources', 'webhook']);

/** Full configuration export and import (`GET /api/config/export`, `POST /api/config/import`). */
export function createConfigTransfer(options: ConfigTransferOptions): ConfigTransfer {
  const clock = options.clock ?? systemClock;

  return {
    async export({ secrets = false } = {}) {
      const formatted = await options.settings.formatted();
      const settings: Record<string, string> = {};
      for (const key of SETTING_KEYS) {
        const value = formatted[key];
        settings[key] = !secrets && isSecretSettingKey(key) && value !== '' ? REDACTED : value;
      }
      const webhook = await options.webhook.get();
      return {
        version: CONFIG_BACKUP_VERSION,
        exported_at: new Date(clock.now()).toISOString(),
        settings,
        notifications: (await options.notifications?.export({ secrets })) ?? [],
        registries: (await options.registries?.export({ secrets })) ?? [],
        release_sources: await options.releaseSources.list(),
        webhook: { enabled: webhook.enabled },
      };
    },

    async import(raw) {
      const parsed = ConfigImportBodySchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InvalidError(`invalid backup: ${issue === undefined ? 'unreadable' : `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`}`);
      }
      const body = parsed.data;
      if (body.version !== undefined && body.version !== CONFIG_BACKUP_VERSION) {
        throw new InvalidError(`unsupported backup version "${body.version}" (this server reads version ${CONFIG_BACKUP_VERSION})`);
      }
      const warnings: string[] = [];
      let redacted = 0;

      // Settings: all known, all valid, or nothing is written.
      const settings: Array<[SettingKey, string]> = [];
      const entries = Object.entries(body.settings ?? {});
      const unknown = entries.map(([k]) => k).filter((k) => !isSettingKey(k));
      if (unknown.length > 0) throw new InvalidError(`unknown setting key(s): ${unknown.join(', ')}`);
      const invalid: string[] = [];
      for (const [key, value] of entries) {
        if (value === REDACTED) {
          redacted++;
          continue;
        }
        const rawValue = String(value);
        try {
          parseSetting(key as SettingKey, rawValue);
          settings.push([key as SettingKey, rawValue]);
        } catch (error) {
          invalid.push(`settings.${key}: ${errorMessage(error)}`);
        }
      }
      if (invalid.length > 0) throw new InvalidError(invalid.slice(0, 5).join('; '));

      const releaseSources = body.release_sources === undefined ? undefined : validateReleaseSources(body.release_sources);

      const prepareList = async (label: string, section: ConfigSection | undefined, items: readonly SectionItem[] | undefined): Promise<PreparedSection | undefined> => {
        if (items === undefined || items.length === 0) return undefined;
        if (section === undefined) {
          warnings.push(`${items.length} ${label} skipped: this server has no store for them`);
          return undefined;
        }
        try {
          return await section.prepare(items);
        } catch (error) {
          if (error instanceof InvalidError) throw new InvalidError(`${label}: ${error.message}`);
          throw error;
        }
      };
      const notifications = await prepareList('notification channels', options.notifications, body.notifications);
      const registries = await prepareList('registry credentials', options.registries, body.registries);

      for (const key of Object.keys(body)) {
        if (!KNOWN_SECTIONS.has(key)) warnings.push(`unknown section "${key}" ignored`);
      }

      // Everything validated: write. Sections go first: their stores may still refuse
      // (a value only they can check), and then nothing else has been written.
      for (const prepared of [notifications, registries]) {
        if (prepared === undefined) continue;
        await prepared.apply();
        redacted += prepared.redactedSkipped;
        warnings.push(...prepared.warnings);
      }
      if (options.applySettings !== undefined) {
        if (settings.length > 0) await options.applySettings(Object.fromEntries(settings) as Partial<Record<SettingKey, string>>);
      } else {
        for (const [key, value] of settings) await options.settings.setRaw(key, value);
      }
      if (releaseSources !== undefined) await options.releaseSources.replace(releaseSources);
      if (body.webhook !== undefined) {
        const { generatedSecret } = await options.webhook.setEnabled(body.webhook.enabled);
        if (generatedSecret !== undefined) warnings.push('webhooks enabled without a secret (secrets are never exported): regenerate it with POST /api/settings/webhook-secret');
      }

      const n = settings.length;
      const c = notifications?.imported ?? 0;
      const r = registries?.imported ?? 0;
      return {
        message: `Imported ${n} settings, ${c} notification channels, ${r} registry credentials`,
        settings_imported: n,
        notifications_imported: c,
        registries_imported: r,
        redacted_skipped: redacted,
        warnings,
        release_sources_imported: releaseSources?.length ?? 0,
      };
    },
  };
}

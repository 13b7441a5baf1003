import { z } from 'zod';
import { formatGoDuration, parseDuration } from '../config/duration.js';
import { InvalidError } from '../errors/index.js';
import { parseMaintenanceWindow } from '../policy/maintenance-window.js';
import { validateScanFilters } from '../policy/scan-filters.js';
import type { StoragePort } from '../ports/storage.js';
import { assertTimeZone, validateCron } from '../scheduler/cron.js';

/**
 * Runtime settings. Each has a default, may be set by the embedder's
 * configuration (environment / CLI for the server), and may be overridden at
 * runtime (stored). The effective value is: stored override > configuration >
 * default. Values are kept as strings on the wire, as the seed shows
 * (`"paused": "false"`), and parsed here.
 */
export interface SettingValues {
  /** Time between scans when no cron schedule is set. @default 6h */
  poll_interval: number;
  /** Cron schedule of scans (5 fields, or 6 with seconds first); replaces the poll interval when set. @default '' */
  schedule: string;
  /** Time zone of the cron schedule and the maintenance window (IANA name). @default 'UTC' */
  timezone: string;
  /** Policy of a container with no override, label or latest-auto-update rule. @default 'manual' */
  default_policy: 'auto' | 'manual' | 'pinned';
  /** Largest change an auto update may apply. @default 'major' */
  version_scope: 'patch' | 'minor' | 'major';
  /** Containers on a non-version tag (`latest`) are auto-updated when their digest changes. @default false */
  latest_auto_update: boolean;
  /** How long a new container must keep running before an update counts as healthy. @default 30s */
  grace_period: number;
  /** How long a container with a healthcheck may take to become healthy. @default 2m */
  health_timeout: number;
  /** Concurrent registry checks during a scan. @default 4 */
  scan_concurrency: number;
  /** Scheduled scans are paused. @default false */
  paused: boolean;
  /** Seconds to wait for a container to stop before it is killed. @default 10 */
  stop_timeout: number;
  /** Glob patterns of container names left out of scans (`!pattern` includes again). @default [] */
  filters: string[];
  /** Remove the old image after a successful update. @default false */
  image_cleanup: boolean;
  /** Tag the old image `<repo>:sentinel-backup-<tag>` before an update. @default false */
  image_backup: boolean;
  /** Run pre-update and post-update hooks. @default false */
  hooks_enabled: boolean;
  /** Write API-defined hooks as labels on the recreated container. @default false */
  hooks_write_labels: boolean;
  /** Order updates dependencies-first; stop dependents during an update and restart them after. @default true */
  dependency_aware: boolean;
  /** Policy set on a container after a rollback ('' leaves it alone). @default '' */
  rollback_policy: '' | 'manual' | 'pinned';
  /** Detect, queue and announce updates, never apply them. @default false */
  dry_run: boolean;
  /** Pull new images but never recreate containers. @default false */
  pull_only: boolean;
  /** An automatic update waits until its version has been seen this long. @default 0s */
  update_delay: number;
  /** Automatic updates run only inside this window ('' = any time). @default '' */
  maintenance_window: string;
  /** Remove the old container's anonymous volumes after a successful update. @default false */
  remove_volumes: boolean;
  /** Dashboard: show stopped containers. @default true */
  show_stopped: boolean;
  /** Dashboard: stack display order. @default [] */
  stack_order: string[];
  /** Dashboard: visible columns. @default [] */
  dashboard_columns: string[];
  /** Compose sync (stored only: this server does not act on it). @default false */
  compose_sync: boolean;
  /** Home Assistant MQTT discovery (stored only: this server does not act on it). @default false */
  ha_discovery: boolean;
  /** Home Assistant discovery topic prefix. @default 'homeassistant' */
  ha_discovery_prefix: string;
  /** Instance role, applied on the next start. @default 'standalone' */
  role: 'standalone' | 'server' | 'agent';
  /** HTTP port, applied on the next start. @default 8080 */
  web_port: number;
  /** HTTPS for the web server, applied on the next start. @default 'off' */
  tls_mode: 'off' | 'manual';
  /** Certificate file for `tls_mode=manual`. @default '' */
  tls_cert: string;
  /** Private key file for `tls_mode=manual`. @default '' */
  tls_key: string;
  /** Log line format, applied on the next start. @default 'json' */
  log_format: 'json' | 'text';
  /** CA certificate file for a TLS Docker engine, applied on the next start. @default '' */
  docker_tls_ca: string;
  /** Client certificate file for a TLS Docker engine. @default '' */
  docker_tls_cert: string;
  /** Client key file for a TLS Docker engine. @default '' */
  docker_tls_key: string;
}

/**
 * When a setting takes effect:
 * - `live`: at once, on the scan and update paths;
 * - `dashboard`: stored for the dashboard, no engine effect;
 * - `restart`: on the next start of the process;
 * - `stored`: stored and validated, not acted on by this server.
 */
export type SettingEffect = 'live' | 'dashboard' | 'restart' | 'stored';

interface SettingDefinition<K extends keyof SettingValues> {
  key: K;
  env: string;
  default: SettingValues[K];
  effect: SettingEffect;
  parse(raw: string): SettingValues[K];
  format(value: SettingValues[K]): string;
}

type AnyDefinition = SettingDefinition<keyof SettingValues>;

const define = <K extends keyof SettingValues>(def: {
  key: K;
  env: string;
  default: unknown;
  effect?: SettingEffect;
  parse(raw: string): unknown;
  format(value: never): string;
}): SettingDefinition<K> => ({ effect: 'live', ...def }) as unknown as SettingDefinition<K>;

const durationSetting = <K extends keyof SettingValues>(key: K, env: string, def: number, min: number, max: number): SettingDefinition<K> =>
  define({
    key,
    env,
    default: def,
    parse(raw: string) {
      const ms = parseDuration(raw);
      if (ms < min || ms > max) {
        throw new InvalidError(`${key} must be between ${formatGoDuration(min)} and ${formatGoDuration(max)}, got ${raw}`);
      }
      return ms;
    },
    format: (v: number) => formatGoDuration(v),
  });

const enumSetting = <K extends keyof SettingValues>(key: K, env: string, def: string, values: readonly string[], effect: SettingEffect = 'live'): SettingDefinition<K> =>
  define({
    key,
    env,
    default: def,
    effect,
    parse(raw: string) {
      const v = raw.trim().toLowerCase();
      if (!values.includes(v)) throw new InvalidError(`${key} must be one of ${values.join(', ')}, got "${raw}"`);
      return v;
    },
    format: (v: string) => v,
  });

const boolSetting = <K extends keyof SettingValues>(key: K, env: string, def: boolean, effect: SettingEffect = 'live'): SettingDefinition<K> =>
  define({
    key,
    env,
    default: def,
    effect,
    parse(raw: string) {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      throw new InvalidError(`${key} must be true or false, got "${raw}"`);
    },
    format: (v: boolean) => String(v),
  });

const intSetting = <K extends keyof SettingValues>(key: K, env: string, def: number, min: number, max: number, effect: SettingEffect = 'live'): SettingDefinition<K> =>
  define({
    key,
    env,
    default: def,
    effect,
    parse(raw: string) {
      const n = z.coerce.number().int().safeParse(raw.trim());
      if (!n.success || raw.trim() === '' || n.data < min || n.data > max) {
        throw new InvalidError(`${key} must be a whole number from ${min} to ${max}, got "${raw}"`);
      }
      return n.data;
    },
    format: (v: number) => String(v),
  });

const stringSetting = <K extends keyof SettingValues>(key: K, env: string, def: string, validate: (raw: string) => string, effect: SettingEffect = 'live'): SettingDefinition<K> =>
  define({ key, env, default: def, effect, parse: validate, format: (v: string) => v });

/** A list travels as a comma-separated string (the wire map holds strings only). */
const listSetting = <K extends keyof SettingValues>(key: K, env: string, validate: (items: string[]) => string[], effect: SettingEffect = 'live'): SettingDefinition<K> =>
  define({
    key,
    env,
    default: [],
    effect,
    parse: (raw: string) => validate(raw.split(',').map((s) => s.trim()).filter((s) => s !== '')),
    format: (v: string[]) => v.join(','),
  });

const filePath = (key: string) => (raw: string): string => {
  const v = raw.trim();
  if (v === '') return '';
  if (v.length > 4096 || /[\0\n]/.test(v)) throw new InvalidError(`${key} must be a file path`);
  return v;
};

const names = (key: string, max: number, pattern: RegExp) => (items: string[]): string[] => {
  if (items.length > max) throw new InvalidError(`${key} holds at most ${max} entries`);
  for (const item of items) if (!pattern.test(item)) throw new InvalidError(`invalid ${key} entry "${item}"`);
  return items;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Every engine setting, its environment variable, its bounds and when it takes effect. */
export const SETTING_DEFINITIONS = {
  poll_interval: durationSetting('poll_interval', 'SENTINEL_POLL_INTERVAL', 6 * HOUR, 5 * MINUTE, 24 * HOUR),
  schedule: stringSetting('schedule', 'SENTINEL_SCHEDULE', '', (raw) => (raw.trim() === '' ? '' : validateCron(raw))),
  timezone: stringSetting('timezone', 'SENTINEL_TIMEZONE', 'UTC', assertTimeZone),
  default_policy: enumSetting('default_policy', 'SENTINEL_DEFAULT_POLICY', 'manual', ['auto', 'manual', 'pinned']),
  version_scope: enumSetting('version_scope', 'SENTINEL_VERSION_SCOPE', 'major', ['patch', 'minor', 'major']),
  latest_auto_update: boolSetting('latest_auto_update', 'SENTINEL_LATEST_AUTO_UPDATE', false),
  grace_period: durationSetting('grace_period', 'SENTINEL_GRACE_PERIOD', 30_000, 0, 10 * MINUTE),
  health_timeout: durationSetting('health_timeout', 'SENTINEL_HEALTH_TIMEOUT', 2 * MINUTE, 0, 30 * MINUTE),
  scan_concurrency: intSetting('scan_concurrency', 'SENTINEL_SCAN_CONCURRENCY', 4, 1, 64),
  paused: boolSetting('paused', 'SENTINEL_PAUSED', false),
  stop_timeout: intSetting('stop_timeout', 'SENTINEL_STOP_TIMEOUT', 10, 0, 600),
  filters: listSetting('filters', 'SENTINEL_FILTERS', validateScanFilters),
  image_cleanup: boolSetting('image_cleanup', 'SENTINEL_IMAGE_CLEANUP', false),
  image_backup: boolSetting('image_backup', 'SENTINEL_IMAGE_BACKUP', false),
  hooks_enabled: boolSetting('hooks_enabled', 'SENTINEL_HOOKS', false),
  hooks_write_labels: boolSetting('hooks_write_labels', 'SENTINEL_HOOKS_WRITE_LABELS', false),
  dependency_aware: boolSetting('dependency_aware', 'SENTINEL_DEPENDENCY_AWARE', true),
  rollback_policy: define<'rollback_policy'>({
    key: 'rollback_policy',
    env: 'SENTINEL_ROLLBACK_POLICY',
    default: '',
    parse(raw: string) {
      const v = raw.trim().toLowerCase();
      if (v === '' || v === 'none') return '';
      if (v === 'manual' || v === 'pinned') return v;
      throw new InvalidError(`rollback_policy must be none, manual or pinned, got "${raw}"`);
    },
    format: (v: string) => v,
  }),
  dry_run: boolSetting('dry_run', 'SENTINEL_DRY_RUN', false),
  pull_only: boolSetting('pull_only', 'SENTINEL_PULL_ONLY', false),
  update_delay: durationSetting('update_delay', 'SENTINEL_UPDATE_DELAY', 0, 0, 30 * 24 * HOUR),
  maintenance_window: stringSetting('maintenance_window', 'SENTINEL_MAINTENANCE_WINDOW', '', (raw) => parseMaintenanceWindow(raw).text),
  remove_volumes: boolSetting('remove_volumes', 'SENTINEL_REMOVE_VOLUMES', false),
  show_stopped: boolSetting('show_stopped', 'SENTINEL_SHOW_STOPPED', true, 'dashboard'),
  stack_order: listSetting('stack_order', 'SENTINEL_STACK_ORDER', names('stack_order', 500, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/), 'dashboard'),
  dashboard_columns: listSetting('dashboard_columns', 'SENTINEL_DASHBOARD_COLUMNS', names('dashboard_columns', 32, /^[a-z][a-z0-9_]{0,63}$/), 'dashboard'),
  compose_sync: boolSetting('compose_sync', 'SENTINEL_COMPOSE_SYNC', false, 'stored'),
  ha_discovery: boolSetting('ha_discovery', 'SENTINEL_HA_DISCOVERY', false, 'stored'),
  ha_discovery_prefix: stringSetting(
    'ha_discovery_prefix',
    'SENTINEL_HA_DISCOVERY_PREFIX',
    'homeassistant',
    (raw) => {
      const v = raw.trim();
      if (!/^[A-Za-z0-9_-][A-Za-z0-9_/-]{0,127}$/.test(v)) throw new InvalidError(`ha_discovery_prefix must be an MQTT topic prefix (letters, digits, _ - /), got "${raw}"`);
      return v;
    },
    'stored',
  ),
  role: enumSetting('role', 'SENTINEL_ROLE', 'standalone', ['standalone', 'server', 'agent'], 'restart'),
  web_port: intSetting('web_port', 'SENTINEL_WEB_PORT', 8080, 1, 65535, 'restart'),
  tls_mode: enumSetting('tls_mode', 'SENTINEL_TLS_MODE', 'off', ['off', 'manual'], 'restart'),
  tls_cert: stringSetting('tls_cert', 'SENTINEL_TLS_CERT', '', filePath('tls_cert'), 'restart'),
  tls_key: stringSetting('tls_key', 'SENTINEL_TLS_KEY', '', filePath('tls_key'), 'restart'),
  log_format: enumSetting('log_format', 'SENTINEL_LOG_FORMAT', 'json', ['json', 'text'], 'restart'),
  docker_tls_ca: stringSetting('docker_tls_ca', 'SENTINEL_DOCKER_TLS_CA', '', filePath('docker_tls_ca'), 'restart'),
  docker_tls_cert: stringSetting('docker_tls_cert', 'SENTINEL_DOCKER_TLS_CERT', '', filePath('docker_tls_cert'), 'restart'),
  docker_tls_key: stringSetting('docker_tls_key', 'SENTINEL_DOCKER_TLS_KEY', '', filePath('docker_tls_key'), 'restart'),
} satisfies { [K in keyof SettingValues]: SettingDefinition<K> };

export type SettingKey = keyof SettingValues;

export const SETTING_KEYS = Object.keys(SETTING_DEFINITIONS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTING_DEFINITIONS, key);
}

const definition = (key: SettingKey): AnyDefinition => SETTING_DEFINITIONS[key] as unknown as AnyDefinition;

/** When a change of `key` takes effect. */
export function settingEffect(key: SettingKey): SettingEffect {
  return definition(key).effect;
}

/** The environment variable that configures `key`. */
export function settingEnv(key: SettingKey): string {
  return definition(key).env;
}

/** Parse a raw string for a setting; throws `InvalidError` with the allowed range. */
export function parseSetting<K extends SettingKey>(key: K, raw: string): SettingValues[K] {
  return definition(key).parse(raw) as SettingValues[K];
}

export function formatSetting<K extends SettingKey>(key: K, value: SettingValues[K]): string {
  return definition(key).format(value as never);
}

/**
 * Read configuration from an environment-like map (`process.env`), validating
 * every variable present. Unknown variables are ignored.
 */
export function settingsFromEnv(env: Record<string, string | undefined>): Partial<SettingValues> {
  const out: Partial<Record<SettingKey, unknown>> = {};
  for (const key of SETTING_KEYS) {
    const raw = env[SETTING_DEFINITIONS[key].env];
    if (raw !== undefined && raw !== '') out[key] = parseSetting(key, raw);
  }
  return out as Partial<SettingValues>;
}

const COLLECTION = 'settings';

export interface SettingsStore {
  /** Effective value of a setting. */
  get<K extends SettingKey>(key: K): Promise<SettingValues[K]>;
  /** Every effective value. */
  all(): Promise<SettingValues>;
  /** Store a runtime override (validated). */
  set<K extends SettingKey>(key: K, value: SettingValues[K]): Promise<void>;
  /** Parse and store a runtime override from its string form. */
  setRaw(key: SettingKey, raw: string): Promise<void>;
  /** Parse every entry first, then store them all at once (all or nothing). Returns the stored strings. */
  setMany(changes: Partial<Record<SettingKey, string>>): Promise<Partial<Record<SettingKey, string>>>;
  /** Drop a runtime override (the configured or default value applies again). */
  reset(key: SettingKey): Promise<void>;
  /** Effective values formatted as the wire shows them. */
  formatted(): Promise<Record<SettingKey, string>>;
  /** The configuration layer (environment / CLI, else the default), formatted: what applies without overrides. */
  configuredFormatted(): Record<SettingKey, string>;
  /** The stored runtime override of `key`, if any (as stored). */
  override(key: SettingKey): Promise<string | undefined>;
}

export function createSettingsStore(storage: StoragePort, configured: Partial<SettingValues> = {}): SettingsStore {
  const fromConfig = <K extends SettingKey>(key: K): SettingValues[K] => {
    const v = configured[key];
    return (v !== undefined ? v : SETTING_DEFINITIONS[key].default) as SettingValues[K];
  };
  const effective = async <K extends SettingKey>(key: K): Promise<SettingValues[K]> => {
    const stored = await storage.get<string>(COLLECTION, key);
    if (stored !== undefined) {
      try {
        return parseSetting(key, stored);
      } catch {
        // A stored value that no longer validates (bounds changed) falls back rather than break scans.
      }
    }
    return fromConfig(key);
  };

  const store: SettingsStore = {
    get: effective,
    async all() {
      const out: Partial<Record<SettingKey, unknown>> = {};
      for (const key of SETTING_KEYS) out[key] = await effective(key);
      return out as SettingValues;
    },
    async set(key, value) {
      const raw = formatSetting(key, value);
      parseSetting(key, raw);
      await storage.put(COLLECTION, key, raw);
    },
    async setRaw(key, raw) {
      const value = parseSetting(key, raw);
      await storage.put(COLLECTION, key, formatSetting(key, value));
    },
    async setMany(changes) {
      const out: Partial<Record<SettingKey, string>> = {};
      for (const [key, raw] of Object.entries(changes) as Array<[SettingKey, string]>) {
        out[key] = formatSetting(key, parseSetting(key, raw));
      }
      await storage.batch(Object.entries(out).map(([key, value]) => ({ op: 'put' as const, collection: COLLECTION, key, value })));
      return out;
    },
    async reset(key) {
      await storage.delete(COLLECTION, key);
    },
    async formatted() {
      const all = await store.all();
      const out: Partial<Record<SettingKey, string>> = {};
      for (const key of SETTING_KEYS) out[key] = formatSetting(key, all[key]);
      return out as Record<SettingKey, string>;
    },
    configuredFormatted() {
      const out: Partial<Record<SettingKey, string>> = {};
      for (const key of SETTING_KEYS) out[key] = formatSetting(key, fromConfig(key));
      return out as Record<SettingKey, string>;
    },
    override: (key) => storage.get<string>(COLLECTION, key),
  };
  return store;
}

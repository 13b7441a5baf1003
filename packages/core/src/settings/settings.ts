import { z } from 'zod';
import { formatGoDuration, parseDuration } from '../config/duration.js';
import { InvalidError } from '../errors/index.js';
import type { StoragePort } from '../ports/storage.js';

/**
 * Runtime settings. Each has a default, may be set by the embedder's
 * configuration (environment / CLI for the server), and may be overridden at
 * runtime (stored). The effective value is: stored override > configuration >
 * default. Values are kept as strings on the wire, as the seed shows
 * (`"paused": "false"`), and parsed here.
 */
export interface SettingValues {
  /** Time between scans. @default 6h */
  poll_interval: number;
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
}

interface SettingDefinition<K extends keyof SettingValues> {
  key: K;
  env: string;
  default: SettingValues[K];
  parse(raw: string): SettingValues[K];
  format(value: SettingValues[K]): string;
}

const durationSetting = <K extends keyof SettingValues>(
  key: K,
  env: string,
  def: number,
  min: number,
  max: number,
): SettingDefinition<K> =>
  ({
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
  }) as unknown as SettingDefinition<K>;

const enumSetting = <K extends keyof SettingValues>(key: K, env: string, def: string, values: readonly string[]): SettingDefinition<K> =>
  ({
    key,
    env,
    default: def,
    parse(raw: string) {
      const v = raw.trim().toLowerCase();
      if (!values.includes(v)) throw new InvalidError(`${key} must be one of ${values.join(', ')}, got "${raw}"`);
      return v;
    },
    format: (v: string) => v,
  }) as unknown as SettingDefinition<K>;

const boolSetting = <K extends keyof SettingValues>(key: K, env: string, def: boolean): SettingDefinition<K> =>
  ({
    key,
    env,
    default: def,
    parse(raw: string) {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      throw new InvalidError(`${key} must be true or false, got "${raw}"`);
    },
    format: (v: boolean) => String(v),
  }) as unknown as SettingDefinition<K>;

const intSetting = <K extends keyof SettingValues>(key: K, env: string, def: number, min: number, max: number): SettingDefinition<K> =>
  ({
    key,
    env,
    default: def,
    parse(raw: string) {
      const n = z.coerce.number().int().safeParse(raw.trim());
      if (!n.success || raw.trim() === '' || n.data < min || n.data > max) {
        throw new InvalidError(`${key} must be a whole number from ${min} to ${max}, got "${raw}"`);
      }
      return n.data;
    },
    format: (v: number) => String(v),
  }) as unknown as SettingDefinition<K>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Every engine setting, its environment variable and its bounds. */
export const SETTING_DEFINITIONS = {
  poll_interval: durationSetting('poll_interval', 'SENTINEL_POLL_INTERVAL', 6 * HOUR, 5 * MINUTE, 24 * HOUR),
  default_policy: enumSetting('default_policy', 'SENTINEL_DEFAULT_POLICY', 'manual', ['auto', 'manual', 'pinned']),
  version_scope: enumSetting('version_scope', 'SENTINEL_VERSION_SCOPE', 'major', ['patch', 'minor', 'major']),
  latest_auto_update: boolSetting('latest_auto_update', 'SENTINEL_LATEST_AUTO_UPDATE', false),
  grace_period: durationSetting('grace_period', 'SENTINEL_GRACE_PERIOD', 30_000, 0, 10 * MINUTE),
  health_timeout: durationSetting('health_timeout', 'SENTINEL_HEALTH_TIMEOUT', 2 * MINUTE, 0, 30 * MINUTE),
  scan_concurrency: intSetting('scan_concurrency', 'SENTINEL_SCAN_CONCURRENCY', 4, 1, 64),
  paused: boolSetting('paused', 'SENTINEL_PAUSED', false),
  stop_timeout: intSetting('stop_timeout', 'SENTINEL_STOP_TIMEOUT', 10, 0, 600),
} satisfies { [K in keyof SettingValues]: SettingDefinition<K> };

export type SettingKey = keyof SettingValues;

export const SETTING_KEYS = Object.keys(SETTING_DEFINITIONS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTING_DEFINITIONS, key);
}

/** Parse a raw string for a setting; throws `InvalidError` with the allowed range. */
export function parseSetting<K extends SettingKey>(key: K, raw: string): SettingValues[K] {
  return (SETTING_DEFINITIONS[key] as unknown as SettingDefinition<K>).parse(raw);
}

export function formatSetting<K extends SettingKey>(key: K, value: SettingValues[K]): string {
  return (SETTING_DEFINITIONS[key] as unknown as SettingDefinition<K>).format(value);
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
  /** Drop a runtime override (the configured or default value applies again). */
  reset(key: SettingKey): Promise<void>;
  /** Effective values formatted as the wire shows them. */
  formatted(): Promise<Record<SettingKey, string>>;
}

export function createSettingsStore(storage: StoragePort, configured: Partial<SettingValues> = {}): SettingsStore {
  const effective = async <K extends SettingKey>(key: K): Promise<SettingValues[K]> => {
    const stored = await storage.get<string>(COLLECTION, key);
    if (stored !== undefined) {
      try {
        return parseSetting(key, stored);
      } catch {
        // A stored value that no longer validates (bounds changed) falls back rather than break scans.
      }
    }
    const fromConfig = configured[key];
    if (fromConfig !== undefined) return fromConfig as SettingValues[K];
    return SETTING_DEFINITIONS[key].default as SettingValues[K];
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
    async reset(key) {
      await storage.delete(COLLECTION, key);
    },
    async formatted() {
      const all = await store.all();
      const out: Partial<Record<SettingKey, string>> = {};
      for (const key of SETTING_KEYS) out[key] = formatSetting(key, all[key]);
      return out as Record<SettingKey, string>;
    },
  };
  return store;
}

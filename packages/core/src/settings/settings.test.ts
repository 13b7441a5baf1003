import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../storage/index.js';
import { createSettingsStore, formatSetting, parseSetting, SETTING_KEYS, settingEffect, settingsFromEnv } from './settings.js';

describe('settings', () => {
  it('parses each kind with its bounds and formats it back as the wire shows it', () => {
    expect(formatSetting('poll_interval', parseSetting('poll_interval', '4h'))).toBe('4h0m0s');
    expect(() => parseSetting('poll_interval', '4m')).toThrow(/between 5m0s and 24h0m0s/);
    expect(parseSetting('grace_period', '0')).toBe(0);
    expect(() => parseSetting('grace_period', '10m1s')).toThrow(/between 0s and 10m0s/);
    expect(parseSetting('rollback_policy', 'none')).toBe('');
    expect(parseSetting('rollback_policy', 'Pinned')).toBe('pinned');
    expect(parseSetting('filters', 'test-*, !test-keep,')).toEqual(['test-*', '!test-keep']);
    expect(formatSetting('filters', ['a*', 'b'])).toBe('a*,b');
    expect(parseSetting('schedule', '')).toBe('');
    expect(parseSetting('maintenance_window', 'sat  02:00-05:00')).toBe('sat 02:00-05:00');
    expect(() => parseSetting('web_port', '0')).toThrow(/1 to 65535/);
    expect(() => parseSetting('dashboard_columns', 'Image')).toThrow(/invalid dashboard_columns/);
  });

  it('every setting has a default that validates, and says when it takes effect', () => {
    const store = createSettingsStore(createMemoryStorage());
    const defaults = store.configuredFormatted();
    for (const key of SETTING_KEYS) expect(() => parseSetting(key, defaults[key]), key).not.toThrow();
    expect(settingEffect('poll_interval')).toBe('live');
    expect(settingEffect('web_port')).toBe('restart');
    expect(settingEffect('show_stopped')).toBe('dashboard');
    expect(settingEffect('compose_sync')).toBe('stored');
  });

  it('layers a stored override over the environment over the default; setMany is all or nothing', async () => {
    const storage = createMemoryStorage();
    const store = createSettingsStore(storage, settingsFromEnv({ SENTINEL_DRY_RUN: 'true', SENTINEL_SCHEDULE: '0 3 * * *' }));
    expect(await store.get('dry_run')).toBe(true);
    expect(await store.get('schedule')).toBe('0 3 * * *');
    await store.setMany({ dry_run: 'false', update_delay: '90m' });
    expect(await store.get('dry_run')).toBe(false);
    expect((await store.formatted()).update_delay).toBe('1h30m0s');
    await expect(store.setMany({ paused: 'true', update_delay: 'forever' })).rejects.toMatchObject({ code: 'INVALID' });
    expect(await store.get('paused')).toBe(false);
    expect(() => settingsFromEnv({ SENTINEL_MAINTENANCE_WINDOW: 'never' })).toThrow(/maintenance window/);
  });
});

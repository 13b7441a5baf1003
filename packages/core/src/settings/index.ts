export {
  SETTING_DEFINITIONS,
  SETTING_KEYS,
  isSettingKey,
  parseSetting,
  formatSetting,
  settingEffect,
  settingEnv,
  settingsFromEnv,
  createSettingsStore,
} from './settings.js';
export type { SettingValues, SettingKey, SettingsStore, SettingEffect } from './settings.js';

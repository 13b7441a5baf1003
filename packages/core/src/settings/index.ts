export {
  SETTING_DEFINITIONS,
  SETTING_KEYS,
  isSettingKey,
  parseSetting,
  formatSetting,
  settingsFromEnv,
  createSettingsStore,
} from './settings.js';
export type { SettingValues, SettingKey, SettingsStore } from './settings.js';

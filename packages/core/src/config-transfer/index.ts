export { createConfigTransfer, isSecretSettingKey } from './config-transfer.js';
export type { ConfigTransfer, ConfigTransferOptions, ConfigSection, PreparedSection, SectionItem } from './config-transfer.js';

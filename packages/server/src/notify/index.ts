export { notifierFor } from './server-notifier.js';
export { createSmtpTransport } from './smtp-transport.js';
export type { SmtpTransportOptions } from './smtp-transport.js';
export { createMqttTransport } from './mqtt-transport.js';
export type { MqttTransportOptions } from './mqtt-transport.js';

import type { ChannelType, NotificationChannel, NotificationEventType } from '../contract/notify.js';
import type { FetchLike } from '../ports/fetch.js';
import type { NotificationSeverity } from './event-types.js';
import type { TemplateVars } from './template.js';

/** A channel as stored: id, enabled flag and event filter always set; secrets in clear. */
export type StoredChannel = NotificationChannel & { id: string; enabled: boolean; events: NotificationEventType[] };

/** The channel of one type (its `settings` narrowed). */
export type ChannelOf<T extends ChannelType> = Extract<StoredChannel, { type: T }>;

/** One pending update as listed in a digest. */
export interface DigestLine {
  container_name: string;
  current_image: string;
  target_image: string;
  newer_versions: string[];
}

/** A rendered notification, ready for any channel. */
export interface NotificationMessage {
  event_type: NotificationEventType;
  /** A test notification (`POST …/notifications/test`): same shape, flagged so receivers can ignore it. */
  test: boolean;
  severity: NotificationSeverity;
  title: string;
  /** The rendered template. */
  body: string;
  /** RFC 3339. */
  timestamp: string;
  /** The template variables (structured channels such as webhook and MQTT send them). */
  vars: TemplateVars;
  /** Digest only: the pending updates. */
  updates?: DigestLine[];
}

export interface TransportContext {
  /** Outbound HTTP; every HTTP channel goes through it. */
  fetch: FetchLike;
  /** Aborted on timeout or shutdown. */
  signal: AbortSignal;
}

/**
 * Sends one message over one channel type. Resolves once the service accepted
 * the message; rejects with an `UpstreamError` carrying the service's answer.
 * Error messages may contain channel secrets: the notifier redacts them.
 */
export interface NotificationTransport {
  send(channel: StoredChannel, message: NotificationMessage, context: TransportContext): Promise<void>;
}

/** Human name of each channel type, used in messages (`test notification sent to Gotify`). */
export const CHANNEL_TYPE_NAMES: Readonly<Record<ChannelType, string>> = {
  webhook: 'Webhook',
  gotify: 'Gotify',
  ntfy: 'ntfy',
  slack: 'Slack',
  discord: 'Discord',
  telegram: 'Telegram',
  pushover: 'Pushover',
  smtp: 'SMTP',
  mqtt: 'MQTT',
  apprise: 'Apprise',
};

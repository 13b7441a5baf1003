import { z } from 'zod';

/**
 * Wire shapes of notifications, per-container notification preferences and
 * the digest (seed 001 "Notifications", "Per-Container Notification
 * Preferences", "Digest"). Response keys follow the seed's examples; extra
 * fields are additive.
 */

/** What a channel can be told about; each channel picks a subset (none picked = all). */
export const NOTIFICATION_EVENT_TYPES = [
  'update_available',
  'update_started',
  'update_succeeded',
  'update_failed',
  'update_rolled_back',
  'rollback_succeeded',
  'rollback_failed',
  'check_failed',
  'digest',
] as const;
export const NotificationEventTypeSchema = z.enum(NOTIFICATION_EVENT_TYPES);
export type NotificationEventType = z.infer<typeof NotificationEventTypeSchema>;

export const CHANNEL_TYPES = ['webhook', 'gotify', 'ntfy', 'slack', 'discord', 'telegram', 'pushover', 'smtp', 'mqtt', 'apprise'] as const;
export const ChannelTypeSchema = z.enum(CHANNEL_TYPES);
export type ChannelType = z.infer<typeof ChannelTypeSchema>;

/** Per-container notification modes. */
export const NOTIFY_MODES = ['default', 'every_scan', 'digest_only', 'muted'] as const;
export const NotifyModeSchema = z.enum(NOTIFY_MODES);
export type NotifyMode = z.infer<typeof NotifyModeSchema>;

// Credentials belong in the dedicated secret fields, where they are masked; a
// URL with `user:password@` would be shown back in clear.
const noCredentials = (value: string): boolean => {
  try {
    const u = new URL(value);
    return u.username === '' && u.password === '';
  } catch {
    return false;
  }
};

const urlWith = (protocols: RegExp, what: string) =>
  z
    .string()
    .max(2048)
    .refine((v) => {
      try {
        return protocols.test(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `must be ${what}`)
    .refine(noCredentials, 'must not contain credentials (use the username/password or token fields)');

const httpUrl = urlWith(/^https?:$/, 'an http(s) URL');
const secret = z.string().min(1, 'is required').max(4096);
const optionalSecret = z.string().max(4096).optional();
const text = (max: number) => z.string().max(max);

// RFC 9110 token for header names; values may not break the header line.
const HeaderNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'invalid header name');
const HeaderValueSchema = z.string().max(4096).regex(/^[^\r\n\0]*$/, 'header values may not contain line breaks');

const EMAIL = /^[^@\s<>",]+@[^@\s<>",]+$/;
const MailboxSchema = z
  .string()
  .max(320)
  .refine((v) => EMAIL.test(v.trim()) || /^[^<>]*<[^@\s<>",]+@[^@\s<>",]+>$/.test(v.trim()), 'must be an e-mail address ("a@b.c" or "Name <a@b.c>")');

export const WebhookSettingsSchema = z.object({
  url: httpUrl,
  /** Extra request headers (e.g. `Authorization`). Every value is treated as a secret. */
  headers: z.record(HeaderNameSchema, HeaderValueSchema).optional(),
  /** When set, the body is signed: `X-Sentinel-Signature: sha256=<hex HMAC-SHA256(secret, body)>`. */
  secret: optionalSecret,
});

export const GotifySettingsSchema = z.object({
  /** Gotify server base URL, e.g. `http://gotify:8080`. */
  url: httpUrl,
  /** Application token. */
  token: secret,
  /** 0–10. @default 5 (8 for failures) */
  priority: z.number().int().min(0).max(10).optional(),
});

export const NtfySettingsSchema = z
  .object({
    /** @default https://ntfy.sh */
    server: httpUrl.optional(),
    topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"'),
    /** 1 (min) – 5 (max). @default 3 (4 for failures) */
    priority: z.number().int().min(1).max(5).optional(),
    /** Extra tags (emoji short codes or words). */
    tags: z.array(z.string().regex(/^[^,\r\n]{1,64}$/, 'invalid tag')).max(10).optional(),
    /** Access token (`tk_...`), sent as a bearer token. */
    token: optionalSecret,
    username: text(256).optional(),
    password: optionalSecret,
  })
  .refine((s) => (s.username === undefined || s.username === '') === (s.password === undefined || s.password === ''), {
    path: ['password'],
    message: 'username and password go together',
  });

export const SlackSettingsSchema = z.object({
  /** Incoming webhook URL (`https://hooks.slack.com/services/...`); a secret. */
  webhook_url: httpUrl,
});

export const DiscordSettingsSchema = z.object({
  /** Webhook URL (`https://discord.com/api/webhooks/<id>/<token>`); a secret. */
  webhook_url: httpUrl,
  /** Overrides the webhook's default user name. */
  username: text(80).optional(),
});

export const TelegramSettingsSchema = z.object({
  bot_token: secret,
  /** Chat id (number) or `@channelusername`. */
  chat_id: z.union([z.string().min(1).max(128), z.number().int()]),
  /** For a self-hosted Bot API server. @default https://api.telegram.org */
  api_url: httpUrl.optional(),
});

export const PushoverSettingsSchema = z.object({
  app_token: secret,
  user_key: secret,
  /** -2 … 1 (2, emergency, needs acknowledgement and is not offered). @default 0 (1 for failures) */
  priority: z.number().int().min(-2).max(1).optional(),
  device: text(128).optional(),
  sound: text(64).optional(),
});

export const SmtpSettingsSchema = z.object({
  host: z.string().min(1, 'is required').max(253),
  /** @default 587 (465 when `secure`) */
  port: z.number().int().min(1).max(65535).optional(),
  /** Implicit TLS from the first byte (port 465). Otherwise STARTTLS is used when offered. @default false */
  secure: z.boolean().optional(),
  /** Refuse to send unless the server upgrades with STARTTLS. @default false */
  require_tls: z.boolean().optional(),
  username: text(256).optional(),
  password: optionalSecret,
  from: MailboxSchema,
  to: z.array(MailboxSchema).min(1, 'needs at least one recipient').max(50),
  /** Accept self-signed server certificates. @default false */
  allow_invalid_certificates: z.boolean().optional(),
});

export const MqttSettingsSchema = z.object({
  /** `mqtt://host:1883`, `mqtts://`, `ws://` or `wss://`. */
  broker: urlWith(/^(mqtts?|wss?|tcp|tls):$/, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
  topic: z.string().regex(/^[^#+\0]{1,256}$/, 'must be 1-256 characters without wildcards (# +)'),
  username: text(256).optional(),
  password: optionalSecret,
  client_id: text(128).optional(),
  /** @default 1 */
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  /** @default false */
  retain: z.boolean().optional(),
});

export const AppriseSettingsSchema = z
  .object({
    /** Apprise API base URL, e.g. `http://apprise:8000`. */
    url: httpUrl,
    /** Apprise service URLs (comma or space separated) for a stateless `POST /notify`; a secret. */
    urls: optionalSecret,
    /** A configuration key saved in the Apprise API, for `POST /notify/{key}`. */
    key: z.string().regex(/^[\w-]{1,128}$/, 'must be letters, digits, "-" or "_"').optional(),
    /** With `key`: only the services carrying this tag. */
    tag: text(256).optional(),
  })
  .refine((s) => (s.urls !== undefined && s.urls !== '') !== (s.key !== undefined && s.key !== ''), {
    path: ['urls'],
    message: 'give either urls (stateless) or key (saved configuration), not both',
  });

const channelBase = {
  /** Stable id; generated when absent. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"').optional(),
  name: z.string().trim().min(1, 'is required').max(100),
  /** @default true */
  enabled: z.boolean().optional(),
  /** Event types this channel receives; absent or empty means all. */
  events: z.array(NotificationEventTypeSchema).max(NOTIFICATION_EVENT_TYPES.length).optional(),
};

const channel = <T extends ChannelType, S extends z.ZodType>(type: T, settings: S) =>
  z.object({ ...channelBase, type: z.literal(type), settings });

export const NotificationChannelSchema = z.discriminatedUnion('type', [
  channel('webhook', WebhookSettingsSchema),
  channel('gotify', GotifySettingsSchema),
  channel('ntfy', NtfySettingsSchema),
  channel('slack', SlackSettingsSchema),
  channel('discord', DiscordSettingsSchema),
  channel('telegram', TelegramSettingsSchema),
  channel('pushover', PushoverSettingsSchema),
  channel('smtp', SmtpSettingsSchema),
  channel('mqtt', MqttSettingsSchema),
  channel('apprise', AppriseSettingsSchema),
]);
/** A channel as sent to `PUT` (id optional) and as listed (id set, secrets masked). */
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;

export const NotificationChannelListSchema = z.array(NotificationChannelSchema).max(50);

export const StatusMessageSchema = z.object({ status: z.literal('ok'), message: z.string() });
export type StatusMessage = z.infer<typeof StatusMessageSchema>;

export const NotificationTestBodySchema = z.object({ id: z.string().min(1).max(64).optional() });
export type NotificationTestBody = z.infer<typeof NotificationTestBodySchema>;

export const NotificationEventTypeInfoSchema = z.object({
  type: NotificationEventTypeSchema,
  label: z.string(),
  description: z.string(),
});
export type NotificationEventTypeInfo = z.infer<typeof NotificationEventTypeInfoSchema>;

export const TemplateVariableSchema = z.object({ name: z.string(), description: z.string() });
export type TemplateVariable = z.infer<typeof TemplateVariableSchema>;

export const NotificationTemplatesSchema = z.object({
  /** Custom templates by event type (only the ones that were saved). */
  templates: z.record(z.string(), z.string()),
  /** The built-in template of every event type. */
  defaults: z.record(z.string(), z.string()),
  variables: z.array(TemplateVariableSchema),
});
export type NotificationTemplates = z.infer<typeof NotificationTemplatesSchema>;

export const TemplateBodySchema = z.object({
  event_type: NotificationEventTypeSchema,
  template: z.string().min(1, 'is required (DELETE the template to revert to the default)').max(4000),
});
export type TemplateBody = z.infer<typeof TemplateBodySchema>;

export const TemplatePreviewBodySchema = z.object({
  event_type: NotificationEventTypeSchema,
  /** Template to render; the saved (or default) one when absent. */
  template: z.string().max(4000).optional(),
});
export type TemplatePreviewBody = z.infer<typeof TemplatePreviewBodySchema>;

export const TemplatePreviewSchema = z.object({ preview: z.string() });
export type TemplatePreview = z.infer<typeof TemplatePreviewSchema>;

export const TemplateTypeParam = z.object({ type: z.string().max(64) });

export const NotifyPrefBodySchema = z.object({ mode: NotifyModeSchema });
export type NotifyPrefBody = z.infer<typeof NotifyPrefBodySchema>;

export const NotifyPrefSchema = z.object({ name: z.string(), mode: NotifyModeSchema });
export type NotifyPref = z.infer<typeof NotifyPrefSchema>;

export const NotifyPrefSavedSchema = z.object({ status: z.literal('ok'), mode: NotifyModeSchema });
export type NotifyPrefSaved = z.infer<typeof NotifyPrefSavedSchema>;

/** Every container with a mode other than `default`, by queue key (`name` or `hostID::name`). */
export const ContainerNotifyPrefsSchema = z.record(z.string(), z.object({ mode: NotifyModeSchema }));
export type ContainerNotifyPrefs = z.infer<typeof ContainerNotifyPrefsSchema>;

export const NotifyStatesClearedSchema = z.object({ status: z.literal('ok'), cleared: z.number().int() });
export type NotifyStatesCleared = z.infer<typeof NotifyStatesClearedSchema>;

export const DigestSettingsSchema = z.object({
  digest_enabled: z.boolean(),
  /** Local time of day (`HH:MM`, server time zone) the schedule is anchored at. */
  digest_time: z.string(),
  /** Time between digests (Go duration, e.g. `24h`). */
  digest_interval: z.string(),
  next_digest_at: z.string().nullable(),
  last_digest_at: z.string().nullable(),
});
export type DigestSettings = z.infer<typeof DigestSettingsSchema>;

export const DigestSettingsBodySchema = z.strictObject({
  digest_enabled: z.boolean().optional(),
  digest_time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)')
    .optional(),
  digest_interval: z.string().max(32).optional(),
});
export type DigestSettingsBody = z.infer<typeof DigestSettingsBodySchema>;

export const DigestSettingsSavedSchema = DigestSettingsSchema.extend({ status: z.literal('ok'), message: z.string() });
export type DigestSettingsSaved = z.infer<typeof DigestSettingsSavedSchema>;

export const DigestUpdateSchema = z.object({
  key: z.string(),
  container_name: z.string(),
  current_image: z.string(),
  target_image: z.string(),
  newer_versions: z.array(z.string()),
  detected_at: z.string(),
});
export type DigestUpdate = z.infer<typeof DigestUpdateSchema>;

export const DigestTriggerSchema = z.object({
  status: z.literal('ok'),
  message: z.string(),
  /** Pending updates in the digest. */
  count: z.number().int(),
  /** Channels that accepted it. */
  sent: z.array(z.string()),
  /** Channels that refused it (retried in the background). */
  failed: z.array(z.object({ channel: z.string(), error: z.string() })),
});
export type DigestTrigger = z.infer<typeof DigestTriggerSchema>;

export const DigestBannerSchema = z.object({
  /** Containers with a pending update not yet dismissed. */
  pending: z.array(z.string()),
  count: z.number().int(),
  updates: z.array(DigestUpdateSchema),
});
export type DigestBanner = z.infer<typeof DigestBannerSchema>;

export const DigestBannerDismissedSchema = StatusMessageSchema.extend({ dismissed: z.number().int() });
export type DigestBannerDismissed = z.infer<typeof DigestBannerDismissedSchema>;

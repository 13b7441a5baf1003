import type { ChannelType } from '../contract/notify.js';
import { errorMessage, UpstreamError } from '../errors/index.js';
import type { NotificationSeverity } from './event-types.js';
import type { ChannelOf, NotificationMessage, NotificationTransport, StoredChannel, TransportContext } from './types.js';
import { CHANNEL_TYPE_NAMES } from './types.js';

/**
 * The JSON document webhook and MQTT channels send: the rendered title and
 * message plus every variable, snake_cased.
 */
export function notificationPayload(message: NotificationMessage): Record<string, unknown> {
  const v = message.vars;
  return {
    event_type: message.event_type,
    title: message.title,
    message: message.body,
    severity: message.severity,
    test: message.test,
    timestamp: message.timestamp,
    container_name: v.ContainerName,
    host_name: v.HostName,
    old_image: v.OldImage,
    new_image: v.NewImage,
    old_version: v.OldVersion,
    new_version: v.NewVersion,
    newer_versions: v.NewerVersions === '' ? [] : v.NewerVersions.split(', '),
    error: v.Error,
    ...(message.updates === undefined ? {} : { updates: message.updates }),
  };
}

/** `sha256=<hex>` HMAC of `body` with `secret` (WebCrypto, so core stays runtime-neutral). */
export async function signPayload(secret: string, body: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(body)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Pull the human part out of a service's error body (Telegram `description`, Pushover `errors`, Gotify `errorDescription`…). */
function describeFailure(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body !== 'object' || body === null) return text;
    if (typeof body.description === 'string') return body.description;
    if (Array.isArray(body.errors) && body.errors.every((e) => typeof e === 'string')) return (body.errors as string[]).join('; ');
    if (typeof body.errorDescription === 'string') return `${typeof body.error === 'string' ? `${body.error}: ` : ''}${body.errorDescription}`;
    if (typeof body.error === 'string') return body.error;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON (Slack answers plain words such as `invalid_token`): the text is the reason.
  }
  return text;
}

/** POST and fail with the service's own words unless it answers 2xx. */
async function post(service: string, url: string, init: RequestInit, ctx: TransportContext): Promise<Response> {
  let response: Response;
  try {
    response = await ctx.fetch(url, { ...init, method: 'POST', signal: ctx.signal });
  } catch (error) {
    throw new UpstreamError(`${service} could not be reached: ${errorMessage(error)}`, { cause: error });
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    const reason = truncate(describeFailure(text.trim()), 300);
    throw new UpstreamError(`${service} answered ${response.status}${reason === '' ? '' : `: ${reason}`}`);
  }
  return response;
}

const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`;
const plainText = (m: NotificationMessage): string => `${m.title}\n\n${m.body}`;

function base64Utf8(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** HTTP headers are Latin-1 only; ntfy decodes RFC 2047 encoded words for Title and Tags. */
function headerText(value: string): string {
  const oneLine = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(oneLine)) return oneLine;
  return `=?UTF-8?B?${base64Utf8(oneLine)}?=`;
}

const DISCORD_COLORS: Record<NotificationSeverity, number> = { info: 0x3498db, success: 0x2ecc71, warning: 0xf39c12, failure: 0xe74c3c };
const NTFY_TAGS: Record<NotificationSeverity, string> = { info: 'information_source', success: 'white_check_mark', warning: 'warning', failure: 'rotating_light' };

// Slack treats &, < and > as control characters in message text.
const slackEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const webhook: NotificationTransport = {
  async send(channel, message, ctx) {
    const s = (channel as ChannelOf<'webhook'>).settings;
    const body = JSON.stringify(notificationPayload(message));
    // Lower-cased so that a user's `Content-Type` cannot end up duplicated next to ours.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(s.headers ?? {})) headers[name.toLowerCase()] = value;
    Object.assign(headers, { 'content-type': 'application/json', 'x-sentinel-event': message.event_type });
    if (s.secret !== undefined && s.secret !== '') headers['x-sentinel-signature'] = await signPayload(s.secret, body);
    await post('Webhook', s.url, { headers, body }, ctx);
  },
};

const gotify: NotificationTransport = {
  async send(channel, message, ctx) {
    const s = (channel as ChannelOf<'gotify'>).settings;
    const url = `${joinUrl(s.url, '/message')}?token=${encodeURIComponent(s.token)}`;
    const priority = s.priority ?? (message.severity === 'failure' ? 8 : 5);
    await post('Gotify', url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: message.title, message: message.body, priority }) }, ctx);
  },
};

const ntfy: NotificationTransport = {
  async send(channel, message, ctx) {
    const s = (channel as ChannelOf<'ntfy'>).settings;
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      title: headerText(message.title),
      priority: String(s.priority ?? (message.severity === 'failure' ? 4 : 3)),
      tags: headerText([NTFY_TAGS[message.severity], ...(s.tags ?? [])].join(',')),
    };
    if (s.token !== undefined && s.token !== '') headers.authorization = `Bearer ${s.token}`;
    else if (s.username !== undefined && s.username !== '') headers.authorization = `Basic ${base64Utf8(`${s.username}:${s.password ?? ''}`)}`;
    await post('ntfy', joinUrl(s.server ?? 'https://ntfy.sh', `/${s.topic}`), { headers, body: message.body }, ctx);
  },
};

const slack: NotificationTransport = {
  async send(channel, message, ctx) {
    const s = (channel as ChannelOf<'slack'>).settings;
    const text = `*${slackEscape(message.title)}*\n${slackEscape(message.body)}`;
    await post('Slack', s.webhook_url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) }, ctx);
  },
};

const discord: NotificationTransport = {
  async send(channel, message, ctx) {
    const s = (channel as ChannelOf<'discord'>).settings;
    const payload = {
      ...(s.username === undefined || s.username === '' ? {} : { username: s.username }),
      embeds: [{ title: truncate(message.title, 256), description: truncate(message.body, 4096), color: DISCORD_COLORS[message.severity], timestamp: message.timestamp }],
    };
    await post('Discord', s.webhook_url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }, ctx);
  },
};

const telegram: NotificationTransport = {
  async send(channel, message, ctx) {
    const s = (channel as ChannelOf<'telegram'>).settings;
    const url = joinUrl(s.api_url ?? 'https://api.telegram.org', `/bot${s.bot_token}/sendMessage`);
    const payload = { chat_id: s.chat_id, text: truncate(plainText(message), 4096), disable_web_page_preview: true };
    const response = await post('Telegram', url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }, ctx);
    const body = (await response.json().catch(() => undefined)) as { ok?: boolean; description?: string } | undefined;
    if (body?.ok !== true) throw new UpstreamError(`Telegram refused the message: ${body?.description ?? 'no "ok" in the answer'}`);
  },
};

const pushover: NotificationTransport = {
  async send(channel, message, ctx) {
    const s = (channel as ChannelOf<'pushover'>).settings;
    const form = new URLSearchParams({
      token: s.app_token,
      user: s.user_key,
      title: truncate(message.title, 250),
      message: truncate(message.body, 1024),
      priority: String(s.priority ?? (message.severity === 'failure' ? 1 : 0)),
      timestamp: String(Math.floor(Date.parse(message.timestamp) / 1000)),
    });
    if (s.device !== undefined && s.device !== '') form.set('device', s.device);
    if (s.sound !== undefined && s.sound !== '') form.set('sound', s.sound);
    const response = await post('Pushover', 'https://api.pushover.net/1/messages.json', { body: form }, ctx);
    const body = (await response.json().catch(() => undefined)) as { status?: number; errors?: string[] } | undefined;
    if (body?.status !== 1) throw new UpstreamError(`Pushover refused the message: ${body?.errors?.join('; ') ?? 'no status 1 in the answer'}`);
  },
};

const APPRISE_TYPES: Record<NotificationSeverity, string> = { info: 'info', success: 'success', warning: 'warning', failure: 'failure' };

const apprise: NotificationTransport = {
  async send(channel, message, ctx) {
    const s = (channel as ChannelOf<'apprise'>).settings;
    const common = { title: message.title, body: message.body, type: APPRISE_TYPES[message.severity], format: 'text' };
    if (s.key !== undefined && s.key !== '') {
      const payload = { ...common, ...(s.tag === undefined || s.tag === '' ? {} : { tag: s.tag }) };
      await post('Apprise', joinUrl(s.url, `/notify/${encodeURIComponent(s.key)}`), { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }, ctx);
    } else {
      await post('Apprise', joinUrl(s.url, '/notify'), { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ urls: s.urls, ...common }) }, ctx);
    }
  },
};

/** The channel types core can send with nothing but `fetch`. SMTP and MQTT transports come from the embedder (the server). */
export const HTTP_TRANSPORTS: Readonly<Partial<Record<ChannelType, NotificationTransport>>> = {
  webhook,
  gotify,
  ntfy,
  slack,
  discord,
  telegram,
  pushover,
  apprise,
};

/** Name used in messages and logs: the channel's own name. */
export const channelLabel = (channel: StoredChannel): string => channel.name || CHANNEL_TYPE_NAMES[channel.type];

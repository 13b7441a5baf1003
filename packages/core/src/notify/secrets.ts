import type { ChannelType } from '../contract/notify.js';
import { InvalidError } from '../errors/index.js';
import type { StoredChannel } from './types.js';

/**
 * Which settings of each channel type are secrets, and how each is shown:
 * - `token`: the first 4 characters then `****` when the value has at least 12
 *   characters (enough left hidden), else just `****`;
 * - `url`: scheme and host then `/****` (the path of a Slack or Discord webhook URL is the credential);
 * - `urls`: every Apprise URL as `scheme://****`;
 * - `headers`: every header value as a token.
 */
const SECRET_FIELDS: Readonly<Record<ChannelType, ReadonlyArray<{ field: string; kind: 'token' | 'url' | 'urls' | 'headers' }>>> = {
  webhook: [
    { field: 'secret', kind: 'token' },
    { field: 'headers', kind: 'headers' },
  ],
  gotify: [{ field: 'token', kind: 'token' }],
  ntfy: [
    { field: 'token', kind: 'token' },
    { field: 'password', kind: 'token' },
  ],
  slack: [{ field: 'webhook_url', kind: 'url' }],
  discord: [{ field: 'webhook_url', kind: 'url' }],
  telegram: [{ field: 'bot_token', kind: 'token' }],
  pushover: [
    { field: 'app_token', kind: 'token' },
    { field: 'user_key', kind: 'token' },
  ],
  smtp: [{ field: 'password', kind: 'token' }],
  mqtt: [{ field: 'password', kind: 'token' }],
  apprise: [{ field: 'urls', kind: 'urls' }],
};

export const MASK = '****';

/** `abc1****` for a long secret, `****` for a short one: never more than 4 characters shown. */
export function maskToken(value: string): string {
  return value.length >= 12 ? `${value.slice(0, 4)}${MASK}` : MASK;
}

/** `https://hooks.slack.com/****`: scheme and host only. */
export function maskUrl(value: string): string {
  try {
    const u = new URL(value);
    return `${u.protocol}//${u.host}/${MASK}`;
  } catch {
    return MASK;
  }
}

/** `slack://****, mailto://****`: which services, not their credentials. */
export function maskUrlList(value: string): string {
  return value
    .split(/[\s,]+/)
    .filter((u) => u !== '')
    .map((u) => {
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(u)?.[1];
      return scheme === undefined ? MASK : `${scheme}://${MASK}`;
    })
    .join(', ');
}

const maskers = { token: maskToken, url: maskUrl, urls: maskUrlList } as const;

/** A copy of the channel whose secrets are masked, for listing. */
export function maskChannel(channel: StoredChannel): StoredChannel {
  const settings: Record<string, unknown> = { ...(channel.settings as Record<string, unknown>) };
  for (const { field, kind } of SECRET_FIELDS[channel.type]) {
    const value = settings[field];
    if (kind === 'headers') {
      if (value !== undefined) settings[field] = Object.fromEntries(Object.entries(value as Record<string, string>).map(([k, v]) => [k, maskToken(v)]));
    } else if (typeof value === 'string' && value !== '') {
      settings[field] = maskers[kind](value);
    }
  }
  return { ...channel, settings } as StoredChannel;
}

const looksMasked = (value: string): boolean => value.includes(MASK);

/**
 * Put back the saved secrets a client sent masked: a value equal to the mask
 * of the saved one keeps the saved one. A masked-looking value that matches
 * nothing saved is refused (saving `****` as a password would be a silent
 * breakage). `index` names the channel in errors.
 */
export function restoreSecrets(incoming: StoredChannel, saved: StoredChannel | undefined, index: number): StoredChannel {
  const settings: Record<string, unknown> = { ...(incoming.settings as Record<string, unknown>) };
  const previous = saved !== undefined && saved.type === incoming.type ? (saved.settings as Record<string, unknown>) : undefined;
  const refuse = (path: string): never => {
    throw new InvalidError(`${index}.settings.${path}: is a masked value but no saved secret matches it; send the full value`);
  };
  for (const { field, kind } of SECRET_FIELDS[incoming.type]) {
    const value = settings[field];
    if (kind === 'headers') {
      if (value === undefined) continue;
      const before = (previous?.[field] ?? {}) as Record<string, string>;
      const restored: Record<string, string> = {};
      for (const [name, v] of Object.entries(value as Record<string, string>)) {
        const old = Object.entries(before).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
        if (looksMasked(v)) restored[name] = old !== undefined && maskToken(old) === v ? old : refuse(`${field}.${name}`);
        else restored[name] = v;
      }
      settings[field] = restored;
      continue;
    }
    if (typeof value !== 'string' || !looksMasked(value)) continue;
    const old = previous?.[field];
    settings[field] = typeof old === 'string' && maskers[kind](old) === value ? old : refuse(field);
  }
  return { ...incoming, settings } as StoredChannel;
}

/** Every secret value of a channel (for redacting error messages and logs). */
export function secretValues(channel: StoredChannel): string[] {
  const settings = channel.settings as Record<string, unknown>;
  const out: string[] = [];
  for (const { field, kind } of SECRET_FIELDS[channel.type]) {
    const value = settings[field];
    if (kind === 'headers' && value !== undefined) out.push(...Object.values(value as Record<string, string>));
    else if (kind === 'url' && typeof value === 'string') {
      try {
        const u = new URL(value);
        out.push(value, u.pathname.slice(1), u.search.slice(1));
      } catch {
        out.push(value);
      }
    } else if (kind === 'urls' && typeof value === 'string') out.push(value, ...value.split(/[\s,]+/));
    else if (typeof value === 'string') out.push(value);
  }
  // Short fragments would redact ordinary words; a four-character secret is not worth hiding that way.
  return [...new Set(out.filter((v) => v.length >= 4))];
}

/** Replace every secret of the channel (and its URL-encoded form) in `text` with `****`. */
export function redactSecrets(text: string, channel: StoredChannel): string {
  let out = text;
  const values = secretValues(channel).flatMap((v) => [v, encodeURIComponent(v)]);
  // Longest first, so that a secret containing another is replaced whole.
  for (const v of [...new Set(values)].sort((a, b) => b.length - a.length)) out = out.split(v).join(MASK);
  return out;
}

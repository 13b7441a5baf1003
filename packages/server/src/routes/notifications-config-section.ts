import { InvalidError, maskChannel } from '@sentinel-kit/core';
import type { ConfigSection, Notifier, SectionItem, StoragePort, StoredChannel } from '@sentinel-kit/core';
import type { NotificationChannel } from '@sentinel-kit/core/contract';
import { NotificationChannelListSchema, REDACTED } from '@sentinel-kit/core/contract';

// The notifier's own collection, read only for an export that asks for secrets (its public listing masks them).
const CHANNELS = { collection: 'notify_channels', key: 'list' } as const;

type Settings = Record<string, unknown>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The channel with every secret replaced by `***REDACTED***`. A secret is
 * whatever the notifier's own masking changes, so this follows the
 * notifier's definition of secrets rather than keeping a second list.
 */
function redactChannel(channel: StoredChannel): SectionItem {
  const settings: Settings = { ...(channel.settings as Settings) };
  const masked = maskChannel(channel).settings as Settings;
  for (const [field, value] of Object.entries(settings)) {
    if (same(masked[field], value)) continue;
    if (typeof value === 'string') settings[field] = REDACTED;
    else if (typeof value === 'object' && value !== null) {
      const m = (masked[field] ?? {}) as Settings;
      settings[field] = Object.fromEntries(Object.entries(value as Settings).map(([k, v]) => [k, same(m[k], v) ? v : REDACTED]));
    }
  }
  return { ...channel, settings };
}

/**
 * Put back, as the notifier's mask, the secrets of a redacted channel that is
 * saved here under the same id and type (the notifier then keeps its saved
 * secret). `undefined` when a redacted value has nothing saved behind it.
 */
function unredact(item: SectionItem, saved: StoredChannel | undefined): SectionItem | undefined {
  const settings = item.settings;
  if (typeof settings !== 'object' || settings === null) return item;
  const masked = saved !== undefined && saved.type === item.type ? (maskChannel(saved).settings as Settings) : undefined;
  const out: Settings = {};
  for (const [field, value] of Object.entries(settings as Settings)) {
    if (value === REDACTED) {
      const m = masked?.[field];
      if (typeof m !== 'string') return undefined;
      out[field] = m;
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const inner: Settings = {};
      for (const [k, v] of Object.entries(value as Settings)) {
        if (v === REDACTED) {
          const m = (masked?.[field] as Settings | undefined)?.[k];
          if (typeof m !== 'string') return undefined;
          inner[k] = m;
        } else inner[k] = v;
      }
      out[field] = inner;
    } else out[field] = value;
  }
  return { ...item, settings: out };
}

/**
 * The `notifications` section of the configuration backup, over the
 * notifier's public API: an import adds the backup's channels (replacing
 * saved ones with the same id) through `saveChannels`, which validates.
 */
export function notificationsConfigSection(notifier: Notifier, storage: StoragePort): ConfigSection {
  const stored = async (): Promise<StoredChannel[]> => (await storage.get<StoredChannel[]>(CHANNELS.collection, CHANNELS.key)) ?? [];
  return {
    async export({ secrets }) {
      const channels = await stored();
      return channels.map((c) => (secrets ? ({ ...c } as SectionItem) : redactChannel(c)));
    },
    async prepare(items) {
      const savedById = new Map((await stored()).map((c) => [c.id, c]));
      const imported: SectionItem[] = [];
      const warnings: string[] = [];
      let redactedSkipped = 0;
      for (const item of items) {
        const restored = unredact(item, typeof item.id === 'string' ? savedById.get(item.id) : undefined);
        if (restored === undefined) {
          redactedSkipped++;
          warnings.push(`notification channel "${String(item.name ?? item.id ?? '?').slice(0, 64)}" skipped: its secrets are redacted`);
        } else imported.push(restored);
      }
      // Saved channels go back masked (the notifier keeps their secrets); imported ones replace those with the same id.
      const ids = new Set(imported.map((c) => c.id).filter((id): id is string => typeof id === 'string'));
      const merged = [...(await notifier.listChannels()).filter((c) => !ids.has(c.id)), ...imported];
      const parsed = NotificationChannelListSchema.safeParse(merged);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InvalidError(issue === undefined ? 'invalid channels' : `${issue.path.map(String).join('.')}: ${issue.message}`);
      }
      const channels: NotificationChannel[] = parsed.data;
      return {
        imported: imported.length,
        redactedSkipped,
        warnings,
        async apply() {
          await notifier.saveChannels(channels);
        },
      };
    },
  };
}

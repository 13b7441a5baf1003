import { NotificationChannelListSchema, NOTIFICATION_EVENT_TYPES, NotifyModeSchema } from '../contract/notify.js';
import type {
  ContainerNotifyPrefs,
  DigestBanner,
  DigestSettings,
  DigestSettingsBody,
  DigestUpdate,
  NotificationChannel,
  NotificationEventType,
  NotificationEventTypeInfo,
  NotificationTemplates,
  NotifyMode,
} from '../contract/notify.js';
import type { QueueItem } from '../contract/native.js';
import { formatGoDuration, parseDuration } from '../config/duration.js';
import { errorMessage, InvalidError, NotFoundError, UpstreamError } from '../errors/index.js';
import type { EventBus, SentinelEvent } from '../events/event-bus.js';
import { silentLogger } from '../logging/logger.js';
import type { Logger } from '../logging/logger.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type { FetchLike } from '../ports/fetch.js';
import type { StoragePort } from '../ports/storage.js';
import type { UpdateQueue } from '../queue/queue.js';
import { queueKey } from '../queue/queue.js';
import { nextDigestAt, parseTimeOfDay } from './digest-schedule.js';
import { EVENT_TYPE_DEFINITIONS, notificationEventTypes } from './event-types.js';
import { channelLabel, HTTP_TRANSPORTS } from './http-transports.js';
import { maskChannel, redactSecrets, restoreSecrets } from './secrets.js';
import { compileTemplate, TEMPLATE_VARIABLES } from './template.js';
import type { TemplateVariableName, TemplateVars } from './template.js';
import type { DigestLine, NotificationMessage, NotificationTransport, StoredChannel } from './types.js';
import type { ChannelType } from '../contract/notify.js';

export interface NotifierOptions {
  storage: StoragePort;
  /** The engine's event bus: the notifier subscribes to it and publishes `digest_ready`. */
  events: EventBus;
  /** Pending updates (the engine's queue): the digest, the banner and the end-of-scan sweep read it. */
  queue: Pick<UpdateQueue, 'list' | 'get'>;
  /** Outbound HTTP for every HTTP channel. @default globalThis.fetch */
  fetch?: FetchLike;
  /** Retries and the digest schedule run on it. @default systemClock */
  clock?: Clock;
  logger?: Logger;
  /** Transports for channel types that need more than `fetch` (the server adds `smtp` and `mqtt`). */
  transports?: Partial<Record<ChannelType, NotificationTransport>>;
  /** `HostName` of local events (events from remote hosts carry their own). @default '' */
  hostName?: string;
  /** Wait before each retry of a failed send; the send is dropped after the last. @default [30 s, 2 min, 10 min] */
  retryDelaysMs?: readonly number[];
  /** Time allowed for one send. @default 15 s */
  sendTimeoutMs?: number;
  /** Called when a notification is given up on (its last attempt failed; tests excluded), e.g. to count it in metrics. */
  onDeliveryFailed?: (channel: StoredChannel, message: NotificationMessage, error: string) => void;
}

/** Which channels took a message and which refused it (refusals are retried in the background). */
export interface DeliveryReport {
  sent: string[];
  failed: Array<{ channel: string; error: string }>;
}

export interface DigestResult extends DeliveryReport {
  count: number;
}

interface NotifyState {
  target_image: string;
  newer_versions: string[];
  announced_at: string;
}

interface StoredDigestSettings {
  digest_enabled: boolean;
  digest_time: string;
  digest_interval: string;
}

const CHANNELS = 'notify_channels';
const TEMPLATES = 'notify_templates';
const PREFS = 'notify_prefs';
const STATES = 'notify_states';
const DIGEST = 'notify_digest';

const DIGEST_DEFAULTS: StoredDigestSettings = { digest_enabled: true, digest_time: '09:00', digest_interval: '24h' };
const MIN_DIGEST_INTERVAL = 15 * 60_000;
const MAX_DIGEST_INTERVAL = 7 * 24 * 3_600_000;

const EMPTY_VARS: TemplateVars = Object.fromEntries(Object.keys(TEMPLATE_VARIABLES).map((k) => [k, ''])) as TemplateVars;

/** The tag of an image reference (`nginx:1.27.4` → `1.27.4`), or '' for a digest or no tag. */
function tagOf(image: string): string {
  if (image.includes('@')) return '';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : '';
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** One line of the digest body per pending update. */
const digestLine = (u: DigestLine): string => `- ${u.container_name}: ${u.current_image} → ${u.target_image}`;

const toDigestUpdate = (item: QueueItem): DigestUpdate => ({
  key: item.key,
  container_name: item.container_name,
  current_image: item.current_image,
  target_image: item.target_image,
  newer_versions: item.newer_versions,
  detected_at: item.detected_at,
});

function describeZodIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length === 0 ? i.message : `${i.path.map(String).join('.')}: ${i.message}`))
    .join('; ');
}

/**
 * The notifier: channels, templates, per-container modes with dedup, the
 * digest and its schedule, delivery with retries. It listens to the engine's
 * event bus and never blocks it: events are handled in order on a queue of
 * its own, sends time out, and failures are retried on the clock and logged.
 *
 * Call `start()` to subscribe and schedule the digest, `close()` to stop.
 */
export function createNotifier(options: NotifierOptions) {
  const { storage, events, queue } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const transports: Partial<Record<ChannelType, NotificationTransport>> = { ...HTTP_TRANSPORTS, ...options.transports };
  const retryDelays = options.retryDelaysMs ?? [30_000, 120_000, 600_000];
  const sendTimeoutMs = options.sendTimeoutMs ?? 15_000;
  const hostName = options.hostName ?? '';

  const shutdown = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  const retryTimers = new Set<TimerHandle>();
  let chain: Promise<void> = Promise.resolve();
  let unsubscribe: (() => void) | undefined;
  let digestTimer: TimerHandle | undefined;
  let nextDigest: number | undefined;
  let started = false;
  let closed = false;
  // Per container: what the running update/rollback is (the outcome events do not repeat it).
  const running = new Map<string, { kind: 'update' | 'rollback'; old_image: string; new_image: string }>();
  // Per container: when `update_available` was last announced (every_scan announces once per scan).
  const lastAnnounced = new Map<string, string>();
  // Per container: the check error last announced (announced again only after a successful check).
  const checkErrors = new Map<string, string>();

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => undefined);
    return p;
  };

  /** Run `work` after everything queued before it; the chain survives failures. */
  const serially = <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const p = chain.then(work);
    chain = p.then(
      () => undefined,
      (error: unknown) => logger.error(`notifications: ${label} failed`, { error: errorMessage(error) }),
    );
    return track(p);
  };

  // ---- channels -------------------------------------------------------------------------------

  const loadChannels = async (): Promise<StoredChannel[]> => (await storage.get<StoredChannel[]>(CHANNELS, 'list')) ?? [];

  const wants = (channel: StoredChannel, type: NotificationEventType): boolean => channel.events.length === 0 || channel.events.includes(type);

  const randomId = (): string => [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('');

  // ---- delivery -------------------------------------------------------------------------------

  /** One attempt; resolves with the (redacted) reason of a failure, undefined on success. */
  const attempt = async (channel: StoredChannel, message: NotificationMessage): Promise<string | undefined> => {
    const transport = transports[channel.type];
    if (transport === undefined) return `${channel.type} channels are not available in this runtime`;
    try {
      await transport.send(channel, message, { fetch: fetchImpl, signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(sendTimeoutMs)]) });
      return undefined;
    } catch (error) {
      return redactSecrets(errorMessage(error), channel);
    }
  };

  /** Send with retries: the first attempt is awaited, later ones run on the clock. */
  const deliver = async (channel: StoredChannel, message: NotificationMessage, attemptNo = 1): Promise<string | undefined> => {
    const error = await track(attempt(channel, message));
    const fields = { channel: channel.name, channel_type: channel.type, event_type: message.event_type, attempt: attemptNo };
    if (error === undefined) {
      if (attemptNo > 1) logger.info('notification delivered after retrying', fields);
      return undefined;
    }
    const delay = retryDelays[attemptNo - 1];
    if (delay === undefined || closed || message.test) {
      logger.error(message.test ? 'test notification failed' : `notification dropped after ${attemptNo} attempt(s)`, { ...fields, error });
      if (!message.test) {
        try {
          options.onDeliveryFailed?.(channel, message, error);
        } catch (hookError) {
          logger.warn('onDeliveryFailed hook failed', { error: errorMessage(hookError) });
        }
      }
      return error;
    }
    logger.warn('notification failed; retrying', { ...fields, retry_in_ms: delay, error });
    const handle = clock.setTimeout(() => {
      retryTimers.delete(handle);
      void track(retry(channel.id, message, attemptNo + 1));
    }, delay);
    retryTimers.add(handle);
    return error;
  };

  /** A retry uses the channel as saved now: a fixed token helps, a removed or disabled channel stops. */
  const retry = async (id: string, message: NotificationMessage, attemptNo: number): Promise<void> => {
    if (closed) return;
    const channel = (await loadChannels()).find((c) => c.id === id);
    if (channel === undefined || !channel.enabled || !wants(channel, message.event_type)) {
      logger.info('notification retry abandoned: channel removed, disabled or no longer subscribed', { channel_id: id, event_type: message.event_type });
      return;
    }
    await deliver(channel, message, attemptNo);
  };

  const report = async (pairs: Array<[StoredChannel, Promise<string | undefined>]>): Promise<DeliveryReport> => {
    const out: DeliveryReport = { sent: [], failed: [] };
    for (const [channel, p] of pairs) {
      const error = await p;
      if (error === undefined) out.sent.push(channelLabel(channel));
      else out.failed.push({ channel: channelLabel(channel), error });
    }
    return out;
  };

  /** Send to every enabled channel that subscribes to the message's event type. */
  const dispatch = async (message: NotificationMessage): Promise<DeliveryReport> => {
    const channels = (await loadChannels()).filter((c) => c.enabled && wants(c, message.event_type));
    return report(channels.map((c) => [c, deliver(c, message)]));
  };

  // ---- templates ------------------------------------------------------------------------------

  const templateFor = async (type: NotificationEventType): Promise<string> => (await storage.get<string>(TEMPLATES, type)) ?? EVENT_TYPE_DEFINITIONS[type].template;

  const render = async (type: NotificationEventType, vars: TemplateVars): Promise<string> => {
    const custom = await storage.get<string>(TEMPLATES, type);
    if (custom !== undefined) {
      try {
        return compileTemplate(custom).render(vars);
      } catch (error) {
        // A template saved by an older version may no longer compile: the default still gets the news out.
        logger.warn('custom notification template failed; using the default', { event_type: type, error: errorMessage(error) });
      }
    }
    return compileTemplate(EVENT_TYPE_DEFINITIONS[type].template).render(vars);
  };

  const buildMessage = async (
    type: NotificationEventType,
    fields: Partial<TemplateVars>,
    extra: { test?: boolean; updates?: DigestLine[] } = {},
  ): Promise<NotificationMessage> => {
    const def = EVENT_TYPE_DEFINITIONS[type];
    const partial: TemplateVars = { ...EMPTY_VARS, HostName: hostName, Timestamp: new Date(clock.now()).toISOString(), ...fields, EventType: type };
    const vars: TemplateVars = { ...partial, Title: def.title(partial.ContainerName) };
    return {
      event_type: type,
      test: extra.test ?? false,
      severity: def.severity,
      title: extra.test === true ? `[Test] ${vars.Title}` : vars.Title,
      body: await render(type, vars),
      timestamp: vars.Timestamp,
      vars,
      ...(extra.updates === undefined ? {} : { updates: extra.updates }),
    };
  };

  /** Sample values for previews and test notifications. */
  const sampleVars = (type: NotificationEventType): Partial<TemplateVars> => {
    const failing = EVENT_TYPE_DEFINITIONS[type].severity === 'failure' || type === 'update_rolled_back' || type === 'check_failed';
    const updates: DigestLine[] = [
      { container_name: 'sentinel-test', current_image: 'nginx:1.27.4', target_image: 'nginx:1.27.5', newer_versions: ['1.27.5'] },
      { container_name: 'postgres', current_image: 'postgres:16.3', target_image: 'postgres:16.4', newer_versions: ['16.4'] },
    ];
    return {
      ContainerName: 'sentinel-test',
      HostName: hostName === '' ? 'docker-host' : hostName,
      OldImage: 'nginx:1.27.4',
      NewImage: 'nginx:1.27.5',
      OldVersion: '1.27.4',
      NewVersion: '1.27.5',
      NewerVersions: '1.27.5',
      Message: 'Update available for sentinel-test',
      Error: failing ? 'new container reported unhealthy' : '',
      ...(type === 'digest' ? { ContainerName: '', Count: String(updates.length), Updates: updates.map(digestLine).join('\n') } : {}),
    };
  };

  // ---- per-container modes and dedup ----------------------------------------------------------

  const modeOf = async (key: string): Promise<NotifyMode> => (await storage.get<NotifyMode>(PREFS, key)) ?? 'default';

  const announce = async (type: NotificationEventType, key: string, fields: Partial<TemplateVars>): Promise<void> => {
    if ((await modeOf(key)) === 'muted') return;
    await dispatch(await buildMessage(type, fields));
  };

  /** Announce a pending update if the container's mode and the dedup state allow it now. */
  const announceUpdate = async (item: QueueItem, seenAt: string, message: string, scanStartedAt?: string): Promise<void> => {
    const key = item.key;
    const mode = await modeOf(key);
    if (mode === 'muted' || mode === 'digest_only') return;
    if (mode === 'default') {
      const state = await storage.get<NotifyState>(STATES, key);
      if (state?.target_image === item.target_image) return;
    } else if (scanStartedAt !== undefined) {
      // every_scan: the scan's own update event may already have announced it.
      const last = lastAnnounced.get(key);
      if (last !== undefined && last >= scanStartedAt) return;
    }
    await dispatch(
      await buildMessage('update_available', {
        ContainerName: item.container_name,
        OldImage: item.current_image,
        NewImage: item.target_image,
        OldVersion: item.resolved_current_version || tagOf(item.current_image),
        NewVersion: item.resolved_target_version || tagOf(item.target_image),
        NewerVersions: item.newer_versions.join(', '),
        Message: message,
        HostName: item.host_id === '' ? hostName : item.host_id,
      }),
    );
    lastAnnounced.set(key, seenAt);
    await storage.put<NotifyState>(STATES, key, { target_image: item.target_image, newer_versions: item.newer_versions, announced_at: seenAt });
  };

  const onContainerUpdate = async (e: SentinelEvent): Promise<void> => {
    const name = e.container_name;
    if (name === undefined) return;
    const key = queueKey(name, e.host_id);
    const data = e.data ?? {};
    const host = e.host_name !== '' ? e.host_name : hostName;
    const base = { ContainerName: name, Message: e.message, HostName: host, Timestamp: e.timestamp };

    if (typeof data.target_image === 'string' && Array.isArray(data.newer_versions)) {
      const newer = data.newer_versions.filter((v): v is string => typeof v === 'string');
      // The queue entry carries the running image and resolved versions the event leaves out.
      const item = (await queue.get(key)) ?? {
        container_name: name,
        current_image: '',
        newer_versions: newer,
        resolved_current_version: '',
        resolved_target_version: '',
        key,
        host_id: e.host_id,
        target_image: data.target_image,
        kind: 'version' as const,
        detected_at: e.timestamp,
      };
      await announceUpdate({ ...item, target_image: data.target_image, newer_versions: newer }, e.timestamp, e.message);
      return;
    }
    if (data.phase === 'started') {
      const kind = e.message.startsWith('rollback') ? 'rollback' : 'update';
      const op = { kind, old_image: str(data.old_image), new_image: str(data.new_image) } as const;
      running.set(key, op);
      if (kind === 'update') {
        await announce('update_started', key, { ...base, OldImage: op.old_image, NewImage: op.new_image, OldVersion: tagOf(op.old_image), NewVersion: tagOf(op.new_image) });
      }
      return;
    }
    if (typeof data.outcome === 'string') {
      const op = running.get(key);
      running.delete(key);
      const kind = op?.kind ?? (/\brolled back to\b|^rollback\b/.test(e.message) ? 'rollback' : 'update');
      const oldImage = str(data.old_image) || (op?.old_image ?? '');
      const newImage = str(data.new_image) || (op?.new_image ?? '');
      const images = { OldImage: oldImage, NewImage: newImage, OldVersion: tagOf(oldImage), NewVersion: tagOf(newImage), Error: str(data.error) };
      const type: NotificationEventType | undefined =
        data.outcome === 'success'
          ? kind === 'update'
            ? 'update_succeeded'
            : 'rollback_succeeded'
          : data.outcome === 'rolled_back'
            ? kind === 'update'
              ? 'update_rolled_back'
              : 'rollback_failed' // a rollback that failed its health check and was undone
            : data.outcome === 'failed'
              ? kind === 'update'
                ? 'update_failed'
                : 'rollback_failed'
              : undefined; // 'identical': nothing changed, nothing to say
      if (type !== undefined) await announce(type, key, { ...base, ...images });
      return;
    }
    if (typeof data.error === 'string') {
      if (checkErrors.get(key) === data.error) return;
      checkErrors.set(key, data.error);
      await announce('check_failed', key, { ...base, Error: data.error });
    }
  };

  /**
   * After a scan: the engine announces an update only when its queue entry is
   * new or changed, so pending updates are swept here: `every_scan` containers
   * hear about them on every scan, `default` ones when they were never
   * announced (first run, or after the dedup state was cleared).
   */
  const onScanComplete = async (e: SentinelEvent): Promise<void> => {
    const data = e.data ?? {};
    const startedAt = str(data.started_at) || e.timestamp;
    const failed = new Set(
      (Array.isArray(data.errors) ? data.errors : []).map((x) => (typeof x === 'object' && x !== null ? str((x as { name?: unknown }).name) : '')),
    );
    for (const key of [...checkErrors.keys()]) {
      if (!failed.has(key)) checkErrors.delete(key);
    }
    for (const item of await queue.list()) {
      // A container whose check failed this scan was not seen: its entry is left from before.
      if (item.host_id === '' && failed.has(item.container_name)) continue;
      await announceUpdate(item, e.timestamp, `Update available for ${item.container_name}`, startedAt);
    }
  };

  const onEvent = (e: SentinelEvent): void => {
    if (closed) return;
    if (e.type === 'container_update') void serially('container_update', () => onContainerUpdate(e));
    else if (e.type === 'scan_complete') void serially('scan_complete', () => onScanComplete(e));
  };

  // ---- digest ---------------------------------------------------------------------------------

  const loadDigestSettings = async (): Promise<StoredDigestSettings> => ({ ...DIGEST_DEFAULTS, ...(await storage.get<Partial<StoredDigestSettings>>(DIGEST, 'settings')) });

  const digestIntervalMs = (text: string): number => {
    const ms = parseDuration(text);
    if (ms < MIN_DIGEST_INTERVAL || ms > MAX_DIGEST_INTERVAL) {
      throw new InvalidError(`digest_interval must be between ${formatGoDuration(MIN_DIGEST_INTERVAL)} and ${formatGoDuration(MAX_DIGEST_INTERVAL)}, got ${text}`);
    }
    return ms;
  };

  /** Pending updates the digest and the banner show: everything queued except muted containers. */
  const digestItems = async (): Promise<QueueItem[]> => {
    const out: QueueItem[] = [];
    for (const item of await queue.list()) if ((await modeOf(item.key)) !== 'muted') out.push(item);
    return out;
  };

  const runDigest = async (reason: 'scheduled' | 'triggered'): Promise<DigestResult> => {
    const items = await digestItems();
    await storage.put(DIGEST, 'last_digest_at', new Date(clock.now()).toISOString());
    if (items.length === 0) {
      logger.info('digest skipped: no pending updates', { reason });
      return { count: 0, sent: [], failed: [] };
    }
    const updates: DigestLine[] = items.map((i) => ({ container_name: i.container_name, current_image: i.current_image, target_image: i.target_image, newer_versions: i.newer_versions }));
    const message = await buildMessage('digest', { Count: String(items.length), Updates: updates.map(digestLine).join('\n') }, { updates });
    const result = await dispatch(message);
    events.publish({
      type: 'digest_ready',
      message: `Digest ready: ${items.length} pending update(s)`,
      data: { count: items.length, containers: items.map((i) => i.container_name), reason, sent: result.sent.length, failed: result.failed.length },
    });
    logger.info('digest sent', { reason, count: items.length, sent: result.sent.length, failed: result.failed.length });
    return { count: items.length, ...result };
  };

  /** (Re)arm the digest timer; `firedAt` is the slot that just fired, so that it is never picked twice. */
  const scheduleDigest = async (firedAt?: number): Promise<void> => {
    if (digestTimer !== undefined) clock.clearTimeout(digestTimer);
    digestTimer = undefined;
    const after = Math.max(clock.now(), firedAt ?? 0);
    nextDigest = undefined;
    if (!started || closed) return;
    const s = await loadDigestSettings();
    if (!s.digest_enabled) return;
    let at: number;
    try {
      at = nextDigestAt(after, s.digest_time, digestIntervalMs(s.digest_interval));
    } catch (error) {
      logger.warn('digest not scheduled: invalid settings', { error: errorMessage(error) });
      return;
    }
    nextDigest = at;
    digestTimer = clock.setTimeout(() => {
      digestTimer = undefined;
      void serially('scheduled digest', () => runDigest('scheduled'))
        .catch(() => undefined)
        .finally(() => void scheduleDigest(at).catch((error: unknown) => logger.error('digest could not be rescheduled', { error: errorMessage(error) })));
    }, at - clock.now());
  };

  // ---- the public object ----------------------------------------------------------------------

  const api = {
    /** Subscribe to the event bus and schedule the digest. */
    async start(): Promise<void> {
      if (started || closed) return;
      started = true;
      unsubscribe = events.subscribe(onEvent);
      await scheduleDigest();
    },

    /** Stop listening, cancel the digest and pending retries, abort sends in flight and wait for them. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      unsubscribe?.();
      if (digestTimer !== undefined) clock.clearTimeout(digestTimer);
      for (const h of retryTimers) clock.clearTimeout(h);
      retryTimers.clear();
      shutdown.abort(new Error('notifier closed'));
      await api.idle();
    },

    /** Resolve once every event received so far is handled and every send in flight has finished (scheduled retries excluded). */
    async idle(): Promise<void> {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },

    // channels

    /** Saved channels, secrets masked. */
    async listChannels(): Promise<StoredChannel[]> {
      return (await loadChannels()).map(maskChannel);
    },

    /**
     * Replace the channel list. Masked secrets (as listed) keep the saved
     * value; ids are generated where missing. Throws `InvalidError` naming the field.
     */
    async saveChannels(input: NotificationChannel[]): Promise<void> {
      const parsed = NotificationChannelListSchema.safeParse(input);
      if (!parsed.success) throw new InvalidError(describeZodIssues(parsed.error.issues));
      const saved = new Map((await loadChannels()).map((c) => [c.id, c]));
      const seen = new Set<string>();
      const channels = parsed.data.map((c, index) => {
        const id = c.id ?? randomId();
        if (seen.has(id)) throw new InvalidError(`${index}.id: duplicate channel id "${id}"`);
        seen.add(id);
        const stored = { ...c, id, enabled: c.enabled ?? true, events: [...new Set(c.events ?? [])] } as StoredChannel;
        return restoreSecrets(stored, saved.get(id), index);
      });
      await storage.put(CHANNELS, 'list', channels);
    },

    /**
     * Send a test notification now, to one channel (even a disabled one) or to
     * every enabled channel; no retries. Resolves with the channel names;
     * throws `UpstreamError` with the service's answer when a send fails.
     */
    async test(id?: string): Promise<string[]> {
      const all = await loadChannels();
      let targets: StoredChannel[];
      if (id !== undefined) {
        const channel = all.find((c) => c.id === id);
        if (channel === undefined) throw new NotFoundError(`notification channel ${id} not found`);
        targets = [channel];
      } else {
        targets = all.filter((c) => c.enabled);
        if (targets.length === 0) throw new InvalidError('no enabled notification channels to test');
      }
      const message = await buildMessage('update_available', sampleVars('update_available'), { test: true });
      const result = await report(targets.map((c) => [c, deliver(c, message)]));
      if (result.failed.length > 0) {
        const failures = result.failed.map((f) => `${f.channel}: ${f.error}`).join('; ');
        throw new UpstreamError(`test notification failed for ${failures}${result.sent.length > 0 ? ` (sent to ${result.sent.join(', ')})` : ''}`);
      }
      return result.sent;
    },

    eventTypes: (): NotificationEventTypeInfo[] => notificationEventTypes(),

    // templates

    async templates(): Promise<NotificationTemplates> {
      const templates: Record<string, string> = {};
      for (const { key, value } of await storage.list<string>(TEMPLATES)) templates[key] = value;
      const defaults = Object.fromEntries(NOTIFICATION_EVENT_TYPES.map((t) => [t, EVENT_TYPE_DEFINITIONS[t].template]));
      const variables = (Object.keys(TEMPLATE_VARIABLES) as TemplateVariableName[]).map((name) => ({ name, description: TEMPLATE_VARIABLES[name] }));
      return { templates, defaults, variables };
    },

    /** Save the template of one event type (validated: unknown variables and actions are refused). */
    async saveTemplate(eventType: NotificationEventType, template: string): Promise<void> {
      compileTemplate(template);
      await storage.put(TEMPLATES, eventType, template);
    },

    /** Revert an event type to its built-in template; `NotFoundError` when it has no custom one. */
    async deleteTemplate(eventType: string): Promise<void> {
      if (!(NOTIFICATION_EVENT_TYPES as readonly string[]).includes(eventType)) {
        throw new InvalidError(`unknown event type "${eventType}"; one of ${NOTIFICATION_EVENT_TYPES.join(', ')}`);
      }
      if (!(await storage.delete(TEMPLATES, eventType))) throw new NotFoundError(`no custom template for ${eventType}`);
    },

    /** Render a template (or the saved/default one) with sample data. */
    async previewTemplate(eventType: NotificationEventType, template?: string): Promise<string> {
      const source = template ?? (await templateFor(eventType));
      const message = await buildMessage(eventType, sampleVars(eventType));
      return compileTemplate(source).render(message.vars);
    },

    // per-container modes

    getMode: (key: string): Promise<NotifyMode> => modeOf(key),

    /** `default` removes the preference. */
    async setMode(key: string, mode: NotifyMode): Promise<void> {
      NotifyModeSchema.parse(mode);
      if (mode === 'default') await storage.delete(PREFS, key);
      else await storage.put(PREFS, key, mode);
    },

    async allModes(): Promise<ContainerNotifyPrefs> {
      const out: ContainerNotifyPrefs = {};
      for (const { key, value } of await storage.list<NotifyMode>(PREFS)) out[key] = { mode: value };
      return out;
    },

    /** Forget which updates were announced (the next scan announces every pending one again); returns how many were cleared. */
    async clearStates(): Promise<number> {
      const n = await storage.count(STATES);
      await storage.clear(STATES);
      lastAnnounced.clear();
      checkErrors.clear();
      return n;
    },

    // digest

    async digestSettings(): Promise<DigestSettings> {
      const s = await loadDigestSettings();
      return { ...s, next_digest_at: nextDigest === undefined ? null : new Date(nextDigest).toISOString(), last_digest_at: (await storage.get<string>(DIGEST, 'last_digest_at')) ?? null };
    },

    /** Update the given fields (validated all first, then saved together) and reschedule. */
    async saveDigestSettings(patch: DigestSettingsBody): Promise<DigestSettings> {
      const next = { ...(await loadDigestSettings()) };
      if (patch.digest_time !== undefined) {
        parseTimeOfDay(patch.digest_time);
        next.digest_time = patch.digest_time;
      }
      if (patch.digest_interval !== undefined) {
        digestIntervalMs(patch.digest_interval.trim());
        next.digest_interval = patch.digest_interval.trim();
      }
      if (patch.digest_enabled !== undefined) next.digest_enabled = patch.digest_enabled;
      await storage.put(DIGEST, 'settings', next);
      await scheduleDigest();
      return api.digestSettings();
    },

    /** Send the digest now (after every event received so far is handled). */
    triggerDigest: (): Promise<DigestResult> => serially('triggered digest', () => runDigest('triggered')),

    /** Pending updates not dismissed since the banner was last dismissed. */
    async banner(): Promise<DigestBanner> {
      const dismissed = new Set((await storage.get<string[]>(DIGEST, 'banner_dismissed')) ?? []);
      const updates = (await digestItems()).filter((i) => !dismissed.has(`${i.key}::${i.target_image}`)).map(toDigestUpdate);
      return { pending: updates.map((u) => u.container_name), count: updates.length, updates };
    },

    /** Dismiss what the banner shows now; a newer version (or a new pending update) shows it again. Returns how many were dismissed. */
    async dismissBanner(): Promise<number> {
      const items = await digestItems();
      await storage.put(DIGEST, 'banner_dismissed', items.map((i) => `${i.key}::${i.target_image}`));
      return items.length;
    },
  };
  return api;
}

export type Notifier = ReturnType<typeof createNotifier>;

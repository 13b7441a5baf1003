import type {
  ContainerNotifyPrefs,
  NotificationChannel,
  NotificationEventType,
  NotificationEventTypeInfo,
  NotificationTemplates,
  NotifyMode,
  NotifyPref,
  NotifyPrefSaved,
  NotifyStatesCleared,
  StatusMessage,
  TemplatePreview,
} from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';
import { path } from '../path.js';
import type { HostOptions } from '../types.js';

/** `/api/settings/notifications/...`, per-container notification modes and dedup states. */
export class NotificationsResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/settings/notifications`: every channel, secrets masked (`abc1****`). */
  list(): Promise<NotificationChannel[]> {
    return this.#http.json({ method: 'GET', path: '/api/settings/notifications' });
  }

  /**
   * `PUT /api/settings/notifications`: replace the channel list. Send a listed
   * (masked) secret back unchanged to keep it.
   * @example
   * await client.notifications.save([{ id: 'ch1', name: 'Gotify', type: 'gotify', enabled: true, settings: { url: 'http://gotify:8080', token: 'abc123' } }]);
   */
  save(channels: NotificationChannel[]): Promise<StatusMessage> {
    return this.#http.json({ method: 'PUT', path: '/api/settings/notifications', json: channels });
  }

  /** `POST /api/settings/notifications/test`: send a test to channel `id`, or to every enabled channel. */
  test(id?: string): Promise<StatusMessage> {
    return this.#http.json({ method: 'POST', path: '/api/settings/notifications/test', ...(id === undefined ? {} : { json: { id } }) });
  }

  /** `GET /api/settings/notifications/event-types`: what a channel can subscribe to. */
  eventTypes(): Promise<NotificationEventTypeInfo[]> {
    return this.#http.json({ method: 'GET', path: '/api/settings/notifications/event-types' });
  }

  /** `GET /api/settings/notifications/templates`: custom templates, the defaults and the variables. */
  templates(): Promise<NotificationTemplates> {
    return this.#http.json({ method: 'GET', path: '/api/settings/notifications/templates' });
  }

  /** `PUT /api/settings/notifications/templates`: save the template of one event type. */
  saveTemplate(eventType: NotificationEventType, template: string): Promise<StatusMessage> {
    return this.#http.json({ method: 'PUT', path: '/api/settings/notifications/templates', json: { event_type: eventType, template } });
  }

  /** `DELETE /api/settings/notifications/templates/{type}`: revert to the default template. */
  deleteTemplate(eventType: NotificationEventType): Promise<StatusMessage> {
    return this.#http.json({ method: 'DELETE', path: path`/api/settings/notifications/templates/${eventType}` });
  }

  /** `POST /api/settings/notifications/templates/preview`: render with sample data (the saved template when `template` is omitted). */
  previewTemplate(eventType: NotificationEventType, template?: string): Promise<TemplatePreview> {
    return this.#http.json({ method: 'POST', path: '/api/settings/notifications/templates/preview', json: { event_type: eventType, ...(template === undefined ? {} : { template }) } });
  }

  /** `GET /api/containers/{name}/notify-pref`. */
  getMode(name: string, options: HostOptions = {}): Promise<NotifyPref> {
    return this.#http.json({ method: 'GET', path: path`/api/containers/${name}/notify-pref`, query: { host: options.host } });
  }

  /** `POST /api/containers/{name}/notify-pref`: `default`, `every_scan`, `digest_only` or `muted`. */
  setMode(name: string, mode: NotifyMode, options: HostOptions = {}): Promise<NotifyPrefSaved> {
    return this.#http.json({ method: 'POST', path: path`/api/containers/${name}/notify-pref`, query: { host: options.host }, json: { mode } });
  }

  /** `GET /api/settings/container-notify-prefs`: every container whose mode is not `default`. */
  modes(): Promise<ContainerNotifyPrefs> {
    return this.#http.json({ method: 'GET', path: '/api/settings/container-notify-prefs' });
  }

  /** `DELETE /api/notify-states`: forget which updates were announced. */
  clearStates(): Promise<NotifyStatesCleared> {
    return this.#http.json({ method: 'DELETE', path: '/api/notify-states' });
  }
}

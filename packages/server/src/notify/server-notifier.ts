import { hostname } from 'node:os';
import { createNotifier } from '@sentinel-kit/core';
import type { Notifier } from '@sentinel-kit/core';
import type { RouteContext } from '../http/app-types.js';
import { recordNotificationFailure } from '../metrics/index.js';
import { createMqttTransport } from './mqtt-transport.js';
import { createSmtpTransport } from './smtp-transport.js';

// One notifier per app: the notification and digest route modules share it.
const notifiers = new WeakMap<RouteContext, Notifier>();

/**
 * The app's notifier, created on first use over the engine's storage, event
 * bus and queue, the app's clock and fetch, with the SMTP and MQTT transports.
 * It subscribes when the app starts and stops when the app closes.
 */
export function notifierFor(ctx: RouteContext): Notifier {
  let notifier = notifiers.get(ctx);
  if (notifier === undefined) {
    const created = createNotifier({
      storage: ctx.sentinel.storage,
      events: ctx.sentinel.events,
      queue: ctx.sentinel.queue,
      clock: ctx.clock,
      fetch: ctx.fetch,
      logger: ctx.logger,
      hostName: hostname(),
      transports: { smtp: createSmtpTransport(), mqtt: createMqttTransport() },
      onDeliveryFailed: (channel) => recordNotificationFailure(ctx.sentinel, channel.type),
    });
    ctx.onStart(() => created.start());
    ctx.onClose(() => created.close());
    notifiers.set(ctx, created);
    notifier = created;
  }
  return notifier;
}

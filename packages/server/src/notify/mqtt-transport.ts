import mqtt from 'mqtt';
import { errorMessage, notificationPayload, UpstreamError } from '@sentinel-kit/core';
import type { ChannelOf, NotificationTransport } from '@sentinel-kit/core';

export interface MqttTransportOptions {
  /** Time allowed to connect and publish. @default 15 s */
  timeoutMs?: number;
}

/**
 * Publishes the JSON payload (the webhook's document) to an MQTT topic:
 * connect, publish (QoS 1 by default, so the broker acknowledges it), disconnect.
 */
export function createMqttTransport(options: MqttTransportOptions = {}): NotificationTransport {
  const timeout = options.timeoutMs ?? 15_000;
  return {
    async send(channel, message, context) {
      const s = (channel as ChannelOf<'mqtt'>).settings;
      let client: mqtt.MqttClient | undefined;
      const onAbort = (): void => void client?.end(true);
      context.signal.addEventListener('abort', onAbort, { once: true });
      try {
        client = await mqtt.connectAsync(
          s.broker,
          {
            connectTimeout: timeout,
            reconnectPeriod: 0,
            ...(s.username === undefined || s.username === '' ? {} : { username: s.username, password: s.password ?? '' }),
            ...(s.client_id === undefined || s.client_id === '' ? {} : { clientId: s.client_id }),
          },
          false,
        );
        if (context.signal.aborted) throw context.signal.reason;
        await client.publishAsync(s.topic, JSON.stringify(notificationPayload(message)), { qos: s.qos ?? 1, retain: s.retain ?? false });
      } catch (error) {
        throw new UpstreamError(`MQTT broker ${new URL(s.broker).host} refused the message: ${errorMessage(error)}`, { cause: error });
      } finally {
        context.signal.removeEventListener('abort', onAbort);
        await client?.endAsync().catch(() => undefined);
      }
    },
  };
}

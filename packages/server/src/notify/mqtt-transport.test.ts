import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import Aedes from 'aedes';
import type { AedesPublishPacket } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { TEMPLATE_VARIABLES } from '@sentinel-kit/core';
import type { NotificationMessage, StoredChannel, TemplateVars } from '@sentinel-kit/core';
import { createMqttTransport } from './mqtt-transport.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0)) await fn();
});

/** A real MQTT broker (aedes) on a free local port; records what clients publish. */
async function broker(login?: { user: string; pass: string }): Promise<{ url: string; published: AedesPublishPacket[]; clients: string[] }> {
  const aedes = new Aedes();
  const published: AedesPublishPacket[] = [];
  const clients: string[] = [];
  aedes.authenticate = (client, username, password, done) => {
    if (login === undefined) return done(null, true);
    const ok = username === login.user && password?.toString() === login.pass;
    if (!ok) return done(Object.assign(new Error('bad credentials'), { returnCode: 4 }) as never, false);
    return done(null, true);
  };
  aedes.on('client', (c) => void clients.push(c.id));
  // Broker-internal messages ($SYS) have no client.
  aedes.on('publish', (packet, client) => {
    if (client !== null) published.push(packet);
  });
  const server: Server = createServer(aedes.handle as never);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, published, clients };
}

const vars = Object.fromEntries(Object.keys(TEMPLATE_VARIABLES).map((k) => [k, ''])) as TemplateVars;
const message: NotificationMessage = {
  event_type: 'update_available',
  test: false,
  severity: 'info',
  title: 'Update available: web',
  body: 'Update available for web: web:1.0.0 → web:1.1.0',
  timestamp: '2025-01-15T14:30:00.000Z',
  vars: { ...vars, ContainerName: 'web', OldImage: 'web:1.0.0', NewImage: 'web:1.1.0', NewerVersions: '1.1.0' },
};

const channel = (broker: string, extra: Record<string, unknown> = {}): StoredChannel =>
  ({ id: 'm', name: 'MQTT', type: 'mqtt', enabled: true, events: [], settings: { broker, topic: 'sentinel/events', ...extra } }) as unknown as StoredChannel;

const context = () => ({ fetch: globalThis.fetch, signal: new AbortController().signal });

describe('MQTT transport', () => {
  it('publishes the JSON payload to the topic with QoS 1 and disconnects', async () => {
    const b = await broker();
    await createMqttTransport().send(channel(b.url, { client_id: 'sentinel-kit' }), message, context());
    expect(b.published).toHaveLength(1);
    const [packet] = b.published as [AedesPublishPacket];
    expect(packet.topic).toBe('sentinel/events');
    expect(packet.qos).toBe(1);
    expect(packet.retain).toBe(false);
    expect(JSON.parse(packet.payload.toString())).toMatchObject({
      event_type: 'update_available',
      title: 'Update available: web',
      message: 'Update available for web: web:1.0.0 → web:1.1.0',
      container_name: 'web',
      old_image: 'web:1.0.0',
      new_image: 'web:1.1.0',
      newer_versions: ['1.1.0'],
    });
    expect(b.clients).toEqual(['sentinel-kit']);
  });

  it('logs in and honours retain and QoS settings', async () => {
    const b = await broker({ user: 'sentinel', pass: 'broker-pass' });
    await createMqttTransport().send(channel(b.url, { username: 'sentinel', password: 'broker-pass', qos: 0, retain: true }), message, context());
    expect(b.published[0]?.retain).toBe(true);
    expect(b.published[0]?.qos).toBe(0);
  });

  it('fails when the broker refuses the login', async () => {
    const b = await broker({ user: 'sentinel', pass: 'broker-pass' });
    await expect(createMqttTransport().send(channel(b.url, { username: 'sentinel', password: 'nope' }), message, context())).rejects.toThrow(/MQTT broker 127\.0\.0\.1:\d+ refused the message/);
    expect(b.published).toEqual([]);
  });
});

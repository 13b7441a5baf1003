import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, InternalServerError, NotFoundError, NotImplementedError } from '@sentinel-kit/client';
import type { ApiError } from '@sentinel-kit/client';
import type { NotificationChannel } from '@sentinel-kit/core/contract';
import { setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const LONG_TOKEN = 'AbCdEfGh.0123456789';

/** The app with outbound HTTP going through msw's interception of the global fetch. */
function app(): ClientFixture {
  return setup({ fixture: { app: { fetch: (input, init) => globalThis.fetch(input, init) } } });
}

const gotify = (token = 'abc123', over: Partial<NotificationChannel> = {}): NotificationChannel =>
  ({ id: 'ch1', name: 'Gotify', type: 'gotify', enabled: true, settings: { url: 'http://gotify:8080', token }, ...over }) as NotificationChannel;

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

const errorOf = (e: ApiError): string => (e.body as { error: string }).error;

/** Record what Gotify receives and answer like Gotify does. */
function gotifyServer(status = 200): Array<{ url: string; body: unknown }> {
  const seen: Array<{ url: string; body: unknown }> = [];
  server.use(
    http.post('http://gotify:8080/message', async ({ request }) => {
      seen.push({ url: request.url, body: await request.json() });
      return status === 200
        ? HttpResponse.json({ id: seen.length, appid: 1, message: 'ok' })
        : HttpResponse.json({ error: 'Unauthorized', errorCode: 401, errorDescription: 'you need to provide a valid access token or user credentials to access this api' }, { status });
    }),
  );
  return seen;
}

describe('client.notifications channels', () => {
  it('save() answers as the seed shows and list() masks secrets', async () => {
    const f = app();
    expect(await f.client.notifications.save([gotify()])).toEqual({ status: 'ok', message: 'notification settings saved' });
    expect(await f.client.notifications.list()).toEqual([
      { id: 'ch1', name: 'Gotify', type: 'gotify', enabled: true, events: [], settings: { url: 'http://gotify:8080', token: '****' } },
    ]);
    await f.client.notifications.save([gotify(LONG_TOKEN)]);
    const listed = await f.client.notifications.list();
    expect(listed[0]?.settings).toEqual({ url: 'http://gotify:8080', token: 'AbCd****' });
    expect(JSON.stringify(listed)).not.toContain(LONG_TOKEN);
  });

  it('keeps the stored secret when the masked value is sent back', async () => {
    const f = app();
    const seen = gotifyServer();
    await f.client.notifications.save([gotify(LONG_TOKEN)]);
    const listed = await f.client.notifications.list();
    await f.client.notifications.save(listed.map((c) => ({ ...c, name: 'Phone' })));
    expect(await f.client.notifications.test('ch1')).toEqual({ status: 'ok', message: 'test notification sent to Phone' });
    expect(seen[0]?.url).toBe(`http://gotify:8080/message?token=${LONG_TOKEN}`);
  });

  it('answers 400 naming the field for invalid settings, and changes nothing', async () => {
    const f = app();
    await f.client.notifications.save([gotify(LONG_TOKEN)]);
    const cases: Array<[unknown, string]> = [
      [[{ id: 'x', name: 'G', type: 'gotify', settings: { url: 'http://gotify:8080' } }], '0.settings.token'],
      [[gotify(), { id: 'w', name: 'W', type: 'webhook', settings: { url: 'ftp://example.com' } }], '1.settings.url'],
      [[{ id: 'n', name: 'N', type: 'ntfy', settings: { topic: 'bad topic!' } }], '0.settings.topic'],
      [[{ id: 's', name: 'S', type: 'smtp', settings: { host: 'mail', from: 'not-an-address', to: ['ops@example.com'] } }], '0.settings.from'],
      [[{ id: 'm', name: 'M', type: 'mqtt', settings: { broker: 'http://broker:1883', topic: 'a/b' } }], '0.settings.broker'],
      [[{ id: 'a', name: 'A', type: 'apprise', settings: { url: 'http://apprise:8000' } }], '0.settings.urls'],
      [[{ id: 'q', name: 'Q', type: 'carrier-pigeon', settings: {} }], '0.type'],
      [[gotify('abc123', { events: ['update_available', 'coffee_ready' as never] })], '0.events.1'],
      [[gotify('abc123'), gotify('def456')], '1.id: duplicate channel id'],
      [[gotify('Zzzz****')], '0.settings.token: is a masked value'],
    ];
    for (const [body, field] of cases) {
      const error = await rejection(f.client.notifications.save(body as NotificationChannel[]));
      expect(error, field).toBeInstanceOf(BadRequestError);
      expect(errorOf(error)).toContain(field);
    }
    expect((await f.client.notifications.list())[0]?.settings).toEqual({ url: 'http://gotify:8080', token: 'AbCd****' });
  });

  it('test() really sends and answers with the channel name', async () => {
    const f = app();
    const seen = gotifyServer();
    await f.client.notifications.save([gotify(), gotify('other', { id: 'ch2', name: 'Disabled', enabled: false })]);
    expect(await f.client.notifications.test('ch1')).toEqual({ status: 'ok', message: 'test notification sent to Gotify' });
    expect(seen).toEqual([
      {
        url: 'http://gotify:8080/message?token=abc123',
        body: { title: '[Test] Update available: sentinel-test', message: 'Update available for sentinel-test: nginx:1.27.4 → nginx:1.27.5\nNewer versions: 1.27.5', priority: 5 },
      },
    ]);
    // Without an id: every enabled channel.
    expect(await f.client.notifications.test()).toEqual({ status: 'ok', message: 'test notification sent to Gotify' });
    expect(seen).toHaveLength(2);
  });

  it("test() answers 502 with the service's error, 404 for an unknown channel, 400 with nothing to test", async () => {
    const f = app();
    gotifyServer(401);
    expect(await rejection(f.client.notifications.test())).toBeInstanceOf(BadRequestError);
    await f.client.notifications.save([gotify()]);
    const failed = await rejection(f.client.notifications.test('ch1'));
    expect(failed).toBeInstanceOf(InternalServerError);
    expect(failed.status).toBe(502);
    expect(errorOf(failed)).toBe('test notification failed for Gotify: Gotify answered 401: Unauthorized: you need to provide a valid access token or user credentials to access this api');
    expect(errorOf(failed)).not.toContain('abc123');
    expect(await rejection(f.client.notifications.test('nope'))).toBeInstanceOf(NotFoundError);
  });

  it('eventTypes() lists what a channel can filter on', async () => {
    const f = app();
    const types = await f.client.notifications.eventTypes();
    expect(types.map((t) => t.type)).toEqual([
      'update_available',
      'update_started',
      'update_succeeded',
      'update_failed',
      'update_rolled_back',
      'rollback_succeeded',
      'rollback_failed',
      'check_failed',
      'digest',
    ]);
    expect(types[0]).toEqual({ type: 'update_available', label: 'Update available', description: expect.any(String) });
  });
});

describe('client.notifications templates', () => {
  it('saves, lists, previews and reverts a template as the seed shows', async () => {
    const f = app();
    expect((await f.client.notifications.templates()).templates).toEqual({});
    expect(await f.client.notifications.saveTemplate('update_available', 'Update: {{.ContainerName}}')).toEqual({ status: 'ok', message: 'template for update_available saved' });
    const listed = await f.client.notifications.templates();
    expect(listed.templates).toEqual({ update_available: 'Update: {{.ContainerName}}' });
    expect(listed.defaults.update_failed).toContain('{{.Error}}');
    expect(listed.variables.map((v) => v.name)).toContain('NewerVersions');

    expect(await f.client.notifications.previewTemplate('update_available', 'Update: {{.ContainerName}}')).toEqual({ preview: 'Update: sentinel-test' });
    // Without a template: the saved one.
    expect(await f.client.notifications.previewTemplate('update_available')).toEqual({ preview: 'Update: sentinel-test' });
    expect(await f.client.notifications.previewTemplate('update_failed', '{{.ContainerName}}: {{.Error}}')).toEqual({ preview: 'sentinel-test: new container reported unhealthy' });

    expect(await f.client.notifications.deleteTemplate('update_available')).toEqual({ status: 'ok', message: 'template for update_available reverted to the default' });
    expect((await f.client.notifications.templates()).templates).toEqual({});
    expect(await rejection(f.client.notifications.deleteTemplate('update_available'))).toBeInstanceOf(NotFoundError);
  });

  it('refuses unknown variables, unsupported actions and unknown event types with 400, saving nothing', async () => {
    const f = app();
    for (const call of [
      f.client.notifications.saveTemplate('update_available', 'Update: {{.Container}}'),
      f.client.notifications.saveTemplate('update_available', '{{range .Updates}}x{{end}}'),
      f.client.notifications.saveTemplate('coffee_ready' as never, 'x'),
      f.client.notifications.previewTemplate('update_available', '{{.Nope}}'),
      f.client.notifications.deleteTemplate('coffee_ready' as never),
    ]) {
      expect(await rejection(call)).toBeInstanceOf(BadRequestError);
    }
    const error = await rejection(f.client.notifications.saveTemplate('update_available', 'Update: {{.Container}}'));
    expect(errorOf(error)).toContain('unknown variable .Container');
    expect((await f.client.notifications.templates()).templates).toEqual({});
  });
});

describe('client.notifications per-container modes', () => {
  it('sets, reads and lists modes as the seed shows; default removes the preference', async () => {
    const f = app();
    f.publish('nginx', '1.27.4');
    f.docker.seedContainer({ name: 'nginx', image: f.ref('nginx', '1.27.4') });
    expect(await f.client.notifications.getMode('nginx')).toEqual({ name: 'nginx', mode: 'default' });
    expect(await f.client.notifications.setMode('nginx', 'muted')).toEqual({ status: 'ok', mode: 'muted' });
    expect(await f.client.notifications.getMode('nginx')).toEqual({ name: 'nginx', mode: 'muted' });
    expect(await f.client.notifications.modes()).toEqual({ nginx: { mode: 'muted' } });
    await f.client.notifications.setMode('nginx', 'default');
    expect(await f.client.notifications.modes()).toEqual({});
  });

  it('answers 400 for an unknown mode, 404 for an unknown container, 501 for a remote host', async () => {
    const f = app();
    f.publish('nginx', '1.27.4');
    f.docker.seedContainer({ name: 'nginx', image: f.ref('nginx', '1.27.4') });
    expect(await rejection(f.client.notifications.setMode('nginx', 'loud' as never))).toBeInstanceOf(BadRequestError);
    expect(await rejection(f.client.notifications.setMode('ghost', 'muted'))).toBeInstanceOf(NotFoundError);
    expect(await rejection(f.client.notifications.getMode('ghost'))).toBeInstanceOf(NotFoundError);
    expect(await rejection(f.client.notifications.setMode('nginx', 'muted', { host: 'remote-1' }))).toBeInstanceOf(NotImplementedError);
    expect(await f.client.notifications.modes()).toEqual({});
  });

  it('clearStates() reports how many dedup states it cleared', async () => {
    const f = app();
    expect(await f.client.notifications.clearStates()).toEqual({ status: 'ok', cleared: 0 });
  });
});

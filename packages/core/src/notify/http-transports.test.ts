import { createHmac } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../errors/index.js';
import type { FetchLike } from '../ports/fetch.js';
import { HTTP_TRANSPORTS } from './http-transports.js';
import { TEMPLATE_VARIABLES } from './template.js';
import type { TemplateVars } from './template.js';
import type { NotificationMessage, StoredChannel } from './types.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const mswFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

interface Seen {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Answer `url` with `reply` and record every request it receives. */
function capture(url: string, reply: () => Response = () => HttpResponse.json({})): Seen[] {
  const seen: Seen[] = [];
  server.use(
    http.post(url, async ({ request }) => {
      seen.push({ url: request.url, headers: Object.fromEntries(request.headers.entries()), body: await request.text() });
      return reply();
    }),
  );
  return seen;
}

const vars: TemplateVars = {
  ...(Object.fromEntries(Object.keys(TEMPLATE_VARIABLES).map((k) => [k, ''])) as TemplateVars),
  EventType: 'update_available',
  Title: 'Update available: nginx',
  ContainerName: 'nginx',
  HostName: 'docker-1',
  OldImage: 'nginx:1.27.4',
  NewImage: 'nginx:1.27.5',
  OldVersion: '1.27.4',
  NewVersion: '1.27.5',
  NewerVersions: '1.27.5, 1.27.6',
  Timestamp: '2025-01-15T14:30:00.000Z',
};

const message = (over: Partial<NotificationMessage> = {}): NotificationMessage => ({
  event_type: 'update_available',
  test: false,
  severity: 'info',
  title: 'Update available: nginx',
  body: 'Update available for nginx: nginx:1.27.4 → nginx:1.27.5',
  timestamp: '2025-01-15T14:30:00.000Z',
  vars,
  ...over,
});

const channel = (type: StoredChannel['type'], settings: Record<string, unknown>): StoredChannel =>
  ({ id: 'c1', name: 'Channel', type, enabled: true, events: [], settings }) as unknown as StoredChannel;

async function send(ch: StoredChannel, m: NotificationMessage = message()): Promise<void> {
  const transport = HTTP_TRANSPORTS[ch.type];
  if (transport === undefined) throw new Error(`no transport for ${ch.type}`);
  await transport.send(ch, m, { fetch: mswFetch, signal: new AbortController().signal });
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the send to fail');
}

describe('webhook', () => {
  it('POSTs the JSON payload with custom headers and an HMAC-SHA256 signature of the exact body', async () => {
    const seen = capture('https://hooks.example.com/sentinel');
    await send(channel('webhook', { url: 'https://hooks.example.com/sentinel', secret: 'shh-its-a-secret', headers: { Authorization: 'Bearer abc', 'X-Team': 'ops' } }));
    expect(seen).toHaveLength(1);
    const [req] = seen as [Seen];
    expect(req.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer abc', 'x-team': 'ops', 'x-sentinel-event': 'update_available' });
    expect(req.headers['x-sentinel-signature']).toBe(`sha256=${createHmac('sha256', 'shh-its-a-secret').update(req.body).digest('hex')}`);
    expect(JSON.parse(req.body)).toEqual({
      event_type: 'update_available',
      title: 'Update available: nginx',
      message: 'Update available for nginx: nginx:1.27.4 → nginx:1.27.5',
      severity: 'info',
      test: false,
      timestamp: '2025-01-15T14:30:00.000Z',
      container_name: 'nginx',
      host_name: 'docker-1',
      old_image: 'nginx:1.27.4',
      new_image: 'nginx:1.27.5',
      old_version: '1.27.4',
      new_version: '1.27.5',
      newer_versions: ['1.27.5', '1.27.6'],
      error: '',
    });
  });

  it('sends no signature header without a secret and keeps one content-type when a custom one is given', async () => {
    const seen = capture('https://hooks.example.com/plain');
    await send(channel('webhook', { url: 'https://hooks.example.com/plain', headers: { 'Content-Type': 'text/plain' } }));
    expect(seen[0]?.headers['x-sentinel-signature']).toBeUndefined();
    expect(seen[0]?.headers['content-type']).toBe('application/json');
  });

  it("fails with the service's status and answer", async () => {
    capture('https://hooks.example.com/down', () => new HttpResponse('upstream exploded', { status: 503 }));
    const error = await failure(send(channel('webhook', { url: 'https://hooks.example.com/down' })));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe('Webhook answered 503: upstream exploded');
  });
});

describe('gotify', () => {
  it('POSTs /message?token= with title, message and priority', async () => {
    const seen = capture('http://gotify:8080/message');
    await send(channel('gotify', { url: 'http://gotify:8080/', token: 'AppToken.123' }));
    expect(seen[0]?.url).toBe('http://gotify:8080/message?token=AppToken.123');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ title: 'Update available: nginx', message: 'Update available for nginx: nginx:1.27.4 → nginx:1.27.5', priority: 5 });
  });

  it('raises the priority of failures unless one is configured', async () => {
    const seen = capture('http://gotify:8080/message');
    await send(channel('gotify', { url: 'http://gotify:8080', token: 't' }), message({ severity: 'failure' }));
    await send(channel('gotify', { url: 'http://gotify:8080', token: 't', priority: 2 }), message({ severity: 'failure' }));
    expect(seen.map((s) => JSON.parse(s.body).priority)).toEqual([8, 2]);
  });

  it("reports Gotify's error description", async () => {
    capture('http://gotify:8080/message', () =>
      HttpResponse.json({ error: 'Unauthorized', errorCode: 401, errorDescription: 'you need to provide a valid access token or user credentials to access this api' }, { status: 401 }),
    );
    const error = await failure(send(channel('gotify', { url: 'http://gotify:8080', token: 'bad' })));
    expect(error.message).toBe('Gotify answered 401: Unauthorized: you need to provide a valid access token or user credentials to access this api');
  });
});

describe('ntfy', () => {
  it('POSTs the body to the topic with Title, Priority and Tags headers and a bearer token', async () => {
    const seen = capture('https://ntfy.example.com/sentinel-updates');
    await send(channel('ntfy', { server: 'https://ntfy.example.com', topic: 'sentinel-updates', token: 'tk_abc', tags: ['docker'] }));
    expect(seen[0]?.body).toBe('Update available for nginx: nginx:1.27.4 → nginx:1.27.5');
    expect(seen[0]?.headers).toMatchObject({ title: 'Update available: nginx', priority: '3', tags: 'information_source,docker', authorization: 'Bearer tk_abc' });
  });

  it('defaults to ntfy.sh, uses basic auth for a username and RFC 2047-encodes a non-ASCII title', async () => {
    const seen = capture('https://ntfy.sh/alerts');
    await send(channel('ntfy', { topic: 'alerts', username: 'phil', password: 'mypass' }), message({ title: 'Mise à jour: nginx', severity: 'failure' }));
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('phil:mypass').toString('base64')}`);
    expect(seen[0]?.headers.title).toBe(`=?UTF-8?B?${Buffer.from('Mise à jour: nginx').toString('base64')}?=`);
    expect(seen[0]?.headers.priority).toBe('4');
  });
});

describe('slack', () => {
  it('POSTs {"text"} to the incoming webhook with Slack control characters escaped', async () => {
    const seen = capture('https://hooks.slack.com/services/T0/B0/XYZ', () => new HttpResponse('ok'));
    await send(channel('slack', { webhook_url: 'https://hooks.slack.com/services/T0/B0/XYZ' }), message({ body: 'a <b> & c' }));
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ text: '*Update available: nginx*\na &lt;b&gt; &amp; c' });
  });

  it("reports Slack's plain-text error", async () => {
    capture('https://hooks.slack.com/services/T0/B0/bad', () => new HttpResponse('invalid_token', { status: 403 }));
    expect((await failure(send(channel('slack', { webhook_url: 'https://hooks.slack.com/services/T0/B0/bad' })))).message).toBe('Slack answered 403: invalid_token');
  });
});

describe('discord', () => {
  it('POSTs an embed with title, description, colour and timestamp', async () => {
    const seen = capture('https://discord.com/api/webhooks/1/tok', () => new HttpResponse(null, { status: 204 }));
    await send(channel('discord', { webhook_url: 'https://discord.com/api/webhooks/1/tok', username: 'Sentinel' }), message({ severity: 'success' }));
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      username: 'Sentinel',
      embeds: [{ title: 'Update available: nginx', description: 'Update available for nginx: nginx:1.27.4 → nginx:1.27.5', color: 0x2ecc71, timestamp: '2025-01-15T14:30:00.000Z' }],
    });
  });
});

describe('telegram', () => {
  it('calls sendMessage with chat_id and the title and body as plain text', async () => {
    const seen = capture('https://api.telegram.org/bot123:ABC/sendMessage', () => HttpResponse.json({ ok: true, result: { message_id: 1 } }));
    await send(channel('telegram', { bot_token: '123:ABC', chat_id: -100123 }));
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      chat_id: -100123,
      text: 'Update available: nginx\n\nUpdate available for nginx: nginx:1.27.4 → nginx:1.27.5',
      disable_web_page_preview: true,
    });
  });

  it("reports Telegram's description", async () => {
    capture('https://api.telegram.org/bot123:ABC/sendMessage', () => HttpResponse.json({ ok: false, error_code: 400, description: 'Bad Request: chat not found' }, { status: 400 }));
    expect((await failure(send(channel('telegram', { bot_token: '123:ABC', chat_id: '@nobody' })))).message).toBe('Telegram answered 400: Bad Request: chat not found');
  });
});

describe('pushover', () => {
  it('POSTs the messages.json form with token, user, title, message, priority and timestamp', async () => {
    const seen = capture('https://api.pushover.net/1/messages.json', () => HttpResponse.json({ status: 1, request: 'r1' }));
    await send(channel('pushover', { app_token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', user_key: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG', device: 'phone' }));
    expect(seen[0]?.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(seen[0]?.body))).toEqual({
      token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi',
      user: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG',
      title: 'Update available: nginx',
      message: 'Update available for nginx: nginx:1.27.4 → nginx:1.27.5',
      priority: '0',
      timestamp: String(Date.UTC(2025, 0, 15, 14, 30) / 1000),
      device: 'phone',
    });
  });

  it("reports Pushover's errors", async () => {
    capture('https://api.pushover.net/1/messages.json', () => HttpResponse.json({ user: 'invalid', errors: ['user identifier is invalid'], status: 0 }, { status: 400 }));
    expect((await failure(send(channel('pushover', { app_token: 'a', user_key: 'b' })))).message).toBe('Pushover answered 400: user identifier is invalid');
  });
});

describe('apprise', () => {
  it('POSTs /notify with urls, title, body and type (stateless)', async () => {
    const seen = capture('http://apprise:8000/notify');
    await send(channel('apprise', { url: 'http://apprise:8000', urls: 'tgram://bot/chat' }), message({ severity: 'warning' }));
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ urls: 'tgram://bot/chat', title: 'Update available: nginx', body: 'Update available for nginx: nginx:1.27.4 → nginx:1.27.5', type: 'warning', format: 'text' });
  });

  it('POSTs /notify/{key} with the tag for a saved configuration', async () => {
    const seen = capture('http://apprise:8000/notify/home');
    await send(channel('apprise', { url: 'http://apprise:8000/', key: 'home', tag: 'docker' }));
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ title: 'Update available: nginx', body: 'Update available for nginx: nginx:1.27.4 → nginx:1.27.5', type: 'info', format: 'text', tag: 'docker' });
  });
});

describe('unreachable services', () => {
  it('fail with an UpstreamError saying the service could not be reached', async () => {
    server.use(http.post('http://gotify.invalid/message', () => HttpResponse.error()));
    const error = await failure(send(channel('gotify', { url: 'http://gotify.invalid', token: 't' })));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(/^Gotify could not be reached/);
  });
});

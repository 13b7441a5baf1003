import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { BadRequestError, createSentinelClient } from '@sentinel-kit/client';
import type { StreamEvent } from '@sentinel-kit/client';
import { BASE_URL, eventually, seedWithVersions, setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Pass the first `n` SSE messages of `body` through, then end the stream and hang up on the server. */
function cutAfterMessages(body: ReadableStream<Uint8Array>, n: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let seen = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      const text = decoder.decode(value, { stream: true });
      for (let at = text.indexOf('\n\n'); at !== -1; at = text.indexOf('\n\n', at + 2)) {
        if (++seen === n) {
          controller.enqueue(encoder.encode(text.slice(0, at + 2)));
          controller.close();
          await reader.cancel();
          return;
        }
      }
      controller.enqueue(encoder.encode(text));
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * A `fetch` whose first event-stream connection drops after `n` messages, and
 * whose later connections wait until `reconnect()` is called. Records the
 * `Last-Event-ID` each connection sent.
 */
function droppingFetch(fetch: Fetch, n: number) {
  const lastEventIds: Array<string | null> = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const wrapped: Fetch = async (input, init) => {
    const request = new Request(input, init);
    const index = lastEventIds.length;
    lastEventIds.push(request.headers.get('last-event-id'));
    if (index > 0) await gate;
    const response = await fetch(request);
    if (index > 0 || response.body === null) return response;
    return new Response(cutAfterMessages(response.body, n), { status: response.status, headers: response.headers });
  };
  return { fetch: wrapped, lastEventIds, reconnect: open };
}

async function noSubscribersLeft(f: ClientFixture): Promise<void> {
  await eventually(() => f.sentinel.events.subscriberCount() === 0, 'the server to drop its SSE subscriber');
}

const idsOf = (events: StreamEvent[]): number[] => events.filter((e) => e.event !== 'connected').map((e) => e.id ?? -1);

describe('client.events.stream', () => {
  it('yields connected, then the events of a scan with increasing ids', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    const received: StreamEvent[] = [];
    for await (const event of f.client.events.stream({ signal: AbortSignal.timeout(5000) })) {
      received.push(event);
      if (event.event === 'connected') {
        expect(f.sentinel.events.subscriberCount()).toBe(1);
        await f.client.scan();
      }
      if (event.event === 'scan_complete') break;
    }
    expect(received.map((e) => e.event)).toEqual(['connected', 'container_update', 'queue_change', 'scan_complete']);
    expect(received[0]).toEqual({ event: 'connected', id: expect.any(Number), data: {} });
    const ids = idsOf(received);
    expect(ids.every((id, i) => id > 0 && (i === 0 || id > (ids[i - 1] ?? 0)))).toBe(true);
    const queued = received.find((e) => e.event === 'queue_change');
    if (queued?.event !== 'queue_change') throw new Error('no queue_change event');
    expect(queued.data).toMatchObject({ type: 'queue_change', container_name: 'web', message: 'Added to queue', host_id: '', host_name: '' });
    expect(Number.isNaN(Date.parse(queued.data.timestamp))).toBe(false);
    await noSubscribersLeft(f);
  });

  it('reconnects after a dropped connection and resumes with Last-Event-ID, without duplicates', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    // The first connection carries `connected` and one event, then drops.
    const drop = droppingFetch(f.fetch, 2);
    const client = createSentinelClient({ baseUrl: BASE_URL, fetch: drop.fetch });
    const received: StreamEvent[] = [];
    for await (const event of client.events.stream({ reconnectDelayMs: 10, signal: AbortSignal.timeout(5000) })) {
      received.push(event);
      if (received.length === 1) await f.client.containers.restart('web');
      if (received.length === 2) {
        // Disconnected now: these two happen while the client is away.
        await f.client.containers.stop('web');
        await f.client.containers.start('web');
        drop.reconnect();
      }
      if (event.event === 'container_state' && event.data.message === 'web started') break;
    }
    expect(received.map((e) => (e.event === 'connected' ? 'connected' : e.data.message))).toEqual([
      'connected',
      'web restarted',
      'connected',
      'web stopped',
      'web started',
    ]);
    const [restarted, stopped, started] = idsOf(received);
    expect(drop.lastEventIds).toEqual([null, String(restarted)]);
    expect(stopped).toBe((restarted ?? 0) + 1);
    expect(started).toBe((restarted ?? 0) + 2);
    await noSubscribersLeft(f);
  });

  it('starts after lastEventId: earlier events are replayed from that point only', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    await f.client.containers.restart('web');
    const first = f.sentinel.events.lastId();
    await f.client.containers.stop('web');
    await f.client.containers.start('web');
    const received: StreamEvent[] = [];
    for await (const event of f.client.events.stream({ lastEventId: first, signal: AbortSignal.timeout(5000) })) {
      received.push(event);
      if (received.length === 3) break;
    }
    expect(received.map((e) => (e.event === 'connected' ? 'connected' : e.data.message))).toEqual(['connected', 'web stopped', 'web started']);
    expect(idsOf(received)).toEqual([first + 1, first + 2]);
    await noSubscribersLeft(f);
  });

  it('breaking out of for-await closes the connection on the server', async () => {
    const f = setup();
    for await (const event of f.client.events.stream()) {
      expect(event.event).toBe('connected');
      expect(f.sentinel.events.subscriberCount()).toBe(1);
      break;
    }
    await noSubscribersLeft(f);
  });

  it('return() settles a next() that is waiting for an event, and releases the connection', async () => {
    const f = setup();
    const iterator = f.client.events.stream()[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ event: 'connected' });
    const waiting = iterator.next();
    await iterator.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await noSubscribersLeft(f);
  });

  it('aborting the caller signal ends the iteration quietly', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    const controller = new AbortController();
    const received: string[] = [];
    for await (const event of f.client.events.stream({ signal: controller.signal })) {
      received.push(event.event);
      controller.abort();
      // Published after the abort: must not be yielded.
      await f.client.containers.restart('web');
    }
    expect(received).toEqual(['connected']);
    await noSubscribersLeft(f);
  });

  it('refuses a second iteration', async () => {
    const f = setup();
    const stream = f.client.events.stream();
    for await (const _ of stream) break;
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/already iterated/);
    await noSubscribersLeft(f);
  });

  it('with reconnect: false, ends when the connection drops', async () => {
    const f = setup();
    const drop = droppingFetch(f.fetch, 1);
    const client = createSentinelClient({ baseUrl: BASE_URL, fetch: drop.fetch });
    const received: string[] = [];
    for await (const event of client.events.stream({ reconnect: false })) received.push(event.event);
    expect(received).toEqual(['connected']);
    expect(drop.lastEventIds).toHaveLength(1);
    await noSubscribersLeft(f);
  });

  it('reconnects after a 5xx answer, and throws a 4xx answer without reconnecting', async () => {
    const f = setup();
    let calls = 0;
    const unavailableOnce: Fetch = async (input, init) => {
      calls++;
      if (calls === 1) return Response.json({ error: 'engine starting' }, { status: 503 });
      return f.fetch(input, init);
    };
    const client = createSentinelClient({ baseUrl: BASE_URL, fetch: unavailableOnce });
    for await (const event of client.events.stream({ reconnectDelayMs: 5 })) {
      expect(event.event).toBe('connected');
      break;
    }
    expect(calls).toBe(2);

    // The server refuses a malformed Last-Event-ID with 400: retrying would fail the same way.
    calls = 0;
    const counting: Fetch = async (input, init) => {
      calls++;
      return f.fetch(input, init);
    };
    const bad = createSentinelClient({ baseUrl: BASE_URL, fetch: counting, headers: { 'Last-Event-ID': 'latest' } });
    const error = await (async () => {
      for await (const _ of bad.events.stream({ reconnectDelayMs: 5 })) return undefined;
      return undefined;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain('Last-Event-ID must be an event id');
    expect(calls).toBe(1);
    await noSubscribersLeft(f);
  });

  it('over a real loopback socket, breaking out closes the TCP stream and the server subscriber', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    const server = serve({ fetch: f.app.fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
      const client = createSentinelClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const received: string[] = [];
      for await (const event of client.events.stream({ signal: AbortSignal.timeout(5000) })) {
        received.push(event.event === 'connected' ? 'connected' : event.data.message);
        if (event.event === 'connected') await client.containers.restart('web');
        else break;
      }
      expect(received).toEqual(['connected', 'web restarted']);
      await noSubscribersLeft(f);
    } finally {
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

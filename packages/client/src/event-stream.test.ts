import { describe, expect, it } from 'vitest';
import { AuthenticationError, InternalServerError, NetworkError } from './errors.js';
import { EventStream } from './event-stream.js';
import type { StreamEvent } from './types.js';

/** A response whose body is `chunks`, then ends (a dropped connection). */
function sse(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

const message = (id: number, type: string, text = type): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, message: text, host_id: '', host_name: '', timestamp: '2025-01-01T00:00:00Z' })}\nid: ${id}\n\n`;
const connected = (id: number): string => `event: connected\ndata: {}\nid: ${id}\n\n`;

/** Connects with each scripted answer in turn (then hangs until aborted), recording Last-Event-ID. */
function scripted(answers: Array<Response | Error>) {
  const sent: Array<number | undefined> = [];
  const connect = async (lastEventId: number | undefined, signal: AbortSignal): Promise<Response> => {
    sent.push(lastEventId);
    const next = answers.shift();
    if (next instanceof Error) throw next;
    if (next !== undefined) return next;
    return new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  };
  return { connect, sent };
}

async function take(stream: EventStream, n: number): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  if (n === 0) return out;
  for await (const event of stream) {
    out.push(event);
    if (out.length === n) break;
  }
  return out;
}

describe('EventStream', () => {
  it('parses events split across chunks, with ids and JSON data', async () => {
    const whole = connected(0) + message(1, 'scan_complete', 'Scan complete');
    const { connect } = scripted([sse([whole.slice(0, 7), whole.slice(7, 40), whole.slice(40)])]);
    const events = await take(new EventStream(connect, { reconnect: false }), 2);
    expect(events).toEqual([
      { event: 'connected', id: 0, data: {} },
      { event: 'scan_complete', id: 1, data: { type: 'scan_complete', message: 'Scan complete', host_id: '', host_name: '', timestamp: '2025-01-01T00:00:00Z' } },
    ]);
  });

  it('does not yield twice an event the server replays after a reconnection', async () => {
    const { connect, sent } = scripted([
      sse([connected(4), message(5, 'queue_change', 'a'), message(6, 'queue_change', 'b')]),
      // A server that replays one event too many.
      sse([connected(7), message(6, 'queue_change', 'b'), message(7, 'queue_change', 'c')]),
    ]);
    const events = await take(new EventStream(connect, { reconnectDelayMs: 1 }), 5);
    expect(events.map((e) => `${e.event}:${e.id ?? ''}`)).toEqual(['connected:4', 'queue_change:5', 'queue_change:6', 'connected:7', 'queue_change:7']);
    expect(sent).toEqual([undefined, 6]);
  });

  it('resumes from the connected id when the first connection drops before any event', async () => {
    const { connect, sent } = scripted([sse([connected(9)]), sse([connected(10), message(10, 'policy_change')])]);
    const events = await take(new EventStream(connect, { reconnectDelayMs: 1 }), 3);
    expect(events.map((e) => e.event)).toEqual(['connected', 'connected', 'policy_change']);
    expect(sent).toEqual([undefined, 9]);
  });

  it('follows a server whose ids restarted instead of dropping its events as duplicates', async () => {
    const { connect, sent } = scripted([
      sse([connected(0), message(41, 'container_update'), message(42, 'container_update')]),
      sse([connected(0), message(1, 'scan_complete')]),
      sse([connected(1), message(2, 'queue_change')]),
    ]);
    const events = await take(new EventStream(connect, { reconnectDelayMs: 1 }), 7);
    expect(events.map((e) => `${e.event}:${e.id ?? ''}`)).toEqual([
      'connected:0',
      'container_update:41',
      'container_update:42',
      'connected:0',
      'scan_complete:1',
      'connected:1',
      'queue_change:2',
    ]);
    expect(sent).toEqual([undefined, 42, 1]);
  });

  it('keeps a non-JSON data field as text and ignores comments', async () => {
    const { connect } = scripted([sse([': keep-alive\n\n', 'event: digest_ready\ndata: plain text\nid: 3\n\n'])]);
    expect(await take(new EventStream(connect, { reconnect: false }), 1)).toEqual([{ event: 'digest_ready', id: 3, data: 'plain text' }]);
  });

  it('retries network errors and 5xx answers, and stops on a 4xx', async () => {
    const { connect, sent } = scripted([
      new NetworkError('connection refused'),
      new InternalServerError(503, { error: 'unavailable' }),
      new AuthenticationError(401, { error: 'not authenticated' }),
    ]);
    await expect(take(new EventStream(connect, { reconnectDelayMs: 1 }), 1)).rejects.toBeInstanceOf(AuthenticationError);
    expect(sent).toHaveLength(3);
  });

  it('honours the server retry field for the reconnection delay', async () => {
    const { connect, sent } = scripted([sse(['retry: 1\n\n', connected(0)]), sse([connected(0)])]);
    const stream = new EventStream(connect, { reconnectDelayMs: 60_000 });
    const events = await take(stream, 2);
    // With the 60 s default the second connection would not have been made within the test timeout.
    expect(events.map((e) => e.event)).toEqual(['connected', 'connected']);
    expect(sent).toHaveLength(2);
  });

  it('ends without an error when the caller aborts while it waits to reconnect', async () => {
    const controller = new AbortController();
    const { connect } = scripted([sse([connected(0)])]);
    const stream = new EventStream(connect, { signal: controller.signal, reconnectDelayMs: 60_000 });
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(event.event);
      setTimeout(() => controller.abort(), 5);
    }
    expect(seen).toEqual(['connected']);
    expect(stream.controller.signal.aborted).toBe(true);
  });

  it('does not connect until iterated, and not at all when returned first', async () => {
    const { connect, sent } = scripted([]);
    const stream = new EventStream(connect);
    expect(sent).toEqual([]);
    const iterator = stream[Symbol.asyncIterator]();
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
    expect(sent).toEqual([]);
  });
});

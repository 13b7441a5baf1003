import { createParser } from 'eventsource-parser';
import type { EventSourceMessage, ParseError } from 'eventsource-parser';
import { isApiError, isNetworkError, isTimeoutError, NetworkError } from './errors.js';
import type { EventStreamOptions, StreamEvent } from './types.js';

/** Opens one connection; resolves with the response whose body is the event stream. */
export type EventStreamConnect = (lastEventId: number | undefined, signal: AbortSignal) => Promise<Response>;

// One SSE message larger than this is not an event the server sends: treat it as a broken connection.
const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;

/**
 * Server-Sent Events as an async iterable, with reconnection and
 * `Last-Event-ID` resume.
 *
 * - It owns an `AbortController`: breaking out of `for await`, calling
 *   {@link EventStream.abort} or aborting `options.signal` closes the
 *   connection and releases the body reader.
 * - It can be iterated once; a second iteration throws.
 * - After a dropped connection it reconnects (capped exponential back-off)
 *   sending the last event id seen, so the server replays what was missed
 *   while its buffer still holds it; events already yielded are not yielded
 *   twice.
 * - `connected` is yielded on every connection, reconnections included, so a
 *   consumer can tell that it reconnected (and, e.g., refresh its state if it
 *   was away longer than the server's replay buffer).
 * - If the server's ids go backwards across a reconnection (the server
 *   restarted and its counter began again), the stream follows the new
 *   sequence instead of discarding its events as duplicates.
 */
export class EventStream implements AsyncIterable<StreamEvent> {
  /** Aborting it ends the iteration and closes the connection. */
  readonly controller = new AbortController();
  readonly #connect: EventStreamConnect;
  readonly #reconnect: boolean;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  #serverRetryMs: number | undefined;
  #iterated = false;
  /** What `Last-Event-ID` will say on the next connection. */
  #lastEventId: number | undefined;
  /** Highest id yielded; anything at or below it is a replayed duplicate. */
  #highestYielded: number | undefined;

  constructor(connect: EventStreamConnect, options: EventStreamOptions = {}) {
    this.#connect = connect;
    this.#reconnect = options.reconnect ?? true;
    this.#baseDelayMs = Math.max(0, options.reconnectDelayMs ?? 1000);
    this.#maxDelayMs = Math.max(this.#baseDelayMs, options.maxReconnectDelayMs ?? 30_000);
    this.#lastEventId = options.lastEventId;
    this.#highestYielded = options.lastEventId;
    const external = options.signal;
    if (external !== undefined) {
      if (external.aborted) this.controller.abort(external.reason);
      else {
        const forward = (): void => this.controller.abort(external.reason);
        external.addEventListener('abort', forward, { once: true });
        // Do not keep a listener on a long-lived signal after this stream is done.
        this.controller.signal.addEventListener('abort', () => external.removeEventListener('abort', forward), { once: true });
      }
    }
  }

  /** The id a reconnection would resume after. */
  get lastEventId(): number | undefined {
    return this.#lastEventId;
  }

  /** Close the connection and end the iteration. */
  abort(): void {
    this.controller.abort();
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    if (this.#iterated) throw new Error('this event stream was already iterated; call client.events.stream() again for a new one');
    this.#iterated = true;
    const generator = this.#run();
    return {
      next: () => generator.next(),
      // Abort first: a `next()` may be waiting on a read that would otherwise never settle,
      // and the generator's return would queue behind it.
      return: async () => {
        this.abort();
        await generator.return(undefined);
        return { done: true, value: undefined };
      },
    };
  }

  async *#run(): AsyncGenerator<StreamEvent, void, undefined> {
    const signal = this.controller.signal;
    let attempt = 0;
    try {
      while (!signal.aborted) {
        let response: Response;
        try {
          response = await this.#connect(this.#lastEventId, signal);
        } catch (error) {
          if (signal.aborted) return;
          if (!this.#reconnect || !isTransient(error)) throw error;
          await this.#pause(attempt++, error);
          continue;
        }
        const body = response.body;
        if (body === null) throw new NetworkError('the event stream response has no body');
        const reader = body.getReader();
        // Aborting must also settle a pending read: an in-process or proxied body may ignore the fetch signal.
        const cancel = (): void => void reader.cancel().catch(() => undefined);
        signal.addEventListener('abort', cancel, { once: true });
        const messages: EventSourceMessage[] = [];
        let broken: ParseError | undefined;
        const parser = createParser({
          onEvent: (message) => messages.push(message),
          onRetry: (ms) => {
            this.#serverRetryMs = ms;
          },
          onError: (error) => {
            if (error.type === 'max-buffer-size-exceeded') broken = error;
          },
          maxBufferSize: MAX_MESSAGE_CHARS,
        });
        const decoder = new TextDecoder();
        let dropped: unknown;
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.feed(decoder.decode(value, { stream: true }));
            if (broken !== undefined) throw broken;
            for (let message = messages.shift(); message !== undefined; message = messages.shift()) {
              const event = this.#accept(message);
              if (event === undefined) continue;
              attempt = 0;
              yield event;
              if (signal.aborted) return;
            }
          }
        } catch (error) {
          if (signal.aborted) return;
          if (!this.#reconnect) throw new NetworkError(`the event stream broke: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          dropped = error;
        } finally {
          signal.removeEventListener('abort', cancel);
          // Releases the connection on early exit; a no-op when the body already ended.
          cancel();
        }
        if (signal.aborted || !this.#reconnect) return;
        await this.#pause(attempt++, dropped);
      }
    } finally {
      // Whatever ended the iteration, nothing may stay open behind it.
      this.controller.abort();
    }
  }

  /** Turn a parsed message into a yielded event, or `undefined` for a duplicate. */
  #accept(message: EventSourceMessage): StreamEvent | undefined {
    const id = message.id !== undefined && /^\d+$/.test(message.id) ? Number(message.id) : undefined;
    const name = message.event ?? 'message';
    const data = parseData(message.data);
    if (name === 'connected') {
      if (id !== undefined) {
        if (this.#lastEventId === undefined) {
          // The first connection's position: resume from here if it drops before any event.
          this.#lastEventId = id;
        } else if (id < this.#lastEventId) {
          // The server's counter went backwards: it restarted. Follow its new sequence.
          this.#lastEventId = id;
          this.#highestYielded = id;
        }
      }
      return { event: 'connected', id, data: typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {} };
    }
    if (id !== undefined) {
      if (this.#highestYielded !== undefined && id <= this.#highestYielded) return undefined;
      this.#highestYielded = id;
      this.#lastEventId = id;
    }
    // The server names each message after its payload's `type`; an unknown name still reaches the consumer.
    return { event: name, id, data } as StreamEvent;
  }

  /** Wait before reconnecting: capped exponential back-off, at least what a 429 asked for. Returns early on abort. */
  async #pause(attempt: number, error: unknown): Promise<void> {
    const base = this.#serverRetryMs ?? this.#baseDelayMs;
    let ms = Math.min(this.#maxDelayMs, base * 2 ** Math.min(attempt, 16));
    if (isApiError(error) && 'retryAfter' in error && typeof error.retryAfter === 'number') ms = Math.max(ms, error.retryAfter * 1000);
    const signal = this.controller.signal;
    if (signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** Failures worth reconnecting after; a 4xx other than 408/429 would fail again the same way. */
function isTransient(error: unknown): boolean {
  if (isNetworkError(error) || isTimeoutError(error)) return true;
  if (isApiError(error)) return error.status >= 500 || error.status === 429 || error.status === 408;
  return false;
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

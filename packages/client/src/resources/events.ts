import { ApiError } from '../errors.js';
import { EventStream } from '../event-stream.js';
import type { Transport } from '../internal/transport.js';
import type { EventStreamOptions } from '../types.js';

/** `/api/events`: the Server-Sent Events stream. */
export class EventsResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * `GET /api/events` as an async iterable that reconnects and resumes with
   * `Last-Event-ID`. Nothing is requested until the iteration starts.
   * @example
   * for await (const e of client.events.stream()) {
   *   if (e.event === 'queue_change') console.log(e.data.container_name, e.data.message);
   * }
   */
  stream(options: EventStreamOptions = {}): EventStream {
    return new EventStream(async (lastEventId, signal) => {
      const response = await this.#http.send({
        method: 'GET',
        path: '/api/events',
        headers: {
          accept: 'text/event-stream',
          'cache-control': 'no-cache',
          ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
        },
        signal,
        // The stream reconnects by itself, with back-off and resume.
        retry: 0,
      });
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('text/event-stream')) {
        void response.body?.cancel().catch(() => undefined);
        throw new ApiError(response.status, undefined, `expected text/event-stream from GET /api/events, got "${type}"`, { headers: response.headers });
      }
      return response;
    }, options);
  }
}

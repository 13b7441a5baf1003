import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { streamSSE } from 'hono/streaming';
import type { SentinelEvent } from '@sentinel-kit/core';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors } from '../http/route.js';

export const eventsRoute = defineRoute('containers.view', {
  method: 'get',
  path: '/api/events',
  tags: ['SSE'],
  summary: 'Real-time event stream (Server-Sent Events)',
  description:
    'Sends `event: connected` first, then every event with an `id:`. Reconnect with `Last-Event-ID` (header, or `last_event_id` query) to receive what was missed while the events are still buffered. A keep-alive comment is sent at least every 30 s.',
  request: {
    query: z.object({ last_event_id: z.coerce.number().int().min(0).optional() }),
    headers: z.object({ 'last-event-id': z.string().regex(/^\d+$/, 'Last-Event-ID must be an event id').optional() }),
  },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errors(400),
  },
});

export interface EventStreamOptions {
  /** Interval of keep-alive comments. @default 15000 */
  keepAliveMs?: number;
  /** Most events buffered for one slow client before it is disconnected. @default 1000 */
  maxPendingPerClient?: number;
}

const toPayload = (e: SentinelEvent): Omit<SentinelEvent, 'id'> => {
  const { id: _id, ...payload } = e;
  return payload;
};

export function registerEventRoutes(app: OpenAPIHono, { sentinel }: RouteContext, options: EventStreamOptions = {}): void {
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxPending = options.maxPendingPerClient ?? 1000;

  app.openapi(eventsRoute, (c) => {
    const header = c.req.valid('header')['last-event-id'];
    const fromQuery = c.req.valid('query').last_event_id;
    const resumeFrom = header !== undefined ? Number(header) : fromQuery;

    return streamSSE(c, async (stream) => {
      const pending: SentinelEvent[] = [];
      let wake: (() => void) | undefined;
      let closed = false;
      const signal = (): void => {
        wake?.();
        wake = undefined;
      };
      // Subscribe before replaying so nothing published in between is lost.
      const unsubscribe = sentinel.events.subscribe((event) => {
        if (pending.length >= maxPending) {
          closed = true; // a client this far behind is dropped; it can resume with Last-Event-ID
        } else {
          pending.push(event);
        }
        signal();
      });
      const keepAlive = setInterval(() => {
        void stream.write(': keep-alive\n\n').catch(() => undefined);
      }, keepAliveMs);
      stream.onAbort(() => {
        closed = true;
        signal();
      });

      try {
        const seen = new Set<number>();
        const replay = resumeFrom === undefined ? undefined : sentinel.events.since(resumeFrom);
        // `replay: "incomplete"` tells a client it was away longer than the buffer holds.
        const connected = replay !== undefined && !replay.complete ? { replay: 'incomplete' } : {};
        await stream.writeSSE({ event: 'connected', data: JSON.stringify(connected), id: String(sentinel.events.lastId()) });
        if (replay !== undefined) {
          for (const e of replay.events) {
            seen.add(e.id);
            await stream.writeSSE({ event: e.type, data: JSON.stringify(toPayload(e)), id: String(e.id) });
          }
        }
        while (!closed && !stream.aborted) {
          const next = pending.shift();
          if (next === undefined) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            continue;
          }
          if (seen.has(next.id)) continue;
          await stream.writeSSE({ event: next.type, data: JSON.stringify(toPayload(next)), id: String(next.id) });
        }
      } finally {
        clearInterval(keepAlive);
        unsubscribe();
      }
    }) as never;
  });
}

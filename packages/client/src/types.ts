import type { EventPayload, EventType } from '@sentinel-kit/core/contract';

/** `GET /api/health`. */
export type { HealthResponse } from '@sentinel-kit/core/contract';

/** Targets a remote cluster container (`?host=<hostID>`). */
export interface HostOptions {
  host?: string;
}

export interface LogsOptions extends HostOptions {
  /** Lines from the end of the log, 1–500. @default 50 (server side) */
  lines?: number;
}

export interface HistoryListOptions {
  /** Records to return, 1–200. @default 50 (server side) */
  limit?: number;
  /** RFC 3339 timestamp: only records strictly older (cursor pagination). */
  before?: string;
}

/** The `event: connected` message the server sends first on every connection. */
export interface ConnectedStreamEvent {
  event: 'connected';
  /** The newest event id at connection time (the stream's position). */
  id: number | undefined;
  data: Record<string, unknown>;
}

/** One domain event; `data` is the seed's payload whose `type` equals `event`. */
export type SentinelStreamEvent = {
  [K in EventType]: { event: K; id: number | undefined; data: EventPayload & { type: K } };
}[EventType];

/** What `client.events.stream()` yields: narrow it with `switch (e.event)`. */
export type StreamEvent = ConnectedStreamEvent | SentinelStreamEvent;

export interface EventStreamOptions {
  /** Resume after this event id (sent as `Last-Event-ID`); events up to it are not yielded. */
  lastEventId?: number;
  /** Aborting it ends the iteration (without an error) and closes the connection. */
  signal?: AbortSignal;
  /** Reconnect after a dropped connection, a network error or a 5xx/429. @default true */
  reconnect?: boolean;
  /** First reconnection delay; doubles on each failed attempt up to `maxReconnectDelayMs`. A server `retry:` field replaces it. @default 1000 */
  reconnectDelayMs?: number;
  /** Cap of the reconnection back-off. @default 30000 */
  maxReconnectDelayMs?: number;
}

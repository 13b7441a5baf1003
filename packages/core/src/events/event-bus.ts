import type { EventPayload, EventType } from '../contract/native.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';

/** An event as stored and streamed: the seed's payload plus a monotonically increasing id. */
export interface SentinelEvent extends EventPayload {
  id: number;
}

export interface PublishInput {
  type: EventType;
  message: string;
  container_name?: string;
  host_id?: string;
  host_name?: string;
  data?: Record<string, unknown>;
}

export type EventListener = (event: SentinelEvent) => void;

export interface EventBus {
  /** Stamp, buffer and deliver an event to every subscriber; returns it. */
  publish(input: PublishInput): SentinelEvent;
  /** Receive every event published from now on; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /**
   * Events after `lastId`, oldest first. `complete` is false when some of them
   * have already left the replay buffer (the consumer missed events).
   */
  since(lastId: number): { events: SentinelEvent[]; complete: boolean };
  /** Id of the newest event, 0 before the first. */
  lastId(): number;
  /** Number of live subscribers (for leak checks and metrics). */
  subscriberCount(): number;
}

export interface EventBusOptions {
  /** Events kept for `Last-Event-ID` replay. @default 1000 */
  bufferSize?: number;
  clock?: Clock;
  /** Called when a listener throws; listeners never break publishing. */
  onListenerError?: (error: unknown) => void;
}

/**
 * Create the one event bus everything publishes to. Ids start after
 * `startId` so that ids stay increasing across restarts when the caller
 * persists the last id.
 */
export function createEventBus(options: EventBusOptions & { startId?: number } = {}): EventBus {
  const bufferSize = Math.max(1, options.bufferSize ?? 1000);
  const clock = options.clock ?? systemClock;
  const buffer: SentinelEvent[] = [];
  const listeners = new Set<EventListener>();
  let nextId = (options.startId ?? 0) + 1;

  return {
    publish(input) {
      const event: SentinelEvent = {
        id: nextId++,
        type: input.type,
        ...(input.container_name === undefined ? {} : { container_name: input.container_name }),
        message: input.message,
        host_id: input.host_id ?? '',
        host_name: input.host_name ?? '',
        timestamp: new Date(clock.now()).toISOString(),
        ...(input.data === undefined ? {} : { data: input.data }),
      };
      buffer.push(event);
      if (buffer.length > bufferSize) buffer.splice(0, buffer.length - bufferSize);
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          options.onListenerError?.(error);
        }
      }
      return event;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    since(lastId) {
      const events = buffer.filter((e) => e.id > lastId);
      const oldest = buffer[0];
      const complete = oldest === undefined ? lastId >= nextId - 1 || lastId === 0 : lastId >= oldest.id - 1;
      return { events, complete };
    },
    lastId: () => nextId - 1,
    subscriberCount: () => listeners.size,
  };
}

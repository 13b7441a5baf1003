import type { HistoryRecord } from '../contract/native.js';
import { msToNanoseconds } from '../config/duration.js';
import type { EventBus } from '../events/event-bus.js';
import type { HistoryStore } from '../history/history.js';
import type { Clock } from '../ports/clock.js';
import type { PullProgress } from '../ports/docker.js';
import type { StorageOperation } from '../ports/storage.js';

export interface ReplaceRequest {
  name: string;
  hostId?: string;
  hostName?: string;
}

/** The phases an attempt reports while it runs (`data.phase` of `container_update` events). */
export type AttemptPhase = 'started' | 'pulling' | 'pulled' | 'stopping' | 'starting' | 'health_check' | 'rolling_back' | 'recovering';

export type RecordFields = Omit<HistoryRecord, 'timestamp' | 'container_name' | 'duration' | 'host_id' | 'host_name'>;

/**
 * Events and the history record of one attempt. Every event carries the
 * attempt's `kind` (`update` or a manual `rollback`) and both images as the
 * attempt sees them (`old_image` before, `new_image` the target), so consumers
 * never parse messages.
 */
export interface Attempt {
  readonly req: ReplaceRequest;
  publish(message: string, data: Record<string, unknown>): void;
  phase(phase: AttemptPhase, message: string, data?: Record<string, unknown>): void;
  /** Pull progress, at most one event a second (the last line always goes through at the end). */
  pullProgress(): { onProgress: (p: PullProgress) => void; flush: () => void };
  /** Write the attempt's one history record (with `also` in the same batch). */
  record(fields: RecordFields, also?: StorageOperation[]): Promise<HistoryRecord>;
}

export function createAttempt(
  deps: { events: EventBus; history: HistoryStore; clock: Clock },
  req: ReplaceRequest,
  info: { kind: 'update' | 'rollback'; old_image: string; new_image: string },
  start: number = deps.clock.now(),
): Attempt {
  const { events, history, clock } = deps;
  const publish = (message: string, data: Record<string, unknown>): void => {
    events.publish({ type: 'container_update', container_name: req.name, message, host_id: req.hostId ?? '', host_name: req.hostName ?? '', data: { ...info, ...data } });
  };
  return {
    req,
    publish,
    phase: (phase, message, data = {}) => publish(message, { phase, ...data }),
    pullProgress() {
      const layers = new Map<string, { current: number; total: number; done: boolean }>();
      let last = Number.NEGATIVE_INFINITY;
      let pending = false;
      const emit = (): void => {
        pending = false;
        last = clock.now();
        let current = 0;
        let total = 0;
        let done = 0;
        for (const l of layers.values()) {
          current += l.current;
          total += l.total;
          if (l.done) done++;
        }
        publish(`pulling ${info.new_image} for ${req.name}: ${done}/${layers.size} layers`, { phase: 'pulling', layers_done: done, layers_total: layers.size, bytes_current: current, bytes_total: total });
      };
      return {
        onProgress(p) {
          if (p.layer === undefined) return;
          const layer = layers.get(p.layer) ?? { current: 0, total: 0, done: false };
          if (p.total !== undefined && p.total > 0) layer.total = p.total;
          if (p.current !== undefined) layer.current = p.current;
          if (/complete|already exists/i.test(p.status)) {
            layer.done = true;
            layer.current = layer.total;
          }
          layers.set(p.layer, layer);
          pending = true;
          if (clock.now() - last >= 1000) emit();
        },
        flush() {
          if (pending) emit();
        },
      };
    },
    async record(fields, also) {
      const rec: HistoryRecord = {
        timestamp: new Date(clock.now()).toISOString(),
        container_name: req.name,
        ...fields,
        duration: msToNanoseconds(clock.now() - start),
        host_id: req.hostId ?? '',
        host_name: req.hostName ?? '',
      };
      if (rec.error === undefined) delete rec.error;
      await history.record(rec, also);
      return rec;
    },
  };
}

import type { EventPayload, EventType } from '@sentinel-kit/core/contract';

/** Every event type of `/api/events` (seed 001); kept here so the bundle carries no schema library. */
export const LIVE_EVENT_TYPES = [
  'container_update',
  'container_state',
  'queue_change',
  'scan_complete',
  'policy_change',
  'digest_ready',
  'settings_change',
  'rate_limits',
  'ghcr_check',
  'service_update',
  'cluster_host',
] as const satisfies readonly EventType[];

export type LiveListener = (event: EventPayload) => void;
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * One `EventSource` on `/api/events` for the whole page, shared by every
 * view. The browser reconnects by itself and sends `Last-Event-ID`, so missed
 * events are replayed; nothing is ever polled.
 */
export interface LiveEvents {
  subscribe(listener: LiveListener): () => void;
  onStatus(listener: (status: LiveStatus) => void): () => void;
  status(): LiveStatus;
  close(): void;
}

export function connectLiveEvents(url = '/api/events', create: (url: string) => EventSource = (u) => new EventSource(u)): LiveEvents {
  const listeners = new Set<LiveListener>();
  const statusListeners = new Set<(status: LiveStatus) => void>();
  let current: LiveStatus = 'connecting';
  const setStatus = (s: LiveStatus): void => {
    current = s;
    for (const l of statusListeners) l(s);
  };
  const source = create(url);
  source.addEventListener('connected', () => setStatus('live'));
  source.addEventListener('error', () => setStatus('reconnecting'));
  for (const type of LIVE_EVENT_TYPES) {
    source.addEventListener(type, (e) => {
      let payload: EventPayload;
      try {
        payload = JSON.parse((e as MessageEvent<string>).data) as EventPayload;
      } catch {
        return;
      }
      for (const l of listeners) l(payload);
    });
  }
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    status: () => current,
    close: () => source.close(),
  };
}

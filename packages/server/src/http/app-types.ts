import { NotImplementedError } from '@sentinel-kit/core';
import type { Clock, FetchLike, Logger, Sentinel } from '@sentinel-kit/core';
import type { AuthService } from '@sentinel-kit/core';

/**
 * What every route module receives. Areas build their own services over
 * `sentinel.storage` / `sentinel.events` and register start/stop work here.
 */
export interface RouteContext {
  sentinel: Sentinel;
  /** Users, sessions, credentials; the request's principal is `getPrincipal(c)` from `auth/context.ts`. */
  auth: AuthService;
  logger: Logger;
  clock: Clock;
  /** Outbound HTTP (notification channels, connectors, release notes…). */
  fetch: FetchLike;
  /** Run when the app starts serving (timers, subscriptions). */
  onStart(fn: () => void | Promise<void>): void;
  /** Run when the app closes (clear timers, unsubscribe, flush). */
  onClose(fn: () => void | Promise<void>): void;
}

/** Remote (cluster) containers are addressed with `?host=`; this server manages its local engine only. */
export function assertLocalHost(host: string | undefined): void {
  if (host !== undefined && host !== '') {
    throw new NotImplementedError(`remote host "${host}" is not available: this server manages its local Docker engine only`);
  }
}

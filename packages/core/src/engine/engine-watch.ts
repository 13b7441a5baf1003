import { errorMessage, UnavailableError } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { DockerPort } from '../ports/docker.js';

export interface EngineStatus {
  connected: boolean;
  /** Why the engine is not reachable, when it is not. */
  error?: string;
  /** Engine version when connected. */
  version?: string;
  checked_at: string | null;
}

export interface EngineWatchOptions {
  docker: DockerPort;
  clock: Clock;
  logger: Logger;
  /** How often a connected engine is pinged. @default 5000 */
  checkIntervalMs?: number;
  /** How often an unreachable engine is retried. @default 5000 */
  retryMs?: number;
  /** A ping slower than this counts as a failure. @default 3000 */
  pingTimeoutMs?: number;
  /** Called each time the engine becomes reachable (the first time included). */
  onConnected: () => void;
}

/**
 * What the server knows of its engine, kept true within seconds: a cached
 * status that a short-timeout ping refreshes on an interval, and that any call
 * failing with `UnavailableError` marks down at once. `GET /api/health` reads
 * the cache, so it never waits on a frozen engine.
 */
export interface EngineWatch {
  status(): EngineStatus;
  /** Ping now; resolves whether the engine answered. */
  probe(): Promise<boolean>;
  /** Begin watching: resolves after the first ping. */
  start(): Promise<void>;
  stop(): void;
  /** The port with every call observed: an unreachable engine is noticed by the first call that meets it. */
  observe(docker: DockerPort): DockerPort;
}

export function createEngineWatch(options: EngineWatchOptions): EngineWatch {
  const { docker, clock, logger } = options;
  const checkMs = options.checkIntervalMs ?? 5000;
  const retryMs = options.retryMs ?? 5000;
  const pingTimeoutMs = options.pingTimeoutMs ?? 3000;
  let current: EngineStatus = { connected: false, checked_at: null };
  let timer: TimerHandle | undefined;
  let watching = false;
  let probing: Promise<boolean> | undefined;

  const mark = (next: EngineStatus): void => {
    const was = current.connected;
    current = next;
    if (next.connected === was) return;
    if (next.connected) {
      logger.info('Docker engine connected', { version: next.version });
      options.onConnected();
    } else {
      logger.warn('Docker engine unreachable; retrying', { error: next.error });
    }
  };

  const ping = async (): Promise<boolean> => {
    const abort = new AbortController();
    try {
      const info = await Promise.race([
        docker.ping(),
        clock.sleep(pingTimeoutMs, abort.signal).then(() => {
          throw new UnavailableError(`the Docker engine did not answer a ping within ${pingTimeoutMs} ms`);
        }),
      ]);
      mark({ connected: true, version: info.version, checked_at: new Date(clock.now()).toISOString() });
      return true;
    } catch (error) {
      mark({ connected: false, error: errorMessage(error), checked_at: new Date(clock.now()).toISOString() });
      return false;
    } finally {
      abort.abort();
    }
  };

  const probe = (): Promise<boolean> => {
    probing ??= ping().finally(() => {
      probing = undefined;
    });
    return probing;
  };

  const schedule = (): void => {
    if (!watching) return;
    timer = clock.setTimeout(() => {
      void probe().then(schedule);
    }, current.connected ? checkMs : retryMs);
  };

  return {
    status: () => ({ ...current }),
    probe,
    async start() {
      if (watching) return;
      watching = true;
      await probe();
      schedule();
    },
    stop() {
      watching = false;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
    observe(port) {
      const observed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(port)) {
        observed[key] =
          typeof value !== 'function'
            ? value
            : (...args: unknown[]): unknown => {
                const result: unknown = (value as (...a: unknown[]) => unknown)(...args);
                if (result instanceof Promise) {
                  return result.catch((error: unknown) => {
                    if (error instanceof UnavailableError && current.connected) {
                      mark({ connected: false, error: errorMessage(error), checked_at: new Date(clock.now()).toISOString() });
                    }
                    throw error;
                  });
                }
                return result;
              };
      }
      return observed as unknown as DockerPort;
    },
  };
}

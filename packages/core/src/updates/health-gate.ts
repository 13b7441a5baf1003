import { errorMessage } from '../errors/index.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerDetail, DockerPort } from '../ports/docker.js';

export interface HealthGateOptions {
  /** The new container must keep running this long. */
  gracePeriodMs: number;
  /** A container with a healthcheck must be healthy within this long (from start). */
  healthTimeoutMs: number;
  /** How often the gate looks at the container. @default 500 */
  pollIntervalMs?: number;
  stopTimeoutSeconds: number;
}

/**
 * Wait until a freshly started container proves itself: running for the grace
 * period without a restart and, with a healthcheck, healthy in time.
 * Resolves `undefined` when it passed, else the reason it did not.
 */
export async function healthGate(docker: DockerPort, clock: Clock, id: string, gate: HealthGateOptions): Promise<string | undefined> {
  const poll = gate.pollIntervalMs ?? 500;
  const started = clock.now();
  const limit = Math.max(gate.healthTimeoutMs, gate.gracePeriodMs);
  for (;;) {
    let detail: ContainerDetail;
    try {
      detail = await docker.inspectContainer(id);
    } catch (error) {
      return `new container disappeared: ${errorMessage(error)}`;
    }
    const rt = detail.runtime;
    if (!rt.running) return `new container stopped during the health check (state ${rt.status}, exit code ${rt.exitCode})`;
    if (rt.restartCount > 0) return `new container restarted ${rt.restartCount} time(s) during the health check`;
    const elapsed = clock.now() - started;
    if (detail.hasHealthcheck) {
      if (rt.health === 'unhealthy') return 'new container reported unhealthy';
      if (rt.health === 'healthy' && elapsed >= gate.gracePeriodMs) return undefined;
      if (elapsed >= limit) return `new container did not become healthy within ${Math.round(limit / 1000)}s (health ${rt.health})`;
    } else if (elapsed >= gate.gracePeriodMs) {
      return undefined;
    }
    await clock.sleep(poll);
  }
}

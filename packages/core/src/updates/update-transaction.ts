import type { HistoryRecord } from '../contract/native.js';
import { errorMessage, ForbiddenError, NotFoundError } from '../errors/index.js';
import type { EventBus } from '../events/event-bus.js';
import type { HistoryStore, Snapshot } from '../history/history.js';
import type { Logger } from '../logging/logger.js';
import { isSelfProtected } from '../policy/resolve-policy.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerDetail, ContainerSpec, DockerPort, RegistryAuth } from '../ports/docker.js';
import { msToNanoseconds } from '../config/duration.js';
import { describeHookFailure, HOOK_SKIP_EXIT_CODE, runHook } from '../hooks/hooks.js';
import type { HookRun, ResolvedHook } from '../hooks/hooks.js';
import { formatReference, parseImageReference } from '../registry/image-reference.js';

export interface UpdateTransactionDeps {
  docker: DockerPort;
  history: HistoryStore;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** Registry credentials for a pull, by image reference. */
  authFor?: (imageRef: string) => RegistryAuth | undefined;
}

export interface HealthGateOptions {
  /** The new container must keep running this long. */
  gracePeriodMs: number;
  /** A container with a healthcheck must be healthy within this long (from start). */
  healthTimeoutMs: number;
  /** How often the gate looks at the container. @default 500 */
  pollIntervalMs?: number;
  stopTimeoutSeconds: number;
}

export type UpdateOutcome = 'success' | 'identical' | 'failed' | 'rolled_back' | 'skipped';

export interface UpdateResult {
  outcome: UpdateOutcome;
  /** The history record written for this attempt. */
  record: HistoryRecord;
  error?: string;
  /** The tag the old image was kept under (image backup). */
  backup_image?: string;
  /** Hooks that ran, in order. */
  hooks?: HookRun[];
}

/** What an update does besides replacing the container (from the runtime settings). */
export interface UpdateOptions {
  /** Pull the target and stop there: history records `skipped`. @default false */
  pullOnly?: boolean;
  /** Tag the old image `<repo>:sentinel-backup-<tag>` before anything is stopped. @default false */
  backupImage?: boolean;
  /** Remove the old image after a successful update (not when it was backed up). @default false */
  cleanupImage?: boolean;
  /** Remove the old container's anonymous volumes with it after a successful update. @default false */
  removeVolumes?: boolean;
  /** Hooks to run: `pre-update` in the old container before it is stopped, `post-update` in the new one once healthy. */
  hooks?: readonly ResolvedHook[];
  /** Labels added to the new container (hook labels). */
  extraLabels?: Record<string, string>;
  /** Called once everything is ready and just before the old container is stopped (stop dependents here). */
  beforeReplace?: () => Promise<void>;
}

/** The tag an image backup uses: `<repo>:sentinel-backup-<tag>` (`latest` when untagged, the digest's start when pinned). */
export function backupReference(imageRef: string): string {
  const ref = parseImageReference(imageRef);
  const source = ref.tag ?? (ref.digest === undefined ? 'latest' : ref.digest.replace(/^sha256:/, '').slice(0, 12));
  const tag = `sentinel-backup-${source}`.slice(0, 128);
  return formatReference({ registry: ref.registry, repository: ref.repository, tag }, { familiar: true });
}

export interface ReplaceRequest {
  name: string;
  hostId?: string;
  hostName?: string;
}

/**
 * The update transaction, safe by construction:
 * 1. pull the target first (nothing is stopped if the pull fails);
 * 2. snapshot the container's full configuration;
 * 3. stop the old container and rename it aside (it is the rollback);
 * 4. create the new container with the same name and configuration on the new image; start it;
 * 5. health gate: it must stay running for the grace period and, with a healthcheck, become healthy in time;
 * 6. success: remove the old container; failure: remove the new one, rename the old one back and start it.
 * Every attempt leaves exactly one history record and emits `container_update` events.
 */
export function createUpdateTransaction(deps: UpdateTransactionDeps) {
  const { docker, history, events, clock, logger } = deps;

  /**
   * One `container_update` event. Every event of an attempt carries its `kind`
   * (`update` or a manual `rollback`) and both images as the attempt sees them
   * (`old_image` before, `new_image` the target), so consumers never parse messages.
   */
  const publish = (
    req: ReplaceRequest,
    attempt: { kind: 'update' | 'rollback'; old_image: string; new_image: string },
    message: string,
    data: Record<string, unknown>,
  ): void => {
    events.publish({
      type: 'container_update',
      container_name: req.name,
      message,
      host_id: req.hostId ?? '',
      host_name: req.hostName ?? '',
      data: { ...attempt, ...data },
    });
  };

  const record = async (req: ReplaceRequest, start: number, fields: Omit<HistoryRecord, 'timestamp' | 'container_name' | 'duration' | 'host_id' | 'host_name'>): Promise<HistoryRecord> => {
    const rec: HistoryRecord = {
      timestamp: new Date(clock.now()).toISOString(),
      container_name: req.name,
      ...fields,
      duration: msToNanoseconds(clock.now() - start),
      host_id: req.hostId ?? '',
      host_name: req.hostName ?? '',
    };
    if (rec.error === undefined) delete rec.error;
    await history.record(rec);
    return rec;
  };

  const inspectTarget = async (name: string): Promise<ContainerDetail> => {
    const detail = await docker.inspectContainer(name);
    if (isSelfProtected(detail.labels)) {
      throw new ForbiddenError(`${name} is Sentinel itself (sentinel.self=true) and is protected`);
    }
    return detail;
  };

  /** Wait until the new container proves itself, or say why it did not. */
  const healthGate = async (id: string, gate: HealthGateOptions): Promise<string | undefined> => {
    const poll = gate.pollIntervalMs ?? 500;
    const started = clock.now();
    for (;;) {
      let detail: ContainerDetail;
      try {
        detail = await docker.inspectContainer(id);
      } catch (error) {
        return `new container disappeared: ${errorMessage(error)}`;
      }
      const rt = detail.runtime;
      if (!rt.running) {
        return `new container stopped during the health check (state ${rt.status}, exit code ${rt.exitCode})`;
      }
      if (rt.restartCount > 0) {
        return `new container restarted ${rt.restartCount} time(s) during the health check`;
      }
      const elapsed = clock.now() - started;
      if (detail.hasHealthcheck) {
        if (rt.health === 'unhealthy') return 'new container reported unhealthy';
        if (rt.health === 'healthy' && elapsed >= gate.gracePeriodMs) return undefined;
        if (elapsed >= Math.max(gate.healthTimeoutMs, gate.gracePeriodMs)) {
          return `new container did not become healthy within ${Math.round(Math.max(gate.healthTimeoutMs, gate.gracePeriodMs) / 1000)}s (health ${rt.health})`;
        }
      } else if (elapsed >= gate.gracePeriodMs) {
        return undefined;
      }
      await clock.sleep(poll);
    }
  };

  /**
   * Replace the running container with one created from `newSpec`, keeping the
   * old one aside until the new one has passed the health gate.
   */
  const replace = async (
    req: ReplaceRequest,
    current: ContainerDetail,
    newSpec: ContainerSpec,
    kind: 'update' | 'rollback',
    start: number,
    gate: HealthGateOptions,
    after: { postHook?: ResolvedHook; removeVolumes?: boolean; cleanupImageId?: string; runs?: HookRun[]; backup?: string } = {},
  ): Promise<UpdateResult> => {
    const name = req.name;
    const oldImage = current.image;
    const newImage = newSpec.image;
    const asideName = `${name}-sentinel-old-${clock.now().toString(36)}`;
    const wasRunning = current.runtime.running;

    try {
      await docker.stopContainer(current.id, { timeoutSeconds: gate.stopTimeoutSeconds });
      await docker.renameContainer(current.id, asideName);
    } catch (error) {
      // Nothing new exists yet: make sure the old container is as it was.
      const reason = `could not set the old container aside: ${errorMessage(error)}`;
      await docker.renameContainer(current.id, name).catch(() => undefined);
      if (wasRunning) await docker.startContainer(current.id).catch(() => undefined);
      const rec = await record(req, start, { type: kind, old_image: oldImage, new_image: newImage, outcome: 'failed', error: reason });
      publish(req, { kind, old_image: oldImage, new_image: newImage }, `${kind} failed for ${name}`, { outcome: 'failed', error: reason });
      return { outcome: 'failed', record: rec, error: reason };
    }

    let newId: string | undefined;
    let failure: string | undefined;
    try {
      newId = await docker.createContainer(name, newSpec);
      await docker.startContainer(newId);
      failure = await healthGate(newId, gate);
    } catch (error) {
      failure = `could not start the new container: ${errorMessage(error)}`;
    }

    if (failure === undefined && newId !== undefined) {
      const runs = after.runs ?? [];
      let note: string | undefined;
      if (after.postHook !== undefined) {
        const run = await runHook(docker, newId, after.postHook);
        runs.push(run);
        // The new container is healthy: a failing post-update hook is reported, not rolled back.
        if (run.exitCode !== 0 || run.timedOut || run.error !== undefined) note = describeHookFailure(run);
      }
      try {
        await docker.removeContainer(current.id, { force: true, ...(after.removeVolumes === true ? { volumes: true } : {}) });
      } catch (error) {
        logger.warn('old container could not be removed after a successful update', { name, error: errorMessage(error) });
      }
      let imageRemoved = false;
      if (after.cleanupImageId !== undefined) {
        try {
          await docker.removeImage(after.cleanupImageId);
          imageRemoved = true;
        } catch (error) {
          // Still used by another container or tagged elsewhere: keep it.
          logger.info('old image kept', { name, image: after.cleanupImageId, reason: errorMessage(error) });
        }
      }
      const rec = await record(req, start, { type: kind, old_image: oldImage, new_image: newImage, outcome: 'success', ...(note === undefined ? {} : { error: note }) });
      publish(req, { kind, old_image: oldImage, new_image: newImage }, kind === 'update' ? `${name} updated to ${newImage}` : `${name} rolled back to ${newImage}`, {
        outcome: 'success',
        old_image: oldImage,
        new_image: newImage,
        ...(after.backup === undefined ? {} : { backup_image: after.backup }),
        ...(after.cleanupImageId === undefined ? {} : { old_image_removed: imageRemoved }),
        ...(runs.length === 0 ? {} : { hooks: runs.map((r) => ({ phase: r.phase, exit_code: r.exitCode, timed_out: r.timedOut })) }),
        ...(note === undefined ? {} : { hook_error: note }),
      });
      logger.info(kind === 'update' ? 'container updated' : 'container rolled back', { name, old_image: oldImage, new_image: newImage });
      return {
        outcome: 'success',
        record: rec,
        ...(note === undefined ? {} : { error: note }),
        ...(after.backup === undefined ? {} : { backup_image: after.backup }),
        ...(runs.length === 0 ? {} : { hooks: runs }),
      };
    }

    // Roll back: remove the new container, put the old one back under its name and start it.
    logger.warn('new container failed, restoring the previous one', { name, reason: failure });
    let restoreError: string | undefined;
    try {
      if (newId !== undefined) await docker.removeContainer(newId, { force: true });
      else await docker.removeContainer(name, { force: true }).catch((e: unknown) => {
        if (!(e instanceof NotFoundError)) throw e;
      });
      await docker.renameContainer(current.id, name);
      if (wasRunning) await docker.startContainer(current.id);
    } catch (error) {
      restoreError = errorMessage(error);
    }
    const reason = failure ?? 'unknown failure';
    if (restoreError !== undefined) {
      const error = `${reason}; restoring the previous container failed: ${restoreError}`;
      const rec = await record(req, start, { type: 'rollback', old_image: newImage, new_image: oldImage, outcome: 'failed', error });
      publish(req, { kind, old_image: oldImage, new_image: newImage }, `${kind} of ${name} failed and the previous container could not be restored`, { outcome: 'failed', error });
      logger.error('rollback failed', { name, error });
      return { outcome: 'failed', record: rec, error };
    }
    const rec = await record(req, start, { type: 'rollback', old_image: newImage, new_image: oldImage, outcome: 'success', error: reason });
    publish(req, { kind, old_image: oldImage, new_image: newImage }, `${kind} of ${name} failed; rolled back to ${oldImage}`, { outcome: 'rolled_back', error: reason, image: oldImage });
    return { outcome: 'rolled_back', record: rec, error: reason, ...(after.backup === undefined ? {} : { backup_image: after.backup }) };
  };

  return {
    /**
     * Move container `req.name` to `targetImage`. The caller holds the container's lock.
     * Resolves with the outcome; rejects only for NotFound/Forbidden before anything changed.
     */
    async update(req: ReplaceRequest, targetImage: string, gate: HealthGateOptions, options: UpdateOptions = {}): Promise<UpdateResult> {
      const start = clock.now();
      const current = await inspectTarget(req.name);
      const oldImage = current.image;
      publish(req, { kind: 'update', old_image: oldImage, new_image: targetImage }, `update started for ${req.name}`, { phase: 'started', old_image: oldImage, new_image: targetImage });

      try {
        const auth = deps.authFor?.(targetImage);
        await docker.pullImage(targetImage, auth === undefined ? {} : { auth });
      } catch (error) {
        const reason = `pull of ${targetImage} failed: ${errorMessage(error)}`;
        const rec = await record(req, start, { type: 'update', old_image: oldImage, new_image: targetImage, outcome: 'failed', error: reason });
        publish(req, { kind: 'update', old_image: oldImage, new_image: targetImage }, `update failed for ${req.name}`, { outcome: 'failed', error: reason });
        logger.warn('update failed before anything was stopped', { name: req.name, error: reason });
        return { outcome: 'failed', record: rec, error: reason };
      }

      const pulled = await docker.inspectImage(targetImage);
      if (pulled !== undefined && pulled.id === current.imageId && targetImage === oldImage) {
        const rec = await record(req, start, { type: 'update', old_image: oldImage, new_image: targetImage, outcome: 'identical' });
        publish(req, { kind: 'update', old_image: oldImage, new_image: targetImage }, `${req.name} already runs the newest image`, { outcome: 'identical' });
        return { outcome: 'identical', record: rec };
      }

      /** Stop before anything was changed: one history record, one event. */
      const stopHere = async (outcome: 'skipped' | 'failed', reason: string, extra: Partial<UpdateResult> = {}): Promise<UpdateResult> => {
        const rec = await record(req, start, { type: 'update', old_image: oldImage, new_image: targetImage, outcome, error: reason });
        publish(req, { kind: 'update', old_image: oldImage, new_image: targetImage }, outcome === 'skipped' ? `update of ${req.name} skipped` : `update failed for ${req.name}`, { outcome, error: reason });
        logger.info(outcome === 'skipped' ? 'update skipped' : 'update failed before anything was stopped', { name: req.name, reason });
        return { outcome, record: rec, error: reason, ...extra };
      };

      if (options.pullOnly === true) {
        return stopHere('skipped', `pull-only mode: ${targetImage} was pulled; the container was not recreated`);
      }

      const runs: HookRun[] = [];
      const pre = options.hooks?.find((h) => h.phase === 'pre-update');
      if (pre !== undefined) {
        if (!current.runtime.running) {
          logger.info('pre-update hook not run: the container is not running', { name: req.name });
        } else {
          const run = await runHook(docker, current.id, pre);
          runs.push(run);
          if (run.exitCode === HOOK_SKIP_EXIT_CODE && !run.timedOut && run.error === undefined) {
            return stopHere('skipped', `pre-update hook exited with code ${HOOK_SKIP_EXIT_CODE}: update skipped`, { hooks: runs });
          }
          if (run.exitCode !== 0 || run.timedOut || run.error !== undefined) {
            return stopHere('failed', `${describeHookFailure(run)}; nothing was changed`, { hooks: runs });
          }
        }
      }

      let backup: string | undefined;
      if (options.backupImage === true) {
        try {
          backup = backupReference(oldImage);
          await docker.tagImage(current.imageId, backup);
        } catch (error) {
          return stopHere('failed', `image backup failed: ${errorMessage(error)}; nothing was changed`, { hooks: runs });
        }
      }

      const snapshot: Snapshot = {
        container_name: req.name,
        timestamp: new Date(clock.now()).toISOString(),
        image: oldImage,
        container_id: current.id,
        spec: current.spec,
      };
      await history.saveSnapshot(snapshot);

      if (options.beforeReplace !== undefined) {
        try {
          await options.beforeReplace();
        } catch (error) {
          logger.warn('preparing the update (stopping dependents) failed; going on', { name: req.name, error: errorMessage(error) });
        }
      }

      const post = options.hooks?.find((h) => h.phase === 'post-update');
      // The backup keeps the old image on purpose, so cleanup leaves a backed-up image alone.
      const cleanup = options.cleanupImage === true && backup === undefined && pulled?.id !== current.imageId ? current.imageId : undefined;
      const labels = { ...current.spec.labels, ...options.extraLabels };
      return replace(req, current, { ...current.spec, image: targetImage, labels }, 'update', start, gate, {
        ...(post === undefined ? {} : { postHook: post }),
        ...(options.removeVolumes === true ? { removeVolumes: true } : {}),
        ...(cleanup === undefined ? {} : { cleanupImageId: cleanup }),
        ...(backup === undefined ? {} : { backup }),
        runs,
      });
    },

    /** Recreate container `req.name` from `snapshot` (a manual rollback). The caller holds the lock. */
    async rollback(req: ReplaceRequest, snapshot: Snapshot, gate: HealthGateOptions): Promise<UpdateResult> {
      const start = clock.now();
      const current = await inspectTarget(req.name);
      publish(req, { kind: 'rollback', old_image: current.image, new_image: snapshot.image }, `rollback started for ${req.name}`, { phase: 'started', old_image: current.image, new_image: snapshot.image });
      if ((await docker.inspectImage(snapshot.spec.image)) === undefined) {
        try {
          const auth = deps.authFor?.(snapshot.spec.image);
          await docker.pullImage(snapshot.spec.image, auth === undefined ? {} : { auth });
        } catch (error) {
          const reason = `the snapshot's image ${snapshot.spec.image} is not available: ${errorMessage(error)}`;
          const rec = await record(req, start, { type: 'rollback', old_image: current.image, new_image: snapshot.image, outcome: 'failed', error: reason });
          publish(req, { kind: 'rollback', old_image: current.image, new_image: snapshot.image }, `rollback failed for ${req.name}`, { outcome: 'failed', error: reason });
          return { outcome: 'failed', record: rec, error: reason };
        }
      }
      // The current configuration becomes a snapshot too, so a rollback can itself be undone.
      await history.saveSnapshot({
        container_name: req.name,
        timestamp: new Date(clock.now()).toISOString(),
        image: current.image,
        container_id: current.id,
        spec: current.spec,
      });
      return replace(req, current, snapshot.spec, 'rollback', start, gate);
    },
  };
}

export type UpdateTransaction = ReturnType<typeof createUpdateTransaction>;

import { errorMessage, ForbiddenError } from '../errors/index.js';
import type { Snapshot } from '../history/history.js';
import { describeHookFailure, HOOK_SKIP_EXIT_CODE, runHook } from '../hooks/hooks.js';
import type { HookRun } from '../hooks/hooks.js';
import type { JournalEntry } from '../journal/journal.js';
import type { RecoveryDeps } from '../journal/recover-journal.js';
import { isSelfProtected } from '../policy/resolve-policy.js';
import type { ContainerDetail, ContainerSpec, RegistryAuth } from '../ports/docker.js';
import { formatReference, parseImageReference } from '../registry/image-reference.js';
import { createAttempt } from './attempt-events.js';
import type { Attempt, ReplaceRequest } from './attempt-events.js';
import type { HealthGateOptions } from './health-gate.js';
import { replaceContainer } from './replace-container.js';
import type { UpdateOptions, UpdateResult } from './update-result.js';

export interface UpdateTransactionDeps extends RecoveryDeps {
  /** Registry credentials for a pull, by image reference. */
  authFor?: (imageRef: string) => RegistryAuth | undefined;
}

/** The tag an image backup uses: `<repo>:sentinel-backup-<tag>` (`latest` when untagged, the digest's start when pinned). */
export function backupReference(imageRef: string): string {
  const ref = parseImageReference(imageRef);
  const source = ref.tag ?? (ref.digest === undefined ? 'latest' : ref.digest.replace(/^sha256:/, '').slice(0, 12));
  const tag = `sentinel-backup-${source}`.slice(0, 128);
  return formatReference({ registry: ref.registry, repository: ref.repository, tag }, { familiar: true });
}

/** The update transaction: `update` moves a container to an image, `rollback` recreates it from a snapshot. */
export interface UpdateTransaction {
  /**
   * Move container `req.name` to `targetImage`. The caller holds the container's lock.
   * Resolves with the outcome; rejects only for NotFound/Forbidden before anything changed.
   */
  update(req: ReplaceRequest, targetImage: string, gate: HealthGateOptions, options?: UpdateOptions): Promise<UpdateResult>;
  /** Recreate container `req.name` from `snapshot` (a manual rollback). The caller holds the lock. */
  rollback(req: ReplaceRequest, snapshot: Snapshot, gate: HealthGateOptions): Promise<UpdateResult>;
}

/**
 * The update transaction, safe by construction and journaled step by step:
 * 1. journal the intent (the old container's full configuration and the target);
 * 2. pull the target first (nothing is stopped if the pull fails);
 * 3. stop the old container and rename it aside under the entry's name (it is the rollback);
 * 4. create the new container with the same name and configuration on the new image; start it;
 * 5. health gate: it must stay running for the grace period and, with a healthcheck, become healthy in time;
 * 6. success: remove the old container; failure: remove the new one, rename the old one back and start it.
 * Every attempt leaves exactly one history record, written in the batch that closes its
 * journal entry, and emits `container_update` events for each phase. After a crash at any
 * point, `recoverJournal` carries the open entry to an end.
 */
export function createUpdateTransaction(deps: UpdateTransactionDeps): UpdateTransaction {
  const { docker, history, events, clock, logger, journal } = deps;

  const inspectTarget = async (name: string): Promise<ContainerDetail> => {
    const detail = await docker.inspectContainer(name);
    if (isSelfProtected(detail.labels)) throw new ForbiddenError(`${name} is Sentinel itself (sentinel.self=true) and is protected`);
    return detail;
  };

  const pull = async (attempt: Attempt, image: string): Promise<string | undefined> => {
    const progress = attempt.pullProgress();
    try {
      const auth = deps.authFor?.(image);
      attempt.phase('pulling', `pulling ${image} for ${attempt.req.name}`);
      await docker.pullImage(image, { ...(auth === undefined ? {} : { auth }), onProgress: progress.onProgress });
      progress.flush();
      return undefined;
    } catch (error) {
      return errorMessage(error);
    }
  };

  /** Journal the intent: the container as it is (what a rollback restores) and what it becomes. */
  const begin = (kind: 'update' | 'rollback', req: ReplaceRequest, current: ContainerDetail, target: { image: string; spec: ContainerSpec }, removeVolumes = false): Promise<JournalEntry> =>
    journal.begin({
      kind,
      container_name: req.name,
      host_id: req.hostId ?? '',
      host_name: req.hostName ?? '',
      old: { id: current.id, image: current.image, image_id: current.imageId, was_running: current.runtime.running, spec: current.spec },
      target,
      finish: { remove_volumes: removeVolumes },
    });

  return {
    async update(req, targetImage, gate, options = {}) {
      const current = await inspectTarget(req.name);
      const oldImage = current.image;
      const attempt = createAttempt({ events, history, clock }, req, { kind: 'update', old_image: oldImage, new_image: targetImage });
      attempt.phase('started', `update started for ${req.name}`);
      const labels = { ...current.spec.labels, ...options.extraLabels };
      const entry = await begin('update', req, current, { image: targetImage, spec: { ...current.spec, image: targetImage, labels } }, options.removeVolumes === true);
      const close = journal.closeOperations(entry.id);

      /** Stop before anything was changed: one history record, one event. */
      const stopHere = async (outcome: 'skipped' | 'failed' | 'identical', reason: string | undefined, extra: Partial<UpdateResult> = {}): Promise<UpdateResult> => {
        const rec = await attempt.record({ type: 'update', old_image: oldImage, new_image: targetImage, outcome, ...(reason === undefined ? {} : { error: reason }) }, close);
        const message = outcome === 'skipped' ? `update of ${req.name} skipped` : outcome === 'identical' ? `${req.name} already runs the newest image` : `update failed for ${req.name}`;
        attempt.publish(message, { outcome, ...(reason === undefined ? {} : { error: reason }) });
        if (outcome !== 'identical') logger.info(outcome === 'skipped' ? 'update skipped' : 'update failed before anything was stopped', { name: req.name, reason });
        return { outcome, record: rec, ...(reason === undefined ? {} : { error: reason }), ...extra };
      };

      const pullError = await pull(attempt, targetImage);
      if (pullError !== undefined) return stopHere('failed', `pull of ${targetImage} failed: ${pullError}`);
      await journal.step(entry.id, 'pulled');
      attempt.phase('pulled', `${targetImage} pulled`);

      const pulled = await docker.inspectImage(targetImage);
      if (pulled !== undefined && pulled.id === current.imageId && targetImage === oldImage) return stopHere('identical', undefined);
      if (options.pullOnly === true) return stopHere('skipped', `pull-only mode: ${targetImage} was pulled; the container was not recreated`);

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
          if (run.exitCode !== 0 || run.timedOut || run.error !== undefined) return stopHere('failed', `${describeHookFailure(run)}; nothing was changed`, { hooks: runs });
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

      await history.saveSnapshot({ container_name: req.name, timestamp: new Date(clock.now()).toISOString(), image: oldImage, container_id: current.id, spec: current.spec });

      if (options.beforeReplace !== undefined) {
        try {
          await options.beforeReplace();
        } catch (error) {
          logger.warn('preparing the update (stopping dependents) failed; going on', { name: req.name, error: errorMessage(error) });
        }
      }

      // The backup keeps the old image on purpose, so cleanup leaves a backed-up image alone.
      if (options.cleanupImage === true && backup === undefined && pulled?.id !== current.imageId) {
        entry.finish.cleanup_image_id = current.imageId;
        await journal.step(entry.id, 'pulled', { finish: entry.finish });
      }
      const post = options.hooks?.find((h) => h.phase === 'post-update');
      return replaceContainer({ docker, clock, logger, journal }, attempt, entry, current, gate, {
        ...(post === undefined ? {} : { postHook: post }),
        ...(backup === undefined ? {} : { backup }),
        runs,
      });
    },

    async rollback(req, snapshot, gate) {
      const current = await inspectTarget(req.name);
      const attempt = createAttempt({ events, history, clock }, req, { kind: 'rollback', old_image: current.image, new_image: snapshot.image });
      attempt.phase('started', `rollback started for ${req.name}`);
      const entry = await begin('rollback', req, current, { image: snapshot.image, spec: snapshot.spec });
      if ((await docker.inspectImage(snapshot.spec.image)) === undefined) {
        const pullError = await pull(attempt, snapshot.spec.image);
        if (pullError !== undefined) {
          const reason = `the snapshot's image ${snapshot.spec.image} is not available: ${pullError}`;
          const rec = await attempt.record({ type: 'rollback', old_image: current.image, new_image: snapshot.image, outcome: 'failed', error: reason }, journal.closeOperations(entry.id));
          attempt.publish(`rollback failed for ${req.name}`, { outcome: 'failed', error: reason });
          return { outcome: 'failed', record: rec, error: reason };
        }
      }
      await journal.step(entry.id, 'pulled');
      // The current configuration becomes a snapshot too, so a rollback can itself be undone.
      await history.saveSnapshot({ container_name: req.name, timestamp: new Date(clock.now()).toISOString(), image: current.image, container_id: current.id, spec: current.spec });
      return replaceContainer({ docker, clock, logger, journal }, attempt, entry, current, gate);
    },
  };
}

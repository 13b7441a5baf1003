import { errorMessage, NotFoundError, UnavailableError } from '../errors/index.js';
import { describeHookFailure, runHook } from '../hooks/hooks.js';
import type { HookRun, ResolvedHook } from '../hooks/hooks.js';
import type { UpdateJournal, JournalEntry } from '../journal/journal.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerDetail, DockerPort } from '../ports/docker.js';
import type { Attempt } from './attempt-events.js';
import { healthGate } from './health-gate.js';
import type { HealthGateOptions } from './health-gate.js';
import type { UpdateResult } from './update-result.js';

export interface ReplaceDeps {
  docker: DockerPort;
  clock: Clock;
  logger: Logger;
  journal: UpdateJournal;
}

export interface ReplaceExtras {
  postHook?: ResolvedHook;
  runs?: HookRun[];
  backup?: string;
}

/** An engine that went away mid-transaction: the journal entry stays open for recovery. */
const engineGone = (error: unknown): boolean => error instanceof UnavailableError;

/**
 * Replace the running container with one created from the journal entry's
 * target spec, keeping the old one set aside (named after the entry) until the
 * new one has passed the health gate. Each completed step is journaled before
 * the next one starts; the entry is closed in the same batch as the history record.
 */
export async function replaceContainer(deps: ReplaceDeps, attempt: Attempt, entry: JournalEntry, current: ContainerDetail, gate: HealthGateOptions, extras: ReplaceExtras = {}): Promise<UpdateResult> {
  const { docker, journal, logger } = deps;
  const name = attempt.req.name;
  const kind = entry.kind;
  const oldImage = current.image;
  const newImage = entry.target.image;
  const wasRunning = current.runtime.running;
  const close = journal.closeOperations(entry.id);

  try {
    attempt.phase('stopping', `stopping ${name}`);
    await docker.stopContainer(current.id, { timeoutSeconds: gate.stopTimeoutSeconds });
    await journal.step(entry.id, 'old_stopped');
    await docker.renameContainer(current.id, entry.aside_name);
    await journal.step(entry.id, 'old_set_aside');
  } catch (error) {
    // Nothing new exists yet: make sure the old container is as it was.
    const reason = `could not set the old container aside: ${errorMessage(error)}`;
    try {
      const now = await docker.inspectContainer(current.id);
      if (now.name !== name) await docker.renameContainer(current.id, name);
      if (wasRunning && !now.runtime.running) await docker.startContainer(current.id);
    } catch (restoreError) {
      return leaveForRecovery(attempt, `${reason}; restoring it failed: ${errorMessage(restoreError)}`);
    }
    const rec = await attempt.record({ type: kind, old_image: oldImage, new_image: newImage, outcome: 'failed', error: reason }, close);
    attempt.publish(`${kind} failed for ${name}`, { outcome: 'failed', error: reason });
    return { outcome: 'failed', record: rec, error: reason };
  }

  let newId: string | undefined;
  let failure: string | undefined;
  try {
    attempt.phase('starting', `starting ${name} on ${newImage}`);
    newId = await docker.createContainer(name, entry.target.spec);
    await journal.step(entry.id, 'new_created', { new_id: newId });
    await docker.startContainer(newId);
    await journal.step(entry.id, 'new_started');
    attempt.phase('health_check', `health check of ${name}`, { grace_period_ms: gate.gracePeriodMs, health_timeout_ms: gate.healthTimeoutMs });
    failure = await healthGate(docker, deps.clock, newId, gate);
  } catch (error) {
    failure = `could not start the new container: ${errorMessage(error)}`;
  }

  if (failure === undefined && newId !== undefined) {
    await journal.step(entry.id, 'health_passed');
    return finishReplacement(deps, attempt, entry, current.id, newId, extras);
  }

  // Roll back: remove the new container, put the old one back under its name and start it.
  logger.warn('new container failed, restoring the previous one', { name, reason: failure });
  attempt.phase('rolling_back', `${kind} of ${name} failed; restoring ${oldImage}`, { error: failure });
  const reason = failure ?? 'unknown failure';
  try {
    await restoreOld(docker, name, current.id, wasRunning, newId);
  } catch (error) {
    return leaveForRecovery(attempt, `${reason}; restoring the previous container failed: ${errorMessage(error)}`);
  }
  const rec = await attempt.record({ type: 'rollback', old_image: newImage, new_image: oldImage, outcome: 'success', error: reason }, close);
  attempt.publish(`${kind} of ${name} failed; rolled back to ${oldImage}`, { outcome: 'rolled_back', error: reason, image: oldImage });
  return { outcome: 'rolled_back', record: rec, error: reason, ...(extras.backup === undefined ? {} : { backup_image: extras.backup }) };
}

/**
 * Put the old container back: remove the new one (by id, or whatever now has
 * the name and is not the old one), rename the old one back, start it if it ran.
 */
export async function restoreOld(docker: DockerPort, name: string, oldId: string, wasRunning: boolean, newId: string | undefined): Promise<void> {
  if (newId !== undefined) {
    await docker.removeContainer(newId, { force: true }).catch((e: unknown) => {
      if (!(e instanceof NotFoundError)) throw e;
    });
  } else {
    const holder = await docker.inspectContainer(name).catch((e: unknown) => {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    });
    if (holder !== undefined && holder.id !== oldId) await docker.removeContainer(holder.id, { force: true });
  }
  const old = await docker.inspectContainer(oldId);
  if (old.name !== name) await docker.renameContainer(oldId, name);
  if (wasRunning && !old.runtime.running) await docker.startContainer(oldId);
}

/** The new container passed: post-update hook, remove the old one, clean up, one record. */
export async function finishReplacement(deps: ReplaceDeps, attempt: Attempt, entry: JournalEntry, oldId: string, newId: string, extras: ReplaceExtras, note?: string): Promise<UpdateResult> {
  const { docker, journal, logger } = deps;
  const name = attempt.req.name;
  const kind = entry.kind;
  const oldImage = entry.old.image;
  const newImage = entry.target.image;
  const runs = extras.runs ?? [];
  let hookNote: string | undefined;
  if (extras.postHook !== undefined) {
    const run = await runHook(docker, newId, extras.postHook);
    runs.push(run);
    // The new container is healthy: a failing post-update hook is reported, not rolled back.
    if (run.exitCode !== 0 || run.timedOut || run.error !== undefined) hookNote = describeHookFailure(run);
  }
  try {
    await docker.removeContainer(oldId, { force: true, ...(entry.finish.remove_volumes ? { volumes: true } : {}) });
    await journal.step(entry.id, 'old_removed');
  } catch (error) {
    if (!(error instanceof NotFoundError)) {
      // The set-aside container stays hidden under its journal name; recovery removes it later.
      logger.warn('old container could not be removed after a successful update', { name, error: errorMessage(error) });
      if (engineGone(error)) return leaveForRecovery(attempt, `the old container could not be removed: ${errorMessage(error)}`);
    }
  }
  let imageRemoved = false;
  const cleanup = entry.finish.cleanup_image_id;
  if (cleanup !== undefined) {
    try {
      await docker.removeImage(cleanup);
      imageRemoved = true;
    } catch (error) {
      // Still used by another container or tagged elsewhere: keep it.
      logger.info('old image kept', { name, image: cleanup, reason: errorMessage(error) });
    }
  }
  const error = [note, hookNote].filter((x): x is string => x !== undefined).join('; ');
  const rec = await attempt.record({ type: kind, old_image: oldImage, new_image: newImage, outcome: 'success', ...(error === '' ? {} : { error }) }, journal.closeOperations(entry.id));
  attempt.publish(kind === 'update' ? `${name} updated to ${newImage}` : `${name} rolled back to ${newImage}`, {
    outcome: 'success',
    ...(extras.backup === undefined ? {} : { backup_image: extras.backup }),
    ...(cleanup === undefined ? {} : { old_image_removed: imageRemoved }),
    ...(runs.length === 0 ? {} : { hooks: runs.map((r) => ({ phase: r.phase, exit_code: r.exitCode, timed_out: r.timedOut })) }),
    ...(hookNote === undefined ? {} : { hook_error: hookNote }),
    ...(note === undefined ? {} : { recovered: true }),
  });
  logger.info(kind === 'update' ? 'container updated' : 'container rolled back', { name, old_image: oldImage, new_image: newImage });
  return {
    outcome: 'success',
    record: rec,
    ...(error === '' ? {} : { error }),
    ...(extras.backup === undefined ? {} : { backup_image: extras.backup }),
    ...(runs.length === 0 ? {} : { hooks: runs }),
  };
}

/**
 * The transaction cannot reach an end now (the engine went away, or putting
 * the old container back failed): its journal entry stays open and recovery
 * carries it to an end, with the attempt's one history record, as soon as it can.
 */
function leaveForRecovery(attempt: Attempt, reason: string): UpdateResult {
  attempt.publish(`${attempt.req.name} could not be settled now; recovery will finish it`, { outcome: 'recovery_pending', error: reason });
  return { outcome: 'failed', error: reason, recoveryPending: true };
}

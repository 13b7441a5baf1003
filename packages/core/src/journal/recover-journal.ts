import { errorMessage, NotFoundError } from '../errors/index.js';
import type { EventBus } from '../events/event-bus.js';
import type { HistoryStore } from '../history/history.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerDetail, DockerPort } from '../ports/docker.js';
import { createAttempt } from '../updates/attempt-events.js';
import { healthGate } from '../updates/health-gate.js';
import type { HealthGateOptions } from '../updates/health-gate.js';
import { finishReplacement, restoreOld } from '../updates/replace-container.js';
import { parseAsideName } from './aside-name.js';
import { hasStep, lastStep } from './journal.js';
import type { JournalEntry, UpdateJournal } from './journal.js';

export interface RecoveryDeps {
  docker: DockerPort;
  history: HistoryStore;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  journal: UpdateJournal;
}

/** How recovery ended one interrupted transaction. */
export type RecoveryOutcome =
  /** Interrupted before the container was changed: it is as it was (started again if it had been stopped). */
  | 'unchanged'
  /** The new container was healthy past the grace period: the transaction was completed. */
  | 'finished'
  /** The old container is back under its name (from the set-aside container or, if that was gone, from the snapshot). */
  | 'rolled_back';

const inspectOrUndefined = async (docker: DockerPort, idOrName: string): Promise<ContainerDetail | undefined> => {
  try {
    return await docker.inspectContainer(idOrName);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
};

/**
 * Carry one interrupted transaction to an end, from what the engine shows now
 * (the journal says which containers are whose; the engine says what happened):
 * finished when the new container runs and passes the health gate (again, unless
 * the journal says it already passed), otherwise rolled back from the set-aside
 * container or the snapshot. Writes the attempt's one history record (its `error`
 * says it was interrupted) in the batch that closes the entry, and its events.
 * The caller holds the container's lock. Rejects (leaving the entry open) when
 * the engine cannot be reached.
 */
export async function recoverEntry(deps: RecoveryDeps, entry: JournalEntry, gate: HealthGateOptions): Promise<RecoveryOutcome> {
  const { docker, journal, logger } = deps;
  const name = entry.container_name;
  const req = { name, hostId: entry.host_id, hostName: entry.host_name };
  const attempt = createAttempt(deps, req, { kind: entry.kind, old_image: entry.old.image, new_image: entry.target.image }, entry.started_at);
  const where = lastStep(entry);
  const interrupted = `interrupted (Sentinel stopped during the ${entry.kind}, last step: ${where.replaceAll('_', ' ')})`;
  attempt.phase('recovering', `recovering the interrupted ${entry.kind} of ${name}`, { last_step: where, journal_id: entry.id });
  logger.warn('recovering an interrupted container transaction', { name, kind: entry.kind, last_step: where, journal_id: entry.id });

  const old = await inspectOrUndefined(docker, entry.old.id);
  const named = await inspectOrUndefined(docker, name);
  let fresh = named !== undefined && named.id !== entry.old.id ? named : undefined;
  if (fresh === undefined && entry.new_id !== undefined) fresh = await inspectOrUndefined(docker, entry.new_id);
  const close = journal.closeOperations(entry.id);

  // Interrupted before anything was set aside: the container is still itself.
  if (old !== undefined && old.name === name && fresh === undefined) {
    const restarted = entry.old.was_running && !old.runtime.running;
    if (restarted) await docker.startContainer(old.id);
    const error = `${interrupted}; the container was not changed${restarted ? ' and was started again' : ''}`;
    await attempt.record({ type: entry.kind, old_image: entry.old.image, new_image: entry.target.image, outcome: 'failed', error }, close);
    attempt.publish(`the interrupted ${entry.kind} of ${name} changed nothing`, { outcome: 'failed', error, recovered: true });
    return 'unchanged';
  }

  let reason = 'the new container was never started';
  if (fresh !== undefined) {
    const verdict = !fresh.runtime.running
      ? `the new container is not running (state ${fresh.runtime.status}, exit code ${fresh.runtime.exitCode})`
      : hasStep(entry, 'health_passed')
        ? undefined
        : (attempt.phase('health_check', `health check of ${name} (recovery)`), await healthGate(docker, deps.clock, fresh.id, gate));
    if (verdict === undefined) {
      const note = `${interrupted}; completed on recovery`;
      if (old !== undefined) {
        await finishReplacement({ docker, clock: deps.clock, logger, journal }, attempt, entry, old.id, fresh.id, {}, note);
      } else {
        await attempt.record({ type: entry.kind, old_image: entry.old.image, new_image: entry.target.image, outcome: 'success', error: note }, close);
        attempt.publish(`${name} ${entry.kind === 'update' ? 'updated to' : 'rolled back to'} ${entry.target.image}`, { outcome: 'success', recovered: true });
      }
      return 'finished';
    }
    reason = verdict;
  }

  attempt.phase('rolling_back', `restoring ${entry.old.image} for ${name}`, { error: reason });
  let how: string;
  if (old !== undefined) {
    await restoreOld(docker, name, old.id, entry.old.was_running, fresh?.id);
    how = `rolled back to ${entry.old.image}`;
  } else {
    // The old container is gone: recreate it from the snapshot the journal holds.
    if (fresh !== undefined) await docker.removeContainer(fresh.id, { force: true });
    if ((await docker.inspectImage(entry.old.spec.image)) === undefined) await docker.pullImage(entry.old.spec.image);
    const id = await docker.createContainer(name, entry.old.spec);
    if (entry.old.was_running) await docker.startContainer(id);
    how = `recreated from the snapshot on ${entry.old.image}`;
  }
  const error = `${interrupted}; ${reason}; ${how}`;
  await attempt.record({ type: 'rollback', old_image: entry.target.image, new_image: entry.old.image, outcome: 'success', error }, close);
  attempt.publish(`the interrupted ${entry.kind} of ${name} was rolled back`, { outcome: 'rolled_back', error, image: entry.old.image, recovered: true });
  return 'rolled_back';
}

/**
 * Containers set aside with no open journal entry (left by a version without
 * the journal, or whose entry was closed while removing them failed): put one
 * back when nothing has its name, remove it when the container of its name
 * runs, leave it otherwise. Returns what was done, for the log.
 */
export async function settleOrphanedAside(deps: RecoveryDeps, openIds: ReadonlySet<string>, skip: (name: string) => boolean): Promise<Array<{ aside: string; action: 'restored' | 'removed' | 'kept' }>> {
  const { docker, logger, events } = deps;
  const done: Array<{ aside: string; action: 'restored' | 'removed' | 'kept' }> = [];
  for (const c of await docker.listContainers()) {
    const aside = parseAsideName(c.name);
    if (aside === undefined || openIds.has(aside.journalId) || skip(aside.of)) continue;
    try {
      const named = await inspectOrUndefined(docker, aside.of);
      if (named === undefined) {
        await docker.renameContainer(c.id, aside.of);
        await docker.startContainer(c.id);
        done.push({ aside: c.name, action: 'restored' });
        events.publish({ type: 'container_state', container_name: aside.of, message: `${aside.of} restored from a container an interrupted update had set aside`, data: { action: 'restore', aside: c.name } });
      } else if (named.runtime.running) {
        await docker.removeContainer(c.id, { force: true });
        done.push({ aside: c.name, action: 'removed' });
      } else {
        done.push({ aside: c.name, action: 'kept' });
      }
    } catch (error) {
      logger.warn('could not settle a set-aside container', { aside: c.name, error: errorMessage(error) });
    }
  }
  for (const d of done) logger.warn(`set-aside container ${d.action}`, d);
  return done;
}

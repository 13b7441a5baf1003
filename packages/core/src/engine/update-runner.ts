import type { ActionResponse } from '../contract/native.js';
import { ConflictError, errorMessage, InvalidError, NotFoundError } from '../errors/index.js';
import { mapWithConcurrency } from '../internal/concurrency.js';
import { isSelfProtected } from '../policy/resolve-policy.js';
import { buildDependencyGraph, dependencyInputFrom, orderByDependencies, transitiveDependents } from '../deps/dependency-graph.js';
import type { DependencyGraph, DependencyInput } from '../deps/dependency-graph.js';
import { hookLabels, hooksFromLabels, resolveHooks } from '../hooks/hooks.js';
import type { Hook, ResolvedHook } from '../hooks/hooks.js';
import type { ContainerSummary } from '../ports/docker.js';
import { queueKey } from '../queue/queue.js';
import { formatReference, parseImageReference } from '../registry/index.js';
import { checkContainer } from '../scan/check-container.js';
import type { CheckResult, RegistryLookup } from '../scan/check-container.js';
import type { UpdateOptions, UpdateResult } from '../updates/update-result.js';
import type { EngineContext } from './engine-context.js';
import type { Sentinel } from './sentinel-types.js';
import type { QueueEntries } from './queue-entries.js';
import type { ContainerPolicies } from './container-policy.js';

/** Collections of per-version update state: when a version was first seen, and what pull-only mode already pulled. */
export const FIRST_SEEN = 'update_first_seen';
export const PULLED = 'pull_only_pulled';

/** Running updates: options from the settings, dependents around the update, the lock, and what follows an outcome. */
export interface UpdateRunner extends Pick<Sentinel, 'startUpdate' | 'startUpdateToVersion' | 'startUpdateToImage' | 'startRollback'> {
  /** Run one update of `name` to `targetImage`; the caller holds the lock, which is released at the end. */
  runUpdate(name: string, targetImage: string, release: () => void): Promise<UpdateResult>;
  /** Take the lock and run the update in the background (`ConflictError` when locked). */
  startUpdateTo(c: ContainerSummary, target: string): void;
  /** Check one container against the registry. */
  checkOne(c: ContainerSummary, lookup: RegistryLookup): Promise<CheckResult>;
  dependencyGraph(): Promise<DependencyGraph>;
  hooksFor(name: string, labels: Record<string, string>): Promise<ResolvedHook[]>;
  /** When this version of the update was first seen for the container (recorded now if never). */
  firstSeen(key: string, version: string): Promise<number>;
  forgetSeen(key: string): Promise<void>;
}

export function createUpdateRunner(ctx: EngineContext, deps: Pick<QueueEntries, 'dequeue'> & Pick<ContainerPolicies, 'applyRollbackPolicy'> & { scheduleRecovery: () => void }): UpdateRunner {
  const { clock, logger, storage, docker, events, settings, queue, history, locks, journal, failedUpdates, hookStore, registry, tx, findContainer, assertNotSelf, assertNotDryRun, gate, runInBackground } = ctx;
  const { dequeue, applyRollbackPolicy, scheduleRecovery } = deps;
  const checkOne = async (c: ContainerSummary, lookup: RegistryLookup): Promise<CheckResult> =>
    checkContainer({ container: c, lookup, docker, ignored: await queue.ignored(queueKey(c.name)), scope: await settings.get('version_scope') });

  /** Containers with their dependency inputs (inspected; ones gone meanwhile are left out). */
  const dependencyGraph = async (): Promise<DependencyGraph> => {
    const all = await docker.listContainers();
    const inputs = await mapWithConcurrency(all, 8, async (c): Promise<DependencyInput | undefined> => {
      try {
        return dependencyInputFrom(await docker.inspectContainer(c.id));
      } catch {
        return undefined;
      }
    });
    return buildDependencyGraph(inputs.filter((i): i is DependencyInput => i !== undefined));
  };

  /** The hooks that apply to a container now: API hooks over label hooks, none while hooks are disabled. */
  const hooksFor = async (name: string, labels: Record<string, string>): Promise<ResolvedHook[]> =>
    resolveHooks(await hookStore.list(name), hooksFromLabels(name, labels));

  /**
   * Stop the running dependents of `name` (outermost first) and give back the
   * function that starts them again (innermost first). No-op unless dependency-aware.
   */
  const dependentsAround = async (name: string): Promise<{ stop: () => Promise<void>; restart: () => Promise<void> }> => {
    const none = { stop: async () => undefined, restart: async () => undefined };
    if (!(await settings.get('dependency_aware'))) return none;
    const graph = await dependencyGraph();
    const dependents = transitiveDependents(name, graph);
    if (dependents.length === 0) return none;
    const stopped: Array<{ name: string; release: () => void }> = [];
    const timeoutSeconds = await settings.get('stop_timeout');
    return {
      async stop() {
        for (const d of [...dependents].reverse()) {
          // A dependent stays locked while it is stopped for the update: nobody else acts on it meanwhile.
          const release = locks.tryAcquire(queueKey(d), `stopped while ${name} is updated`);
          if (release === undefined) continue;
          try {
            const detail = await docker.inspectContainer(d);
            if (!detail.runtime.running || isSelfProtected(detail.labels)) {
              release();
              continue;
            }
            await docker.stopContainer(detail.id, { timeoutSeconds });
            stopped.push({ name: d, release });
            events.publish({ type: 'container_state', container_name: d, message: `${d} stopped while ${name} is updated`, data: { action: 'stop', reason: 'dependency', dependency: name } });
          } catch (error) {
            release();
            logger.warn('could not stop a dependent before an update', { name, dependent: d, error: errorMessage(error) });
          }
        }
      },
      async restart() {
        const releases = new Map(stopped.map((x) => [x.name, x.release]));
        for (const d of orderByDependencies([...releases.keys()], graph)) {
          try {
            await docker.startContainer(d);
            events.publish({ type: 'container_state', container_name: d, message: `${d} started again after ${name} was updated`, data: { action: 'start', reason: 'dependency', dependency: name } });
          } catch (error) {
            logger.warn('could not restart a dependent after an update', { name, dependent: d, error: errorMessage(error) });
          } finally {
            releases.get(d)?.();
          }
        }
      },
    };
  };

  /** What this update does besides replacing the container, from the settings of the moment. */
  const updateOptions = async (name: string): Promise<{ options: UpdateOptions; restartDependents: () => Promise<void> }> => {
    const s = await settings.all();
    const detail = await docker.inspectContainer(name);
    const options: UpdateOptions = {
      pullOnly: s.pull_only,
      backupImage: s.image_backup,
      cleanupImage: s.image_cleanup,
      removeVolumes: s.remove_volumes,
    };
    if (s.hooks_enabled) {
      const hooks = await hooksFor(name, detail.labels);
      options.hooks = hooks;
      const apiHooks: Hook[] = hooks.filter((h) => h.source === 'api').map(({ source: _source, ...h }) => h);
      if (s.hooks_write_labels && apiHooks.length > 0) options.extraLabels = hookLabels(apiHooks);
    }
    const around = await dependentsAround(name);
    options.beforeReplace = around.stop;
    return { options, restartDependents: around.restart };
  };

  const runUpdate = async (name: string, targetImage: string, release: () => void): Promise<UpdateResult> => {
    let restartDependents: () => Promise<void> = async () => undefined;
    try {
      const prepared = await updateOptions(name);
      restartDependents = prepared.restartDependents;
      const result = await tx.update({ name }, targetImage, await gate(), prepared.options);
      if (result.outcome === 'success' || result.outcome === 'identical') {
        await dequeue(queueKey(name), 'Removed from queue (updated)');
        await forgetSeen(queueKey(name));
        await failedUpdates.forget(queueKey(name));
      }
      if (result.outcome === 'rolled_back') {
        // Not retried automatically: the next scan queues it, saying why, until a newer version appears.
        await failedUpdates.remember(queueKey(name), { target_image: targetImage, error: result.error ?? 'rolled back', failed_at: new Date(clock.now()).toISOString() });
        await applyRollbackPolicy(name);
      }
      if (result.recoveryPending === true) scheduleRecovery();
      return result;
    } catch (error) {
      // Whatever broke, an open journal entry is carried to an end by recovery.
      scheduleRecovery();
      throw error;
    } finally {
      // Dependents come back whatever happened: after success, after a rollback, after a failure.
      await restartDependents();
      release();
    }
  };

  /** When this version of the update was first seen for the container (recorded now if never). */
  const firstSeen = async (key: string, version: string): Promise<number> => {
    const id = `${key}|${version}`;
    const seen = await storage.get<number>(FIRST_SEEN, id);
    if (seen !== undefined) return seen;
    const now = clock.now();
    // Older versions of this container's update are no longer pending.
    for (const e of await storage.list(FIRST_SEEN, { prefix: `${key}|` })) await storage.delete(FIRST_SEEN, e.key);
    await storage.put(FIRST_SEEN, id, now);
    return now;
  };

  const forgetSeen = async (key: string): Promise<void> => {
    const ops = [
      ...(await storage.list(FIRST_SEEN, { prefix: `${key}|` })).map((e) => ({ op: 'delete' as const, collection: FIRST_SEEN, key: e.key })),
      ...(await storage.list(PULLED, { prefix: `${key}|` })).map((e) => ({ op: 'delete' as const, collection: PULLED, key: e.key })),
    ];
    if (ops.length > 0) await storage.batch(ops);
  };

  const startUpdateTo = (c: ContainerSummary, target: string): void => {
    const release = locks.acquire(queueKey(c.name), 'update');
    runInBackground(`update of ${c.name}`, () => runUpdate(c.name, target, release));
  };

  const api = {
    /** Trigger an update: to the queued target if one is pending, else re-pull the current tag. Runs in the background. */
    async startUpdate(name: string): Promise<ActionResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      await assertNotDryRun();
      const pending = await queue.get(queueKey(name));
      startUpdateTo(c, pending?.target_image ?? c.image);
      return { status: 'started', name, message: `update started for ${name}` };
    },

    /** Update to an explicit tag of the same repository. Runs in the background. */
    async startUpdateToVersion(name: string, tag: string): Promise<ActionResponse> {
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new InvalidError(`invalid tag "${tag}"`);
      const c = await findContainer(name);
      assertNotSelf(c);
      await assertNotDryRun();
      const ref = parseImageReference(c.image);
      const target = formatReference({ registry: ref.registry, repository: ref.repository, tag }, { familiar: true });
      try {
        await registry.getDigest({ ...ref, tag, digest: undefined });
      } catch (error) {
        if (error instanceof NotFoundError) throw new InvalidError(`tag ${tag} does not exist in ${formatReference({ registry: ref.registry, repository: ref.repository }, { familiar: true })}`);
        throw error;
      }
      startUpdateTo(c, target);
      return { status: 'started', name, message: `Updating ${name} to ${target}` };
    },

    /**
     * Move a container to another image reference, possibly another repository
     * (e.g. the same image on ghcr.io). Runs in the background through the update transaction.
     */
    async startUpdateToImage(name: string, image: string): Promise<ActionResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      await assertNotDryRun();
      const ref = parseImageReference(image);
      if (ref.digest === undefined && ref.tag === undefined) throw new InvalidError(`image "${image}" names neither a tag nor a digest`);
      try {
        await registry.getDigest(ref);
      } catch (error) {
        if (error instanceof NotFoundError) throw new InvalidError(`image ${image} does not exist in its registry`);
        throw error;
      }
      startUpdateTo(c, ref.familiar);
      return { status: 'started', name, message: `Updating ${name} to ${ref.familiar}` };
    },

    /** Restore the latest snapshot. Runs in the background. */
    async startRollback(name: string): Promise<ActionResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const snapshot = await history.latestSnapshot(name);
      if (snapshot === undefined) throw new NotFoundError(`no snapshot to roll back to for ${name}`);
      const release = locks.acquire(queueKey(name), 'rollback');
      runInBackground(`rollback of ${name}`, async () => {
        try {
          const result = await tx.rollback({ name }, snapshot, await gate());
          if (result.outcome === 'success') await applyRollbackPolicy(name);
        } finally {
          release();
        }
      });
      return { status: 'started', name, message: `rollback started for ${name}` };
    },
  };
  return { runUpdate, startUpdateTo, checkOne, dependencyGraph, hooksFor, firstSeen, forgetSeen, ...api };
}

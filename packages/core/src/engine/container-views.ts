import type { ActionResponse, CheckResponse, Container, ContainerDetailBody, LogsResponse, StatsResponse, TagsResponse, VersionsResponse } from '../contract/native.js';
import { NotFoundError, UpstreamError } from '../errors/index.js';
import { isSelfProtected } from '../policy/resolve-policy.js';
import type { DependencyGraph, DependencyNode } from '../deps/dependency-graph.js';
import type { ContainerSummary } from '../ports/docker.js';
import { queueKey } from '../queue/queue.js';
import { formatReference, parseImageReference } from '../registry/index.js';
import { scopeFor } from '../scan/check-container.js';
import type { RegistryLookup } from '../scan/check-container.js';
import { isVersionTag, newerVersions, pickTarget } from '../versions/index.js';
import type { EngineContext } from './engine-context.js';
import type { Sentinel } from './sentinel-types.js';
import type { QueueEntries } from './queue-entries.js';
import type { ContainerPolicies } from './container-policy.js';
import type { UpdateRunner } from './update-runner.js';

const STATE = 'state';

/** What the engine says about containers, and the direct actions on one. */
export type ContainerViews = Pick<Sentinel, 'listContainers' | 'getContainer' | 'versions' | 'tags' | 'logs' | 'stats' | 'lastScan' | 'containerAction' | 'check' | 'dependencies' | 'dependenciesOf'>;

export function createContainerViews(ctx: EngineContext, deps: Pick<QueueEntries, 'enqueue' | 'dequeue'> & Pick<ContainerPolicies, 'policyOf'> & Pick<UpdateRunner, 'checkOne' | 'dependencyGraph'> & { scanLookup: () => RegistryLookup }): ContainerViews {
  const { storage, docker, events, settings, queue, history, locks, failedUpdates, registry, findContainer, assertNotSelf } = ctx;
  const { enqueue, dequeue, policyOf, checkOne, dependencyGraph, scanLookup } = deps;
  const toContainer = async (c: ContainerSummary): Promise<Container> => {
    const { policy, source } = await policyOf(c);
    const pending = await queue.get(queueKey(c.name));
    const failed = await failedUpdates.get(queueKey(c.name));
    const health = /\((healthy|unhealthy|health: starting)\)/.exec(c.status)?.[1]?.replace('health: ', '');
    const stack = c.labels['com.docker.compose.project'] ?? c.labels['com.docker.stack.namespace'];
    return {
      id: c.id,
      name: c.name,
      image: c.image,
      policy,
      state: c.state,
      maintenance: locks.isLocked(queueKey(c.name)),
      ...(stack === undefined ? {} : { stack }),
      policy_source: source,
      status: c.status,
      ...(health === undefined ? {} : { health }),
      labels: c.labels,
      update_available: pending !== undefined,
      ...(pending === undefined ? {} : { newer_versions: pending.newer_versions }),
      self: isSelfProtected(c.labels),
      ...(failed === undefined ? {} : { failed_update: failed }),
    };
  };

  const api = {
    async listContainers(): Promise<Container[]> {
      const all = await docker.listContainers();
      return Promise.all(all.map(toContainer));
    },

    async getContainer(name: string): Promise<ContainerDetailBody> {
      const c = await findContainer(name);
      return { ...(await toContainer(c)), history: await history.forContainer(name), snapshots: await history.snapshots(name) };
    },

    async versions(name: string): Promise<VersionsResponse> {
      const c = await findContainer(name);
      const ref = parseImageReference(c.image);
      const scope = scopeFor(c.labels, await settings.get('version_scope'));
      const tag = ref.tag;
      if (ref.digest !== undefined || tag === undefined || !isVersionTag(tag)) {
        return { name, image: c.image, current: ref.digest ?? tag ?? '', versions: [], within_scope: null, scope };
      }
      const tags = await registry.listTags(ref);
      const ignored = await queue.ignored(queueKey(name));
      const include = c.labels['sentinel.include-tags'];
      const exclude = c.labels['sentinel.exclude-tags'];
      const versions = newerVersions(tag, tags, { include, exclude }).filter((v) => !ignored.includes(v));
      return { name, image: c.image, current: tag, versions, within_scope: pickTarget(tag, versions, scope) ?? null, scope };
    },

    async tags(name: string): Promise<TagsResponse> {
      const c = await findContainer(name);
      const ref = parseImageReference(c.image);
      const tags = await registry.listTags(ref);
      return { name, image: c.image, repository: formatReference({ registry: ref.registry, repository: ref.repository }, { familiar: true }), tags };
    },

    async logs(name: string, lines: number): Promise<LogsResponse> {
      const c = await findContainer(name);
      const logs = await docker.logs(c.id, { tail: lines });
      return { logs, lines, remote: false };
    },

    async stats(): Promise<StatsResponse> {
      const all = await docker.listContainers();
      return { total: all.length, running: all.filter((c) => c.state === 'running').length, pending: await queue.count() };
    },

    async lastScan(): Promise<string | null> {
      return (await storage.get<string>(STATE, 'last_scan')) ?? null;
    },

    /** Start, stop or restart a container (synchronous; 403 for Sentinel itself). */
    async containerAction(name: string, action: 'start' | 'stop' | 'restart'): Promise<ActionResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const release = locks.acquire(queueKey(name), action);
      try {
        const timeoutSeconds = await settings.get('stop_timeout');
        if (action === 'start') await docker.startContainer(c.id);
        else if (action === 'stop') await docker.stopContainer(c.id, { timeoutSeconds });
        else await docker.restartContainer(c.id, { timeoutSeconds });
      } finally {
        release();
      }
      const past = action === 'stop' ? 'stopped' : action === 'start' ? 'started' : 'restarted';
      events.publish({ type: 'container_state', container_name: name, message: `${name} ${past}`, data: { action } });
      return { status: past, name, message: `${name} ${past}` };
    },

    /** Check one container now; queues an update when one is found (unless pinned or self). */
    async check(name: string): Promise<CheckResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const result = await checkOne(c, scanLookup());
      if (result.status === 'failed') throw new UpstreamError(result.error);
      if (result.status === 'update_available') {
        const { policy } = await policyOf(c);
        // A pinned container never has a pending update.
        if (policy === 'pinned') await dequeue(queueKey(name), 'Removed from queue (pinned)');
        else await enqueue(c, result);
        return { status: 'update_available', name, message: `Update available for ${name}`, newer_versions: result.newer_versions };
      }
      await dequeue(queueKey(name), 'Removed from queue (up to date)');
      return { status: 'up_to_date', name, message: `${name} is up to date` };
    },

    /** Dependencies and dependents of one container. */
    async dependenciesOf(name: string): Promise<DependencyNode> {
      const node = (await dependencyGraph()).containers.find((n) => n.name === name);
      if (node === undefined) throw new NotFoundError(`container ${name} not found`);
      return node;
    },
    dependencies: (): Promise<DependencyGraph> => dependencyGraph(),
  };
  return api;
}

import type { ActionResponse, IgnoreResponse, QueueItem } from '../contract/native.js';
import { NotFoundError } from '../errors/index.js';
import { parseImageReference } from '../registry/index.js';
import type { EngineContext } from './engine-context.js';
import type { Sentinel } from './sentinel-types.js';
import type { QueueEntries } from './queue-entries.js';
import type { UpdateRunner } from './update-runner.js';

/** The update queue as a person works it: approve, reject, ignore. */
export type QueueActions = Pick<Sentinel, 'listQueue' | 'approve' | 'reject' | 'ignore'>;

export function createQueueActions(ctx: EngineContext, deps: Pick<QueueEntries, 'dequeue'> & Pick<UpdateRunner, 'startUpdateTo'>): QueueActions {
  const { docker, queue, registry, assertNotSelf, assertNotDryRun } = ctx;
  const { dequeue, startUpdateTo } = deps;
  const api = {
    async listQueue(): Promise<QueueItem[]> {
      return queue.list();
    },

    async approve(key: string): Promise<ActionResponse> {
      const item = await queue.get(key);
      if (item === undefined) throw new NotFoundError(`no pending update for ${key}`);
      const c = (await docker.listContainers()).find((x) => x.name === item.container_name);
      if (c === undefined) {
        // The container is gone: so is its pending update.
        await dequeue(key, 'Removed from queue (container no longer exists)');
        throw new NotFoundError(`container ${item.container_name} no longer exists; its pending update was removed`);
      }
      assertNotSelf(c);
      await assertNotDryRun();
      startUpdateTo(c, item.target_image);
      await dequeue(key, 'Removed from queue (approved)');
      return { status: 'approved', name: item.container_name, message: `update started for ${item.container_name}` };
    },

    async reject(key: string): Promise<ActionResponse> {
      const item = await queue.get(key);
      if (item === undefined) throw new NotFoundError(`no pending update for ${key}`);
      await dequeue(key, 'Removed from queue (rejected)');
      return { status: 'rejected', name: item.container_name, message: `update rejected for ${item.container_name}` };
    },

    async ignore(key: string): Promise<IgnoreResponse> {
      const item = await queue.get(key);
      if (item === undefined) throw new NotFoundError(`no pending update for ${key}`);
      const version = item.kind === 'version' ? (item.newer_versions[0] ?? item.resolved_target_version) : await digestOf(item);
      await queue.ignore(key, version);
      await dequeue(key, 'Removed from queue (ignored)');
      return { status: 'ignored', name: item.container_name, version, message: `version ${version} ignored for ${item.container_name}` };
    },
  };

  /** The new digest a digest-kind queue entry points at (what `ignore` stores). */
  async function digestOf(item: QueueItem): Promise<string> {
    const ref = parseImageReference(item.target_image);
    return (await registry.getDigest(ref)).digest;
  }
  return api;
}

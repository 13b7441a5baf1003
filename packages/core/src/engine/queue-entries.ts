import type { QueueItem } from '../contract/native.js';
import type { ContainerSummary } from '../ports/docker.js';
import { queueKey } from '../queue/queue.js';
import type { CheckResult } from '../scan/check-container.js';
import type { EngineContext } from './engine-context.js';

/** Pending-update entries: put a detected update in the queue, take one out, each announced on the event bus. */
export interface QueueEntries {
  enqueue(c: ContainerSummary, result: Extract<CheckResult, { status: 'update_available' }>): Promise<boolean>;
  dequeue(key: string, message: string): Promise<void>;
}

export function createQueueEntries(ctx: EngineContext): QueueEntries {
  const { clock, events, queue, failedUpdates } = ctx;
  /** Put a detected update in the queue (and announce it when it is new or changed). */
  const enqueue = async (c: ContainerSummary, result: Extract<CheckResult, { status: 'update_available' }>): Promise<boolean> => {
    const failed = await failedUpdates.get(queueKey(c.name));
    const failedHere = failed !== undefined && (failed.target_image === result.target_image || failed.target_image === result.auto_target_image);
    const item: QueueItem = {
      container_name: c.name,
      current_image: c.image,
      newer_versions: result.newer_versions,
      resolved_current_version: result.resolved_current_version,
      resolved_target_version: result.resolved_target_version,
      key: queueKey(c.name),
      host_id: '',
      target_image: result.target_image,
      kind: result.kind,
      detected_at: new Date(clock.now()).toISOString(),
      ...(failedHere ? { failed_update: failed } : {}),
    };
    const change = await queue.upsert(item);
    if (change !== 'unchanged') {
      events.publish({ type: 'container_update', container_name: c.name, message: `Update available for ${c.name}`, data: {
          current_image: c.image,
          newer_versions: result.newer_versions,
          target_image: result.target_image,
          resolved_current_version: result.resolved_current_version,
          resolved_target_version: result.resolved_target_version,
        },
      });
      events.publish({ type: 'queue_change', container_name: c.name, message: change === 'added' ? 'Added to queue' : 'Queue entry updated', data: { action: change, key: item.key } });
    }
    return change !== 'unchanged';
  };

  const dequeue = async (key: string, message: string): Promise<void> => {
    if (await queue.remove(key)) events.publish({ type: 'queue_change', container_name: key, message, data: { action: 'removed', key } });
  };
  return { enqueue, dequeue };
}

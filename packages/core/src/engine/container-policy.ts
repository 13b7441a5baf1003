import type { BulkPolicyBody, BulkPolicyResponse, Policy, PolicyResponse, PolicySource } from '../contract/native.js';
import { NotFoundError } from '../errors/index.js';
import { isSelfProtected, resolvePolicy } from '../policy/resolve-policy.js';
import type { ContainerSummary } from '../ports/docker.js';
import { queueKey } from '../queue/queue.js';
import { parseImageReference } from '../registry/index.js';
import { isVersionTag } from '../versions/index.js';
import type { EngineContext } from './engine-context.js';
import type { Sentinel } from './sentinel-types.js';
import type { QueueEntries } from './queue-entries.js';

/** Resolving and changing a container's policy. */
export interface ContainerPolicies extends Pick<Sentinel, 'setPolicy' | 'clearPolicy' | 'bulkPolicy'> {
  policyOf(c: ContainerSummary): Promise<{ policy: Policy; source: PolicySource }>;
  /** After a rollback, set the configured rollback policy so the next scan does not retry the same update. */
  applyRollbackPolicy(name: string): Promise<void>;
}

export function createContainerPolicies(ctx: EngineContext, { dequeue }: Pick<QueueEntries, 'dequeue'>): ContainerPolicies {
  const { logger, storage, docker, events, settings, queue, findContainer, assertNotSelf } = ctx;
  const policyOf = async (c: ContainerSummary): Promise<{ policy: Policy; source: PolicySource }> => {
    const override = await storage.get<Policy>('policy_overrides', queueKey(c.name));
    let tag = 'latest';
    try {
      tag = parseImageReference(c.image).tag ?? 'latest';
    } catch {
      // An unreadable reference is treated like a non-version tag.
    }
    return resolvePolicy({
      override,
      labels: c.labels,
      onNonVersionTag: !isVersionTag(tag),
      latestAutoUpdate: await settings.get('latest_auto_update'),
      defaultPolicy: await settings.get('default_policy'),
    });
  };

  const setPolicyOverride = async (name: string, policy: Policy | undefined, from: Policy): Promise<void> => {
    if (policy === undefined) await storage.delete('policy_overrides', queueKey(name));
    else await storage.put('policy_overrides', queueKey(name), policy);
    const to = policy ?? from;
    events.publish({ type: 'policy_change', container_name: name, message: policy === undefined ? `policy override removed for ${name}` : `policy set to ${policy} for ${name}`, data: { from, to } });
  };

  /** After a rollback, set the configured rollback policy so the next scan does not retry the same update. */
  const applyRollbackPolicy = async (name: string): Promise<void> => {
    const policy = await settings.get('rollback_policy');
    if (policy === '') return;
    const c = (await docker.listContainers()).find((x) => x.name === name);
    if (c === undefined) return;
    const { policy: from } = await policyOf(c);
    // Dequeue before the policy changes, so nobody sees a pinned container with a pending update.
    if (policy === 'pinned') await dequeue(queueKey(name), 'Removed from queue (pinned after rollback)');
    if (from !== policy || (await storage.get<Policy>('policy_overrides', queueKey(name))) === undefined) {
      await setPolicyOverride(name, policy, from);
    }
    logger.info('rollback policy applied', { name, policy });
  };

  const api = {
    async setPolicy(name: string, policy: Policy): Promise<PolicyResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const { policy: from } = await policyOf(c);
      await setPolicyOverride(name, policy, from);
      if (policy === 'pinned') await dequeue(queueKey(name), 'Removed from queue (pinned)');
      return { status: 'ok', name, policy, message: `policy set to ${policy} for ${name}` };
    },

    async clearPolicy(name: string): Promise<PolicyResponse> {
      const c = await findContainer(name);
      assertNotSelf(c);
      const { policy: from } = await policyOf(c);
      await setPolicyOverride(name, undefined, from);
      const { policy } = await policyOf(c);
      return { status: 'ok', name, policy, message: `policy override removed for ${name}; policy is now ${policy}` };
    },

    async bulkPolicy(body: BulkPolicyBody): Promise<BulkPolicyResponse> {
      const all = await docker.listContainers();
      const byName = new Map(all.map((c) => [c.name, c]));
      const missing = body.containers.filter((n) => !byName.has(n));
      if (missing.length > 0) throw new NotFoundError(`container(s) not found: ${missing.join(', ')}`);
      const changes: Array<{ name: string; from: Policy; to: Policy }> = [];
      const blocked: Array<{ name: string; reason: string }> = [];
      const unchanged: Array<{ name: string; reason: string }> = [];
      for (const name of [...new Set(body.containers)]) {
        const c = byName.get(name) as ContainerSummary;
        if (isSelfProtected(c.labels)) {
          blocked.push({ name, reason: 'self-protected (sentinel.self=true)' });
          continue;
        }
        const { policy } = await policyOf(c);
        if (policy === body.policy) unchanged.push({ name, reason: `already ${policy}` });
        else changes.push({ name, from: policy, to: body.policy });
      }
      if (body.confirm !== true) return { mode: 'preview', changes, blocked, unchanged };
      for (const change of changes) {
        await setPolicyOverride(change.name, change.to, change.from);
        if (change.to === 'pinned') await dequeue(queueKey(change.name), 'Removed from queue (pinned)');
      }
      return { mode: 'executed', applied: changes.length, blocked: blocked.length, unchanged: unchanged.length };
    },
  };
  return { policyOf, applyRollbackPolicy, ...api };
}

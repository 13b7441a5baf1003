import type { Policy, PolicySource } from '../contract/native.js';

/** Container labels Sentinel Kit reads. */
export const LABELS = {
  policy: 'sentinel.policy',
  self: 'sentinel.self',
  semver: 'sentinel.semver',
  includeTags: 'sentinel.include-tags',
  excludeTags: 'sentinel.exclude-tags',
} as const;

const POLICIES: readonly Policy[] = ['auto', 'manual', 'pinned'];

export function isPolicy(value: string): value is Policy {
  return (POLICIES as readonly string[]).includes(value);
}

export interface PolicyInputs {
  /** Stored override for this container, if any. */
  override?: Policy | undefined;
  labels: Record<string, string>;
  /** Whether the container runs a non-version tag such as `latest`. */
  onNonVersionTag: boolean;
  latestAutoUpdate: boolean;
  defaultPolicy: Policy;
}

/**
 * The effective policy and where it comes from:
 * stored override > `sentinel.policy` label > latest-auto-update > default.
 * An unrecognised label value is ignored (the next rule applies).
 */
export function resolvePolicy(inputs: PolicyInputs): { policy: Policy; source: PolicySource } {
  if (inputs.override !== undefined) return { policy: inputs.override, source: 'override' };
  const label = inputs.labels[LABELS.policy]?.trim().toLowerCase();
  if (label !== undefined && isPolicy(label)) return { policy: label, source: 'label' };
  if (inputs.latestAutoUpdate && inputs.onNonVersionTag) return { policy: 'auto', source: 'latest_auto_update' };
  return { policy: inputs.defaultPolicy, source: 'default' };
}

/** Containers labelled `sentinel.self=true` are Sentinel itself: never acted on. */
export function isSelfProtected(labels: Record<string, string>): boolean {
  return labels[LABELS.self]?.trim().toLowerCase() === 'true';
}

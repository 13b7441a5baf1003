import type { Policy } from '../contract/native.js';
import { isWithinWindow, nextWindowOpening } from '../policy/maintenance-window.js';
import type { MaintenanceWindow } from '../policy/maintenance-window.js';

/** Why an automatic update is held back (queued instead of applied). */
export type HoldReason = 'dry_run' | 'update_delay' | 'maintenance_window' | 'pull_only' | 'previously_failed';

/** What a scan does with an update it found for one container. */
export type UpdateDecision =
  /** Apply it now, automatically. */
  | { action: 'apply'; target: string }
  /** Queue it, and say why it was not applied (with when it may be, if known). */
  | { action: 'hold'; reason: HoldReason; until?: number }
  /** Queue it for a person (manual policy, or beyond the auto scope). */
  | { action: 'queue' };

export interface DecideUpdateInput {
  policy: Policy;
  /** The image an auto update may apply under the version scope; undefined when beyond scope. */
  autoTarget: string | undefined;
  /** The target of the last update of this container that failed and was rolled back. */
  failedTarget: string | undefined;
  now: number;
  /** When this version was first seen for the container. */
  firstSeenAt: number;
  settings: { dry_run: boolean; update_delay: number; pull_only: boolean; timezone: string };
  window: MaintenanceWindow;
  /** Whether pull-only mode already pulled this version. */
  alreadyPulled: boolean;
}

/**
 * Decide an update found by a scan. Pure: everything it depends on is an input.
 * @example decideUpdate({ policy: 'auto', autoTarget: 'nginx:1.27.5', failedTarget: undefined, now, firstSeenAt: now, settings, window: parseMaintenanceWindow(''), alreadyPulled: false })
 * // { action: 'apply', target: 'nginx:1.27.5' } (with update_delay 0)
 */
export function decideUpdate(input: DecideUpdateInput): UpdateDecision {
  const { policy, autoTarget, settings: s, now } = input;
  if (policy !== 'auto' || autoTarget === undefined) return { action: 'queue' };
  if (input.failedTarget === autoTarget) return { action: 'hold', reason: 'previously_failed' };
  if (s.dry_run) return { action: 'hold', reason: 'dry_run' };
  if (now - input.firstSeenAt < s.update_delay) return { action: 'hold', reason: 'update_delay', until: input.firstSeenAt + s.update_delay };
  if (!isWithinWindow(input.window, now, s.timezone)) {
    const opens = nextWindowOpening(input.window, now, s.timezone);
    return { action: 'hold', reason: 'maintenance_window', ...(opens === undefined ? {} : { until: opens }) };
  }
  if (s.pull_only && input.alreadyPulled) return { action: 'hold', reason: 'pull_only' };
  return { action: 'apply', target: autoTarget };
}

import type { HistoryRecord } from '../contract/native.js';
import type { HookRun, ResolvedHook } from '../hooks/hooks.js';

export type UpdateOutcome = 'success' | 'identical' | 'failed' | 'rolled_back' | 'skipped';

export interface UpdateResult {
  outcome: UpdateOutcome;
  /** The history record written for this attempt (none yet while recovery is pending). */
  record?: HistoryRecord;
  error?: string;
  /** The tag the old image was kept under (image backup). */
  backup_image?: string;
  /** Hooks that ran, in order. */
  hooks?: HookRun[];
  /**
   * The attempt could not reach an end (the engine went away, or restoring the
   * old container failed): its journal entry is open and recovery finishes it.
   */
  recoveryPending?: boolean;
}

/** What an update does besides replacing the container (from the runtime settings). */
export interface UpdateOptions {
  /** Pull the target and stop there: history records `skipped`. @default false */
  pullOnly?: boolean;
  /** Tag the old image `<repo>:sentinel-backup-<tag>` before anything is stopped. @default false */
  backupImage?: boolean;
  /** Remove the old image after a successful update (not when it was backed up). @default false */
  cleanupImage?: boolean;
  /** Remove the old container's anonymous volumes with it after a successful update. @default false */
  removeVolumes?: boolean;
  /** Hooks to run: `pre-update` in the old container before it is stopped, `post-update` in the new one once healthy. */
  hooks?: readonly ResolvedHook[];
  /** Labels added to the new container (hook labels). */
  extraLabels?: Record<string, string>;
  /** Called once everything is ready and just before the old container is stopped (stop dependents here). */
  beforeReplace?: () => Promise<void>;
}

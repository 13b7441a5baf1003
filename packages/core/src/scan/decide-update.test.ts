import { describe, expect, it } from 'vitest';
import { parseMaintenanceWindow } from '../policy/maintenance-window.js';
import { decideUpdate } from './decide-update.js';
import type { DecideUpdateInput } from './decide-update.js';

const NOW = Date.UTC(2025, 0, 4, 12, 0); // a Saturday, 12:00 UTC
const base: DecideUpdateInput = {
  policy: 'auto',
  autoTarget: 'nginx:1.27.5',
  failedTarget: undefined,
  now: NOW,
  firstSeenAt: NOW - 60_000,
  settings: { dry_run: false, update_delay: 0, pull_only: false, timezone: 'UTC' },
  window: parseMaintenanceWindow(''),
  alreadyPulled: false,
};

describe('decideUpdate', () => {
  it('applies an auto update within scope when nothing holds it', () => {
    expect(decideUpdate(base)).toEqual({ action: 'apply', target: 'nginx:1.27.5' });
  });

  it('queues for a person under manual policy or beyond the auto scope', () => {
    expect(decideUpdate({ ...base, policy: 'manual' })).toEqual({ action: 'queue' });
    expect(decideUpdate({ ...base, autoTarget: undefined })).toEqual({ action: 'queue' });
  });

  it('holds, in order: a version that failed before, dry-run, the update delay, the maintenance window, pull-only', () => {
    expect(decideUpdate({ ...base, failedTarget: 'nginx:1.27.5', settings: { ...base.settings, dry_run: true } })).toEqual({ action: 'hold', reason: 'previously_failed' });
    expect(decideUpdate({ ...base, failedTarget: 'nginx:1.27.4' })).toEqual({ action: 'apply', target: 'nginx:1.27.5' });
    expect(decideUpdate({ ...base, settings: { ...base.settings, dry_run: true } })).toEqual({ action: 'hold', reason: 'dry_run' });
    expect(decideUpdate({ ...base, settings: { ...base.settings, update_delay: 3_600_000 } })).toEqual({ action: 'hold', reason: 'update_delay', until: NOW - 60_000 + 3_600_000 });
    expect(decideUpdate({ ...base, window: parseMaintenanceWindow('Sun 02:00-04:00') })).toEqual({ action: 'hold', reason: 'maintenance_window', until: Date.UTC(2025, 0, 5, 2, 0) });
    expect(decideUpdate({ ...base, window: parseMaintenanceWindow('Sat 11:00-13:00') })).toEqual({ action: 'apply', target: 'nginx:1.27.5' });
    expect(decideUpdate({ ...base, settings: { ...base.settings, pull_only: true }, alreadyPulled: true })).toEqual({ action: 'hold', reason: 'pull_only' });
    expect(decideUpdate({ ...base, settings: { ...base.settings, pull_only: true } })).toEqual({ action: 'apply', target: 'nginx:1.27.5' });
  });
});

import type { SentinelClient } from '../api.js';

/** One runtime setting as the settings page edits it: its key in `GET /api/settings`, its documented range, and how it is saved. */
export interface SettingDef {
  key: string;
  label: string;
  kind: 'text' | 'number' | 'enum' | 'list' | 'bool';
  hint: string;
  options?: readonly string[];
  save(client: SentinelClient, value: string, all: Readonly<Record<string, string>>): Promise<unknown>;
}

const bool = (key: string, label: string, hint: string, save: (c: SentinelClient, on: boolean) => Promise<unknown>): SettingDef => ({ key, label, kind: 'bool', hint, save: (c, v) => save(c, v === 'true') });
const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

/** Grouped as the documentation groups them (docs/configuration.md, "Runtime settings"). */
export const SETTING_GROUPS: ReadonlyArray<{ title: string; settings: SettingDef[] }> = [
  {
    title: 'Scanning',
    settings: [
      { key: 'poll_interval', label: 'Poll interval', kind: 'text', hint: 'A duration from 5m to 24h, e.g. 6h.', save: (c, v) => c.settings.setPollInterval(v) },
      { key: 'schedule', label: 'Cron schedule', kind: 'text', hint: 'Five fields, or six with seconds; empty uses the poll interval. Times in the time zone below.', save: (c, v, all) => c.settings.setSchedule(v, { timezone: all['timezone'] ?? 'UTC' }) },
      { key: 'timezone', label: 'Time zone', kind: 'text', hint: 'IANA name, e.g. Europe/Berlin; used by the schedule and the maintenance window.', save: (c, v, all) => c.settings.setSchedule(all['schedule'] ?? '', { timezone: v }) },
      { key: 'scan_concurrency', label: 'Scan concurrency', kind: 'number', hint: 'Registry checks at once: a whole number from 1 to 64.', save: (c, v) => c.settings.setScanConcurrency(Number(v.trim() === '' ? Number.NaN : v)) },
      { key: 'filters', label: 'Scan exclusion filters', kind: 'list', hint: 'Comma-separated glob patterns over names; !pattern includes again.', save: (c, v) => c.settings.setFilters(list(v)) },
      bool('paused', 'Pause scheduled scans', 'Manual scans still run.', (c, on) => c.settings.setPaused(on)),
    ],
  },
  {
    title: 'Update decisions',
    settings: [
      { key: 'default_policy', label: 'Default policy', kind: 'enum', options: ['auto', 'manual', 'pinned'], hint: 'For containers without a label or override.', save: (c, v) => c.settings.setDefaultPolicy(v as 'auto') },
      { key: 'version_scope', label: 'Default version scope', kind: 'enum', options: ['patch', 'minor', 'major'], hint: 'How far an automatic update may go.', save: (c, v) => c.settings.setVersionScope(v as 'patch') },
      { key: 'rollback_policy', label: 'Policy after a rollback', kind: 'enum', options: ['none', 'manual', 'pinned'], hint: 'What the policy becomes after a manual rollback.', save: (c, v) => c.settings.setRollbackPolicy(v as 'none') },
      { key: 'update_delay', label: 'Update delay', kind: 'text', hint: 'A version must be seen this long before an automatic update: 0s to 720h.', save: (c, v) => c.settings.setUpdateDelay(v) },
      { key: 'maintenance_window', label: 'Maintenance window', kind: 'text', hint: '[days] HH:MM-HH:MM, several separated by ; (e.g. Sat 02:00-05:00); empty: any time.', save: (c, v, all) => c.settings.setMaintenanceWindow(v, { timezone: all['timezone'] ?? 'UTC' }) },
      bool('latest_auto_update', 'Auto-update :latest containers', 'Containers on :latest follow re-pushes automatically.', (c, on) => c.settings.setLatestAutoUpdate(on)),
      bool('dependency_aware', 'Dependency-aware order', 'Update dependencies before their dependents.', (c, on) => c.settings.setDependencyAware(on)),
    ],
  },
  {
    title: 'The update itself',
    settings: [
      { key: 'grace_period', label: 'Grace period', kind: 'text', hint: 'How long a new container must keep running: 0s to 10m.', save: (c, v) => c.settings.setGracePeriod(v) },
      bool('dry_run', 'Dry run', 'Decide and report, change nothing.', (c, on) => c.settings.setDryRun(on)),
      bool('pull_only', 'Pull only', 'Pull new images but do not recreate.', (c, on) => c.settings.setPullOnly(on)),
      bool('image_backup', 'Back up images', 'Keep the old image tagged before an update.', (c, on) => c.settings.setImageBackup(on)),
      bool('image_cleanup', 'Remove old images', 'After a successful update.', (c, on) => c.settings.setImageCleanup(on)),
      bool('remove_volumes', 'Remove anonymous volumes on recreate', 'Careful: their data is lost.', (c, on) => c.settings.setRemoveVolumes(on)),
      bool('hooks_enabled', 'Lifecycle hooks', 'Run pre-update and post-update hooks.', (c, on) => c.settings.setHooksEnabled(on)),
      bool('hooks_write_labels', 'Write hook labels', 'Persist API-defined hooks as labels on recreate.', (c, on) => c.settings.setHooksWriteLabels(on)),
    ],
  },
  {
    title: 'Dashboard',
    settings: [
      { key: 'stack_order', label: 'Stack order', kind: 'list', hint: 'Comma-separated stack names shown first, in this order.', save: (c, v) => c.settings.setStackOrder(list(v)) },
      { key: 'dashboard_columns', label: 'Columns', kind: 'list', hint: 'Comma-separated, from: image, status, policy, update, ports, actions. Empty shows all.', save: (c, v) => c.settings.setDashboardColumns(list(v)) },
      bool('show_stopped', 'Show stopped containers', 'On the containers page.', (c, on) => c.settings.setShowStopped(on)),
      bool('compose_sync', 'Compose sync', 'Stored; this server does not act on it.', (c, on) => c.settings.setComposeSync(on)),
    ],
  },
];

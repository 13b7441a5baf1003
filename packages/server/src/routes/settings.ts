import type { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import {
  ComposeSyncResponseSchema,
  DashboardColumnsBodySchema,
  DashboardColumnsResponseSchema,
  DefaultPolicyBodySchema,
  DefaultPolicyResponseSchema,
  DockerTlsBodySchema,
  DockerTlsResponseSchema,
  DockerTlsTestBodySchema,
  DockerTlsTestResponseSchema,
  EnabledBodySchema,
  EnabledResponseSchema,
  FiltersBodySchema,
  FiltersResponseSchema,
  GeneralBodySchema,
  GeneralResponseSchema,
  GracePeriodBodySchema,
  GracePeriodResponseSchema,
  HaDiscoveryBodySchema,
  HaDiscoveryResponseSchema,
  MaintenanceWindowBodySchema,
  MaintenanceWindowResponseSchema,
  PauseBodySchema,
  PauseResponseSchema,
  PollIntervalBodySchema,
  PollIntervalResponseSchema,
  RollbackPolicyBodySchema,
  RollbackPolicyResponseSchema,
  ScanConcurrencyBodySchema,
  ScanConcurrencyResponseSchema,
  ScheduleBodySchema,
  ScheduleResponseSchema,
  SettingsMapSchema,
  StackOrderBodySchema,
  StackOrderResponseSchema,
  SwitchRoleBodySchema,
  SwitchRoleResponseSchema,
  UpdateDelayBodySchema,
  UpdateDelayResponseSchema,
  VersionScopeBodySchema,
  VersionScopeResponseSchema,
} from '@sentinel-kit/core/contract';
import { InvalidError, isWithinWindow, nextCronRun, parseMaintenanceWindow } from '@sentinel-kit/core';
import type { Sentinel, SettingKey } from '@sentinel-kit/core';
import { DEFAULT_DOCKER_HOST } from '../config.js';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';
import { assertReadableFiles, testDockerTls } from './settings-process.js';

const tags = ['Settings'];

export const getSettingsRoute = defineRoute('settings.view', {
  method: 'get',
  path: '/api/settings',
  tags,
  summary: 'All settings (env + runtime overrides)',
  description:
    'A flat map of strings. For each setting, its environment variable (e.g. `SENTINEL_POLL_INTERVAL`) holds the configured value (environment or flag, else the default) and its runtime key (e.g. `poll_interval`) the effective value (a stored runtime override wins). No secrets are included.',
  responses: { 200: json(SettingsMapSchema, 'Settings') },
});

const post = <B extends z.ZodType, R extends z.ZodType>(slug: string, summary: string, body: B, response: R, description?: string) =>
  defineRoute('settings.modify', {
    method: 'post',
    path: `/api/settings/${slug}`,
    tags,
    summary,
    ...(description === undefined ? {} : { description }),
    request: { body: { required: true, content: { 'application/json': { schema: body } } } },
    responses: { 200: json(response, 'Setting saved'), ...errors(400, 413) },
  });

export const pollIntervalRoute = post('poll-interval', 'Poll interval (5m to 24h)', PollIntervalBodySchema, PollIntervalResponseSchema);
export const defaultPolicyRoute = post('default-policy', 'Default policy (auto/manual/pinned)', DefaultPolicyBodySchema, DefaultPolicyResponseSchema);
export const gracePeriodRoute = post('grace-period', 'Grace period (0 to 10m)', GracePeriodBodySchema, GracePeriodResponseSchema);
export const pauseRoute = post('pause', 'Pause/unpause scheduled scanning', PauseBodySchema, PauseResponseSchema);
export const filtersRoute = post(
  'filters',
  'Scan exclusion filters',
  FiltersBodySchema,
  FiltersResponseSchema,
  'Glob patterns (`*`, `?`) over container names, applied in order: a pattern excludes matching containers from scans, `!pattern` includes them again; the last match wins.',
);
export const scheduleRoute = post(
  'schedule',
  'Cron schedule (empty to disable)',
  ScheduleBodySchema,
  ScheduleResponseSchema,
  'Five fields, or six with seconds first. When set it replaces the poll interval; times are in `timezone` (default: the configured time zone, UTC unless set).',
);
export const rollbackPolicyRoute = post('rollback-policy', 'Policy after rollback (none/manual/pinned)', RollbackPolicyBodySchema, RollbackPolicyResponseSchema);
export const versionScopeRoute = post('version-scope', 'Default version scope', VersionScopeBodySchema, VersionScopeResponseSchema);
export const updateDelayRoute = post(
  'update-delay',
  'Delay before applying updates',
  UpdateDelayBodySchema,
  UpdateDelayResponseSchema,
  'An automatic update waits until its version has been seen this long (0s to 720h).',
);
export const scanConcurrencyRoute = post('scan-concurrency', 'Concurrent registry checks (1 to 64)', ScanConcurrencyBodySchema, ScanConcurrencyResponseSchema);
export const maintenanceWindowRoute = post(
  'maintenance-window',
  'Maintenance window',
  MaintenanceWindowBodySchema,
  MaintenanceWindowResponseSchema,
  'Automatic updates run only inside the window: `[days] HH:MM-HH:MM`, several separated by `;` (e.g. `Sat 02:00-05:00`, `daily 01:00-04:00`, `Mon-Fri 22:00-02:00`). Empty removes it.',
);
export const stackOrderRoute = post('stack-order', 'Dashboard stack display order', StackOrderBodySchema, StackOrderResponseSchema);
export const dashboardColumnsRoute = post('dashboard-columns', 'Visible dashboard columns', DashboardColumnsBodySchema, DashboardColumnsResponseSchema);
export const composeSyncRoute = post('compose-sync', 'Compose sync (stored; not acted on by this server)', EnabledBodySchema, ComposeSyncResponseSchema);
export const haDiscoveryRoute = post('ha-discovery', 'HA discovery settings (stored; not acted on by this server)', HaDiscoveryBodySchema, HaDiscoveryResponseSchema);
export const switchRoleRoute = post('switch-role', 'Switch instance role (applied on the next start)', SwitchRoleBodySchema, SwitchRoleResponseSchema);
export const dockerTlsRoute = post('docker-tls', 'Docker TLS cert paths (applied on the next start)', DockerTlsBodySchema, DockerTlsResponseSchema);
export const dockerTlsTestRoute = post(
  'docker-tls-test',
  'Test Docker TLS connection',
  DockerTlsTestBodySchema,
  DockerTlsTestResponseSchema,
  'Connects to the engine (`host`, default the configured one) with the given CA, certificate and key and asks `/_ping`. Nothing is stored.',
);
export const generalRoute = post('general', 'General settings (web_port, tls_mode, tls_cert, tls_key, log_format; applied on the next start)', GeneralBodySchema, GeneralResponseSchema);

/** The boolean settings: path, setting, what the message calls it. */
const TOGGLES = [
  ['latest-auto-update', 'latest_auto_update', 'auto-update of :latest containers', 'Auto-update :latest containers'],
  ['image-cleanup', 'image_cleanup', 'image cleanup', 'Remove old images after update'],
  ['image-backup', 'image_backup', 'image backup', 'Backup images before update'],
  ['hooks-enabled', 'hooks_enabled', 'lifecycle hooks', 'Toggle lifecycle hooks'],
  ['hooks-write-labels', 'hooks_write_labels', 'hook label persistence', 'Toggle hook label persistence'],
  ['dependency-aware', 'dependency_aware', 'dependency-aware updates', 'Dependency-aware update ordering'],
  ['dry-run', 'dry_run', 'dry-run mode', 'Dry-run mode'],
  ['pull-only', 'pull_only', 'pull-only mode', 'Pull-only mode (no recreate)'],
  ['show-stopped', 'show_stopped', 'showing stopped containers', 'Show stopped containers on dashboard'],
  ['remove-volumes', 'remove_volumes', 'volume removal on recreate', 'Remove volumes on container recreate'],
] as const satisfies ReadonlyArray<readonly [string, SettingKey, string, string]>;

export const toggleRoutes = TOGGLES.map(([slug, key, what, summary]) => ({ route: post(slug, summary, EnabledBodySchema, EnabledResponseSchema), key, what }));

const RESTART = 'takes effect on the next start';

/**
 * Process settings this server stores and reads at start but cannot apply yet:
 * the answer says so rather than pretend (see docs/configuration.md).
 */
export const NOT_APPLIED_AT_START: Readonly<Record<string, string>> = {
  role: 'stored; this server build always runs standalone (no cluster server/agent mode); startServer logs the stored role',
};

export interface SettingsRoutesOptions {
  /** The Docker engine the server uses (what docker-tls-test tries by default). @default DOCKER_HOST, else the local socket */
  dockerHost?: string | undefined;
}

/** Store changes and answer with the stored strings (the engine emits `settings_change`). */
async function change(sentinel: Sentinel, changes: Partial<Record<SettingKey, string>>): Promise<Record<string, string>> {
  return (await sentinel.changeSettings(changes)) as Record<string, string>;
}

const list = (raw: string | undefined): string[] => (raw === undefined || raw === '' ? [] : raw.split(','));

export function registerSettingsRoutes(app: OpenAPIHono, { sentinel, clock }: RouteContext, options: SettingsRoutesOptions = {}): void {
  app.openapi(getSettingsRoute, async (c) => c.json(await sentinel.settingsView(), 200));

  app.openapi(pollIntervalRoute, async (c) => {
    const { poll_interval: interval = '' } = await change(sentinel, { poll_interval: c.req.valid('json').interval });
    const schedule = await sentinel.settings.get('schedule');
    const note = schedule === '' ? '' : ` (the cron schedule "${schedule}" is set and replaces it)`;
    return c.json({ status: 'ok' as const, interval, message: `poll interval updated to ${interval}${note}` }, 200);
  });

  app.openapi(defaultPolicyRoute, async (c) => {
    const { policy } = c.req.valid('json');
    await change(sentinel, { default_policy: policy });
    return c.json({ status: 'ok' as const, policy, message: `default policy set to ${policy}` }, 200);
  });

  app.openapi(gracePeriodRoute, async (c) => {
    const { grace_period: duration = '' } = await change(sentinel, { grace_period: c.req.valid('json').duration });
    return c.json({ status: 'ok' as const, duration, message: `grace period updated to ${duration}` }, 200);
  });

  app.openapi(pauseRoute, async (c) => {
    const { paused } = c.req.valid('json');
    await change(sentinel, { paused: String(paused) });
    return c.json({ status: 'ok' as const, paused, message: paused ? 'scheduled scans paused' : 'scheduled scans resumed' }, 200);
  });

  for (const { route, key, what } of toggleRoutes) {
    app.openapi(route, async (c) => {
      const { enabled } = c.req.valid('json');
      await change(sentinel, { [key]: String(enabled) });
      return c.json({ status: 'ok' as const, enabled, message: `${what} ${enabled ? 'enabled' : 'disabled'}` }, 200);
    });
  }

  app.openapi(filtersRoute, async (c) => {
    const { patterns } = c.req.valid('json');
    if (patterns.some((p) => p.includes(','))) throw new InvalidError('filter patterns cannot contain commas');
    const stored = await change(sentinel, { filters: patterns.join(',') });
    const saved = list(stored.filters);
    return c.json({ status: 'ok' as const, patterns: saved, message: saved.length === 0 ? 'scan filters cleared' : `scan filters updated (${saved.length} pattern${saved.length === 1 ? '' : 's'})` }, 200);
  });

  app.openapi(scheduleRoute, async (c) => {
    const body = c.req.valid('json');
    const stored = await change(sentinel, { schedule: body.schedule, ...(body.timezone === undefined ? {} : { timezone: body.timezone }) });
    const schedule = stored.schedule ?? '';
    const timezone = await sentinel.settings.get('timezone');
    const next = schedule === '' ? undefined : nextCronRun(schedule, clock.now(), timezone);
    const nextIso = next === undefined ? null : new Date(next).toISOString();
    const message =
      schedule === ''
        ? `scan schedule cleared; scans run every ${(await sentinel.settingsView()).poll_interval}`
        : `scan schedule set to "${schedule}" (${timezone})${nextIso === null ? '' : `; next scan at ${nextIso}`}`;
    return c.json({ status: 'ok' as const, schedule, timezone, next_run: nextIso, message }, 200);
  });

  app.openapi(rollbackPolicyRoute, async (c) => {
    const stored = await change(sentinel, { rollback_policy: c.req.valid('json').policy });
    const policy = stored.rollback_policy === 'manual' || stored.rollback_policy === 'pinned' ? stored.rollback_policy : 'none';
    return c.json({ status: 'ok' as const, policy, message: policy === 'none' ? 'rollback policy cleared: a rollback leaves the policy as it is' : `rollback policy set to ${policy}` }, 200);
  });

  app.openapi(versionScopeRoute, async (c) => {
    const { scope } = c.req.valid('json');
    await change(sentinel, { version_scope: scope });
    return c.json({ status: 'ok' as const, scope, message: `default version scope set to ${scope}` }, 200);
  });

  app.openapi(updateDelayRoute, async (c) => {
    const { update_delay: delay = '' } = await change(sentinel, { update_delay: c.req.valid('json').delay });
    return c.json({ status: 'ok' as const, delay, message: delay === '0s' ? 'update delay removed' : `update delay set to ${delay}` }, 200);
  });

  app.openapi(scanConcurrencyRoute, async (c) => {
    const { concurrency } = c.req.valid('json');
    await change(sentinel, { scan_concurrency: String(concurrency) });
    return c.json({ status: 'ok' as const, concurrency, message: `scan concurrency set to ${concurrency}` }, 200);
  });

  app.openapi(maintenanceWindowRoute, async (c) => {
    const body = c.req.valid('json');
    const stored = await change(sentinel, { maintenance_window: body.window, ...(body.timezone === undefined ? {} : { timezone: body.timezone }) });
    const window = stored.maintenance_window ?? '';
    const timezone = await sentinel.settings.get('timezone');
    const openNow = isWithinWindow(parseMaintenanceWindow(window), clock.now(), timezone);
    const message = window === '' ? 'maintenance window removed: automatic updates may run at any time' : `maintenance window set to "${window}" (${timezone})`;
    return c.json({ status: 'ok' as const, window, timezone, open_now: openNow, message }, 200);
  });

  app.openapi(stackOrderRoute, async (c) => {
    const stored = await change(sentinel, { stack_order: c.req.valid('json').order.join(',') });
    return c.json({ status: 'ok' as const, order: list(stored.stack_order), message: 'stack order saved' }, 200);
  });

  app.openapi(dashboardColumnsRoute, async (c) => {
    const stored = await change(sentinel, { dashboard_columns: c.req.valid('json').columns.join(',') });
    return c.json({ status: 'ok' as const, columns: list(stored.dashboard_columns), message: 'dashboard columns saved' }, 200);
  });

  app.openapi(composeSyncRoute, async (c) => {
    const { enabled } = c.req.valid('json');
    await change(sentinel, { compose_sync: String(enabled) });
    return c.json(
      {
        status: 'ok' as const,
        enabled,
        message: `compose sync ${enabled ? 'enabled' : 'disabled'} (stored)`,
        note: 'stored only: this server does not rewrite compose files; the value is kept and returned for dashboards and other tools',
      },
      200,
    );
  });

  app.openapi(haDiscoveryRoute, async (c) => {
    const body = c.req.valid('json');
    const stored = await change(sentinel, { ha_discovery: String(body.enabled), ...(body.prefix === undefined ? {} : { ha_discovery_prefix: body.prefix }) });
    const prefix = stored.ha_discovery_prefix ?? (await sentinel.settingsView()).ha_discovery_prefix ?? '';
    return c.json(
      {
        status: 'ok' as const,
        enabled: body.enabled,
        prefix,
        message: `HA discovery ${body.enabled ? 'enabled' : 'disabled'} (stored)`,
        note: 'stored only: this server does not publish Home Assistant MQTT discovery messages',
      },
      200,
    );
  });

  app.openapi(switchRoleRoute, async (c) => {
    const { role } = c.req.valid('json');
    await change(sentinel, { role });
    return c.json(
      { status: 'ok' as const, role, restart_required: true as const, message: `role set to ${role}; read on the next start`, ...(role === 'standalone' ? {} : { note: NOT_APPLIED_AT_START.role ?? '' }) },
      200,
    );
  });

  app.openapi(dockerTlsRoute, async (c) => {
    const body = c.req.valid('json');
    const given = [body.ca, body.cert, body.key].filter((p) => p.trim() !== '').length;
    if (given !== 0 && given !== 3) throw new InvalidError('give all three of ca, cert and key, or none to clear Docker TLS');
    await assertReadableFiles({ ca: body.ca.trim(), cert: body.cert.trim(), key: body.key.trim() });
    await change(sentinel, { docker_tls_ca: body.ca, docker_tls_cert: body.cert, docker_tls_key: body.key });
    return c.json(
      {
        status: 'ok' as const,
        ca: body.ca.trim(),
        cert: body.cert.trim(),
        key: body.key.trim(),
        restart_required: true as const,
        message: given === 0 ? 'Docker TLS settings cleared; takes effect on the next start' : `Docker TLS certificate paths saved; ${RESTART}`,
      },
      200,
    );
  });

  app.openapi(dockerTlsTestRoute, async (c) => {
    const body = c.req.valid('json');
    const host = body.host ?? options.dockerHost ?? process.env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST;
    if ([body.ca, body.cert, body.key].some((p) => p.trim() === '')) throw new InvalidError('ca, cert and key are all required to test a TLS connection');
    const result = await testDockerTls(host, { ca: body.ca.trim(), cert: body.cert.trim(), key: body.key.trim() });
    return c.json({ ...result, host }, 200);
  });

  app.openapi(generalRoute, async (c) => {
    const { key, value } = c.req.valid('json');
    if (key === 'tls_cert' || key === 'tls_key') await assertReadableFiles({ [key]: value.trim() });
    if (key === 'tls_mode' && value.trim().toLowerCase() === 'manual') {
      const view = await sentinel.settingsView();
      if (view.tls_cert === '' || view.tls_key === '') throw new InvalidError('set tls_cert and tls_key before tls_mode=manual');
    }
    const stored = await change(sentinel, { [key]: value });
    const saved = stored[key] ?? value;
    return c.json(
      {
        status: 'ok' as const,
        key,
        value: saved,
        restart_required: true as const,
        message: `${key} set to ${saved === '' ? '(empty)' : saved}; ${RESTART}`,
      },
      200,
    );
  });
}

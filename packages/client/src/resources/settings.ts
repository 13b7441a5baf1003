import type {
  ComposeSyncResponse,
  DashboardColumnsResponse,
  DefaultPolicyResponse,
  DockerTlsBody,
  DockerTlsResponse,
  DockerTlsTestBody,
  DockerTlsTestResponse,
  EnabledResponse,
  FiltersResponse,
  GeneralBody,
  GeneralResponse,
  GracePeriodResponse,
  HaDiscoveryBody,
  HaDiscoveryResponse,
  MaintenanceWindowResponse,
  PauseResponse,
  Policy,
  PollIntervalResponse,
  RollbackPolicyResponse,
  ScanConcurrencyResponse,
  ScheduleResponse,
  SettingsMap,
  StackOrderResponse,
  SwitchRoleResponse,
  UpdateDelayResponse,
  VersionScopeResponse,
} from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';

/** `/api/settings` and `/api/settings/<setting>`: read every setting, change one at a time. */
export class SettingsResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  #post<T>(setting: string, json: unknown): Promise<T> {
    return this.#http.json<T>({ method: 'POST', path: `/api/settings/${setting}`, json });
  }

  /**
   * `GET /api/settings`: a flat map of strings: env keys (`SENTINEL_POLL_INTERVAL`) hold the configured value, runtime keys (`poll_interval`) the effective one.
   * @example const { poll_interval, paused } = await client.settings.get();
   */
  get(): Promise<SettingsMap> {
    return this.#http.json({ method: 'GET', path: '/api/settings' });
  }

  /** `POST /api/settings/poll-interval`: time between scans, `5m` to `24h` (answers `4h0m0s` style). */
  setPollInterval(interval: string): Promise<PollIntervalResponse> {
    return this.#post('poll-interval', { interval });
  }

  /** `POST /api/settings/default-policy`. */
  setDefaultPolicy(policy: Policy): Promise<DefaultPolicyResponse> {
    return this.#post('default-policy', { policy });
  }

  /** `POST /api/settings/grace-period`: `0s` to `10m`. */
  setGracePeriod(duration: string): Promise<GracePeriodResponse> {
    return this.#post('grace-period', { duration });
  }

  /** `POST /api/settings/pause`: pause or resume scheduled scans. */
  setPaused(paused: boolean): Promise<PauseResponse> {
    return this.#post('pause', { paused });
  }

  /** `POST /api/settings/latest-auto-update`. */
  setLatestAutoUpdate(enabled: boolean): Promise<EnabledResponse> {
    return this.#post('latest-auto-update', { enabled });
  }

  /** `POST /api/settings/filters`: glob patterns excluding containers from scans (`!pattern` includes again). */
  setFilters(patterns: string[]): Promise<FiltersResponse> {
    return this.#post('filters', { patterns });
  }

  /** `POST /api/settings/image-cleanup`. */
  setImageCleanup(enabled: boolean): Promise<EnabledResponse> {
    return this.#post('image-cleanup', { enabled });
  }

  /** `POST /api/settings/image-backup`. */
  setImageBackup(enabled: boolean): Promise<EnabledResponse> {
    return this.#post('image-backup', { enabled });
  }

  /** `POST /api/settings/schedule`: cron schedule (empty string to disable), optionally its time zone. */
  setSchedule(schedule: string, options: { timezone?: string } = {}): Promise<ScheduleResponse> {
    return this.#post('schedule', { schedule, ...options });
  }

  /** `POST /api/settings/hooks-enabled`. */
  setHooksEnabled(enabled: boolean): Promise<EnabledResponse> {
    return this.#post('hooks-enabled', { enabled });
  }

  /** `POST /api/settings/hooks-write-labels`. */
  setHooksWriteLabels(enabled: boolean): Promise<EnabledResponse> {
    return this.#post('hooks-write-labels', { enabled });
  }

  /** `POST /api/settings/dependency-aware`. */
  setDependencyAware(enabled: boolean): Promise<EnabledResponse> {
    return this.#post('dependency-aware', { enabled });
  }

  /** `POST /api/settings/rollback-policy`: policy set after a rollback. */
  setRollbackPolicy(policy: 'none' | 'manual' | 'pinned'): Promise<RollbackPolicyResponse> {
    return this.#post('rollback-policy', { policy });
  }

  /** `POST /api/settings/version-scope`. */
  setVersionScope(scope: 'patch' | 'minor' | 'major'): Promise<VersionScopeResponse> {
    return this.#post('version-scope', { scope });
  }

  /** `POST /api/settings/dry-run`. */
  setDryRun(enabled: boolean): Promise<EnabledResponse> {
    return this.#post('dry-run', { enabled });
  }

  /** `POST /api/settings/pull-only`. */
  setPullOnly(enabled: boolean): Promise<EnabledResponse> {
    return this.#post('pull-only', { enabled });
  }

  /** `POST /api/settings/update-delay`: how long a version must have been seen before an auto update applies it. */
  setUpdateDelay(delay: string): Promise<UpdateDelayResponse> {
    return this.#post('update-delay', { delay });
  }

  /** `POST /api/settings/show-stopped`. */
  setShowStopped(enabled: boolean): Promise<EnabledResponse> {
    return this.#post('show-stopped', { enabled });
  }

  /** `POST /api/settings/remove-volumes`. */
  setRemoveVolumes(enabled: boolean): Promise<EnabledResponse> {
    return this.#post('remove-volumes', { enabled });
  }

  /** `POST /api/settings/scan-concurrency`: 1 to 64. */
  setScanConcurrency(concurrency: number): Promise<ScanConcurrencyResponse> {
    return this.#post('scan-concurrency', { concurrency });
  }

  /** `POST /api/settings/maintenance-window`: e.g. `Sat 02:00-05:00`; empty removes it. */
  setMaintenanceWindow(window: string, options: { timezone?: string } = {}): Promise<MaintenanceWindowResponse> {
    return this.#post('maintenance-window', { window, ...options });
  }

  /** `POST /api/settings/stack-order`. */
  setStackOrder(order: string[]): Promise<StackOrderResponse> {
    return this.#post('stack-order', { order });
  }

  /** `POST /api/settings/dashboard-columns`. */
  setDashboardColumns(columns: string[]): Promise<DashboardColumnsResponse> {
    return this.#post('dashboard-columns', { columns });
  }

  /** `POST /api/settings/compose-sync` (stored; the answer's `note` says this server does not act on it). */
  setComposeSync(enabled: boolean): Promise<ComposeSyncResponse> {
    return this.#post('compose-sync', { enabled });
  }

  /** `POST /api/settings/ha-discovery` (stored; the answer's `note` says this server does not act on it). */
  setHaDiscovery(body: HaDiscoveryBody): Promise<HaDiscoveryResponse> {
    return this.#post('ha-discovery', body);
  }

  /** `POST /api/settings/switch-role`: applied on the next start. */
  switchRole(role: 'standalone' | 'server' | 'agent'): Promise<SwitchRoleResponse> {
    return this.#post('switch-role', { role });
  }

  /** `POST /api/settings/docker-tls`: certificate paths on the server, applied on the next start. */
  setDockerTls(body: DockerTlsBody): Promise<DockerTlsResponse> {
    return this.#post('docker-tls', body);
  }

  /** `POST /api/settings/docker-tls-test`: try a TLS connection with these files; `success` says how it went. */
  testDockerTls(body: DockerTlsTestBody): Promise<DockerTlsTestResponse> {
    return this.#post('docker-tls-test', body);
  }

  /** `POST /api/settings/general`: `web_port`, `tls_mode`, `tls_cert`, `tls_key`, `log_format`; applied on the next start. */
  setGeneral(key: GeneralBody['key'], value: string): Promise<GeneralResponse> {
    return this.#post('general', { key, value });
  }
}

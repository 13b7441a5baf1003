import { describe, expect, it } from 'vitest';
import { NotFoundError } from '@sentinel-kit/client';
import { METRIC_NAMES, recordNotificationFailure } from '../../src/metrics/index.js';
import { SERVER_VERSION } from '../../src/version.js';
import { seedWithVersions, setup } from './client-fixture.js';

/** `name{labels} value` lines of an exposition, by series. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const typed = (text: string): Set<string> => new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string));

describe('client.system.metrics', () => {
  it('answers 404 unless metrics are enabled', async () => {
    const f = setup();
    const error = await f.client.system.metrics().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toContain('SENTINEL_METRICS=true');
  });

  it('serves Prometheus text: containers, queue, scans, update outcomes and durations, registry requests', async () => {
    const f = setup({ fixture: { app: { metrics: true } } });
    // Durations and outcomes are observed from the engine's events while the app runs.
    await f.app.start();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    seedWithVersions(f, 'db', 'db', ['2.0.0']);

    const fresh = await f.client.system.metrics();
    expect(typed(fresh)).toEqual(new Set(Object.values(METRIC_NAMES)));
    expect(samples(fresh).get('sentinel_containers')).toBe(2);
    expect(samples(fresh).get('sentinel_updates_total{outcome="success"}')).toBe(0);
    expect(samples(fresh).get('sentinel_last_scan_timestamp_seconds')).toBe(0);

    await f.client.scan();
    await f.sentinel.idle();
    await f.client.queue.approve('web');
    await f.sentinel.idle();

    const res = await f.app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const s = samples(await res.text());
    expect(s.get('sentinel_containers')).toBe(2);
    expect(s.get('sentinel_containers_running')).toBe(2);
    expect(s.get('sentinel_pending_updates')).toBe(0);
    expect(s.get('sentinel_scan_duration_seconds_count')).toBe(1);
    expect(s.get('sentinel_updates_total{outcome="success"}')).toBe(1);
    expect(s.get('sentinel_updates_total{outcome="rolled_back"}')).toBe(0);
    expect(s.get('sentinel_update_duration_seconds_count{type="update"}')).toBe(1);
    expect(s.get('sentinel_registry_requests_total{registry="registry.test",kind="tags"}')).toBeGreaterThan(0);
    expect(s.get('sentinel_last_scan_timestamp_seconds')).toBeGreaterThan(0);
    expect(s.get(`sentinel_info{version="${SERVER_VERSION}"}`)).toBe(1);
  });

  it('counts notification failures reported by notification code', async () => {
    const f = setup({ fixture: { app: { metrics: true } } });
    recordNotificationFailure(f.sentinel, 'gotify');
    recordNotificationFailure(f.sentinel, 'gotify');
    recordNotificationFailure(f.sentinel, 'slack');
    const s = samples(await f.client.system.metrics());
    expect(s.get('sentinel_notification_failures_total{channel_type="gotify"}')).toBe(2);
    expect(s.get('sentinel_notification_failures_total{channel_type="slack"}')).toBe(1);
  });

  it('every metric the Grafana dashboard queries is served at /metrics', async () => {
    const f = setup({ fixture: { app: { metrics: true } } });
    const served = typed(await f.client.system.metrics());
    const dashboard = await f.client.config.grafanaDashboard();
    const panels = dashboard.panels as Array<{ title: string; targets: Array<{ expr: string }> }>;
    expect(panels.length).toBeGreaterThan(5);
    const referenced = new Set<string>();
    for (const panel of panels) {
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const { expr } of panel.targets) {
        for (const m of expr.matchAll(/\b(sentinel_[a-z_]+)\b/g)) referenced.add((m[1] as string).replace(/_(bucket|sum|count)$/, ''));
      }
    }
    expect(referenced.size).toBeGreaterThan(5);
    expect([...referenced].filter((name) => !served.has(name))).toEqual([]);
    // And every served metric has a panel.
    expect([...served].filter((name) => !referenced.has(name))).toEqual([]);
  });
});

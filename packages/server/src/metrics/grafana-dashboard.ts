import { METRIC_NAMES } from './server-metrics.js';

const M = METRIC_NAMES;
const DS = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };

interface Target {
  expr: string;
  legendFormat: string;
}

interface PanelSpec {
  title: string;
  type: 'stat' | 'timeseries';
  unit: string;
  targets: Target[];
  w: number;
  h: number;
  description: string;
}

/** The panels, in reading order: figures first, then rates and latencies. */
const PANELS: PanelSpec[] = [
  { title: 'Containers', type: 'stat', unit: 'none', w: 4, h: 4, description: 'Containers on the engine', targets: [{ expr: `${M.containers}`, legendFormat: 'containers' }] },
  { title: 'Running', type: 'stat', unit: 'none', w: 4, h: 4, description: 'Running containers', targets: [{ expr: `${M.containersRunning}`, legendFormat: 'running' }] },
  { title: 'Pending updates', type: 'stat', unit: 'none', w: 4, h: 4, description: 'Updates waiting for approval', targets: [{ expr: `${M.pendingUpdates}`, legendFormat: 'pending' }] },
  { title: 'Since last scan', type: 'stat', unit: 's', w: 4, h: 4, description: 'Time since the last scan finished', targets: [{ expr: `time() - ${M.lastScan}`, legendFormat: 'age' }] },
  { title: 'Updates applied (24h)', type: 'stat', unit: 'none', w: 4, h: 4, description: 'Successful updates in the last day', targets: [{ expr: `sum(increase(${M.updates}{outcome="success"}[24h]))`, legendFormat: 'updates' }] },
  { title: 'Version', type: 'stat', unit: 'none', w: 4, h: 4, description: 'Server version', targets: [{ expr: `${M.info}`, legendFormat: '{{version}}' }] },
  {
    title: 'Update outcomes',
    type: 'timeseries',
    unit: 'none',
    w: 12,
    h: 8,
    description: 'Update attempts per interval, by outcome',
    targets: [{ expr: `sum by (outcome) (increase(${M.updates}[$__rate_interval]))`, legendFormat: '{{outcome}}' }],
  },
  {
    title: 'Update duration',
    type: 'timeseries',
    unit: 's',
    w: 12,
    h: 8,
    description: 'p50 and p95 of update and rollback durations',
    targets: [
      { expr: `histogram_quantile(0.5, sum by (le, type) (rate(${M.updateDuration}_bucket[$__rate_interval])))`, legendFormat: 'p50 {{type}}' },
      { expr: `histogram_quantile(0.95, sum by (le, type) (rate(${M.updateDuration}_bucket[$__rate_interval])))`, legendFormat: 'p95 {{type}}' },
    ],
  },
  {
    title: 'Scan duration',
    type: 'timeseries',
    unit: 's',
    w: 12,
    h: 8,
    description: 'Average and p95 scan duration',
    targets: [
      { expr: `rate(${M.scanDuration}_sum[$__rate_interval]) / rate(${M.scanDuration}_count[$__rate_interval])`, legendFormat: 'average' },
      { expr: `histogram_quantile(0.95, sum by (le) (rate(${M.scanDuration}_bucket[$__rate_interval])))`, legendFormat: 'p95' },
    ],
  },
  {
    title: 'Registry requests',
    type: 'timeseries',
    unit: 'reqps',
    w: 12,
    h: 8,
    description: 'Requests per second to registries, by kind',
    targets: [{ expr: `sum by (kind) (rate(${M.registryRequests}[$__rate_interval]))`, legendFormat: '{{kind}}' }],
  },
  {
    title: 'Rate limit remaining',
    type: 'timeseries',
    unit: 'none',
    w: 12,
    h: 8,
    description: 'Requests left in each registry rate-limit window',
    targets: [{ expr: `${M.rateLimitRemaining}`, legendFormat: '{{registry}}' }],
  },
  {
    title: 'Notification failures',
    type: 'timeseries',
    unit: 'none',
    w: 12,
    h: 8,
    description: 'Undeliverable notifications per interval, by channel type',
    targets: [{ expr: `sum by (channel_type) (increase(${M.notificationFailures}[$__rate_interval]))`, legendFormat: '{{channel_type}}' }],
  },
];

/**
 * A Grafana dashboard over exactly the metrics `/metrics` serves. Import it in
 * Grafana (Dashboards → New → Import) and pick the Prometheus data source
 * that scrapes this server.
 */
export function grafanaDashboard(version: string): Record<string, unknown> {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = PANELS.map((p, i) => {
    if (x + p.w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { x, y, w: p.w, h: p.h };
    x += p.w;
    rowHeight = Math.max(rowHeight, p.h);
    return {
      id: i + 1,
      title: p.title,
      description: p.description,
      type: p.type,
      datasource: DS,
      gridPos,
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      options: p.type === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, textMode: p.title === 'Version' ? 'name' : 'auto' } : { legend: { displayMode: 'list', placement: 'bottom' } },
      targets: p.targets.map((t, j) => ({ datasource: DS, expr: t.expr, legendFormat: t.legendFormat, refId: String.fromCharCode(65 + j) })),
    };
  });
  return {
    __inputs: [{ name: 'DS_PROMETHEUS', label: 'Prometheus', description: 'The Prometheus that scrapes Sentinel Kit', type: 'datasource', pluginId: 'prometheus', pluginName: 'Prometheus' }],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.0.0' },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
      { type: 'panel', id: 'stat', name: 'Stat', version: '' },
      { type: 'panel', id: 'timeseries', name: 'Time series', version: '' },
    ],
    title: 'Sentinel Kit',
    uid: 'sentinel-kit',
    description: `Container updates, scans and registries of Sentinel Kit ${version}`,
    tags: ['sentinel-kit', 'docker'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-24h', to: 'now' },
    refresh: '1m',
    timezone: 'browser',
    panels,
    templating: { list: [] },
    annotations: { list: [] },
  };
}

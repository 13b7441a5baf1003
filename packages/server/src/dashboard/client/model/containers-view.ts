import type { Container } from '@sentinel-kit/core/contract';

/** The columns a dashboard row can show (`dashboard-columns` picks among them; the name is always shown). */
export const DASHBOARD_COLUMNS = ['image', 'status', 'policy', 'update', 'ports', 'actions'] as const;
export type DashboardColumn = (typeof DASHBOARD_COLUMNS)[number];

export const COLUMN_LABELS: Readonly<Record<DashboardColumn, string>> = {
  image: 'Image',
  status: 'State',
  policy: 'Policy',
  update: 'Update',
  ports: 'Ports',
  actions: 'Actions',
};

/** The dashboard settings that shape the containers page (seed 001). */
export interface DashboardPrefs {
  stackOrder: string[];
  columns: DashboardColumn[];
  showStopped: boolean;
}

const list = (raw: string | undefined): string[] => (raw === undefined || raw.trim() === '' ? [] : raw.split(',').map((s) => s.trim()).filter(Boolean));

/**
 * Read the dashboard settings from `GET /api/settings`. Without the
 * settings (a viewer may not read them) the defaults apply: every column,
 * stopped containers shown, stacks alphabetical.
 */
export function dashboardPrefs(settings: Readonly<Record<string, string>> | undefined): DashboardPrefs {
  const chosen = list(settings?.['dashboard_columns']).filter((c): c is DashboardColumn => (DASHBOARD_COLUMNS as readonly string[]).includes(c));
  return {
    stackOrder: list(settings?.['stack_order']),
    columns: chosen.length === 0 ? [...DASHBOARD_COLUMNS] : DASHBOARD_COLUMNS.filter((c) => chosen.includes(c)),
    showStopped: settings?.['show_stopped'] !== 'false',
  };
}

export interface ContainerFilter {
  /** Words matched against name, image and stack (all must match). */
  search: string;
  state: 'all' | 'running' | 'stopped';
  updatesOnly: boolean;
  policy: 'all' | 'auto' | 'manual' | 'pinned';
}

export const NO_FILTER: ContainerFilter = { search: '', state: 'all', updatesOnly: false, policy: 'all' };

export const isRunning = (c: Pick<Container, 'state'>): boolean => c.state === 'running' || c.state === 'restarting' || c.state === 'paused';

/** Whether a container passes the page's filter and the `show-stopped` setting. */
export function matches(c: Container, filter: ContainerFilter, showStopped: boolean): boolean {
  if (!showStopped && !isRunning(c) && !c.maintenance) return false;
  if (filter.state === 'running' && !isRunning(c)) return false;
  if (filter.state === 'stopped' && isRunning(c)) return false;
  if (filter.updatesOnly && c.update_available !== true) return false;
  if (filter.policy !== 'all' && c.policy !== filter.policy) return false;
  const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = `${c.name} ${c.image} ${c.stack ?? ''}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

export interface StackGroup {
  /** The stack (compose project) name; `undefined` for containers outside any stack. */
  stack: string | undefined;
  containers: Container[];
}

/**
 * Group containers by stack: stacks named in `stack-order` first, in that
 * order, then the others alphabetically, then containers without a stack.
 * Containers within a group are sorted by name.
 */
export function groupByStack(containers: readonly Container[], stackOrder: readonly string[]): StackGroup[] {
  const groups = new Map<string | undefined, Container[]>();
  for (const c of containers) {
    const key = c.stack === undefined || c.stack === '' ? undefined : c.stack;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(c);
  }
  const rank = new Map(stackOrder.map((s, i) => [s, i]));
  const keys = [...groups.keys()].sort((a, b) => {
    if (a === undefined) return 1;
    if (b === undefined) return -1;
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra !== undefined && rb !== undefined) return ra - rb;
    if (ra !== undefined) return -1;
    if (rb !== undefined) return 1;
    return a.localeCompare(b);
  });
  return keys.map((stack) => ({ stack, containers: (groups.get(stack) ?? []).sort((x, y) => x.name.localeCompare(y.name)) }));
}

/** Where an update in progress is, from the `container_update` events (`data.phase`, then `data.outcome`). */
export interface UpdateProgress {
  phase: string;
  message: string;
  layersDone?: number;
  layersTotal?: number;
  /** Set by the final event: `success`, `rolled_back`, `failed`… */
  outcome?: string;
  error?: string;
}

export const PHASE_LABELS: Readonly<Record<string, string>> = {
  started: 'starting update',
  pulling: 'pulling image',
  pulled: 'image pulled',
  stopping: 'stopping old container',
  starting: 'starting new container',
  health_check: 'waiting for health check',
  rolling_back: 'rolling back',
  recovering: 'recovering after restart',
};

/** Fold one `container_update` event's data into the row's progress; `undefined` when the event says nothing about progress. */
export function progressFrom(data: Readonly<Record<string, unknown>> | undefined, message: string): UpdateProgress | undefined {
  if (data === undefined) return undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  if (typeof data['outcome'] === 'string') {
    return { phase: 'done', message, outcome: data['outcome'], ...(typeof data['error'] === 'string' ? { error: data['error'] } : {}) };
  }
  if (typeof data['phase'] !== 'string') return undefined;
  const p: UpdateProgress = { phase: data['phase'], message };
  const done = num(data['layers_done']);
  const total = num(data['layers_total']);
  if (done !== undefined) p.layersDone = done;
  if (total !== undefined) p.layersTotal = total;
  return p;
}

/** The port chips of a row, read from the `/row` partial's links (the server builds and escapes them). */
export interface PortChip {
  label: string;
  title: string;
  href?: string;
}

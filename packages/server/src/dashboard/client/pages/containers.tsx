import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { BulkPolicyPreview, Container, DigestBanner, Policy } from '@sentinel-kit/core/contract';
import { errorStatus, errorText } from '../api.js';
import { timeAgo, formatTime } from '../format.js';
import { COLUMN_LABELS, NO_FILTER, dashboardPrefs, groupByStack, matches, progressFrom } from '../model/containers-view.js';
import type { ContainerFilter, UpdateProgress } from '../model/containers-view.js';
import { ActionButton, Notice, PageTitle, useLive, useSession } from '../ui.js';
import { ContainerRow } from './container-row.js';

interface ScanState {
  running: boolean;
  events: number;
  summary?: string;
}

/**
 * The containers page: every container grouped by stack, kept current by the
 * event stream (each event refreshes only the row it names).
 */
export function ContainersPage(): JSX.Element {
  const session = useSession();
  const { client, can } = session;
  const [containers, setContainers] = useState<Map<string, Container> | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [settings, setSettings] = useState<Record<string, string> | undefined>(undefined);
  const [lastScan, setLastScan] = useState<string | null>(null);
  const [banner, setBanner] = useState<DigestBanner | undefined>(undefined);
  const [progress, setProgress] = useState<Map<string, UpdateProgress>>(new Map());
  const [filter, setFilter] = useState<ContainerFilter>(NO_FILTER);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [scan, setScan] = useState<ScanState>({ running: false, events: 0 });
  const [, setTick] = useState(0);
  // Rows being refreshed; `true` when another event asked for the row while it was in flight.
  const refreshing = useRef(new Map<string, boolean>());

  const loadAll = async (): Promise<void> => {
    try {
      const list = await client.containers.list();
      setContainers(new Map(list.map((c) => [c.name, c])));
      setLoadError(undefined);
    } catch (e) {
      setLoadError(errorText(e));
    }
  };
  const loadSettings = async (): Promise<void> => {
    if (can('settings.view')) setSettings(await client.settings.get().catch(() => undefined));
  };
  const loadLastScan = async (): Promise<void> => setLastScan((await client.lastScan().catch(() => ({ last_scan: null }))).last_scan);
  const loadBanner = async (): Promise<void> => setBanner(await client.digest.banner().catch(() => undefined));

  /**
   * Refresh one row from the server. Bursts of events for the same container
   * coalesce into one request in flight plus, if more came meanwhile, one more
   * afterwards, so the last event is always reflected.
   */
  const refreshOne = (name: string): void => {
    if (refreshing.current.has(name)) {
      refreshing.current.set(name, true);
      return;
    }
    refreshing.current.set(name, false);
    void (async () => {
      for (;;) {
        try {
          const { history: _h, snapshots: _s, ...row } = await client.containers.get(name);
          setContainers((m) => new Map(m).set(name, row));
        } catch (e) {
          if (errorStatus(e) === 404)
            setContainers((m) => {
              const next = new Map(m);
              next.delete(name);
              return next;
            });
        }
        if (refreshing.current.get(name) !== true) break;
        refreshing.current.set(name, false);
      }
      refreshing.current.delete(name);
    })();
  };

  /**
   * After an update's final event: the engine may still hold the container's
   * lock for a moment, so a row that still reads `maintenance` is asked again a
   * few times with growing pauses (bounded, and only after that event).
   */
  const settle = async (name: string): Promise<void> => {
    for (const pause of [0, 250, 500, 1000, 2000, 4000]) {
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      try {
        const { history: _h, snapshots: _s, ...row } = await client.containers.get(name);
        setContainers((m) => new Map(m).set(name, row));
        if (!row.maintenance) return;
      } catch (e) {
        if (errorStatus(e) === 404) return refreshOne(name);
      }
    }
  };

  useEffect(() => {
    void loadAll();
    void loadSettings();
    void loadLastScan();
    void loadBanner();
    // "3 min ago" stays true without asking the server anything.
    const t = setInterval(() => setTick((n) => n + 1), 30_000);
    return () => clearInterval(t);
  }, []);

  useLive((e) => {
    const name = e.container_name;
    switch (e.type) {
      case 'container_update': {
        if (name === undefined) break;
        const p = progressFrom(e.data, e.message);
        if (p !== undefined) setProgress((m) => new Map(m).set(name, p));
        if (p?.outcome !== undefined) void settle(name);
        else refreshOne(name);
        if (scan.running) setScan((s) => ({ ...s, events: s.events + 1 }));
        break;
      }
      case 'container_state':
      case 'policy_change':
      case 'queue_change':
      case 'ghcr_check':
        if (name !== undefined) refreshOne(name);
        else void loadAll();
        if (scan.running) setScan((s) => ({ ...s, events: s.events + 1 }));
        break;
      case 'scan_complete': {
        const d = (e.data ?? {}) as Record<string, unknown>;
        const n = (k: string): number => (typeof d[k] === 'number' ? (d[k] as number) : 0);
        setScan({ running: false, events: 0, summary: `${e.message}: ${n('checked')} checked, ${n('updates_available')} with updates, ${n('updated')} updated, ${n('queued')} queued, ${n('failed')} failed` });
        void loadAll();
        void loadLastScan();
        void loadBanner();
        break;
      }
      case 'settings_change':
        void loadSettings();
        break;
      case 'digest_ready':
        void loadBanner();
        break;
    }
  });

  const prefs = dashboardPrefs(settings);
  const all = useMemo(() => (containers === undefined ? [] : [...containers.values()]), [containers]);
  const visible = all.filter((c) => matches(c, filter, prefs.showStopped));
  const groups = groupByStack(visible, prefs.stackOrder);
  const hiddenStopped = prefs.showStopped ? 0 : all.filter((c) => !matches(c, filter, false) && matches(c, filter, true)).length;
  const canBulk = can('containers.manage');
  const running = all.filter((c) => c.state === 'running').length;
  const pending = all.filter((c) => c.update_available === true).length;

  const toggle = (name: string, on: boolean): void =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });

  return (
    <>
      <div class="page-head">
        <PageTitle>Containers</PageTitle>
        <div class="page-tools">
          <span class="last-scan">
            Last scan: <time dateTime={lastScan ?? undefined} title={formatTime(lastScan)}>{timeAgo(lastScan)}</time>
          </span>
          {can('containers.update') ? (
            <ActionButton kind="primary" disabled={scan.running} run={() => client.scan()} onDone={() => setScan({ running: true, events: 0 })}>
              {scan.running ? 'Scanning…' : 'Scan now'}
            </ActionButton>
          ) : null}
        </div>
      </div>
      {scan.running ? (
        <p class="scan-progress" role="status">
          <span class="spinner" aria-hidden="true" /> Scan in progress — {scan.events} change{scan.events === 1 ? '' : 's'} so far
        </p>
      ) : scan.summary === undefined ? null : (
        <p class="scan-progress" role="status">
          {scan.summary}
        </p>
      )}
      {banner !== undefined && banner.count > 0 ? <DigestBannerNotice banner={banner} onDismiss={() => void client.digest.dismissBanner().then(loadBanner)} /> : null}
      <dl class="stat-cards" aria-label="Counts">
        <div>
          <dt>Containers</dt>
          <dd>{all.length}</dd>
        </div>
        <div>
          <dt>Running</dt>
          <dd>{running}</dd>
        </div>
        <div>
          <dt>Updates pending</dt>
          <dd>{pending}</dd>
        </div>
      </dl>
      <FilterBar filter={filter} onChange={setFilter} />
      {canBulk && selected.size > 0 ? <BulkPolicy names={[...selected]} onDone={() => setSelected(new Set())} /> : null}
      {loadError === undefined ? null : <Notice kind="error">Could not load the containers: {loadError}</Notice>}
      {containers === undefined ? (
        loadError === undefined ? <p role="status">Loading containers…</p> : null
      ) : visible.length === 0 ? (
        <p>{all.length === 0 ? 'The engine has no containers.' : 'No container matches the filter.'}</p>
      ) : (
        <div class="table-wrap">
          <table class="containers">
            <caption class="visually-hidden">Containers grouped by stack</caption>
            <thead>
              <tr>
                {canBulk ? (
                  <th scope="col" class="col-select">
                    <span class="visually-hidden">Select</span>
                  </th>
                ) : null}
                <th scope="col">Name</th>
                {prefs.columns.filter((c) => c !== 'actions' || can('containers.update') || can('containers.manage') || can('containers.rollback') || can('logs.view')).map((c) => (
                  <th scope="col" key={c} class={`col-${c}`}>
                    {COLUMN_LABELS[c]}
                  </th>
                ))}
              </tr>
            </thead>
            {groups.map((g) => (
              <tbody key={g.stack ?? ''}>
                <tr class="stack-row">
                  <th scope="rowgroup" colSpan={prefs.columns.length + 2}>
                    {g.stack ?? 'Not in a stack'} <span class="count">({g.containers.length})</span>
                  </th>
                </tr>
                {g.containers.map((c) => (
                  <ContainerRow key={c.name} container={c} columns={prefs.columns} progress={progress.get(c.name)} selectable={canBulk} selected={selected.has(c.name)} onSelect={toggle} />
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
      {hiddenStopped > 0 ? <p class="hint">{hiddenStopped} stopped container{hiddenStopped === 1 ? ' is' : 's are'} hidden (setting “show stopped”).</p> : null}
    </>
  );
}

function DigestBannerNotice({ banner, onDismiss }: { banner: DigestBanner; onDismiss: () => void }): JSX.Element {
  return (
    <div class="notice notice-info digest-banner">
      <p>
        <strong>Digest:</strong> {banner.count} pending update{banner.count === 1 ? '' : 's'}
        {banner.pending.length > 0 ? ` (${banner.pending.slice(0, 8).join(', ')}${banner.pending.length > 8 ? ', …' : ''})` : ''}.{' '}
        <a href="#/queue">Review the queue</a>
      </p>
      <button type="button" class="btn btn-plain" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function FilterBar({ filter, onChange }: { filter: ContainerFilter; onChange: (f: ContainerFilter) => void }): JSX.Element {
  return (
    <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <label>
        <span>Search</span>
        <input type="search" placeholder="name, image or stack" value={filter.search} onInput={(e) => onChange({ ...filter, search: e.currentTarget.value })} />
      </label>
      <label>
        <span>State</span>
        <select value={filter.state} onChange={(e) => onChange({ ...filter, state: e.currentTarget.value as ContainerFilter['state'] })}>
          <option value="all">All</option>
          <option value="running">Running</option>
          <option value="stopped">Stopped</option>
        </select>
      </label>
      <label>
        <span>Policy</span>
        <select value={filter.policy} onChange={(e) => onChange({ ...filter, policy: e.currentTarget.value as ContainerFilter['policy'] })}>
          <option value="all">All</option>
          <option value="auto">auto</option>
          <option value="manual">manual</option>
          <option value="pinned">pinned</option>
        </select>
      </label>
      <label class="check">
        <input type="checkbox" checked={filter.updatesOnly} onChange={(e) => onChange({ ...filter, updatesOnly: e.currentTarget.checked })} />
        <span>Updates only</span>
      </label>
    </form>
  );
}

/** Bulk policy change: the server's preview first, then confirm. */
function BulkPolicy({ names, onDone }: { names: string[]; onDone: () => void }): JSX.Element {
  const { client, say } = useSession();
  const [policy, setPolicy] = useState<Policy>('manual');
  const [preview, setPreview] = useState<BulkPolicyPreview | undefined>(undefined);
  useEffect(() => setPreview(undefined), [names.join('\n'), policy]);
  return (
    <section class="card bulk" aria-label="Bulk policy change">
      <p>
        {names.length} selected.{' '}
        <label>
          Set policy to{' '}
          <select value={policy} onChange={(e) => setPolicy(e.currentTarget.value as Policy)}>
            <option value="auto">auto</option>
            <option value="manual">manual</option>
            <option value="pinned">pinned</option>
          </select>
        </label>{' '}
        <ActionButton run={() => client.policy.bulk({ containers: names, policy })} done="" onDone={(r) => setPreview(r as BulkPolicyPreview)}>
          Preview
        </ActionButton>
      </p>
      {preview === undefined ? null : (
        <div class="bulk-preview">
          <p>
            {preview.changes.length} will change, {preview.unchanged.length} unchanged, {preview.blocked.length} blocked.
          </p>
          <ul>
            {preview.changes.map((c) => (
              <li key={c.name}>
                {c.name}: {c.from} → {c.to}
              </li>
            ))}
            {preview.blocked.map((c) => (
              <li key={c.name}>
                {c.name}: blocked ({c.reason})
              </li>
            ))}
          </ul>
          <ActionButton
            kind="primary"
            disabled={preview.changes.length === 0}
            run={() => client.policy.bulk({ containers: names, policy, confirm: true })}
            done={(r) => `policy ${policy} applied to ${(r as { applied: number }).applied} container(s)`}
            onDone={() => {
              setPreview(undefined);
              onDone();
            }}
          >
            Confirm
          </ActionButton>{' '}
          <button type="button" class="btn btn-plain" onClick={() => (setPreview(undefined), say('bulk change cancelled'))}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}

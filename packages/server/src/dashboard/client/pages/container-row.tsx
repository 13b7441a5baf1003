import { Component } from 'preact';
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Container, ContainerGhcrResponse, Policy, VersionsResponse } from '@sentinel-kit/core/contract';
import { errorText } from '../api.js';
import { formatTime } from '../format.js';
import { PHASE_LABELS } from '../model/containers-view.js';
import type { DashboardColumn, PortChip, UpdateProgress } from '../model/containers-view.js';
import { href } from '../router.js';
import { ActionButton, useSession } from '../ui.js';

export interface ContainerRowProps {
  container: Container;
  columns: readonly DashboardColumn[];
  progress: UpdateProgress | undefined;
  selectable: boolean;
  selected: boolean;
  onSelect: (name: string, on: boolean) => void;
}

/**
 * One container. Re-rendered only when its own data changes, so an event
 * about one container among a thousand redraws one row.
 */
export class ContainerRow extends Component<ContainerRowProps> {
  override shouldComponentUpdate(next: ContainerRowProps): boolean {
    const p = this.props;
    return p.container !== next.container || p.progress !== next.progress || p.selected !== next.selected || p.columns !== next.columns || p.selectable !== next.selectable;
  }

  override render(): JSX.Element {
    return <RowView {...this.props} />;
  }
}

function RowView({ container: c, columns, progress, selectable, selected, onSelect }: ContainerRowProps): JSX.Element {
  const { can } = useSession();
  const [open, setOpen] = useState(false);
  const hasActions = can('containers.update') || can('containers.manage') || can('containers.rollback') || can('logs.view');
  const rowId = `row-${c.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <>
      <tr id={rowId} class={`container-row state-${c.state}${c.maintenance ? ' in-maintenance' : ''}`} data-name={c.name} data-image={c.image} data-state={c.state}>
        {selectable ? (
          <td class="col-select">
            <input type="checkbox" aria-label={`Select ${c.name}`} checked={selected} onChange={(e) => onSelect(c.name, e.currentTarget.checked)} />
          </td>
        ) : null}
        <th scope="row" class="col-name">
          <span class="container-name">{c.name}</span>
          {c.self === true ? <span class="badge">this server</span> : null}
        </th>
        {columns.map((col) => {
          switch (col) {
            case 'image':
              return (
                <td key={col} class="col-image">
                  <code>{c.image}</code>
                </td>
              );
            case 'status':
              return (
                <td key={col} class="col-status">
                  <span class={`badge state state-${c.state}`}>{c.state}</span>
                  {c.health === undefined || c.health === '' ? null : <span class={`badge health health-${c.health}`}>{c.health}</span>}
                  {c.maintenance ? <span class="badge maintenance">maintenance</span> : null}
                </td>
              );
            case 'policy':
              return (
                <td key={col} class="col-policy">
                  <PolicyCell container={c} />
                </td>
              );
            case 'update':
              return (
                <td key={col} class="col-update">
                  <UpdateCell container={c} progress={progress} />
                </td>
              );
            case 'ports':
              return (
                <td key={col} class="col-ports">
                  <PortChips container={c} />
                </td>
              );
            case 'actions':
              return hasActions ? (
                <td key={col} class="col-actions">
                  <RowActions container={c} open={open} onToggle={() => setOpen(!open)} detailsId={`${rowId}-details`} />
                </td>
              ) : null;
          }
        })}
      </tr>
      {open ? (
        <tr class="details-row" id={`${rowId}-details`}>
          <td colSpan={columns.length + 2}>
            <RowDetails container={c} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function PolicyCell({ container: c }: { container: Container }): JSX.Element {
  const { can, client, say } = useSession();
  if (!can('containers.manage') || c.self === true) {
    return <span class={`badge policy policy-${c.policy}`}>{c.policy}</span>;
  }
  const change = async (value: string): Promise<void> => {
    try {
      const r = value === 'label' ? await client.containers.clearPolicy(c.name) : await client.containers.setPolicy(c.name, value as Policy);
      say(r.message, 'ok');
    } catch (e) {
      say(errorText(e), 'error');
    }
  };
  return (
    <select aria-label={`Policy of ${c.name}`} value={c.policy} onChange={(e) => void change(e.currentTarget.value)} title={c.policy_source === undefined ? undefined : `from ${c.policy_source.replace(/_/g, ' ')}`}>
      <option value="auto">auto</option>
      <option value="manual">manual</option>
      <option value="pinned">pinned</option>
      {c.policy_source === 'override' ? <option value="label">remove override</option> : null}
    </select>
  );
}

function UpdateCell({ container: c, progress }: { container: Container; progress: UpdateProgress | undefined }): JSX.Element {
  const parts: JSX.Element[] = [];
  if (progress !== undefined && (progress.phase !== 'done' || c.maintenance)) {
    const layers = progress.layersTotal !== undefined && progress.layersTotal > 0 ? progress.layersTotal : undefined;
    parts.push(
      <div class="progress" role="status" key="p">
        <span class="phase">{PHASE_LABELS[progress.phase] ?? progress.phase.replace(/_/g, ' ')}</span>
        {layers === undefined ? null : (
          <>
            {' '}
            <progress max={layers} value={progress.layersDone ?? 0} aria-label={`Layers pulled for ${c.name}`} /> {progress.layersDone ?? 0}/{layers} layers
          </>
        )}
      </div>,
    );
  } else if (progress?.outcome !== undefined) {
    parts.push(
      <span key="o" class={`badge outcome outcome-${progress.outcome}`} title={progress.error}>
        {progress.outcome.replace(/_/g, ' ')}
      </span>,
    );
  }
  if (c.update_available === true && (c.newer_versions?.length ?? 0) > 0) {
    const [first, ...rest] = c.newer_versions ?? [];
    parts.push(
      <span key="u" class="badge update-available" title={c.newer_versions?.join(', ')}>
        {first} available{rest.length > 0 ? ` (+${rest.length})` : ''}
      </span>,
    );
  } else if (c.update_available === true) {
    parts.push(
      <span key="u" class="badge update-available">
        update available
      </span>,
    );
  } else if (parts.length === 0) {
    parts.push(
      <span key="n" class="muted">
        up to date
      </span>,
    );
  }
  if (c.failed_update !== undefined) {
    parts.push(
      <p key="f" class="failed-update">
        Update to <code>{c.failed_update.target_image}</code> failed {formatTime(c.failed_update.failed_at)}: {c.failed_update.error}
      </p>,
    );
  }
  return <>{parts}</>;
}

const chipsFromRowHtml = (html: string): PortChip[] => {
  const doc = new DOMParser().parseFromString(`<table>${html}</table>`, 'text/html');
  return [...doc.querySelectorAll('.port-chip')].map((el) => {
    const raw = el.getAttribute('href') ?? undefined;
    const safe = raw !== undefined && /^https?:\/\//i.test(raw) ? raw : undefined;
    return { label: el.textContent ?? '', title: el.getAttribute('title') ?? '', ...(safe === undefined ? {} : { href: safe }) };
  });
};

/** Port links, read from the `/row` partial once the row scrolls into view (the partial needs an engine inspect per container). */
function PortChips({ container: c }: { container: Container }): JSX.Element {
  const session = useSession();
  const ref = useRef<HTMLSpanElement>(null);
  const [chips, setChips] = useState<PortChip[] | undefined>(undefined);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    let cancelled = false;
    const load = (): void => {
      void session.client.dashboard.row(c.name).then(
        (r) => cancelled || setChips(chipsFromRowHtml(r.html)),
        () => cancelled || setChips([]),
      );
    };
    if (typeof IntersectionObserver === 'undefined') {
      load();
      return;
    }
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        load();
      }
    });
    io.observe(el);
    return () => {
      cancelled = true;
      io.disconnect();
    };
  }, [c.name, c.id]);
  return (
    <span ref={ref} class="ports">
      {chips === undefined
        ? null
        : chips.map((p) =>
            p.href === undefined ? (
              <span key={p.label} class="port-chip" title={p.title}>
                {p.label}
              </span>
            ) : (
              <a key={p.label} class="port-chip" href={p.href} title={p.title} target="_blank" rel="noopener noreferrer">
                {p.label}
              </a>
            ),
          )}
    </span>
  );
}

function RowActions({ container: c, open, onToggle, detailsId }: { container: Container; open: boolean; onToggle: () => void; detailsId: string }): JSX.Element {
  const { can, client } = useSession();
  const running = c.state === 'running' || c.state === 'restarting';
  const busy = c.maintenance;
  const self = c.self === true;
  return (
    <div class="row-actions">
      {can('containers.update') ? (
        <ActionButton label={`Check ${c.name} for updates`} disabled={busy} run={() => client.containers.check(c.name)}>
          Check
        </ActionButton>
      ) : null}
      {can('containers.update') && c.update_available === true && !self ? (
        <ActionButton kind="primary" label={`Update ${c.name}`} disabled={busy} run={() => client.containers.update(c.name)}>
          Update
        </ActionButton>
      ) : null}
      {can('containers.rollback') && !self ? (
        <ActionButton label={`Rollback ${c.name}`} disabled={busy} run={() => client.containers.rollback(c.name)}>
          Rollback
        </ActionButton>
      ) : null}
      {can('containers.manage') && !self ? (
        running ? (
          <>
            <ActionButton label={`Restart ${c.name}`} disabled={busy} run={() => client.containers.restart(c.name)}>
              Restart
            </ActionButton>
            <ActionButton kind="danger" label={`Stop ${c.name}`} disabled={busy} run={() => client.containers.stop(c.name)}>
              Stop
            </ActionButton>
          </>
        ) : (
          <ActionButton label={`Start ${c.name}`} disabled={busy} run={() => client.containers.start(c.name)}>
            Start
          </ActionButton>
        )
      ) : null}
      {can('logs.view') ? (
        <a class="btn btn-plain" href={href(`/logs/${encodeURIComponent(c.name)}`)} aria-label={`Logs of ${c.name}`}>
          Logs
        </a>
      ) : null}
      <button type="button" class="btn btn-plain" aria-expanded={open} aria-controls={detailsId} aria-label={`More about ${c.name}`} onClick={onToggle}>
        More
      </button>
    </div>
  );
}

/** Versions to choose from, the GHCR alternative: asked for only when a row is opened. */
function RowDetails({ container: c }: { container: Container }): JSX.Element {
  const { client, can } = useSession();
  const [versions, setVersions] = useState<VersionsResponse | string | undefined>(undefined);
  const [ghcr, setGhcr] = useState<ContainerGhcrResponse | string | undefined>(undefined);
  const [tag, setTag] = useState('');
  useEffect(() => {
    void client.containers.versions(c.name).then(
      (v) => (setVersions(v), setTag(v.versions[0] ?? '')),
      (e: unknown) => setVersions(errorText(e)),
    );
    void client.ghcr.check(c.name).then(setGhcr, (e: unknown) => setGhcr(errorText(e)));
  }, [c.name, c.image]);
  const selectId = `version-${c.name}`;
  return (
    <div class="details">
      <section>
        <h3>Versions</h3>
        {versions === undefined ? (
          <p role="status">Asking the registry…</p>
        ) : typeof versions === 'string' ? (
          <p class="muted">Versions unavailable: {versions}</p>
        ) : versions.versions.length === 0 ? (
          <p>No newer version (current {versions.current || 'unknown'}, scope {versions.scope}).</p>
        ) : (
          <p>
            Current <code>{versions.current}</code>; newer: {versions.versions.join(', ')}
            {versions.within_scope === null ? '' : ` (within scope: ${versions.within_scope})`}
          </p>
        )}
        {can('containers.update') && typeof versions === 'object' && versions.versions.length > 0 && c.self !== true ? (
          <p class="inline-form">
            <label for={selectId}>Update to version</label>{' '}
            <select id={selectId} value={tag} onChange={(e) => setTag(e.currentTarget.value)}>
              {versions.versions.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>{' '}
            <ActionButton run={() => client.containers.updateToVersion(c.name, tag)} disabled={tag === '' || c.maintenance}>
              Update to {tag}
            </ActionButton>
          </p>
        ) : null}
      </section>
      <section>
        <h3>GHCR alternative</h3>
        {ghcr === undefined ? <p role="status">Checking…</p> : typeof ghcr === 'string' ? <p class="muted">{ghcr}</p> : <GhcrInfo container={c} info={ghcr} />}
      </section>
    </div>
  );
}

function GhcrInfo({ container: c, info }: { container: Container; info: ContainerGhcrResponse }): JSX.Element {
  const { can, client } = useSession();
  if (!info.available || info.ghcr_image === null) return <p>No GHCR alternative{info.reason === null ? '' : `: ${info.reason}`}.</p>;
  return (
    <p>
      Also published as <code>{info.ghcr_image}</code>
      {info.same_digest === true ? ' (same image)' : info.same_digest === false ? ' (a different build)' : ''}.{' '}
      {can('containers.update') && c.self !== true ? (
        <ActionButton run={() => client.ghcr.switch(c.name)} disabled={c.maintenance}>
          Switch to GHCR
        </ActionButton>
      ) : null}
    </p>
  );
}

import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { HistoryRecord } from '@sentinel-kit/core/contract';
import { errorText } from '../api.js';
import { formatNanos, formatTime } from '../format.js';
import { Notice, PageTitle, useLive, useSession } from '../ui.js';
import { useEffect } from 'preact/hooks';

const PAGE = 50;

/** Update and rollback history: pages of 50 going back in time, filtered on the page, exported whole by the server. */
export function HistoryPage(): JSX.Element {
  const { client } = useSession();
  const [pages, setPages] = useState<HistoryRecord[][]>([]);
  const [index, setIndex] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const [more, setMore] = useState(true);
  const [container, setContainer] = useState('');
  const [outcome, setOutcome] = useState('all');
  const [type, setType] = useState('all');

  const loadFirst = async (): Promise<void> => {
    try {
      const first = await client.history.list({ limit: PAGE });
      setPages([first]);
      setIndex(0);
      setMore(first.length === PAGE);
      setError(undefined);
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => void loadFirst(), []);
  useLive((e) => {
    if (e.type === 'container_update' && typeof e.data?.['outcome'] === 'string' && index === 0) void loadFirst();
  });

  const older = async (): Promise<void> => {
    if (index < pages.length - 1) return setIndex(index + 1);
    const last = pages[pages.length - 1]?.at(-1);
    if (last === undefined) return;
    try {
      const next = await client.history.list({ limit: PAGE, before: last.timestamp });
      setMore(next.length === PAGE);
      if (next.length > 0) {
        setPages([...pages, next]);
        setIndex(pages.length);
      }
    } catch (e) {
      setError(errorText(e));
    }
  };

  const rows = (pages[index] ?? []).filter(
    (r) => (container === '' || r.container_name.toLowerCase().includes(container.toLowerCase())) && (outcome === 'all' || r.outcome === outcome) && (type === 'all' || r.type === type),
  );
  return (
    <>
      <div class="page-head">
        <PageTitle>History</PageTitle>
        <div class="page-tools">
          <a class="btn btn-plain" href="/api/history/export?format=csv" download="history.csv">
            Export CSV
          </a>
          <a class="btn btn-plain" href="/api/history/export?format=json" download="history.json">
            Export JSON
          </a>
        </div>
      </div>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Container</span>
          <input type="search" value={container} onInput={(e) => setContainer(e.currentTarget.value)} />
        </label>
        <label>
          <span>Type</span>
          <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="all">All</option>
            <option value="update">update</option>
            <option value="rollback">rollback</option>
          </select>
        </label>
        <label>
          <span>Outcome</span>
          <select value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
            <option value="all">All</option>
            <option value="success">success</option>
            <option value="failed">failed</option>
            <option value="identical">identical</option>
            <option value="skipped">skipped</option>
          </select>
        </label>
      </form>
      {error === undefined ? null : <Notice kind="error">{error}</Notice>}
      {pages.length === 0 && error === undefined ? (
        <p role="status">Loading history…</p>
      ) : rows.length === 0 ? (
        <p>No record{pages[index]?.length === 0 ? ' yet' : ' matches the filter on this page'}.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Update history, page {index + 1}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Container</th>
                <th scope="col">Type</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Outcome</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.timestamp}-${r.container_name}-${r.type}`}>
                  <td>{formatTime(r.timestamp)}</td>
                  <th scope="row">{r.container_name}</th>
                  <td>{r.type}</td>
                  <td>
                    <code>{r.old_image}</code>
                  </td>
                  <td>
                    <code>{r.new_image}</code>
                  </td>
                  <td>
                    <span class={`badge outcome outcome-${r.outcome}`}>{r.outcome}</span>
                    {r.error === undefined ? null : <p class="failed-update">{r.error}</p>}
                  </td>
                  <td>{formatNanos(r.duration)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="History pages">
        <button type="button" class="btn btn-plain" disabled={index === 0} onClick={() => setIndex(index - 1)}>
          Newer
        </button>
        <span>Page {index + 1}</span>
        <button type="button" class="btn btn-plain" disabled={!more && index === pages.length - 1} onClick={() => void older()}>
          Older
        </button>
      </nav>
    </>
  );
}

import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { download, formatTime, toCsv } from '../format.js';
import { Loaded, PageTitle, useAsync, useLive, useSession } from '../ui.js';

const TYPES = ['all', 'scan', 'update', 'rollback', 'queue', 'policy', 'settings', 'webhook', 'container'];

/** The activity log (`/api/logs`), newest first, live: every event that lands in it shows up. */
export function ActivityPage(): JSX.Element {
  const { client } = useSession();
  const [limit, setLimit] = useState(100);
  const [type, setType] = useState('all');
  const [search, setSearch] = useState('');
  const log = useAsync(() => client.activity.list({ limit, ...(type === 'all' ? {} : { type }) }), [limit, type]);
  useLive(() => void log.reload());
  return (
    <>
      <div class="page-head">
        <PageTitle>Activity</PageTitle>
        <div class="page-tools">
          <button type="button" class="btn btn-plain" disabled={log.data === undefined} onClick={() => download('activity.csv', toCsv(['id', 'timestamp', 'type', 'level', 'container_name', 'user', 'message'], log.data ?? []), 'text/csv')}>
            Export CSV
          </button>
          <button type="button" class="btn btn-plain" disabled={log.data === undefined} onClick={() => download('activity.json', JSON.stringify(log.data ?? [], null, 2), 'application/json')}>
            Export JSON
          </button>
        </div>
      </div>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Type</span>
          <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Search</span>
          <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
      </form>
      <Loaded state={log} what="the activity log">
        {(entries) => {
          const shown = entries.filter((e) => search === '' || `${e.message} ${e.container_name ?? ''} ${e.user ?? ''}`.toLowerCase().includes(search.toLowerCase()));
          return (
            <>
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">Activity log</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Type</th>
                      <th scope="col">Level</th>
                      <th scope="col">Container</th>
                      <th scope="col">By</th>
                      <th scope="col">What</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((e) => (
                      <tr key={e.id}>
                        <td>{formatTime(e.timestamp)}</td>
                        <td>{e.type}</td>
                        <td>
                          <span class={`badge level-${e.level}`}>{e.level}</span>
                        </td>
                        <td>{e.container_name ?? ''}</td>
                        <td>{e.user ?? ''}</td>
                        <td>{e.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <nav class="pager" aria-label="Activity pages">
                <span>{entries.length} entries</span>
                <button type="button" class="btn btn-plain" disabled={entries.length < limit || limit >= 1000} onClick={() => setLimit(Math.min(1000, limit + 100))}>
                  Show older
                </button>
              </nav>
            </>
          );
        }}
      </Loaded>
    </>
  );
}

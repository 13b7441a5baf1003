import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { href } from '../router.js';
import { Loaded, PageTitle, useAsync, useSession } from '../ui.js';

/** The last lines of a container's output (max 500, as the API allows). */
export function LogsPage({ name }: { name: string }): JSX.Element {
  const { client } = useSession();
  const [lines, setLines] = useState(100);
  const logs = useAsync(() => client.containers.logs(name, { lines }), [name, lines]);
  return (
    <>
      <div class="page-head">
        <PageTitle>Logs of {name}</PageTitle>
        <div class="page-tools">
          <label>
            Lines{' '}
            <select value={lines} onChange={(e) => setLines(Number(e.currentTarget.value))}>
              {[50, 100, 200, 500].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="btn btn-plain" onClick={() => void logs.reload()}>
            Refresh
          </button>
          <a class="btn btn-plain" href={href('/')}>
            Back to containers
          </a>
        </div>
      </div>
      <Loaded state={logs} what="the logs">
        {(l) => (
          <pre class="logs" tabIndex={0} aria-label={`Last ${l.lines} lines of ${name}`}>
            {l.logs === '' ? '(no output)' : l.logs}
          </pre>
        )}
      </Loaded>
    </>
  );
}

import type { JSX } from 'preact';
import { formatTime } from '../format.js';
import { ActionButton, Loaded, PageTitle, useAsync, useLive, useSession } from '../ui.js';

/** Pending updates: approve (runs the update), reject (may come back next scan) or ignore that version. */
export function QueuePage(): JSX.Element {
  const { client, can } = useSession();
  const queue = useAsync(() => client.queue.list());
  useLive((e) => {
    if (e.type === 'queue_change' || e.type === 'scan_complete') void queue.reload();
  });
  const canApprove = can('containers.approve');
  return (
    <>
      <PageTitle>Update queue</PageTitle>
      <Loaded state={queue} what="the queue">
        {(items) =>
          items.length === 0 ? (
            <p>No update is waiting for approval.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Pending updates</caption>
                <thead>
                  <tr>
                    <th scope="col">Container</th>
                    <th scope="col">Current</th>
                    <th scope="col">Target</th>
                    <th scope="col">Newer versions</th>
                    <th scope="col">Found</th>
                    <th scope="col">Release notes</th>
                    {canApprove ? <th scope="col">Decision</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((q) => (
                    <tr key={q.key} data-key={q.key}>
                      <th scope="row">
                        {q.container_name}
                        {q.host_id === '' ? null : <span class="muted"> on {q.host_id}</span>}
                      </th>
                      <td>
                        <code>{q.current_image}</code>
                      </td>
                      <td>
                        <code>{q.target_image}</code>
                        {q.kind === 'digest' ? <span class="badge">re-pushed tag</span> : null}
                        {q.failed_update === undefined ? null : (
                          <p class="failed-update">
                            Failed {formatTime(q.failed_update.failed_at)}: {q.failed_update.error}. Approve to retry.
                          </p>
                        )}
                      </td>
                      <td>{q.newer_versions.join(', ') || '—'}</td>
                      <td>{formatTime(q.detected_at)}</td>
                      <td>
                        {q.release_notes_url === undefined ? (
                          <span class="muted">none known</span>
                        ) : (
                          <a href={q.release_notes_url} target="_blank" rel="noopener noreferrer">
                            Release notes<span class="visually-hidden"> for {q.container_name} {q.resolved_target_version}</span>
                          </a>
                        )}
                      </td>
                      {canApprove ? (
                        <td>
                          <div class="row-actions">
                            <ActionButton kind="primary" label={`Approve update of ${q.container_name}`} run={() => client.queue.approve(q.key)} onDone={() => void queue.reload()}>
                              Approve
                            </ActionButton>
                            <ActionButton label={`Reject update of ${q.container_name}`} run={() => client.queue.reject(q.key)} onDone={() => void queue.reload()}>
                              Reject
                            </ActionButton>
                            <ActionButton label={`Ignore version ${q.resolved_target_version} of ${q.container_name}`} run={() => client.queue.ignore(q.key)} onDone={() => void queue.reload()}>
                              Ignore version
                            </ActionButton>
                          </div>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </>
  );
}

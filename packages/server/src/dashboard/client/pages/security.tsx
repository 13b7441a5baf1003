import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { AssetSummary } from '@sentinel-kit/core/contract';
import { formatTime } from '../format.js';
import { ActionButton, Field, Loaded, PageTitle, ShownOnce, useAsync, useSession } from '../ui.js';

const sevClass = (s: string | null): string => `badge sev sev-${s ?? 'none'}`;

/** Assets (hosts, Docker hosts, images) with their software and matched CVEs, and the fleet's products. */
export function AssetsPage(): JSX.Element {
  const { client } = useSession();
  const [page, setPage] = useState(1);
  const [vulnerableOnly, setVulnerableOnly] = useState(false);
  const assets = useAsync(() => client.inventory.assets({ page, per_page: 50 }), [page]);
  const [open, setOpen] = useState<AssetSummary | undefined>(undefined);
  return (
    <>
      <PageTitle>Assets &amp; CVEs</PageTitle>
      <Loaded state={assets} what="the assets">
        {(p) => {
          const list = p.assets.filter((a) => !vulnerableOnly || a.vulnerabilities_found > 0);
          return (
            <>
              <p class="filters">
                <label class="check">
                  <input type="checkbox" checked={vulnerableOnly} onChange={(e) => setVulnerableOnly(e.currentTarget.checked)} /> Only assets with vulnerabilities
                </label>
              </p>
              {p.total === 0 ? <p>No asset has reported an inventory yet. Agents report with an agent key (see Agent keys).</p> : null}
              {list.length === 0 ? null : (
                <div class="table-wrap">
                  <table>
                    <caption class="visually-hidden">Assets</caption>
                    <thead>
                      <tr>
                        <th scope="col">Asset</th>
                        <th scope="col">Kind</th>
                        <th scope="col">OS</th>
                        <th scope="col">Software</th>
                        <th scope="col">Vulnerabilities</th>
                        <th scope="col">Highest</th>
                        <th scope="col">KEV</th>
                        <th scope="col">Last seen</th>
                      </tr>
                    </thead>
                    <tbody>
                      {list.map((a) => (
                        <tr key={a.id}>
                          <th scope="row">
                            <button type="button" class="btn btn-plain" aria-expanded={open?.id === a.id} onClick={() => setOpen(open?.id === a.id ? undefined : a)}>
                              {a.hostname}
                            </button>
                          </th>
                          <td>{a.kind}</td>
                          <td>{a.os}</td>
                          <td>{a.software_count}</td>
                          <td>{a.vulnerabilities_found}</td>
                          <td>{a.highest_severity === null ? '—' : <span class={sevClass(a.highest_severity)}>{a.highest_severity}</span>}</td>
                          <td>{a.kev_count}</td>
                          <td>{formatTime(a.last_seen_at)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <nav class="pager" aria-label="Asset pages">
                <button type="button" class="btn btn-plain" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                  Previous
                </button>
                <span>
                  Page {p.page} of {Math.max(1, Math.ceil(p.total / p.per_page))}
                </span>
                <button type="button" class="btn btn-plain" disabled={page * p.per_page >= p.total} onClick={() => setPage(page + 1)}>
                  Next
                </button>
              </nav>
            </>
          );
        }}
      </Loaded>
      {open === undefined ? null : <AssetVulnerabilities asset={open} />}
    </>
  );
}

function AssetVulnerabilities({ asset }: { asset: AssetSummary }): JSX.Element {
  const { client } = useSession();
  const vulns = useAsync(() => client.inventory.assetVulnerabilities(asset.id), [asset.id]);
  return (
    <section class="card" aria-labelledby="av-h">
      <h2 id="av-h">Vulnerabilities of {asset.hostname}</h2>
      <Loaded state={vulns} what="the vulnerabilities">
        {(v) =>
          v.vulnerabilities.length === 0 ? (
            <p>No known vulnerability matches its software.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Matched vulnerabilities</caption>
                <thead>
                  <tr>
                    <th scope="col">CVE</th>
                    <th scope="col">Severity</th>
                    <th scope="col">CVSS</th>
                    <th scope="col">KEV</th>
                    <th scope="col">Affected software</th>
                    <th scope="col">Fix</th>
                  </tr>
                </thead>
                <tbody>
                  {v.vulnerabilities.map((x) => (
                    <tr key={x.id}>
                      <th scope="row">{x.cve ?? x.id}</th>
                      <td>
                        <span class={sevClass(x.severity)}>{x.severity}</span>
                      </td>
                      <td>{x.cvss_score ?? '—'}</td>
                      <td>{x.in_kev ? `yes${x.kev_due_date === null ? '' : `, due ${x.kev_due_date}`}` : 'no'}</td>
                      <td>{x.products.map((p) => `${p.name} ${p.version}`).join(', ')}</td>
                      <td>{x.products.map((p) => p.fixed_version).filter(Boolean).join(', ') || 'no fix known'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </section>
  );
}

/** Image inventory: what the image scanner has indexed, and starting a scan. */
export function ImageInventoryPage(): JSX.Element {
  const { client, can } = useSession();
  const status = useAsync(() => client.imageInventory.scanStatus());
  return (
    <>
      <PageTitle>Image inventory</PageTitle>
      <Loaded state={status} what="the image inventory">
        {(s) => (
          <>
            <dl class="stat-cards">
              <div>
                <dt>Repositories</dt>
                <dd>{s.repositories}</dd>
              </div>
              {Object.entries(s.images).map(([k, n]) => (
                <div key={k}>
                  <dt>Images {k.replace(/_/g, ' ')}</dt>
                  <dd>{n}</dd>
                </div>
              ))}
              <div>
                <dt>Pending</dt>
                <dd>{s.pending}</dd>
              </div>
            </dl>
            <p>
              Last refresh: {formatTime(s.last_refresh) || 'never'}. {s.scanning.length > 0 ? `Scanning: ${s.scanning.join(', ')}` : ''}
            </p>
            {can('containers.update') ? (
              <div class="row-actions">
                <ActionButton kind="primary" run={() => client.imageInventory.scan({ all: true })} done="image scan started" onDone={() => void status.reload()}>
                  Scan every image
                </ActionButton>
                <button type="button" class="btn btn-plain" onClick={() => void status.reload()}>
                  Refresh status
                </button>
              </div>
            ) : null}
            {s.registries.length === 0 ? null : (
              <>
                <h2>Registries</h2>
                <ul>
                  {s.registries.map((r) => (
                    <li key={r.registry}>
                      {r.registry}: {r.repositories} repositories{r.error === null ? '' : ` — ${r.error}`}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {s.failures.length === 0 ? null : (
              <>
                <h2>Recent failures</h2>
                <ul>
                  {s.failures.map((f) => (
                    <li key={`${f.full_tag}${f.at}`}>
                      <code>{f.full_tag}</code>: {f.error_type} — {f.error} ({formatTime(f.at)})
                    </li>
                  ))}
                </ul>
              </>
            )}
            <p class="hint">
              Searching images by package, vulnerability or label with facets (the container image inventory API) needs an integration key in <code>X-AUTH-TOKEN</code>; that search is not available in the dashboard yet — see docs/image-inventory.md.
            </p>
          </>
        )}
      </Loaded>
    </>
  );
}

/** Agent keys for inventory reports (`X-Agent-Key`), shown once at creation. */
export function AgentKeysPage(): JSX.Element {
  const { client, can } = useSession();
  const keys = useAsync(() => client.agentKeys.list());
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | undefined>(undefined);
  const edit = can('settings.modify');
  return (
    <>
      <PageTitle>Agent keys</PageTitle>
      {created === undefined ? null : <ShownOnce label="New agent key" value={created} />}
      <Loaded state={keys} what="the agent keys">
        {(list) =>
          list.length === 0 ? (
            <p>No agent key.</p>
          ) : (
            <ul>
              {list.map((k) => (
                <li key={k.id}>
                  <strong>{k.name}</strong> <code>{k.prefix}</code> — created {formatTime(k.created_at)}, last used {formatTime(k.last_used_at) || 'never'}
                  {k.agent_id === null ? '' : `, agent ${k.agent_id}`}{' '}
                  {edit ? (
                    <ActionButton kind="danger" label={`Revoke key ${k.name}`} run={() => client.agentKeys.delete(k.id)} done="key revoked" onDone={() => void keys.reload()}>
                      Revoke
                    </ActionButton>
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      {edit ? (
        <div class="inline-form">
          <Field id="ak-name" label="Name">
            <input id="ak-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <ActionButton disabled={name.trim() === ''} run={() => client.agentKeys.create(name.trim())} done="" onDone={(r) => (setCreated((r as { key: string }).key), setName(''), void keys.reload())}>
            Create key
          </ActionButton>
        </div>
      ) : null}
    </>
  );
}

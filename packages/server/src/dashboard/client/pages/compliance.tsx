import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { errorText, readCookie } from '../api.js';
import { formatTime } from '../format.js';
import { ActionButton, Field, Loaded, Notice, PageTitle, ShownOnce, useAsync, useSession } from '../ui.js';

const FRAMEWORKS = ['nist', 'iso27001', 'soc2', 'hipaa'] as const;

/**
 * The audit & compliance API (`/api/v1`) takes its own bearer token, not the
 * browser session: the page asks for the password once and keeps the token
 * in memory only (gone on reload).
 */
export function CompliancePage(): JSX.Element {
  const { me } = useSession();
  const [token, setToken] = useState<string | undefined>(undefined);
  const v1 = useMemo(() => (token === undefined ? undefined : createSentinelClient({ baseUrl: location.origin, token, retry: 0, csrfToken: () => readCookie('sentinel_csrf') })), [token]);
  return (
    <>
      <PageTitle>Audits &amp; compliance</PageTitle>
      {v1 === undefined ? <V1SignIn username={me.username} onToken={setToken} /> : <ComplianceViews v1={v1} />}
    </>
  );
}

function V1SignIn({ username, onToken }: { username: string; onToken: (t: string) => void }): JSX.Element {
  const { client } = useSession();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <form
      class="card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void client.v1.auth.token({ username, password }).then(
          (t) => onToken(t.access_token),
          (err: unknown) => setError(errorText(err)),
        );
      }}
    >
      <p>This API uses its own short-lived token. Confirm your password to open it for this page.</p>
      <input type="text" name="username" autoComplete="username" value={username} hidden readOnly />
      <Field id="v1-pw" label="Password" error={error}>
        <input id="v1-pw" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="btn btn-primary">
        Open
      </button>
    </form>
  );
}

function ComplianceViews({ v1 }: { v1: SentinelClient }): JSX.Element {
  const frameworks = useAsync(() => Promise.all(FRAMEWORKS.map((f) => v1.v1.compliance.status(f))));
  const systems = useAsync(() => v1.v1.systems.list({ per_page: 100 }));
  const audits = useAsync(() => v1.v1.audits.list({ limit: 50 }));
  const vulns = useAsync(() => v1.v1.vulnerabilities.list({ per_page: 50 }));
  return (
    <>
      <section class="card" aria-labelledby="fw-h">
        <h2 id="fw-h">Frameworks</h2>
        <Loaded state={frameworks} what="the compliance status">
          {(list) => (
            <dl class="stat-cards">
              {list.map((f) => (
                <div key={f.data.framework}>
                  <dt>{f.data.name}</dt>
                  <dd>{f.data.status.replace(/_/g, ' ')}</dd>
                  <dd class="hint">
                    {f.data.summary.pass} pass, {f.data.summary.fail} fail, {f.data.summary.not_assessed} not assessed · {f.data.systems_assessed} systems
                  </dd>
                </div>
              ))}
            </dl>
          )}
        </Loaded>
      </section>
      <section class="card" aria-labelledby="sys-h">
        <h2 id="sys-h">Systems and audits</h2>
        <Loaded state={systems} what="the systems">
          {(s) => (
            <ul>
              {s.data.systems.length === 0 ? <li>No enrolled system.</li> : null}
              {s.data.systems.map((x) => (
                <li key={x.agent_id}>
                  <strong>{x.hostname}</strong> ({x.status}){' '}
                  <ActionButton label={`Audit ${x.hostname}`} run={() => v1.v1.systems.audit(x.agent_id, { include_vulnerability_scan: true })} done="audit completed" onDone={() => (void audits.reload(), void frameworks.reload())}>
                    Run audit
                  </ActionButton>
                </li>
              ))}
            </ul>
          )}
        </Loaded>
        <Loaded state={audits} what="the audits">
          {(a) => (
            <ul>
              {a.data.audits.map((x) => (
                <li key={x.id}>
                  {formatTime(x.completed_at)} — {x.hostname}: score {x.score ?? '—'}
                </li>
              ))}
            </ul>
          )}
        </Loaded>
      </section>
      <section class="card" aria-labelledby="fv-h">
        <h2 id="fv-h">Fleet vulnerabilities</h2>
        <Loaded state={vulns} what="the fleet vulnerabilities">
          {(v) =>
            v.data.vulnerabilities.length === 0 ? (
              <p>None found.</p>
            ) : (
              <ul>
                {v.data.vulnerabilities.map((x) => (
                  <li key={x.id}>
                    <strong>{x.cve ?? x.id}</strong> <span class={`badge sev sev-${x.severity}`}>{x.severity}</span> {x.in_kev ? <span class="badge">KEV</span> : null} — {x.affected_count} affected
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
      <EnrollmentCard v1={v1} />
      <WebhooksCard v1={v1} />
    </>
  );
}

function EnrollmentCard({ v1 }: { v1: SentinelClient }): JSX.Element {
  const [name, setName] = useState('');
  const [token, setToken] = useState<string | undefined>(undefined);
  return (
    <section class="card" aria-labelledby="en-h">
      <h2 id="en-h">Enrollment tokens</h2>
      {token === undefined ? null : <ShownOnce label="Enrollment token" value={token} />}
      <div class="inline-form">
        <Field id="en-name" label="Name">
          <input id="en-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <ActionButton disabled={name.trim() === ''} run={() => v1.v1.agents.createEnrollmentToken({ name: name.trim(), expires_days: 7, max_uses: 1 })} done="" onDone={(r) => setToken((r as { data: { token: string } }).data.token)}>
          Create (7 days, one use)
        </ActionButton>
      </div>
    </section>
  );
}

function WebhooksCard({ v1 }: { v1: SentinelClient }): JSX.Element {
  const hooks = useAsync(() => v1.v1.webhooks.list());
  const [open, setOpen] = useState<string | undefined>(undefined);
  const deliveries = useAsync(() => (open === undefined ? Promise.resolve(undefined) : v1.v1.webhooks.deliveries(open)), [open]);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <section class="card" aria-labelledby="ow-h">
      <h2 id="ow-h">Outbound webhooks</h2>
      <Loaded state={hooks} what="the webhooks">
        {(h) => (
          <ul>
            {h.data.webhooks.length === 0 ? <li>None.</li> : null}
            {h.data.webhooks.map((w) => (
              <li key={w.id}>
                <code>{w.url}</code> — {w.events.join(', ')}{' '}
                <button type="button" class="btn btn-plain" aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? undefined : w.id)}>
                  Delivery log
                </button>{' '}
                <ActionButton kind="danger" label={`Delete webhook ${w.url}`} run={() => v1.v1.webhooks.delete(w.id)} done="webhook deleted" onDone={() => void hooks.reload()}>
                  Delete
                </ActionButton>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      {open === undefined ? null : (
        <Loaded state={deliveries} what="the deliveries">
          {(d) => (
            <ul>
              {(d?.data.deliveries ?? []).length === 0 ? <li>No delivery yet.</li> : null}
              {(d?.data.deliveries ?? []).map((x) => (
                <li key={x.id}>
                  {formatTime(x.created_at)} {x.event}: {x.status} after {x.attempts.length} attempt(s)
                </li>
              ))}
            </ul>
          )}
        </Loaded>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void v1.v1.webhooks.create({ url, secret, events: ['audit.completed', 'vulnerability.critical', 'agent.offline', 'compliance.failed'] }).then(
            () => (setUrl(''), setSecret(''), setError(undefined), void hooks.reload()),
            (err: unknown) => setError(errorText(err)),
          );
        }}
      >
        <div class="form-grid">
          <Field id="ow-url" label="URL">
            <input id="ow-url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
          </Field>
          <Field id="ow-secret" label="Signing secret">
            <input id="ow-secret" type="password" autoComplete="new-password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
          </Field>
        </div>
        {error === undefined ? null : <Notice kind="error">{error}</Notice>}
        <button type="submit" class="btn btn-primary">
          Add webhook (all events)
        </button>
      </form>
    </section>
  );
}

import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { HookPhaseName, ReleaseSource } from '@sentinel-kit/core/contract';
import { errorText } from '../api.js';
import { ActionButton, Field, Loaded, Notice, PageTitle, ShownOnce, useAsync, useSession } from '../ui.js';

/** Registry credentials, hooks, the inbound webhook and release-note sources. */
export function IntegrationsPage(): JSX.Element {
  return (
    <>
      <PageTitle>Registries &amp; hooks</PageTitle>
      <RegistriesCard />
      <HooksCard />
      <WebhookCard />
      <ReleaseSourcesCard />
    </>
  );
}

function RegistriesCard(): JSX.Element {
  const { client, can, say } = useSession();
  const regs = useAsync(() => client.registries.list());
  const edit = can('settings.modify');
  const [registry, setRegistry] = useState('');
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <section class="card" aria-labelledby="reg-h">
      <h2 id="reg-h">Registry credentials</h2>
      <Loaded state={regs} what="the registry credentials">
        {(r) => (
          <>
            <p>
              Rate limits: <span class={`badge health-${r.health}`}>{r.health}</span>
            </p>
            <ul>
              {r.rate_limits.map((l) => (
                <li key={l.registry}>
                  {l.registry}: {l.remaining === null ? 'no budget reported' : `${l.remaining}/${l.limit ?? '?'} left`} {l.has_credentials ? '(signed in)' : '(anonymous)'}
                </li>
              ))}
            </ul>
            {r.credentials.length === 0 ? <p>No credential saved.</p> : null}
            <ul>
              {r.credentials.map((c) => (
                <li key={c.id}>
                  <strong>{c.registry}</strong> as {c.username} (secret {c.secret}){' '}
                  {edit ? (
                    <span class="row-actions">
                      <ActionButton label={`Test ${c.registry}`} run={() => client.registries.test({ registry: c.registry, username: c.username, secret: c.secret })} done={(x) => (x as { message: string }).message}>
                        Test
                      </ActionButton>
                      <ActionButton kind="danger" label={`Delete ${c.registry}`} run={() => client.registries.delete(c.id)} onDone={() => void regs.reload()}>
                        Delete
                      </ActionButton>
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
            {edit ? (
              <form
                noValidate
                onSubmit={(e) => {
                  e.preventDefault();
                  const keep = r.credentials.map((c) => ({ id: c.id, registry: c.registry, username: c.username, secret: c.secret }));
                  void client.registries.save([...keep, { id: `r${Date.now().toString(36)}`, registry, username, secret }]).then(
                    (x) => (say(x.message, 'ok'), setSecret(''), setError(undefined), void regs.reload()),
                    (err: unknown) => setError(errorText(err)),
                  );
                }}
              >
                <h3>Add a credential</h3>
                <div class="form-grid">
                  <Field id="rg-reg" label="Registry" hint="docker.io, ghcr.io, registry.lan:5000">
                    <input id="rg-reg" value={registry} aria-describedby="rg-reg-hint" onInput={(e) => setRegistry(e.currentTarget.value)} />
                  </Field>
                  <Field id="rg-user" label="Username">
                    <input id="rg-user" value={username} autoComplete="off" onInput={(e) => setUsername(e.currentTarget.value)} />
                  </Field>
                  <Field id="rg-secret" label="Password or token">
                    <input id="rg-secret" type="password" autoComplete="new-password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
                  </Field>
                </div>
                {error === undefined ? null : <Notice kind="error">{error}</Notice>}
                <div class="row-actions">
                  <button type="submit" class="btn btn-primary">
                    Save credential
                  </button>
                  <ActionButton run={() => client.registries.test({ registry, username, secret })} done={(x) => (x as { message: string }).message}>
                    Test before saving
                  </ActionButton>
                </div>
              </form>
            ) : null}
          </>
        )}
      </Loaded>
    </section>
  );
}

function HooksCard(): JSX.Element {
  const { client, can } = useSession();
  const containers = useAsync(() => client.containers.list());
  const [name, setName] = useState('');
  const hooks = useAsync(() => (name === '' ? Promise.resolve([]) : client.hooks.list(name)), [name]);
  const [phase, setPhase] = useState<HookPhaseName>('pre-update');
  const [command, setCommand] = useState('');
  const [timeout, setTimeoutSeconds] = useState('60');
  const edit = can('settings.modify');
  return (
    <section class="card" aria-labelledby="hk-h">
      <h2 id="hk-h">Hooks</h2>
      <Field id="hk-container" label="Container">
        <select id="hk-container" value={name} onChange={(e) => setName(e.currentTarget.value)}>
          <option value="">Choose a container</option>
          {(containers.data ?? []).map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      {name === '' ? null : (
        <Loaded state={hooks} what="the hooks">
          {(list) => (
            <>
              {list.length === 0 ? <p>No hook for {name}.</p> : null}
              <ul>
                {list.map((h) => (
                  <li key={h.phase}>
                    <strong>{h.phase}</strong>: <code>{h.command.join(' ')}</code> (timeout {h.timeout} s, from {h.source}){' '}
                    {edit && h.source === 'api' ? (
                      <ActionButton kind="danger" label={`Delete ${h.phase} hook`} run={() => client.hooks.remove(name, h.phase)} onDone={() => void hooks.reload()}>
                        Delete
                      </ActionButton>
                    ) : null}
                  </li>
                ))}
              </ul>
              {edit ? (
                <div class="form-grid">
                  <Field id="hk-phase" label="Phase">
                    <select id="hk-phase" value={phase} onChange={(e) => setPhase(e.currentTarget.value as HookPhaseName)}>
                      <option value="pre-update">pre-update</option>
                      <option value="post-update">post-update</option>
                    </select>
                  </Field>
                  <Field id="hk-cmd" label="Shell command" hint='Run as ["sh", "-c", command] inside the container.'>
                    <input id="hk-cmd" value={command} aria-describedby="hk-cmd-hint" onInput={(e) => setCommand(e.currentTarget.value)} />
                  </Field>
                  <Field id="hk-timeout" label="Timeout (seconds)" hint="1 to 3600.">
                    <input id="hk-timeout" inputMode="numeric" value={timeout} aria-describedby="hk-timeout-hint" onInput={(e) => setTimeoutSeconds(e.currentTarget.value)} />
                  </Field>
                  <p>
                    <ActionButton kind="primary" disabled={command.trim() === ''} run={() => client.hooks.set(name, { phase, command: ['sh', '-c', command], timeout: Number(timeout) })} done="hook saved" onDone={() => (setCommand(''), void hooks.reload())}>
                      Save hook
                    </ActionButton>
                  </p>
                </div>
              ) : null}
            </>
          )}
        </Loaded>
      )}
    </section>
  );
}

function WebhookCard(): JSX.Element {
  const { client, can } = useSession();
  const info = useAsync(() => client.webhooks.info());
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const edit = can('settings.modify');
  return (
    <section class="card" aria-labelledby="wh-h">
      <h2 id="wh-h">Inbound webhook</h2>
      {secret === undefined ? null : <ShownOnce label="New webhook secret" value={secret} />}
      <Loaded state={info} what="the webhook settings">
        {(w) => (
          <>
            <p>
              {w.enabled ? 'On' : 'Off'}. Registries and CI POST to <code>{location.origin + w.path}</code> with the secret in <code>X-Webhook-Secret</code>. Secret: {w.secret_set ? <code>{w.secret}</code> : 'not set'}.
            </p>
            {edit ? (
              <div class="row-actions">
                <ActionButton run={() => client.webhooks.setEnabled(!w.enabled)} onDone={() => void info.reload()}>
                  {w.enabled ? 'Turn off' : 'Turn on'}
                </ActionButton>
                <ActionButton run={() => client.webhooks.regenerateSecret()} done="new secret created" onDone={(r) => (setSecret((r as { secret: string }).secret), void info.reload())}>
                  New secret
                </ActionButton>
              </div>
            ) : null}
          </>
        )}
      </Loaded>
    </section>
  );
}

function ReleaseSourcesCard(): JSX.Element {
  const { client, can } = useSession();
  const sources = useAsync(() => client.releaseSources.list());
  const [pattern, setPattern] = useState('');
  const [repo, setRepo] = useState('');
  const edit = can('settings.modify');
  const replace = (list: ReleaseSource[]) => client.releaseSources.replace(list);
  return (
    <section class="card" aria-labelledby="rs-h">
      <h2 id="rs-h">Release-note sources</h2>
      <Loaded state={sources} what="the release-note sources">
        {(list) => (
          <>
            {list.length === 0 ? <p>No mapping: release notes are found from image labels only.</p> : null}
            <ul>
              {list.map((s, i) => (
                <li key={s.image_pattern}>
                  <code>{s.image_pattern}</code> → {s.github_repo}{' '}
                  {edit ? (
                    <ActionButton kind="danger" label={`Remove ${s.image_pattern}`} run={() => replace(list.filter((_, j) => j !== i))} done="mapping removed" onDone={() => void sources.reload()}>
                      Remove
                    </ActionButton>
                  ) : null}
                </li>
              ))}
            </ul>
            {edit ? (
              <div class="form-grid">
                <Field id="rs-pat" label="Image pattern" hint="e.g. linuxserver/*">
                  <input id="rs-pat" value={pattern} aria-describedby="rs-pat-hint" onInput={(e) => setPattern(e.currentTarget.value)} />
                </Field>
                <Field id="rs-repo" label="GitHub repository" hint="owner/repo">
                  <input id="rs-repo" value={repo} aria-describedby="rs-repo-hint" onInput={(e) => setRepo(e.currentTarget.value)} />
                </Field>
                <p>
                  <ActionButton kind="primary" run={() => replace([...list, { image_pattern: pattern, github_repo: repo }])} done="mapping added" onDone={() => (setPattern(''), setRepo(''), void sources.reload())}>
                    Add mapping
                  </ActionButton>
                </p>
              </div>
            ) : null}
          </>
        )}
      </Loaded>
    </section>
  );
}

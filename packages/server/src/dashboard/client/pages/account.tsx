import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { renderSVG } from 'uqr';
import type { TotpSetupResponse } from '@sentinel-kit/core/contract';
import { errorText } from '../api.js';
import { formatTime } from '../format.js';
import { ActionButton, Field, Loaded, Notice, PageTitle, ShownOnce, useAsync, useSession } from '../ui.js';
import { passkeysSupported, registerPasskey } from '../webauthn.js';

/** Your own account: password, two-factor, passkeys, API tokens, sessions. */
export function AccountPage(): JSX.Element {
  const { me } = useSession();
  if (me.id === 'anonymous') {
    return (
      <>
        <PageTitle>My account</PageTitle>
        <Notice kind="info">Authentication is off and you are not signed in, so there is no account here. Turn authentication on under Users to use accounts.</Notice>
      </>
    );
  }
  return (
    <>
      <PageTitle>My account</PageTitle>
      <p>
        Signed in as <strong>{me.username}</strong>, role {me.role_id}.
      </p>
      <PasswordCard />
      <TotpCard />
      <PasskeysCard />
      <TokensCard />
      <SessionsCard />
    </>
  );
}

function PasswordCard(): JSX.Element {
  const { client, say } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await client.auth.changePassword(current, next);
      setError(undefined);
      setCurrent('');
      setNext('');
      say('password changed; your other sessions were ended', 'ok');
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section class="card" aria-labelledby="pw-h">
      <h2 id="pw-h">Password</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <input type="text" name="username" autoComplete="username" value={useSession().me.username} hidden readOnly />
        <Field id="pw-current" label="Current password">
          <input id="pw-current" type="password" autoComplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </Field>
        <Field id="pw-new" label="New password" hint="At least 10 characters." error={error}>
          <input id="pw-new" type="password" autoComplete="new-password" value={next} aria-invalid={error !== undefined} aria-describedby="pw-new-hint" onInput={(e) => setNext(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="btn btn-primary">
          Change password
        </button>
      </form>
    </section>
  );
}

function TotpCard(): JSX.Element {
  const { client, say } = useSession();
  const status = useAsync(() => client.auth.totpStatus());
  const [setup, setSetup] = useState<TotpSetupResponse | undefined>(undefined);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const qr = setup === undefined ? undefined : `data:image/svg+xml;utf8,${encodeURIComponent(renderSVG(setup.uri, { border: 2 }))}`;
  return (
    <section class="card" aria-labelledby="totp-h">
      <h2 id="totp-h">Two-factor authentication</h2>
      {codes === undefined ? null : <ShownOnce label="Recovery codes" value={codes.join('  ')} />}
      <Loaded state={status} what="the two-factor status">
        {(s) =>
          s.enabled ? (
            <form
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                void client.auth.totpDisable(password).then(
                  () => (setPassword(''), setError(undefined), say('two-factor authentication turned off', 'ok'), void status.reload()),
                  (err: unknown) => setError(errorText(err)),
                );
              }}
            >
              <p>
                On. {s.recovery_codes_remaining} recovery code{s.recovery_codes_remaining === 1 ? '' : 's'} left.
              </p>
              <Field id="totp-off-pw" label="Password to turn it off" error={error}>
                <input id="totp-off-pw" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
              </Field>
              <button type="submit" class="btn btn-danger">
                Turn off
              </button>
            </form>
          ) : setup === undefined ? (
            <>
              <p>Off. Sign-ins will ask for a code from an authenticator app once you turn it on.</p>
              <ActionButton kind="primary" run={() => client.auth.totpSetup()} done="" onDone={(r) => setSetup(r as TotpSetupResponse)}>
                Set up two-factor
              </ActionButton>
            </>
          ) : (
            <form
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                void client.auth.totpConfirm(code.trim()).then(
                  (r) => (setCodes(r.recovery_codes), setSetup(undefined), setCode(''), setError(undefined), say('two-factor authentication is on', 'ok'), void status.reload()),
                  (err: unknown) => setError(errorText(err)),
                );
              }}
            >
              <p>Scan this code with your authenticator app, or enter the key by hand, then type the code it shows.</p>
              {qr === undefined ? null : <img class="qr" src={qr} alt="QR code of the two-factor key" width={192} height={192} />}
              <p>
                Key: <code class="secret-value" data-testid="totp-secret">{setup.secret}</code>
              </p>
              <Field id="totp-confirm" label="Code from the app" error={error}>
                <input id="totp-confirm" inputMode="numeric" autoComplete="one-time-code" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
              </Field>
              <button type="submit" class="btn btn-primary">
                Turn on
              </button>
            </form>
          )
        }
      </Loaded>
    </section>
  );
}

function PasskeysCard(): JSX.Element {
  const { client } = useSession();
  const list = useAsync(() => client.passkeys.list());
  const [name, setName] = useState('');
  const supported = passkeysSupported();
  return (
    <section class="card" aria-labelledby="pk-h">
      <h2 id="pk-h">Passkeys</h2>
      <Loaded state={list} what="your passkeys">
        {(keys) =>
          keys.length === 0 ? (
            <p>No passkey registered.</p>
          ) : (
            <ul>
              {keys.map((k) => (
                <li key={k.id}>
                  {k.name} — added {formatTime(k.created_at)}, last used {formatTime(k.last_used_at) || 'never'}{' '}
                  <ActionButton kind="danger" label={`Remove passkey ${k.name}`} run={() => client.passkeys.delete(k.id)} done="passkey removed" onDone={() => void list.reload()}>
                    Remove
                  </ActionButton>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      {supported ? (
        <p class="inline-form">
          <label for="pk-name">Name</label>
          <input id="pk-name" value={name} placeholder="e.g. laptop" onInput={(e) => setName(e.currentTarget.value)} />
          <ActionButton run={() => registerPasskey(client, name)} done="passkey registered" onDone={() => (setName(''), void list.reload())}>
            Add a passkey
          </ActionButton>
        </p>
      ) : (
        <p class="hint">This browser cannot register passkeys here (WebAuthn needs https or localhost).</p>
      )}
    </section>
  );
}

function TokensCard(): JSX.Element {
  const { client } = useSession();
  const tokens = useAsync(() => client.auth.listTokens());
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | undefined>(undefined);
  return (
    <section class="card" aria-labelledby="tok-h">
      <h2 id="tok-h">API tokens</h2>
      {created === undefined ? null : <ShownOnce label="New API token" value={created} />}
      <Loaded state={tokens} what="your tokens">
        {(list) =>
          list.length === 0 ? (
            <p>No token.</p>
          ) : (
            <ul>
              {list.map((t) => (
                <li key={t.id}>
                  <strong>{t.name}</strong> <code>{t.prefix}…</code> — created {formatTime(t.created_at)}, last used {formatTime(t.last_used_at) || 'never'}
                  {t.expires_at === null ? '' : `, expires ${formatTime(t.expires_at)}`}{' '}
                  <ActionButton kind="danger" label={`Revoke token ${t.name}`} run={() => client.auth.deleteToken(t.id)} done="token revoked" onDone={() => void tokens.reload()}>
                    Revoke
                  </ActionButton>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <p class="inline-form">
        <label for="tok-name">Name</label>
        <input id="tok-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <ActionButton disabled={name.trim() === ''} run={() => client.auth.createToken(name.trim())} done="" onDone={(r) => (setCreated((r as { token: string }).token), setName(''), void tokens.reload())}>
          Create token
        </ActionButton>
      </p>
    </section>
  );
}

function SessionsCard(): JSX.Element {
  const { client } = useSession();
  const sessions = useAsync(() => client.auth.listSessions());
  return (
    <section class="card" aria-labelledby="ses-h">
      <h2 id="ses-h">Sessions</h2>
      <Loaded state={sessions} what="your sessions">
        {(list) => (
          <>
            <ul>
              {list.map((s) => (
                <li key={s.id}>
                  {s.current ? <strong>This browser</strong> : (s.user_agent || 'unknown browser')} — {s.method}, from {s.ip || 'unknown'}, last seen {formatTime(s.last_seen_at)}{' '}
                  {s.current ? null : (
                    <ActionButton kind="danger" label={`End session ${s.id}`} run={() => client.auth.revokeSession(s.id)} done="session ended" onDone={() => void sessions.reload()}>
                      End
                    </ActionButton>
                  )}
                </li>
              ))}
            </ul>
            <ActionButton disabled={list.length < 2} run={() => client.auth.revokeOtherSessions()} done="other sessions ended" onDone={() => void sessions.reload()}>
              End all other sessions
            </ActionButton>
          </>
        )}
      </Loaded>
    </section>
  );
}

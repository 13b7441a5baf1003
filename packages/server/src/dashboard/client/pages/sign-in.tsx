import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SentinelClient } from '../api.js';
import { errorText } from '../api.js';
import { Field, Notice, PageTitle, describedBy } from '../ui.js';
import { passkeysSupported, signInWithPasskey } from '../webauthn.js';

interface SignInProps {
  client: SentinelClient;
  /** Called once a session exists (the cookies are set). */
  onSignedIn: () => void;
}

/** First run: create the first admin, which also signs it in. */
export function SetupPage({ client, onSignedIn }: SignInProps): JSX.Element {
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const mismatch = confirm !== '' && confirm !== password ? 'The two passwords differ.' : undefined;
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (mismatch !== undefined) return;
    setBusy(true);
    try {
      await client.auth.setup(username, password);
      onSignedIn();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="auth-page">
      <form class="card auth-card" onSubmit={(e) => void submit(e)} noValidate>
        <PageTitle>Welcome to Sentinel Kit</PageTitle>
        <p>No administrator exists yet. Create the first one; you will be signed in as it.</p>
        <Field id="setup-username" label="Username">
          <input id="setup-username" name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
        </Field>
        <Field id="setup-password" label="Password" hint="At least 10 characters, not the username.">
          <input id="setup-password" name="password" type="password" autoComplete="new-password" aria-describedby={describedBy('setup-password', true, undefined)} value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </Field>
        <Field id="setup-confirm" label="Password again" error={mismatch}>
          <input id="setup-confirm" name="confirm" type="password" autoComplete="new-password" aria-invalid={mismatch !== undefined} aria-describedby={describedBy('setup-confirm', false, mismatch)} value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} required />
        </Field>
        {error === undefined ? null : <Notice kind="error">{error}</Notice>}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Create administrator
        </button>
      </form>
    </main>
  );
}

/** Password sign-in, then the TOTP step when the user has one; passkeys and single sign-on when configured. */
export function LoginPage({ client, onSignedIn }: SignInProps): JSX.Element {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totpToken, setTotpToken] = useState<string | undefined>(undefined);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [passkeys, setPasskeys] = useState(false);
  const [oidcUrl, setOidcUrl] = useState<string | undefined>(undefined);

  useEffect(() => {
    void client.passkeys.available().then((a) => setPasskeys(a.available && passkeysSupported()), () => setPasskeys(false));
    void client.oidc.available().then((a) => setOidcUrl(a.available ? a.login_url : undefined), () => setOidcUrl(undefined));
  }, [client]);

  const attempt = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const login = (e: Event): void => {
    e.preventDefault();
    void attempt(async () => {
      const answer = await client.auth.login(username, password);
      if ('totp_required' in answer) {
        setTotpToken(answer.totp_token);
        setPassword('');
      } else onSignedIn();
    });
  };

  const verify = (e: Event): void => {
    e.preventDefault();
    if (totpToken === undefined) return;
    void attempt(async () => {
      await client.auth.verifyTotp(totpToken, code.trim());
      onSignedIn();
    });
  };

  if (totpToken !== undefined) {
    return (
      <main id="main" class="auth-page">
        <form class="card auth-card" onSubmit={verify} noValidate>
          <PageTitle>Two-factor code</PageTitle>
          <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
          <Field id="totp-code" label="Code">
            <input id="totp-code" name="code" inputMode="numeric" autoComplete="one-time-code" value={code} onInput={(e) => setCode(e.currentTarget.value)} required />
          </Field>
          {error === undefined ? null : <Notice kind="error">{error}</Notice>}
          <div class="row-actions">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              Verify
            </button>
            <button type="button" class="btn btn-plain" onClick={() => (setTotpToken(undefined), setCode(''), setError(undefined))}>
              Back
            </button>
          </div>
        </form>
      </main>
    );
  }

  return (
    <main id="main" class="auth-page">
      <form class="card auth-card" onSubmit={login} noValidate>
        <PageTitle>Sign in to Sentinel Kit</PageTitle>
        <Field id="login-username" label="Username">
          <input id="login-username" name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
        </Field>
        <Field id="login-password" label="Password">
          <input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </Field>
        {error === undefined ? null : <Notice kind="error">{error}</Notice>}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Sign in
        </button>
        {passkeys || oidcUrl !== undefined ? <p class="divider">or</p> : null}
        {passkeys ? (
          <button type="button" class="btn btn-plain" disabled={busy} onClick={() => void attempt(async () => (await signInWithPasskey(client), onSignedIn()))}>
            Sign in with a passkey
          </button>
        ) : null}
        {oidcUrl === undefined ? null : (
          <a class="btn btn-plain" href={oidcUrl}>
            Sign in with single sign-on
          </a>
        )}
      </form>
    </main>
  );
}

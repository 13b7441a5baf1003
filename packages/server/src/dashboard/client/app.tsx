import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { MeResponse } from '@sentinel-kit/core/contract';
import { createBrowserClient, errorStatus, errorText } from './api.js';
import { connectLiveEvents } from './live.js';
import type { LiveEvents, LiveStatus } from './live.js';
import { NAVIGATION } from './nav.js';
import { href, useRoute } from './router.js';
import { LoginPage, SetupPage } from './pages/sign-in.js';
import { Notice, SessionContext } from './ui.js';
import type { Session } from './ui.js';
import { Page } from './pages/index.js';

type Boot = { kind: 'loading' } | { kind: 'setup' } | { kind: 'login' } | { kind: 'ready'; me: MeResponse } | { kind: 'failed'; message: string };

/** The whole dashboard: decides between first-run setup, sign-in and the signed-in shell. */
export function App(): JSX.Element {
  const client = useMemo(() => createBrowserClient(), []);
  const [boot, setBoot] = useState<Boot>({ kind: 'loading' });

  const start = async (): Promise<void> => {
    try {
      setBoot({ kind: 'ready', me: await client.auth.me() });
    } catch (error) {
      const status = errorStatus(error);
      if (status === 401) setBoot({ kind: 'login' });
      else if (status === 503 && (await client.auth.setupStatus().catch(() => undefined))?.setup_required === true) setBoot({ kind: 'setup' });
      else setBoot({ kind: 'failed', message: errorText(error) });
    }
  };
  useEffect(() => void start(), []);

  switch (boot.kind) {
    case 'loading':
      return (
        <main id="main" class="auth-page">
          <p role="status">Loading…</p>
        </main>
      );
    case 'setup':
      return <SetupPage client={client} onSignedIn={() => void start()} />;
    case 'login':
      return <LoginPage client={client} onSignedIn={() => void start()} />;
    case 'failed':
      return (
        <main id="main" class="auth-page">
          <h1>Sentinel Kit</h1>
          <Notice kind="error">The server could not be reached: {boot.message}</Notice>
          <button type="button" class="btn btn-primary" onClick={() => void start()}>
            Try again
          </button>
        </main>
      );
    case 'ready':
      return <Shell me={boot.me} client={client} onSignedOut={() => setBoot({ kind: 'login' })} />;
  }
}

interface Said {
  id: number;
  message: string;
  kind: 'ok' | 'error' | 'info';
}

function Shell({ me, client, onSignedOut }: { me: MeResponse; client: ReturnType<typeof createBrowserClient>; onSignedOut: () => void }): JSX.Element {
  const route = useRoute();
  const live = useMemo<LiveEvents>(() => connectLiveEvents(), []);
  const [liveStatus, setLiveStatus] = useState<LiveStatus>(live.status());
  const [said, setSaid] = useState<Said[]>([]);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    const off = live.onStatus(setLiveStatus);
    return () => {
      off();
      live.close();
    };
  }, [live]);
  useEffect(() => setMenuOpen(false), [route]);

  const session = useMemo<Session>(() => {
    const permissions = new Set(me.permissions);
    let next = 0;
    return {
      me,
      client,
      live,
      can: (p) => permissions.has(p),
      say(message, kind = 'info') {
        const id = ++next;
        setSaid((list) => [...list.slice(-3), { id, message, kind }]);
        setTimeout(() => setSaid((list) => list.filter((s) => s.id !== id)), kind === 'error' ? 12_000 : 6000);
      },
      async signOut() {
        live.close();
        await client.auth.logout().catch(() => undefined);
        onSignedOut();
      },
    };
  }, [me, client, live]);

  return (
    <SessionContext.Provider value={session}>
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="topbar">
        <button type="button" class="btn btn-plain menu-toggle" aria-expanded={menuOpen} aria-controls="site-nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <a class="brand" href={href('/')}>
          Sentinel Kit
        </a>
        <span class={`live live-${liveStatus}`} role="status" title="Live updates from /api/events">
          {liveStatus === 'live' ? 'Live' : liveStatus === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
        <span class="whoami">
          {me.auth_enabled ? (
            <>
              {me.username} <span class="role">({me.role_id})</span>
            </>
          ) : (
            'Authentication off'
          )}
        </span>
        {me.auth_enabled && me.id !== 'anonymous' ? (
          <button type="button" class="btn btn-plain" onClick={() => void session.signOut()}>
            Sign out
          </button>
        ) : null}
      </header>
      <div class="layout">
        <nav id="site-nav" class={`sidebar${menuOpen ? ' open' : ''}`} aria-label="Main">
          {NAVIGATION.map((group) => {
            const items = group.items.filter((i) => i.permission === undefined || session.can(i.permission));
            if (items.length === 0) return null;
            return (
              <div class="nav-group" key={group.label}>
                <h2 class="nav-heading">{group.label}</h2>
                <ul>
                  {items.map((i) => (
                    <li key={i.route}>
                      <a href={href(i.route)} aria-current={route === i.route ? 'page' : undefined} class={i.later === true ? 'later' : undefined}>
                        {i.label}
                        {i.later === true ? <span class="visually-hidden"> (not available yet)</span> : null}
                      </a>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <main id="main" tabIndex={-1}>
          {me.auth_enabled ? null : (
            <Notice kind="warn">
              Authentication is off: anyone who can reach this address acts as an administrator. {session.can('users.manage') ? <a href={href('/users')}>Turn it on under Users.</a> : null}
            </Notice>
          )}
          <Page route={route} />
        </main>
      </div>
      <div class="toasts" aria-live="polite" role="log">
        {said.map((s) => (
          <p key={s.id} class={`toast toast-${s.kind}`}>
            {s.message}
          </p>
        ))}
      </div>
    </SessionContext.Provider>
  );
}

import { createContext } from 'preact';
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { MeResponse } from '@sentinel-kit/core/contract';
import type { SentinelClient } from './api.js';
import { errorText } from './api.js';
import type { LiveEvents, LiveListener } from './live.js';

/** What every page gets: who is signed in, the client, the live events and the status line. */
export interface Session {
  me: MeResponse;
  client: SentinelClient;
  live: LiveEvents;
  /** Whether the signed-in principal holds a permission (the server checks again). */
  can(permission: string): boolean;
  /** Say something in the status region (announced to screen readers). */
  say(message: string, kind?: 'ok' | 'error' | 'info'): void;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (s === undefined) throw new Error('no session');
  return s;
}

/** Subscribe to live events for the life of a component. */
export function useLive(listener: LiveListener): void {
  const { live } = useSession();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => live.subscribe((e) => ref.current(e)), [live]);
}

export interface Async<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): Promise<void>;
}

/** Load something from the API, with its error in words; `reload` when an event says it changed. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[] = []): Async<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const ref = useRef(load);
  ref.current = load;
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await ref.current());
      setError(undefined);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, deps);
  return { data, error, loading, reload };
}

export function Notice({ kind = 'info', children }: { kind?: 'ok' | 'error' | 'info' | 'warn'; children: ComponentChildren }): JSX.Element {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : undefined}>
      {children}
    </div>
  );
}

/** A page's heading, focused when the page opens so keyboard and screen-reader users land on it. */
export function PageTitle({ children }: { children: ComponentChildren }): JSX.Element {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1} class="page-title">
      {children}
    </h1>
  );
}

/**
 * A button that runs an API call: disabled while it runs, the outcome said in
 * the status region (the server's message on failure).
 */
export function ActionButton(props: {
  run: () => Promise<unknown>;
  children: ComponentChildren;
  done?: string | ((result: unknown) => string);
  kind?: 'primary' | 'danger' | 'plain';
  label?: string;
  disabled?: boolean;
  onDone?: (result: unknown) => void;
  onError?: (message: string) => void;
  type?: 'button' | 'submit';
}): JSX.Element {
  const { say } = useSession();
  const [busy, setBusy] = useState(false);
  const click = async (): Promise<void> => {
    setBusy(true);
    try {
      const result = await props.run();
      const done = typeof props.done === 'function' ? props.done(result) : (props.done ?? messageOf(result));
      if (done !== undefined && done !== '') say(done, 'ok');
      props.onDone?.(result);
    } catch (e) {
      say(errorText(e), 'error');
      props.onError?.(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type={props.type ?? 'button'}
      class={`btn btn-${props.kind ?? 'plain'}`}
      aria-label={props.label}
      disabled={busy || props.disabled === true}
      aria-busy={busy}
      onClick={() => void click()}
    >
      {props.children}
    </button>
  );
}

/** The `message` of an API answer, if it has one. */
export function messageOf(result: unknown): string | undefined {
  return typeof result === 'object' && result !== null && typeof (result as { message?: unknown }).message === 'string' ? (result as { message: string }).message : undefined;
}

/** A labelled form control with its hint and its error, tied together for assistive technology. */
export function Field(props: { id: string; label: string; hint?: string; error?: string | undefined; children: ComponentChildren }): JSX.Element {
  return (
    <div class={`field${props.error === undefined ? '' : ' field-invalid'}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint === undefined ? null : (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error === undefined ? null : (
        <p class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** `aria-describedby` for a Field's control. */
export function describedBy(id: string, hint: boolean, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error === undefined ? '' : `${id}-error`].filter(Boolean);
  return ids.length === 0 ? undefined : ids.join(' ');
}

export function Loading({ what }: { what: string }): JSX.Element {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** The standard way a page shows its data: loading, the server's error, or the content. */
export function Loaded<T>({ state, what, children }: { state: Async<T>; what: string; children: (data: T) => ComponentChildren }): JSX.Element {
  if (state.data === undefined && state.error === undefined) return <Loading what={what} />;
  if (state.data === undefined) return <Notice kind="error">Could not load {what}: {state.error}</Notice>;
  return (
    <>
      {state.error === undefined ? null : <Notice kind="error">Could not refresh {what}: {state.error}</Notice>}
      {children(state.data)}
    </>
  );
}

/** A secret shown once (API tokens, keys, recovery codes), with a copy button. */
export function ShownOnce({ label, value }: { label: string; value: string }): JSX.Element {
  const [copied, setCopied] = useState(false);
  return (
    <div class="shown-once" role="status">
      <p>
        <strong>{label}</strong> — shown only now; copy it before leaving this page.
      </p>
      <code class="secret-value">{value}</code>{' '}
      <button
        type="button"
        class="btn btn-plain"
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(() => setCopied(true));
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

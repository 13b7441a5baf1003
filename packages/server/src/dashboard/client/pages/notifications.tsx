import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { NotificationChannel, NotificationEventType, NotifyMode } from '@sentinel-kit/core/contract';
import { errorText } from '../api.js';
import { formatTime } from '../format.js';
import { ActionButton, Field, Loaded, Notice, PageTitle, useAsync, useSession } from '../ui.js';

const CHANNEL_TYPES = ['webhook', 'gotify', 'ntfy', 'slack', 'discord', 'telegram', 'pushover', 'smtp', 'mqtt', 'apprise'] as const;
const MODES: NotifyMode[] = ['default', 'every_scan', 'digest_only', 'muted'];

/** Channels, templates, per-container modes and the digest. Secrets are never shown: the server masks them and keeps them when the mask is sent back. */
export function NotificationsPage(): JSX.Element {
  return (
    <>
      <PageTitle>Notifications</PageTitle>
      <ChannelsCard />
      <TemplatesCard />
      <DigestCard />
      <ModesCard />
    </>
  );
}

function ChannelsCard(): JSX.Element {
  const { client, can, say } = useSession();
  const channels = useAsync(() => client.notifications.list());
  const edit = can('settings.modify');
  const [type, setType] = useState<string>('webhook');
  const [name, setName] = useState('');
  const [settings, setSettings] = useState('{\n  "url": "https://hooks.example.com/sentinel"\n}');
  const [error, setError] = useState<string | undefined>(undefined);
  const save = async (list: NotificationChannel[], done: string): Promise<boolean> => {
    try {
      await client.notifications.save(list);
      say(done, 'ok');
      setError(undefined);
      await channels.reload();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    }
  };
  return (
    <section class="card" aria-labelledby="ch-h">
      <h2 id="ch-h">Channels</h2>
      <Loaded state={channels} what="the channels">
        {(list) => (
          <>
            {list.length === 0 ? <p>No channel yet.</p> : null}
            <ul>
              {list.map((ch, i) => (
                <li key={ch.id ?? i}>
                  <strong>{ch.name}</strong> ({ch.type}) — {ch.enabled === false ? 'off' : 'on'}
                  {ch.events === undefined || ch.events.length === 0 ? ', all events' : `, ${ch.events.join(', ')}`}
                  <code class="muted"> {JSON.stringify(ch.settings)}</code>{' '}
                  {edit ? (
                    <span class="row-actions">
                      <ActionButton label={`Test ${ch.name}`} run={() => client.notifications.test(ch.id)}>
                        Test
                      </ActionButton>
                      <ActionButton label={`${ch.enabled === false ? 'Enable' : 'Disable'} ${ch.name}`} run={() => save(list.map((c, j) => (j === i ? { ...c, enabled: c.enabled === false } : c)), `${ch.name} ${ch.enabled === false ? 'enabled' : 'disabled'}`)} done="">
                        {ch.enabled === false ? 'Enable' : 'Disable'}
                      </ActionButton>
                      <ActionButton kind="danger" label={`Delete ${ch.name}`} run={() => save(list.filter((_, j) => j !== i), `${ch.name} deleted`)} done="">
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
                  let parsed: unknown;
                  try {
                    parsed = JSON.parse(settings);
                  } catch {
                    setError('settings must be a JSON object');
                    return;
                  }
                  void save([...list, { name, type, enabled: true, settings: parsed } as NotificationChannel], `channel ${name} added`).then((ok) => ok && setName(''));
                }}
              >
                <h3>Add a channel</h3>
                <div class="form-grid">
                  <Field id="ch-name" label="Name">
                    <input id="ch-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
                  </Field>
                  <Field id="ch-type" label="Type">
                    <select id="ch-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
                      {CHANNEL_TYPES.map((t) => (
                        <option key={t} value={t}>
                          {t}
                        </option>
                      ))}
                    </select>
                  </Field>
                </div>
                <Field id="ch-settings" label="Settings (JSON)" hint="The fields of the channel type, as docs/notifications.md lists them." error={error}>
                  <textarea id="ch-settings" value={settings} aria-describedby="ch-settings-hint" onInput={(e) => setSettings(e.currentTarget.value)} />
                </Field>
                <button type="submit" class="btn btn-primary">
                  Add channel
                </button>
                <ActionButton run={() => client.notifications.test()}>Test the whole chain</ActionButton>
              </form>
            ) : null}
          </>
        )}
      </Loaded>
    </section>
  );
}

function TemplatesCard(): JSX.Element {
  const { client, can } = useSession();
  const templates = useAsync(() => client.notifications.templates());
  const types = useAsync(() => client.notifications.eventTypes());
  const [eventType, setEventType] = useState<NotificationEventType | undefined>(undefined);
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<string>('');
  const [error, setError] = useState<string | undefined>(undefined);
  const edit = can('settings.modify');
  useEffect(() => {
    const first = types.data?.[0]?.type;
    if (eventType === undefined && first !== undefined) setEventType(first);
  }, [types.data]);
  useEffect(() => {
    if (eventType === undefined || templates.data === undefined) return;
    setText(templates.data.templates[eventType] ?? templates.data.defaults[eventType] ?? '');
  }, [eventType, templates.data]);
  // Live preview, rendered by the server with sample data as the text changes (debounced).
  useEffect(() => {
    if (eventType === undefined || !edit) return;
    const t = setTimeout(() => {
      void client.notifications.previewTemplate(eventType, text).then(
        (p) => (setPreview(p.preview), setError(undefined)),
        (e: unknown) => setError(errorText(e)),
      );
    }, 300);
    return () => clearTimeout(t);
  }, [eventType, text]);
  return (
    <section class="card" aria-labelledby="tpl-h">
      <h2 id="tpl-h">Templates</h2>
      <Loaded state={templates} what="the templates">
        {(t) => (
          <>
            <Field id="tpl-type" label="Event">
              <select id="tpl-type" value={eventType ?? ''} onChange={(e) => setEventType(e.currentTarget.value as NotificationEventType)}>
                {(types.data ?? []).map((x) => (
                  <option key={x.type} value={x.type}>
                    {x.label}
                    {t.templates[x.type] === undefined ? '' : ' (custom)'}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="tpl-text" label="Template" hint={`Variables: ${t.variables.map((v) => `{{.${v.name}}}`).join(' ')}`} error={error}>
              <textarea id="tpl-text" value={text} readOnly={!edit} aria-describedby="tpl-text-hint" onInput={(e) => setText(e.currentTarget.value)} />
            </Field>
            {edit ? (
              <>
                <p>Preview:</p>
                <pre class="logs" aria-live="polite" data-testid="template-preview">
                  {preview}
                </pre>
                <div class="row-actions">
                  <ActionButton kind="primary" disabled={eventType === undefined} run={() => client.notifications.saveTemplate(eventType as NotificationEventType, text)} onDone={() => void templates.reload()}>
                    Save template
                  </ActionButton>
                  <ActionButton disabled={eventType === undefined || t.templates[eventType] === undefined} run={() => client.notifications.deleteTemplate(eventType as NotificationEventType)} onDone={() => void templates.reload()}>
                    Revert to default
                  </ActionButton>
                </div>
              </>
            ) : null}
          </>
        )}
      </Loaded>
    </section>
  );
}

function DigestCard(): JSX.Element {
  const { client, can, say } = useSession();
  const digest = useAsync(() => client.digest.settings());
  const edit = can('settings.modify');
  return (
    <section class="card" aria-labelledby="dg-h">
      <h2 id="dg-h">Digest</h2>
      <Loaded state={digest} what="the digest settings">
        {(d) => <DigestForm key={JSON.stringify(d)} d={d} edit={edit} onSaved={() => void digest.reload()} say={say} />}
      </Loaded>
      {edit ? <ActionButton run={() => client.digest.trigger()}>Send a digest now</ActionButton> : null}
    </section>
  );
}

function DigestForm({ d, edit, onSaved }: { d: { digest_enabled: boolean; digest_time: string; digest_interval: string; next_digest_at: string | null; last_digest_at: string | null }; edit: boolean; onSaved: () => void; say: (m: string, k?: 'ok' | 'error') => void }): JSX.Element {
  const { client, say } = useSession();
  const [enabled, setEnabled] = useState(d.digest_enabled);
  const [time, setTime] = useState(d.digest_time);
  const [interval, setEvery] = useState(d.digest_interval);
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void client.digest.saveSettings({ digest_enabled: enabled, digest_time: time, digest_interval: interval }).then(
          (r) => (say(r.message, 'ok'), setError(undefined), onSaved()),
          (err: unknown) => setError(errorText(err)),
        );
      }}
    >
      <p class="hint">
        Last sent {formatTime(d.last_digest_at) || 'never'}; next {formatTime(d.next_digest_at) || 'not scheduled'}.
      </p>
      <div class="form-grid">
        <div class="field">
          <label class="check">
            <input type="checkbox" checked={enabled} disabled={!edit} onChange={(e) => setEnabled(e.currentTarget.checked)} /> Send digests
          </label>
        </div>
        <Field id="dg-time" label="Time of day" hint="HH:MM, 24-hour, server time zone.">
          <input id="dg-time" value={time} readOnly={!edit} aria-describedby="dg-time-hint" onInput={(e) => setTime(e.currentTarget.value)} />
        </Field>
        <Field id="dg-int" label="Interval" hint="A duration such as 24h.">
          <input id="dg-int" value={interval} readOnly={!edit} aria-describedby="dg-int-hint" onInput={(e) => setEvery(e.currentTarget.value)} />
        </Field>
      </div>
      {error === undefined ? null : <Notice kind="error">{error}</Notice>}
      {edit ? (
        <button type="submit" class="btn btn-primary">
          Save digest settings
        </button>
      ) : null}
    </form>
  );
}

function ModesCard(): JSX.Element {
  const { client, can, say } = useSession();
  const containers = useAsync(() => client.containers.list());
  const modes = useAsync(() => client.notifications.modes());
  const edit = can('settings.modify');
  return (
    <section class="card" aria-labelledby="md-h">
      <h2 id="md-h">Per-container modes</h2>
      <Loaded state={containers} what="the containers">
        {(list) => (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Notification mode of each container</caption>
              <thead>
                <tr>
                  <th scope="col">Container</th>
                  <th scope="col">Mode</th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.name}>
                    <th scope="row">{c.name}</th>
                    <td>
                      <select
                        aria-label={`Notification mode of ${c.name}`}
                        disabled={!edit}
                        value={modes.data?.[c.name]?.mode ?? 'default'}
                        onChange={(e) =>
                          void client.notifications.setMode(c.name, e.currentTarget.value as NotifyMode).then(
                            (r) => (say(`${c.name}: ${r.mode}`, 'ok'), void modes.reload()),
                            (err: unknown) => say(errorText(err), 'error'),
                          )
                        }
                      >
                        {MODES.map((m) => (
                          <option key={m} value={m}>
                            {m.replace('_', ' ')}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      {edit ? (
        <p>
          <ActionButton run={() => client.notifications.clearStates()} done={(r) => `cleared ${(r as { cleared: number }).cleared} notification states`}>
            Clear notification dedup states
          </ActionButton>
        </p>
      ) : null}
    </section>
  );
}

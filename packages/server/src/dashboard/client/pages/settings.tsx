import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SentinelClient } from '../api.js';
import { errorText } from '../api.js';
import { Loaded, PageTitle, describedBy, messageOf, useAsync, useLive, useSession } from '../ui.js';
import { SETTING_GROUPS } from './settings-defs.js';
import type { SettingDef } from './settings-defs.js';

/** Every runtime setting, each saved on its own; the server checks the range and its words appear under the field. */
export function SettingsPage(): JSX.Element {
  const { client, can } = useSession();
  const settings = useAsync(() => client.settings.get());
  useLive((e) => {
    if (e.type === 'settings_change') void settings.reload();
  });
  const editable = can('settings.modify');
  return (
    <>
      <PageTitle>Settings</PageTitle>
      {editable ? null : <p class="hint">Your role can read the settings but not change them.</p>}
      <Loaded state={settings} what="the settings">
        {(all) => (
          <>
            {SETTING_GROUPS.map((g) => (
              <section class="card" key={g.title} aria-labelledby={`group-${g.title}`}>
                <h2 id={`group-${g.title}`}>{g.title}</h2>
                <div class="form-grid">
                  {g.settings.map((d) => (
                    <SettingField key={`${d.key}:${all[d.key] ?? ''}`} def={d} all={all} client={client} editable={editable} onSaved={() => void settings.reload()} />
                  ))}
                </div>
              </section>
            ))}
          </>
        )}
      </Loaded>
    </>
  );
}

function SettingField({ def, all, client, editable, onSaved }: { def: SettingDef; all: Readonly<Record<string, string>>; client: SentinelClient; editable: boolean; onSaved: () => void }): JSX.Element {
  const { say } = useSession();
  const stored = def.key === 'rollback_policy' && (all[def.key] ?? '') === '' ? 'none' : (all[def.key] ?? '');
  const [value, setValue] = useState(stored);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const id = `setting-${def.key}`;
  const save = async (v: string): Promise<void> => {
    setBusy(true);
    try {
      const r = await def.save(client, v, all);
      setError(undefined);
      say(messageOf(r) ?? `${def.label} saved`, 'ok');
      onSaved();
    } catch (e) {
      setError(errorText(e));
      if (def.kind === 'bool') setValue(stored);
    } finally {
      setBusy(false);
    }
  };
  if (def.kind === 'bool') {
    return (
      <div class={`field${error === undefined ? '' : ' field-invalid'}`}>
        <label class="check">
          <input id={id} type="checkbox" checked={value === 'true'} disabled={!editable || busy} aria-describedby={describedBy(id, true, error)} onChange={(e) => (setValue(String(e.currentTarget.checked)), void save(String(e.currentTarget.checked)))} /> {def.label}
        </label>
        <p class="hint" id={`${id}-hint`}>
          {def.hint}
        </p>
        {error === undefined ? null : (
          <p class="field-error" id={`${id}-error`} role="alert">
            {error}
          </p>
        )}
      </div>
    );
  }
  const control =
    def.kind === 'enum' ? (
      <select id={id} value={value} disabled={!editable} aria-invalid={error !== undefined} aria-describedby={describedBy(id, true, error)} onChange={(e) => setValue(e.currentTarget.value)}>
        {(def.options ?? []).map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    ) : (
      <input
        id={id}
        name={def.key}
        inputMode={def.kind === 'number' ? 'numeric' : undefined}
        value={value}
        readOnly={!editable}
        aria-invalid={error !== undefined}
        aria-describedby={describedBy(id, true, error)}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
    );
  return (
    <form
      class={`field${error === undefined ? '' : ' field-invalid'}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save(value);
      }}
    >
      <label for={id}>{def.label}</label>
      <div class="setting">
        {control}
        {editable ? (
          <button type="submit" class="btn btn-plain" disabled={busy || value === stored} aria-label={`Save ${def.label}`}>
            Save
          </button>
        ) : null}
      </div>
      <p class="hint" id={`${id}-hint`}>
        {def.hint}
      </p>
      {error === undefined ? null : (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from '../api.js';
import { download, formatTime } from '../format.js';
import { ActionButton, Loaded, Notice, PageTitle, useAsync, useSession } from '../ui.js';

/** Configuration backup and restore, and what this server is. */
export function SystemPage(): JSX.Element {
  const { client, can, say } = useSession();
  const about = useAsync(() => client.system.about());
  const [result, setResult] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const modify = can('settings.modify');
  const importFile = async (file: File | undefined): Promise<void> => {
    if (file === undefined) return;
    try {
      const backup = JSON.parse(await file.text()) as Record<string, unknown>;
      const r = await client.config.import(backup);
      setResult(r.message + (r.warnings.length > 0 ? ` — ${r.warnings.join('; ')}` : ''));
      setError(undefined);
      say(r.message, 'ok');
    } catch (e) {
      setError(errorText(e));
      setResult(undefined);
    }
  };
  return (
    <>
      <PageTitle>Backup &amp; about</PageTitle>
      {modify ? (
        <section class="card" aria-labelledby="bk-h">
          <h2 id="bk-h">Configuration backup</h2>
          <p>Settings, notification channels, registry credentials and more in one JSON file. Secrets are redacted unless you ask for them.</p>
          <div class="row-actions">
            <ActionButton run={async () => download(`sentinel-config-${new Date().toISOString().slice(0, 10)}.json`, JSON.stringify(await client.config.export(), null, 2), 'application/json')} done="configuration exported">
              Export (secrets redacted)
            </ActionButton>
            <ActionButton run={async () => download('sentinel-config-with-secrets.json', JSON.stringify(await client.config.export({ secrets: true }), null, 2), 'application/json')} done="configuration exported with secrets">
              Export with secrets
            </ActionButton>
            <ActionButton run={async () => download('sentinel-grafana-dashboard.json', JSON.stringify(await client.config.grafanaDashboard(), null, 2), 'application/json')} done="">
              Grafana dashboard
            </ActionButton>
          </div>
          <p>
            <label for="import-file">Import a backup</label>{' '}
            <input id="import-file" type="file" accept="application/json,.json" onChange={(e) => void importFile(e.currentTarget.files?.[0])} />
          </p>
          {result === undefined ? null : <Notice kind="ok">{result}</Notice>}
          {error === undefined ? null : <Notice kind="error">{error}</Notice>}
        </section>
      ) : null}
      <section class="card" aria-labelledby="ab-h">
        <h2 id="ab-h">About</h2>
        <Loaded state={about} what="the server information">
          {(a) => (
            <dl class="facts">
              <dt>Version</dt>
              <dd>
                {a.version} ({a.commit})
              </dd>
              <dt>Runtime</dt>
              <dd>{a.runtime_version}</dd>
              <dt>Up since</dt>
              <dd>
                {formatTime(a.started_at)} ({a.uptime})
              </dd>
              <dt>Data directory</dt>
              <dd>
                <code>{a.data_directory || '(in memory)'}</code>
              </dd>
              <dt>Poll interval</dt>
              <dd>{a.poll_interval}</dd>
              <dt>Last scan</dt>
              <dd>{formatTime(a.last_scan) || 'never'}</dd>
              <dt>Containers</dt>
              <dd>{a.containers}</dd>
              <dt>Updates applied</dt>
              <dd>{a.updates_applied}</dd>
              <dt>Snapshots</dt>
              <dd>{a.snapshots}</dd>
              <dt>Notification channels</dt>
              <dd>{a.channels.map((c) => `${c.name} (${c.type})`).join(', ') || 'none'}</dd>
              <dt>Registries with credentials</dt>
              <dd>{a.registries.join(', ') || 'none'}</dd>
            </dl>
          )}
        </Loaded>
        <p>
          API reference: <a href="/docs">Swagger UI</a>, <a href="/redoc">ReDoc</a>, <a href="/openapi.json">OpenAPI document</a>.
        </p>
      </section>
    </>
  );
}

import { describe, expect, it } from 'vitest';
import { BadRequestError, PayloadTooLargeError } from '@sentinel-kit/client';
import { createMemoryStorage, createRegistryCredentialStore } from '@sentinel-kit/core';
import type { RegistryCredentialStore } from '@sentinel-kit/core';
import { REDACTED } from '@sentinel-kit/core/contract';
import { setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

const GOTIFY = { id: 'gotify-1', name: 'Gotify', type: 'gotify', settings: { url: 'http://gotify.test', token: 'gotify-app-token-123' } };

/** An app with its own registry credential store, as the server wires one. */
function server(options: { bodyLimitBytes?: number } = {}): ClientFixture & { credentials: RegistryCredentialStore } {
  const credentials = createRegistryCredentialStore(createMemoryStorage());
  const f = setup({ fixture: { app: { registryCredentials: credentials, ...options } } });
  return { ...f, credentials };
}

/** A configured server: changed settings, a release-note mapping, webhooks on, a registry credential. */
async function configured(): Promise<ClientFixture & { credentials: RegistryCredentialStore }> {
  const a = server();
  await a.sentinel.settings.setRaw('poll_interval', '4h');
  await a.sentinel.settings.setRaw('default_policy', 'auto');
  await a.sentinel.settings.setRaw('paused', 'true');
  await a.client.releaseSources.replace([{ image_pattern: 'ghcr.io/acme/*', github_repo: 'acme/platform' }]);
  await a.client.webhooks.setEnabled(true);
  await a.credentials.save([{ id: 'ghcr', registry: 'ghcr.io', username: 'bot', secret: 'ghp_secret_value' }]);
  await a.client.request({ method: 'PUT', path: '/api/settings/notifications', json: [GOTIFY] });
  return a;
}

const withoutTime = <T extends { exported_at: string }>(backup: T): Omit<T, 'exported_at'> => {
  const { exported_at: _ignored, ...rest } = backup;
  return rest;
};

describe('client.config', () => {
  it('export() has the seed shape, every setting, and secrets redacted', async () => {
    const a = await configured();
    const backup = await a.client.config.export();
    expect(backup).toMatchObject({
      version: '1',
      settings: { poll_interval: '4h0m0s', default_policy: 'auto', paused: 'true' },
      notifications: [{ id: 'gotify-1', name: 'Gotify', type: 'gotify', enabled: true, settings: { url: 'http://gotify.test', token: REDACTED } }],
      registries: [{ id: 'ghcr', registry: 'ghcr.io', username: 'bot', secret: REDACTED }],
      release_sources: [{ image_pattern: 'ghcr.io/acme/*', github_repo: 'acme/platform' }],
      webhook: { enabled: true },
    });
    expect(Date.parse(backup.exported_at)).not.toBeNaN();
    expect(Object.keys(backup.settings).sort()).toEqual(Object.keys(await a.sentinel.settings.formatted()).sort());
    expect(JSON.stringify(backup)).not.toContain('ghp_secret_value');
    expect(JSON.stringify(backup)).not.toContain('gotify-app-token-123');
    const withSecrets = await a.client.config.export({ secrets: true });
    expect(withSecrets.registries).toEqual([{ id: 'ghcr', registry: 'ghcr.io', username: 'bot', secret: 'ghp_secret_value' }]);
    expect(withSecrets.notifications).toMatchObject([{ id: 'gotify-1', settings: { token: 'gotify-app-token-123' } }]);
  });

  it('an export imported into a fresh server reproduces the configuration', async () => {
    const a = await configured();
    const b = server();
    await b.app.start();
    const backup = await a.client.config.export({ secrets: true });
    const changes: string[] = [];
    b.sentinel.events.subscribe((e) => e.type === 'settings_change' && changes.push(e.message));
    const result = await b.client.config.import(backup);
    // One settings_change for the whole import, naming what changed.
    expect(changes.filter((m) => m.includes('poll_interval'))).toHaveLength(1);
    const settingsCount = Object.keys(backup.settings).length;
    expect(result).toEqual({
      message: `Imported ${settingsCount} settings, 1 notification channels, 1 registry credentials`,
      settings_imported: settingsCount,
      notifications_imported: 1,
      registries_imported: 1,
      redacted_skipped: 0,
      warnings: ['webhooks enabled without a secret (secrets are never exported): regenerate it with POST /api/settings/webhook-secret'],
      release_sources_imported: 1,
    });
    expect(withoutTime(await b.client.config.export({ secrets: true }))).toEqual(withoutTime(backup));
    expect(await b.sentinel.settings.get('poll_interval')).toBe(4 * 3_600_000);
    expect(b.credentials.lookup('ghcr.io')).toEqual({ username: 'bot', password: 'ghp_secret_value' });
    // The import is in the activity log as a settings change.
    expect((await b.client.activity.list({ type: 'settings' }))[0]?.message).toContain('Configuration imported');
  });

  it('a redacted export imports everything but the secrets, and counts what it skipped', async () => {
    const a = await configured();
    const b = server();
    const result = await b.client.config.import(await a.client.config.export());
    expect(result).toMatchObject({ registries_imported: 0, notifications_imported: 0, redacted_skipped: 2 });
    expect(result.warnings).toContain('notification channel "Gotify" skipped: its secrets are redacted');
    expect(await b.credentials.list()).toEqual([]);
    expect((await b.client.config.export()).notifications).toEqual([]);
    expect(await b.sentinel.settings.get('default_policy')).toBe('auto');
  });

  it('a redacted export imported back into the same server keeps its saved secrets', async () => {
    const a = await configured();
    const before = withoutTime(await a.client.config.export({ secrets: true }));
    const result = await a.client.config.import(await a.client.config.export());
    expect(result).toMatchObject({ notifications_imported: 1, registries_imported: 0 });
    expect(withoutTime(await a.client.config.export({ secrets: true }))).toEqual(before);
  });

  it('refuses unknown setting keys, bad values and bad sections with 400, changing nothing', async () => {
    const b = server();
    const before = withoutTime(await b.client.config.export({ secrets: true }));
    const bad: Array<Record<string, unknown>> = [
      { settings: { poll_interval: '4h', not_a_setting: '1' } },
      { settings: { poll_interval: '1s' } },
      { settings: { default_policy: 'auto' }, release_sources: [{ image_pattern: 'x', github_repo: 'not-a-repo' }] },
      { settings: { default_policy: 'auto' }, registries: [{ id: 'r1', registry: 'ghcr.io', username: 'bot' }] },
      { settings: { default_policy: 'auto' }, notifications: [{ name: 'x', type: 'gotify', settings: { url: 'not a url', token: 't' } }] },
      { settings: { default_policy: 'auto' }, notifications: [{ name: 'x', type: 'carrier-pigeon', settings: {} }] },
      { version: '99', settings: { default_policy: 'auto' } },
      { settings: ['poll_interval'] },
    ];
    for (const body of bad) {
      const error = await b.client.config.import(body).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadRequestError);
    }
    await expect(b.client.config.import({ settings: { not_a_setting: '1' } })).rejects.toMatchObject({ message: 'unknown setting key(s): not_a_setting' });
    expect(withoutTime(await b.client.config.export({ secrets: true }))).toEqual(before);
  });

  it('refuses a backup over 5 MB with 413, with the app-wide 1 MiB limit left as it is', async () => {
    const b = server();
    const huge = { settings: { default_policy: 'auto' }, padding: 'x'.repeat(5 * 1024 * 1024 + 1) };
    await expect(b.client.config.import(huge)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await b.sentinel.settings.get('default_policy')).toBe('manual');
    // Under the limit (and over the general 1 MiB) it is read.
    const big = await b.client.config.import({ settings: { default_policy: 'auto' }, padding: 'x'.repeat(2 * 1024 * 1024) });
    expect(big).toMatchObject({ settings_imported: 1, warnings: ['unknown section "padding" ignored'] });
  });

  it('grafanaDashboard() returns a dashboard model', async () => {
    const a = server();
    const dashboard = await a.client.config.grafanaDashboard();
    expect(dashboard).toMatchObject({ title: 'Sentinel Kit', uid: 'sentinel-kit' });
    expect(Array.isArray(dashboard.panels)).toBe(true);
  });
});

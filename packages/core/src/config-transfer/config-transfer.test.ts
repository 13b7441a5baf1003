import { describe, expect, it } from 'vitest';
import { REDACTED } from '../contract/ops.js';
import { InvalidError } from '../errors/index.js';
import { createWebhookConfigStore } from '../inbound-webhook/webhook-config.js';
import { createManualClock } from '../ports/clock.js';
import { createReleaseSourceStore } from '../release-notes/release-sources.js';
import { createSettingsStore } from '../settings/settings.js';
import { createMemoryStorage } from '../storage/memory-storage.js';
import type { ConfigSection, SectionItem } from './config-transfer.js';
import { createConfigTransfer } from './config-transfer.js';

/** A section kept in memory whose items carry a `password` secret, as a registry-credential store would. */
function memorySection(initial: SectionItem[] = []): ConfigSection & { items: SectionItem[] } {
  const section = {
    items: initial,
    async export({ secrets }: { secrets: boolean }) {
      return section.items.map((i) => ({ ...i, password: secrets ? i.password : REDACTED }));
    },
    async prepare(items: readonly SectionItem[]) {
      const bad = items.find((i) => typeof i.registry !== 'string');
      if (bad !== undefined) throw new InvalidError('registry is required');
      const usable = items.filter((i) => i.password !== REDACTED);
      return {
        imported: usable.length,
        redactedSkipped: items.length - usable.length,
        warnings: [],
        apply: async () => {
          section.items = [...section.items, ...usable];
        },
      };
    },
  };
  return section;
}

function setup() {
  const storage = createMemoryStorage();
  const settings = createSettingsStore(storage);
  const releaseSources = createReleaseSourceStore(storage);
  const webhook = createWebhookConfigStore(storage);
  const registries = memorySection();
  const transfer = createConfigTransfer({ settings, releaseSources, webhook, registries, clock: createManualClock() });
  return { storage, settings, releaseSources, webhook, registries, transfer };
}

describe('config transfer', () => {
  it('exports every setting with the seed sections, secrets redacted unless asked for', async () => {
    const a = setup();
    await a.settings.setRaw('poll_interval', '4h');
    await a.releaseSources.replace([{ image_pattern: 'nginx', github_repo: 'nginx/nginx' }]);
    a.registries.items.push({ registry: 'ghcr.io', username: 'bot', password: 'hunter2' });
    const backup = await a.transfer.export();
    expect(backup).toMatchObject({
      version: '1',
      exported_at: '2025-01-01T00:00:00.000Z',
      settings: { poll_interval: '4h0m0s', default_policy: 'manual' },
      notifications: [],
      registries: [{ registry: 'ghcr.io', username: 'bot', password: REDACTED }],
      release_sources: [{ image_pattern: 'nginx', github_repo: 'nginx/nginx' }],
      webhook: { enabled: false },
    });
    expect(JSON.stringify(backup)).not.toContain('hunter2');
    expect((await a.transfer.export({ secrets: true })).registries).toEqual([{ registry: 'ghcr.io', username: 'bot', password: 'hunter2' }]);
  });

  it('imports into a fresh store and reproduces the configuration', async () => {
    const a = setup();
    await a.settings.setRaw('poll_interval', '4h');
    await a.settings.setRaw('default_policy', 'auto');
    await a.releaseSources.replace([{ image_pattern: 'ghcr.io/acme/*', github_repo: 'acme/platform' }]);
    a.registries.items.push({ registry: 'ghcr.io', username: 'bot', password: 'hunter2' }, { registry: 'docker.io', username: 'me', password: 's3cret' });
    const backup = await a.transfer.export();

    const b = setup();
    const result = await b.transfer.import(JSON.parse(JSON.stringify(backup)));
    expect(result).toEqual({
      message: `Imported ${Object.keys(backup.settings).length} settings, 0 notification channels, 0 registry credentials`,
      settings_imported: Object.keys(backup.settings).length,
      notifications_imported: 0,
      registries_imported: 0,
      redacted_skipped: 2,
      warnings: [],
      release_sources_imported: 1,
    });
    const { exported_at: _a, ...expected } = backup;
    const { exported_at: _b, ...actual } = await b.transfer.export();
    expect({ ...actual, registries: [] }).toEqual({ ...expected, registries: [] });

    // With secrets, the credentials come across too.
    const c = setup();
    const withSecrets = await c.transfer.import(await a.transfer.export({ secrets: true }));
    expect(withSecrets.registries_imported).toBe(2);
    expect(c.registries.items).toEqual(a.registries.items);
  });

  it('refuses unknown keys, bad values and bad sections, and writes nothing', async () => {
    const b = setup();
    const cases: unknown[] = [
      { settings: { poll_interval: '4h', no_such_setting: 'x' } },
      { settings: { poll_interval: '1s' } },
      { settings: { poll_interval: '4h' }, release_sources: [{ image_pattern: 'x', github_repo: 'nope' }] },
      { settings: { poll_interval: '4h' }, registries: [{ username: 'no registry' }] },
      { version: '2', settings: { poll_interval: '4h' } },
      { settings: 'not an object' },
      [],
    ];
    for (const body of cases) await expect(b.transfer.import(body)).rejects.toBeInstanceOf(InvalidError);
    await expect(b.transfer.import({ settings: { no_such_setting: 'x' } })).rejects.toThrow('unknown setting key(s): no_such_setting');
    expect(await b.settings.get('poll_interval')).toBe(6 * 3_600_000);
    expect(await b.releaseSources.list()).toEqual([]);
    expect(b.registries.items).toEqual([]);
  });

  it('skips redacted settings, warns about sections it cannot store and unknown sections', async () => {
    const storage = createMemoryStorage();
    const transfer = createConfigTransfer({
      settings: createSettingsStore(storage),
      releaseSources: createReleaseSourceStore(storage),
      webhook: createWebhookConfigStore(storage),
    });
    const result = await transfer.import({ settings: { poll_interval: REDACTED, paused: true, scan_concurrency: 8 }, notifications: [{ name: 'Gotify', type: 'gotify' }], extra: 1, webhook: { enabled: true } });
    expect(result).toMatchObject({ settings_imported: 2, redacted_skipped: 1, notifications_imported: 0 });
    expect(result.warnings).toEqual([
      '1 notification channels skipped: this server has no store for them',
      'unknown section "extra" ignored',
      'webhooks enabled without a secret (secrets are never exported): regenerate it with POST /api/settings/webhook-secret',
    ]);
  });
});

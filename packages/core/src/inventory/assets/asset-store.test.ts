import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../ports/clock.js';
import { createMemoryStorage } from '../../storage/index.js';
import { createAssetStore } from './asset-store.js';

describe('asset store', () => {
  it('creates an asset once per organization and hostname, keeping defaults and ids', async () => {
    const store = createAssetStore({ storage: createMemoryStorage(), clock: createManualClock() });
    const a = await store.upsert({ hostname: 'web-01', organization_id: 1 });
    expect(a).toMatchObject({ id: 1, os: 'Unknown', tags: [], ip_address: '', kind: 'host', software_count: 0 });
    const again = await store.upsert({ hostname: 'WEB-01', organization_id: 1, os: 'Debian 12', ip_address: '10.0.0.5' });
    expect(again.id).toBe(1);
    expect(again.os).toBe('Debian 12');
    expect((await store.upsert({ hostname: 'web-02', organization_id: 1 })).id).toBe(2);
    await expect(store.upsert({ hostname: 'x', organization_id: 9 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.upsert({ hostname: ' ', organization_id: 1 })).rejects.toMatchObject({ code: 'INVALID' });
  });

  it('replaces inventories and applies deltas', async () => {
    const store = createAssetStore({ storage: createMemoryStorage() });
    const { id } = await store.upsert({ hostname: 'h', organization_id: 1 });
    await store.setSoftware(id, [
      { name: 'redis', version: '7.0.12' },
      { name: 'nginx', version: '1.24.0' },
    ]);
    expect((await store.get(id))?.software_count).toBe(2);
    const after = await store.applyDelta(id, [{ name: 'redis', version: '7.2.3', vendor: 'Redis Ltd.' }], [{ name: 'redis', version: '7.0.12' }]);
    expect(after).toEqual([
      { name: 'nginx', version: '1.24.0' },
      { name: 'redis', version: '7.2.3', vendor: 'Redis Ltd.' },
    ]);
    expect((await store.get(id))?.software_count).toBe(2);
  });

  it("keeps the engine's Docker host and the reports of the same host name apart: neither replaces the other's software", async () => {
    const store = createAssetStore({ storage: createMemoryStorage() });
    const engine = await store.upsert({ hostname: 'web-01', organization_id: 1, kind: 'docker_host', agent_id: 'local-docker' });
    const engineItems = Array.from({ length: 853 }, (_, i) => ({ name: `pkg-${i}`, version: `1.${i}` }));
    await store.setSoftware(engine.id, engineItems);

    const reported = await store.upsert({ hostname: 'WEB-01', organization_id: 1, os: 'Debian 12' });
    expect(reported.id).not.toBe(engine.id);
    expect(reported.kind).toBe('host');
    await store.setSoftware(reported.id, [{ name: 'openssl', version: '3.0.11' }]);
    expect(await store.software(engine.id)).toEqual(engineItems);

    // The engine's next refresh finds its own asset, and keeps its kind and agent.
    const refreshed = await store.upsert({ hostname: 'web-01', organization_id: 1, kind: 'docker_host', agent_id: 'local-docker' });
    expect(refreshed).toMatchObject({ id: engine.id, kind: 'docker_host', agent_id: 'local-docker' });
    expect(await store.get(reported.id)).toMatchObject({ kind: 'host', os: 'Debian 12' });
    expect((await store.get(reported.id))?.agent_id).toBeUndefined();

    // A second full report replaces the report's items only.
    const again = await store.upsert({ hostname: 'web-01', organization_id: 1 });
    expect(again.id).toBe(reported.id);
    await store.setSoftware(again.id, [{ name: 'openssl', version: '3.0.13' }]);
    expect(await store.software(reported.id)).toEqual([{ name: 'openssl', version: '3.0.13' }]);
    expect(await store.software(engine.id)).toHaveLength(853);

    // Looking a host name up without a kind finds the reported host; with one, that kind's asset.
    expect((await store.findByHostname(1, 'web-01'))?.id).toBe(reported.id);
    expect((await store.findByHostname(1, 'web-01', 'docker_host'))?.id).toBe(engine.id);
    expect(await store.findByHostname(1, 'web-01', 'image')).toBeUndefined();
  });

  it('has the built-in default organization', async () => {
    const store = createAssetStore({ storage: createMemoryStorage() });
    expect(await store.organization('default')).toEqual({ id: 1, key: 'default', name: 'Default' });
    const org = await store.createOrganization('acme', 'Acme');
    expect(org.id).toBe(2);
    expect(await store.organization(2)).toEqual(org);
  });
});

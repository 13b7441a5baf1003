import { describe, expect, it } from 'vitest';
import { createAssetStore } from '@sentinel-kit/core';
import { createV1Fixture } from './v1-fixture.js';

/**
 * The server's own Docker host (the engine, `docker-01` in the fixture) and an
 * agent reporting from the same host name are two assets: the engine's refresh
 * never replaces the agent's packages, and the agent's full report never
 * replaces the engine's item.
 */
describe('two sources for one host name', () => {
  const packages = Array.from({ length: 853 }, (_, i) => ({ name: `pkg-${i}`, version: `1.0.${i}` }));

  it.each(['agent first', 'engine first'] as const)('keep their own inventories, whichever reports first (%s)', async (order) => {
    const f = await createV1Fixture();
    const { data: token } = await f.api.v1.agents.createEnrollmentToken({ name: 'same host', max_uses: 1 });
    const agent = f.client();
    const enrolled = (await agent.v1.agents.enroll({ token: token.token, hostname: 'docker-01', os: 'Debian GNU/Linux 12 (bookworm)' })).data;

    const report = (software: Array<{ name: string; version: string }>) =>
      agent.inventory.report({ hostname: 'docker-01', os: 'Debian GNU/Linux 12 (bookworm)', software }, { agentKey: enrolled.agent_key });
    const systems = async () => (await f.api.v1.systems.list()).data.systems;

    if (order === 'engine first') await systems();
    const first = await report(packages);
    expect(first).toMatchObject({ asset_id: enrolled.asset_id, products_processed: 853 });
    // Listing the systems refreshes the engine's Docker host asset.
    const listed = await systems();
    expect(listed.map((s) => [s.kind, s.hostname, s.software_count]).sort()).toEqual([
      ['docker_host', 'docker-01', 1],
      ['host', 'docker-01', 853],
    ]);
    const engine = listed.find((s) => s.kind === 'docker_host');
    const host = listed.find((s) => s.kind === 'host');
    expect(engine?.agent_id).toBe('local-docker');
    expect(host?.agent_id).toBe(enrolled.agent_id);

    // A second full report from the agent replaces the agent's items only.
    const second = await report([{ name: 'openssl', version: '3.0.13' }]);
    expect(second).toMatchObject({ asset_id: enrolled.asset_id, products_processed: 1 });
    const assets = createAssetStore({ storage: f.storage });
    expect(await assets.software(enrolled.asset_id)).toEqual([{ name: 'openssl', version: '3.0.13' }]);
    const engineAsset = await assets.findByAgent('local-docker');
    expect(engineAsset?.id).not.toBe(enrolled.asset_id);
    expect((await assets.software(engineAsset?.id ?? -1)).map((item) => item.name)).toEqual(['moby']);
    expect((await systems()).map((s) => [s.kind, s.software_count]).sort()).toEqual([
      ['docker_host', 1],
      ['host', 1],
    ]);
  });

  it('keeps a REST import with a plain agent key (no enrolled agent) apart from the engine too', async () => {
    const f = await createV1Fixture();
    await f.api.v1.systems.list();
    const key = await f.client({ token: f.adminToken }).agentKeys.create('ci');
    const answer = await f.client().inventory.report({ hostname: 'docker-01', software: packages.slice(0, 10) }, { agentKey: key.key });
    const assets = createAssetStore({ storage: f.storage });
    const engine = await assets.findByAgent('local-docker');
    expect(answer.asset_id).not.toBe(engine?.id);
    expect(await assets.software(answer.asset_id)).toHaveLength(10);
    expect((await assets.software(engine?.id ?? -1)).map((item) => item.name)).toEqual(['moby']);
  });
});

import { describe, expect, it } from 'vitest';
import { ADMIN, createV1Fixture } from './v1-fixture.js';

async function rejection(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; body: unknown };
    return { status: e.status, body: e.body };
  }
  throw new Error('expected the request to fail');
}

describe('agent enrollment', () => {
  it('creates a token that enrolls agents until its uses run out; each agent gets an id, a key that reports, and a system', async () => {
    const f = await createV1Fixture();
    const created = await f.api.v1.agents.createEnrollmentToken({ name: 'Production', expires_days: 7, max_uses: 2 });
    expect(created.status).toBe('success');
    expect(created.data).toMatchObject({ name: 'Production', max_uses: 2, uses: 0, organization_id: 1 });
    expect(created.data.token).toMatch(/^enr_[\w-]{40,}$/);
    expect(Date.parse(created.data.expires_at) - f.clock.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);

    const anonymous = f.client();
    const first = await anonymous.v1.agents.enroll({ token: created.data.token, hostname: 'web-01', os: 'Debian GNU/Linux 12 (bookworm)' });
    expect(first.data).toMatchObject({ organization_id: 1 });
    expect(first.data.agent_id).toMatch(/^agt_[0-9a-f]{20}$/);
    expect(first.data.agent_key).toMatch(/^sk_agent_/);

    // The agent reports with its key; the report lands on its system.
    const report = await anonymous.inventory.report(
      { hostname: 'web-01', os: 'Debian GNU/Linux 12 (bookworm)', software: [{ name: 'openssl', version: '3.0.11', vendor: 'openssl' }, { name: 'curl', version: '7.88.1' }] },
      { agentKey: first.data.agent_key },
    );
    expect(report.asset_id).toBe(first.data.asset_id);
    const system = await f.api.v1.systems.get(first.data.agent_id);
    expect(system.data).toMatchObject({ agent_id: first.data.agent_id, hostname: 'web-01', kind: 'host', status: 'online', os: 'Debian GNU/Linux 12 (bookworm)', software_count: 2, organization_id: 1, last_audit: null });

    const second = await anonymous.v1.agents.enroll({ token: created.data.token, hostname: 'web-02' });
    expect(second.data.agent_id).not.toBe(first.data.agent_id);
    const usedUp = await rejection(anonymous.v1.agents.enroll({ token: created.data.token, hostname: 'web-03' }));
    expect(usedUp).toEqual({ status: 401, body: { detail: 'invalid, expired or used-up enrollment token', error_code: 'UNAUTHORIZED', status_code: 401 } });
    const hostnames = (await f.api.v1.systems.list({ kind: 'host' })).data.systems.map((s) => s.hostname);
    expect(hostnames).toEqual(['web-01', 'web-02']);
  });

  it('refuses expired and unknown tokens, and bad input, changing nothing', async () => {
    const f = await createV1Fixture({ manualClock: true });
    const { data } = await f.api.v1.agents.createEnrollmentToken({ name: 'short', expires_days: 1 });
    expect(data.max_uses).toBe(1);
    await f.manual?.advance(86_400_000 + 1);
    expect((await rejection(f.client().v1.agents.enroll({ token: data.token, hostname: 'late' }))).status).toBe(401);
    expect((await rejection(f.client().v1.agents.enroll({ token: 'enr_unknown-token-value-000000000000000000000', hostname: 'x-1' }))).status).toBe(401);
    // The fixture's JWT expired with the day too: log in again.
    const api = f.client({ token: (await f.client().v1.auth.token({ username: ADMIN.username, password: ADMIN.password })).access_token });
    const bad = await rejection(f.client().v1.agents.enroll({ token: data.token, hostname: 'has space' }));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'VALIDATION_ERROR' });
    for (const body of [{ name: '' }, { name: 'x', expires_days: 0 }, { name: 'x', max_uses: 0 }, { name: 'x', expires_days: 366 }, { name: 'x', extra: true }]) {
      expect((await rejection(api.v1.agents.createEnrollmentToken(body as never))).status).toBe(400);
    }
    expect((await api.v1.systems.list({ kind: 'host' })).data.total).toBe(0);
  });
});

describe('GET /api/v1/systems', () => {
  it('lists the Docker host and enrolled agents in the documented envelope, paged', async () => {
    const f = await createV1Fixture();
    const { data: token } = await f.api.v1.agents.createEnrollmentToken({ name: 'fleet', max_uses: 5 });
    for (const hostname of ['app-1', 'app-2', 'app-3']) await f.client().v1.agents.enroll({ token: token.token, hostname });
    const all = await f.api.v1.systems.list();
    expect(all.status).toBe('success');
    expect(all.data.total).toBe(4);
    expect(all.data.page).toBe(1);
    const host = all.data.systems.find((s) => s.kind === 'docker_host');
    expect(host).toMatchObject({ agent_id: 'local-docker', hostname: 'docker-01', os: 'linux', status: 'online', software_count: 1 });
    const page2 = await f.api.v1.systems.list({ page: 2, per_page: 3 });
    expect(page2.data).toMatchObject({ total: 4, page: 2, per_page: 3 });
    expect(page2.data.systems).toHaveLength(1);
    expect((await f.api.v1.systems.list({ page: 3, per_page: 3 })).data.systems).toEqual([]);
    expect((await rejection(f.api.v1.systems.list({ status: 'asleep' as never }))).status).toBe(400);
  });

  it('answers an unknown agent with the documented 404', async () => {
    const f = await createV1Fixture();
    const missing = await rejection(f.api.v1.systems.get('abc123'));
    expect(missing).toEqual({ status: 404, body: { detail: 'Agent not found', error_code: 'NOT_FOUND', status_code: 404 } });
  });

  it('turns a silent agent offline after the threshold, on the clock', async () => {
    const f = await createV1Fixture({ manualClock: true, app: { apiV1: { offlineAfterMs: 10 * 60_000 } } });
    const { data: token } = await f.api.v1.agents.createEnrollmentToken({ name: 'one' });
    const agent = (await f.client().v1.agents.enroll({ token: token.token, hostname: 'quiet' })).data;
    expect((await f.api.v1.systems.get(agent.agent_id)).data.status).toBe('online');
    await f.manual?.advance(10 * 60_000);
    expect((await f.api.v1.systems.get(agent.agent_id)).data.status).toBe('offline');
    expect((await f.api.v1.systems.list({ status: 'offline' })).data.systems.map((s) => s.agent_id)).toEqual([agent.agent_id]);
    // A report brings it back.
    await f.client().inventory.report({ hostname: 'quiet', software: [] }, { agentKey: agent.agent_key });
    expect((await f.api.v1.systems.get(agent.agent_id)).data.status).toBe('online');
  });

  it('shows the Docker host offline while its engine does not answer', async () => {
    const f = await createV1Fixture({ manualClock: true, app: { apiV1: { offlineAfterMs: 60_000 } } });
    expect((await f.api.v1.systems.get('local-docker')).data.status).toBe('online');
    f.docker.setReachable(false);
    await f.manual?.advance(120_000);
    expect((await f.api.v1.systems.get('local-docker')).data.status).toBe('offline');
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createSentinelClient } from '@sentinel-kit/client';
import { createSentinel } from '@sentinel-kit/core';
import { createApp } from '../../src/app.js';
import { createV1Fixture, KEV_FIXTURE, NVD_FIXTURE } from './v1-fixture.js';
import type { V1Fixture } from './v1-fixture.js';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { id: string; event: string; created_at: string; data: Record<string, unknown> };
}

interface Receiver {
  url: string;
  received: Received[];
  /** Statuses to answer, in order; 204 once they run out. `0` never answers. */
  answers: number[];
  close(): Promise<void>;
}

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

/** A real HTTP endpoint on loopback that records what it receives. */
async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Received['body'] });
      const status = answers.shift() ?? 204;
      if (status === 0) return;
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/sentinel`,
    received,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  receivers.push(receiver);
  return receiver;
}

/** What a receiver does with the documented header: recompute the HMAC of the raw body and compare in constant time. */
function signatureValid(secret: string, raw: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function rejection(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; body: unknown };
    return { status: e.status, body: e.body };
  }
  throw new Error('expected the request to fail');
}

function stageRiskyContainer(f: V1Fixture): void {
  f.docker.seedContainer({ name: 'risky', image: f.publish('tools', '1.0.0'), native: { HostConfig: { Privileged: true } } });
}

const SECRET = 'your-webhook-secret';

describe('outbound webhooks', () => {
  it('are created, listed with the secret masked, and deleted; bad input is refused and changes nothing', async () => {
    const f = await createV1Fixture();
    const created = await f.api.v1.webhooks.create({ url: 'https://your-server.com/webhook', events: ['audit.completed', 'vulnerability.critical'], secret: SECRET });
    expect(created.data).toMatchObject({ url: 'https://your-server.com/webhook', events: ['audit.completed', 'vulnerability.critical'], secret: '********' });
    expect(created.data.id).toMatch(/^whk_/);
    const listed = await f.api.v1.webhooks.list();
    expect(listed.data).toEqual({ webhooks: [created.data], total: 1 });
    expect(JSON.stringify(listed)).not.toContain(SECRET);

    for (const body of [
      { url: 'ftp://example.com/x', events: ['audit.completed'], secret: SECRET },
      { url: 'not a url', events: ['audit.completed'], secret: SECRET },
      { url: 'https://example.com', events: [], secret: SECRET },
      { url: 'https://example.com', events: ['audit.started'], secret: SECRET },
      { url: 'https://example.com', events: ['audit.completed'], secret: 'short' },
      { url: 'https://example.com', events: ['audit.completed'] },
    ]) {
      const refused = await rejection(f.api.v1.webhooks.create(body as never));
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error_code: 'VALIDATION_ERROR', status_code: 400 });
    }
    expect((await f.api.v1.webhooks.list()).data.total).toBe(1);

    expect(await f.api.v1.webhooks.delete(created.data.id)).toEqual({ status: 'success', data: { id: created.data.id, deleted: true } });
    expect((await f.api.v1.webhooks.list()).data.total).toBe(0);
    expect((await rejection(f.api.v1.webhooks.delete(created.data.id))).status).toBe(404);
    expect((await rejection(f.api.v1.webhooks.deliveries(created.data.id))).body).toMatchObject({ error_code: 'NOT_FOUND' });
  });

  it('delivers audit.completed signed with X-Signature-256 over the raw body, and logs the delivery', async () => {
    const f = await createV1Fixture();
    const receiver = await startReceiver();
    const hook = (await f.api.v1.webhooks.create({ url: receiver.url, events: ['audit.completed'], secret: SECRET })).data;
    const audit = (await f.api.v1.systems.audit('local-docker')).data;
    await eventually(() => receiver.received.length === 1, 'the delivery');
    const got = receiver.received[0] as Received;
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-webhook-event']).toBe('audit.completed');
    expect(signatureValid(SECRET, got.raw, got.headers['x-signature-256'])).toBe(true);
    expect(signatureValid('another-secret', got.raw, got.headers['x-signature-256'])).toBe(false);
    expect(got.body.event).toBe('audit.completed');
    expect(got.body.data).toMatchObject({ audit_id: audit.id, agent_id: 'local-docker', score: audit.score, summary: audit.summary });

    await eventually(async () => (await f.api.v1.webhooks.deliveries(hook.id)).data.deliveries[0]?.status === 'delivered', 'the log entry');
    const log = (await f.api.v1.webhooks.deliveries(hook.id)).data;
    expect(log.total).toBe(1);
    expect(log.deliveries[0]).toMatchObject({ webhook_id: hook.id, event: 'audit.completed', status: 'delivered', next_attempt_at: null, payload: got.body });
    expect(log.deliveries[0]?.id).toBe(got.headers['x-webhook-delivery']);
    expect(log.deliveries[0]?.attempts).toEqual([{ at: expect.any(String), status_code: 204, error: null, duration_ms: expect.any(Number) }]);
  });

  it('retries a failed delivery with back-off on the clock, then gives up when the attempts run out', async () => {
    const f = await createV1Fixture({ manualClock: true, app: { apiV1: { webhookRetryDelaysMs: [10_000, 60_000] } } });
    const receiver = await startReceiver();
    receiver.answers.push(500);
    const hook = (await f.api.v1.webhooks.create({ url: receiver.url, events: ['audit.completed'], secret: SECRET })).data;
    await f.api.v1.systems.audit('local-docker');
    const log = async () => (await f.api.v1.webhooks.deliveries(hook.id)).data.deliveries;
    await eventually(async () => (await log())[0]?.status === 'retrying', 'the first failed attempt');
    const first = (await log())[0];
    expect(first?.attempts.map((a) => [a.status_code, a.error])).toEqual([[500, 'receiver answered 500']]);
    expect(first?.next_attempt_at).toBe(new Date(f.clock.now() + 10_000).toISOString());

    await f.manual?.advance(10_000);
    await eventually(async () => (await log())[0]?.status === 'delivered', 'the retry');
    expect((await log())[0]?.attempts.map((a) => a.status_code)).toEqual([500, 204]);
    expect(receiver.received).toHaveLength(2);
    // The same event, signed the same way, on every attempt.
    expect(receiver.received[1]?.raw).toBe(receiver.received[0]?.raw);

    receiver.answers.push(503, 503, 503);
    await f.api.v1.systems.audit('local-docker');
    await eventually(async () => (await log())[0]?.attempts.length === 1, 'the first attempt');
    await f.manual?.advance(10_000);
    await eventually(async () => (await log())[0]?.attempts.length === 2, 'the second attempt');
    await f.manual?.advance(60_000);
    await eventually(async () => (await log())[0]?.status === 'failed', 'giving up');
    expect((await log())[0]).toMatchObject({ next_attempt_at: null, attempts: [{ status_code: 503 }, { status_code: 503 }, { status_code: 503 }] });
  });

  it('resumes retries a restart interrupted', async () => {
    const f = await createV1Fixture({ manualClock: true, app: { apiV1: { webhookRetryDelaysMs: [30_000] } } });
    const receiver = await startReceiver();
    receiver.answers.push(500);
    const hook = (await f.api.v1.webhooks.create({ url: receiver.url, events: ['audit.completed'], secret: SECRET })).data;
    await f.api.v1.systems.audit('local-docker');
    const log = async () => (await f.api.v1.webhooks.deliveries(hook.id)).data.deliveries;
    await eventually(async () => (await log())[0]?.status === 'retrying', 'the failed attempt');
    await f.app.close();

    // The same data, served by a new app: the retry goes out when it falls due.
    const sentinel = createSentinel({ storage: f.storage, docker: f.docker });
    const app = createApp({ sentinel, authMode: 'enabled', authOptions: { passwordCost: 4 }, clock: f.clock, imageInventory: { initialRefreshDelayMs: 86_400_000, refreshIntervalMs: 0 } });
    try {
      await app.start();
      expect(receiver.received).toHaveLength(1);
      await f.manual?.advance(30_000);
      await eventually(() => receiver.received.length === 2, 'the resumed retry');
      const client = createSentinelClient({ baseUrl: 'http://sentinel.test', token: f.jwt, retry: 0, fetch: async (input, init) => app.request(input instanceof URL ? input.toString() : input, init) });
      await eventually(async () => (await client.v1.webhooks.deliveries(hook.id)).data.deliveries[0]?.status === 'delivered', 'the delivered log entry');
    } finally {
      await app.close();
    }
  });

  it('gives up an attempt that gets no answer in time, on the clock, and retries it', async () => {
    const f = await createV1Fixture({ manualClock: true, app: { apiV1: { webhookTimeoutMs: 5_000, webhookRetryDelaysMs: [10_000] } } });
    const receiver = await startReceiver();
    receiver.answers.push(0);
    const hook = (await f.api.v1.webhooks.create({ url: receiver.url, events: ['audit.completed'], secret: SECRET })).data;
    await f.api.v1.systems.audit('local-docker');
    await eventually(() => receiver.received.length === 1, 'the first attempt to arrive');
    await f.manual?.advance(5_000);
    const log = async () => (await f.api.v1.webhooks.deliveries(hook.id)).data.deliveries;
    await eventually(async () => (await log())[0]?.status === 'retrying', 'the timed-out attempt');
    expect((await log())[0]?.attempts).toEqual([{ at: expect.any(String), status_code: null, error: 'no answer within 5000 ms', duration_ms: 5_000 }]);
    await f.manual?.advance(10_000);
    await eventually(async () => (await log())[0]?.status === 'delivered', 'the retry');
  });

  it('sends agent.offline once per silence of a system past the threshold, checked on the clock', async () => {
    const f = await createV1Fixture({ manualClock: true, app: { apiV1: { offlineAfterMs: 10 * 60_000, monitorIntervalMs: 60_000, webhookTimeoutMs: 3_600_000 } } });
    const receiver = await startReceiver();
    await f.api.v1.webhooks.create({ url: receiver.url, events: ['agent.offline'], secret: SECRET });
    const { data: token } = await f.api.v1.agents.createEnrollmentToken({ name: 'one' });
    const agent = (await f.client().v1.agents.enroll({ token: token.token, hostname: 'quiet' })).data;

    await f.manual?.advance(9 * 60_000);
    expect(receiver.received).toHaveLength(0);
    await f.manual?.advance(2 * 60_000);
    await eventually(() => receiver.received.length === 1, 'agent.offline');
    expect(receiver.received[0]?.body).toMatchObject({ event: 'agent.offline', data: { agent_id: agent.agent_id, hostname: 'quiet', threshold_seconds: 600 } });
    expect((receiver.received[0]?.body.data.offline_for_seconds as number) >= 600).toBe(true);
    // Still silent: not told again.
    await f.manual?.advance(5 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.received.filter((r) => r.body.data.agent_id === agent.agent_id)).toHaveLength(1);

    // Back, then silent again: a new silence, told again.
    await f.client().inventory.report({ hostname: 'quiet', software: [] }, { agentKey: agent.agent_key });
    await f.manual?.advance(11 * 60_000);
    await eventually(() => receiver.received.filter((r) => r.body.data.agent_id === agent.agent_id).length === 2, 'the second agent.offline');
  });

  it('sends vulnerability.critical for critical matches a system did not have before', async () => {
    const f = await createV1Fixture({ manualClock: true, app: { apiV1: { monitorIntervalMs: 60_000, webhookTimeoutMs: 3_600_000 } } });
    const receiver = await startReceiver();
    const native = f.client({ token: f.adminToken });
    await native.inventory.importDocument('nvd', NVD_FIXTURE);
    await native.inventory.importDocument('kev', KEV_FIXTURE);
    await f.api.v1.webhooks.create({ url: receiver.url, events: ['vulnerability.critical'], secret: SECRET });
    const { data: token } = await f.api.v1.agents.createEnrollmentToken({ name: 'one' });
    const agent = (await f.client().v1.agents.enroll({ token: token.token, hostname: 'app-01' })).data;
    const report = (software: Array<{ name: string; vendor: string; version: string }>) => f.client().inventory.report({ hostname: 'app-01', software }, { agentKey: agent.agent_key });

    await report([{ name: 'log4j', vendor: 'apache', version: '2.14.1' }]);
    await f.manual?.advance(60_000);
    await eventually(() => receiver.received.length === 1, 'vulnerability.critical');
    expect(receiver.received[0]?.body).toMatchObject({
      event: 'vulnerability.critical',
      data: { agent_id: agent.agent_id, hostname: 'app-01', vulnerabilities: [{ id: 'CVE-2021-44228', package: 'log4j', version: '2.14.1', in_kev: true, cvss_score: 10 }] },
    });

    await f.manual?.advance(60_000);
    await report([{ name: 'log4j', vendor: 'apache', version: '2.14.1' }, { name: 'xz', vendor: 'tukaani', version: '5.6.1' }]);
    // An audit looks at once, without waiting for the next round.
    await f.api.v1.systems.audit(agent.agent_id);
    await eventually(() => receiver.received.length === 2, 'the second vulnerability.critical');
    expect((receiver.received[1]?.body.data.vulnerabilities as Array<{ id: string }>).map((v) => v.id)).toEqual(['CVE-2024-3094']);
    await f.manual?.advance(120_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.received).toHaveLength(2);
  });

  it('sends compliance.failed when a framework turns to fail, once', async () => {
    const f = await createV1Fixture();
    stageRiskyContainer(f);
    const receiver = await startReceiver();
    await f.api.v1.webhooks.create({ url: receiver.url, events: ['compliance.failed'], secret: SECRET });
    await f.api.v1.systems.audit('local-docker');
    await eventually(() => receiver.received.length === 4, 'one compliance.failed per framework');
    expect(receiver.received.map((r) => r.body.data.framework).sort()).toEqual(['hipaa', 'iso27001', 'nist', 'soc2']);
    const nist = receiver.received.find((r) => r.body.data.framework === 'nist');
    expect(nist?.body.data).toMatchObject({ status: 'fail', previous_status: null, systems_assessed: 1 });
    expect((nist?.body.data.failed_controls as Array<{ control_id: string }>).map((c) => c.control_id)).toContain('AC-6');
    await f.api.v1.systems.audit('local-docker');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.received).toHaveLength(4);
  });
});

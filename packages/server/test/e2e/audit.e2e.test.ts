import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSentinelClient } from '@sentinel-kit/client';
import type { SentinelClient } from '@sentinel-kit/client';
import { compareVersions, silentLogger } from '@sentinel-kit/core';
import { startServer } from '../../src/start-server.js';
import type { RunningServer } from '../../src/start-server.js';
import { DOCKER_ENGINE_CVE } from '../client/v1-feeds.js';
import { setupAdminToken } from './support/first-run.js';
import { buildTestImage } from './support/images.js';
import { dockerCli, waitFor } from './support/wait.js';

/**
 * The audit & compliance API against the real engine and registry: a
 * container with a risky configuration runs on the stack's Docker Engine, a
 * fixture feed is imported, the Docker host is audited through the typed
 * client, and a webhook receiver on loopback checks the signed deliveries.
 */
const dockerHost = inject('dockerHost');
const docker = dockerCli(dockerHost);
const CONTAINER = 'audit-e2e-risky';
const ADMIN_PASSWORD = 'e2e-audit-admin-password';
const SECRET = 'e2e-webhook-secret';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { id: string; event: string; created_at: string; data: Record<string, unknown> };
}

let dir: string;
let server: RunningServer;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let adminToken: string;


beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sk-audit-e2e-'));
  // `runs`: a busybox image with no HEALTHCHECK and no USER, so it runs as root.
  const image = await buildTestImage({ repository: 'e2e-audit/risky', tag: '1.0.0', behavior: 'runs' });
  await docker(['rm', '-f', CONTAINER]).catch(() => undefined);
  // Risky on purpose: the host's process and IPC namespaces, the engine's socket and the host's /etc.
  // (`--privileged` needs capabilities this sandboxed engine cannot grant; the unit tests cover it.)
  const socket = dockerHost.replace(/^unix:\/\//, '');
  await docker(['run', '-d', '--name', CONTAINER, '--network', 'none', '--pid', 'host', '--ipc', 'host', '-v', `${socket}:/var/run/docker.sock`, '-v', '/etc:/host-etc:ro', image]);

  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Received['body'] });
      res.statusCode = 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/sentinel-webhook`;

  server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), dockerHost, metrics: false, logLevel: 'warn', settings: { poll_interval: 86_400_000 } },
    { logger: silentLogger },
  );
  adminToken = await setupAdminToken(server.url, { password: ADMIN_PASSWORD });
}, 300_000);

afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => (receiver === undefined ? resolve() : receiver.close(() => resolve())));
  await docker(['rm', '-f', CONTAINER]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** What a receiver does: HMAC-SHA256 of the raw body with the shared secret, compared in constant time. */
function signed(r: Received): boolean {
  const header = r.headers['x-signature-256'];
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', SECRET).update(r.raw).digest('hex'));
  const given = Buffer.from(header.slice(7));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

describe('audit & compliance API against a real Docker Engine', () => {
  let api: SentinelClient;

  it('logs in for a JWT, imports a feed, and audits the Docker host: risky container found, compliance failing, webhooks signed', async () => {
    const anonymous = createSentinelClient({ baseUrl: server.url, retry: 0 });
    const { access_token, token_type, expires_in } = await anonymous.v1.auth.token({ username: 'admin', password: ADMIN_PASSWORD });
    expect(token_type).toBe('bearer');
    expect(expires_in).toBe(86_400);
    api = createSentinelClient({ baseUrl: server.url, token: access_token, retry: 0 });

    const hook = (await api.v1.webhooks.create({ url: receiverUrl, events: ['audit.completed', 'compliance.failed', 'vulnerability.critical'], secret: SECRET })).data;
    const native = createSentinelClient({ baseUrl: server.url, token: adminToken, retry: 0 });
    const imported = await native.inventory.importDocument('nvd', DOCKER_ENGINE_CVE);
    expect(imported.added).toBe(1);

    // The server's own engine is a system.
    const systems = await api.v1.systems.list();
    const host = systems.data.systems.find((s) => s.agent_id === 'local-docker');
    expect(host).toMatchObject({ kind: 'docker_host', status: 'online', software_count: 1 });
    const engineVersion = (await docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim();

    const audit = (await api.v1.systems.audit('local-docker', { include_vulnerability_scan: true })).data;
    expect(audit).toMatchObject({ agent_id: 'local-docker', system_kind: 'docker_host', status: 'completed' });
    const mine = audit.findings.filter((f) => f.target.name === CONTAINER);
    const byCheck = new Map(mine.map((f) => [f.check_id, f]));
    expect(byCheck.get('docker.docker_socket')).toMatchObject({ severity: 'critical', evidence: `${dockerHost.replace(/^unix:\/\//, '')} is mounted at /var/run/docker.sock (read-write)`, reference: 'CIS Docker Benchmark 5.31' });
    expect(byCheck.get('docker.host_pid')).toMatchObject({ severity: 'high', evidence: expect.stringContaining('HostConfig.PidMode is "host"') });
    expect(byCheck.get('docker.host_ipc')).toMatchObject({ severity: 'high' });
    expect(byCheck.get('docker.sensitive_mount')).toMatchObject({ severity: 'medium', evidence: 'host /etc mounted at /host-etc (read-only)' });
    expect(byCheck.has('docker.privileged')).toBe(false);
    expect(byCheck.get('docker.healthcheck')?.evidence).toBe('no HEALTHCHECK in the image and none set on the container');
    // The image sets no USER: the audit asked the running container itself.
    expect(byCheck.get('docker.root_user')?.evidence).toContain('`id -u` inside it answered 0');
    expect(byCheck.get('docker.memory_limit')).toBeDefined();
    expect(byCheck.get('docker.readonly_rootfs')).toBeDefined();
    expect(byCheck.has('docker.host_network')).toBe(false);
    expect(byCheck.get('docker.docker_socket')?.controls.nist).toEqual(expect.arrayContaining(['AC-6', 'CM-6']));

    // The engine is the Docker host's inventory, matched against the imported record (affected: 19.03.0 – 27.1.0).
    const upstream = engineVersion.replace(/[+~].*$/, '');
    const affected = compareVersions('generic', upstream, '27.1.0') <= 0 && compareVersions('generic', upstream, '19.03.0') >= 0;
    const engineFinding = audit.findings.find((f) => f.target.type === 'package' && f.target.name === 'moby');
    if (affected) expect(engineFinding?.vulnerabilities?.map((v) => v.id)).toEqual(['CVE-2024-41110']);
    else expect(engineFinding).toBeUndefined();

    const listed = await api.v1.audits.list({ limit: 10, severity: 'critical' });
    expect(listed.data.audits.map((a) => a.id)).toContain(audit.id);

    const nist = (await api.v1.compliance.status('nist')).data;
    expect(nist.status).toBe('fail');
    expect(nist.controls.find((c) => c.control_id === 'AC-6')?.checks.find((c) => c.check_id === 'docker.docker_socket')).toMatchObject({ status: 'fail', failed_systems: ['local-docker'] });
    expect(nist.controls.find((c) => c.control_id === 'SC-39')?.status).toBe('fail');

    await waitFor('audit.completed and compliance.failed deliveries', () => received.some((r) => r.body.event === 'audit.completed') && received.filter((r) => r.body.event === 'compliance.failed').length === 4, { timeoutMs: 30_000, intervalMs: 100 });
    const completed = received.find((r) => r.body.event === 'audit.completed') as Received;
    expect(signed(completed)).toBe(true);
    expect(completed.body.data).toMatchObject({ audit_id: audit.id, agent_id: 'local-docker' });
    expect(received.every(signed)).toBe(true);
    if (affected) {
      await waitFor('vulnerability.critical', () => received.some((r) => r.body.event === 'vulnerability.critical'), { timeoutMs: 30_000, intervalMs: 100 });
      expect(received.find((r) => r.body.event === 'vulnerability.critical')?.body.data).toMatchObject({ agent_id: 'local-docker', vulnerabilities: [{ id: 'CVE-2024-41110', package: 'moby' }] });
    }
    await waitFor('the delivery log', async () => (await api.v1.webhooks.deliveries(hook.id)).data.deliveries.every((d) => d.status === 'delivered'), { timeoutMs: 30_000, intervalMs: 100 });
    const log = (await api.v1.webhooks.deliveries(hook.id)).data.deliveries;
    expect(log.length).toBe(received.length);
    expect(log.every((d) => d.attempts.length === 1 && d.attempts[0]?.status_code === 200)).toBe(true);
  });

  it('serves /docs and /redoc from the server itself', async () => {
    expect(await api.v1.docs()).toContain('/docs/assets/swagger-ui-bundle.js');
    const bundle = await fetch(`${server.url}/docs/assets/redoc.standalone.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    await bundle.body?.cancel();
  });

  it('limits /api/v1 per client address, with the rate-limit headers', async () => {
    const res = await fetch(`${server.url}/api/v1/systems`, { headers: { authorization: `Bearer ${(await createSentinelClient({ baseUrl: server.url, retry: 0 }).v1.auth.token({ username: 'admin', password: ADMIN_PASSWORD })).access_token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('100');
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeLessThan(100);
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    await res.body?.cancel();
  });
});

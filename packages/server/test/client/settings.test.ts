import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError } from '@sentinel-kit/client';
import type { SentinelEvent } from '@sentinel-kit/core';
import { setup } from './client-fixture.js';

/** Every POST /api/settings/* with a valid body: the answer, and what GET /api/settings shows after. */
describe('settings through the client', () => {
  it('answers the poll-interval example exactly and GET /api/settings shows env and runtime keys as strings', async () => {
    const f = setup({ fixture: { settings: { poll_interval: 6 * 3_600_000 } } });
    const before = await f.client.settings.get();
    expect(before).toMatchObject({ SENTINEL_POLL_INTERVAL: '6h', poll_interval: '6h', default_policy: 'manual', paused: 'false' });
    expect(await f.client.settings.setPollInterval('4h')).toEqual({ status: 'ok', interval: '4h0m0s', message: 'poll interval updated to 4h0m0s' });
    const after = await f.client.settings.get();
    expect(after).toMatchObject({ SENTINEL_POLL_INTERVAL: '6h', poll_interval: '4h0m0s' });
    expect(Object.values(after).every((v) => typeof v === 'string')).toBe(true);
  });

  it('stores every modifying endpoint, answers its documented shape, and emits settings_change', async () => {
    const f = setup();
    const events: SentinelEvent[] = [];
    f.sentinel.events.subscribe((e) => events.push(e));
    const s = f.client.settings;
    expect(await s.setDefaultPolicy('auto')).toEqual({ status: 'ok', policy: 'auto', message: 'default policy set to auto' });
    expect(await s.setGracePeriod('45s')).toEqual({ status: 'ok', duration: '45s', message: 'grace period updated to 45s' });
    expect(await s.setPaused(true)).toEqual({ status: 'ok', paused: true, message: 'scheduled scans paused' });
    expect(await s.setFilters(['test-*', '!test-keep'])).toMatchObject({ status: 'ok', patterns: ['test-*', '!test-keep'] });
    expect(await s.setSchedule('0 3 * * *', { timezone: 'Europe/Berlin' })).toMatchObject({ status: 'ok', schedule: '0 3 * * *', timezone: 'Europe/Berlin', next_run: expect.any(String) });
    expect(await s.setRollbackPolicy('pinned')).toMatchObject({ status: 'ok', policy: 'pinned' });
    expect(await s.setVersionScope('minor')).toMatchObject({ status: 'ok', scope: 'minor' });
    expect(await s.setUpdateDelay('90m')).toMatchObject({ status: 'ok', delay: '1h30m0s' });
    expect(await s.setScanConcurrency(2)).toMatchObject({ status: 'ok', concurrency: 2 });
    expect(await s.setMaintenanceWindow('Sat 02:00-05:00')).toMatchObject({ status: 'ok', window: 'Sat 02:00-05:00', timezone: 'Europe/Berlin', open_now: expect.any(Boolean) });
    expect(await s.setStackOrder(['db', 'web'])).toMatchObject({ status: 'ok', order: ['db', 'web'] });
    expect(await s.setDashboardColumns(['image', 'status'])).toMatchObject({ status: 'ok', columns: ['image', 'status'] });
    for (const [call, key] of [
      [() => s.setLatestAutoUpdate(true), 'latest_auto_update'],
      [() => s.setImageCleanup(true), 'image_cleanup'],
      [() => s.setImageBackup(true), 'image_backup'],
      [() => s.setHooksEnabled(true), 'hooks_enabled'],
      [() => s.setHooksWriteLabels(true), 'hooks_write_labels'],
      [() => s.setDependencyAware(false), 'dependency_aware'],
      [() => s.setDryRun(true), 'dry_run'],
      [() => s.setPullOnly(true), 'pull_only'],
      [() => s.setShowStopped(false), 'show_stopped'],
      [() => s.setRemoveVolumes(true), 'remove_volumes'],
    ] as const) {
      const answer = await call();
      expect(answer, key).toMatchObject({ status: 'ok', enabled: expect.any(Boolean), message: expect.stringMatching(/enabled|disabled/) });
    }
    const compose = await s.setComposeSync(true);
    expect(compose).toMatchObject({ status: 'ok', enabled: true, note: expect.stringMatching(/does not/) });
    expect(await s.setHaDiscovery({ enabled: true, prefix: 'ha' })).toMatchObject({ status: 'ok', enabled: true, prefix: 'ha', note: expect.stringMatching(/does not/) });
    expect(await s.switchRole('server')).toMatchObject({ status: 'ok', role: 'server', restart_required: true, message: 'role set to server; read on the next start', note: expect.stringMatching(/standalone/) });
    expect(await s.setGeneral('web_port', '9090')).toEqual({ status: 'ok', key: 'web_port', value: '9090', restart_required: true, message: 'web_port set to 9090; takes effect on the next start' });
    expect(await s.setGeneral('log_format', 'text')).toMatchObject({ value: 'text', restart_required: true });

    expect(await s.get()).toMatchObject({
      default_policy: 'auto',
      grace_period: '45s',
      paused: 'true',
      filters: 'test-*,!test-keep',
      schedule: '0 3 * * *',
      timezone: 'Europe/Berlin',
      rollback_policy: 'pinned',
      version_scope: 'minor',
      update_delay: '1h30m0s',
      scan_concurrency: '2',
      maintenance_window: 'Sat 02:00-05:00',
      stack_order: 'db,web',
      dashboard_columns: 'image,status',
      latest_auto_update: 'true',
      image_cleanup: 'true',
      image_backup: 'true',
      hooks_enabled: 'true',
      hooks_write_labels: 'true',
      dependency_aware: 'false',
      dry_run: 'true',
      pull_only: 'true',
      show_stopped: 'false',
      remove_volumes: 'true',
      compose_sync: 'true',
      ha_discovery: 'true',
      ha_discovery_prefix: 'ha',
      role: 'server',
      web_port: '9090',
      log_format: 'text',
    });
    expect(events.filter((e) => e.type === 'settings_change').length).toBeGreaterThanOrEqual(27);
  });

  it('refuses bad values with 400 and the allowed range, changing nothing', async () => {
    const f = setup();
    const s = f.client.settings;
    const before = await s.get();
    const refused: Array<[() => Promise<unknown>, RegExp]> = [
      [() => s.setPollInterval('4m'), /between 5m0s and 24h0m0s/],
      [() => s.setPollInterval('25h'), /between/],
      [() => s.setGracePeriod('11m'), /between 0s and 10m0s/],
      [() => s.setScanConcurrency(0), /1 to 64/],
      [() => s.setSchedule('0 3 * *'), /cron/],
      [() => s.setSchedule('0 3 * * *', { timezone: 'Nowhere/City' }), /time zone/],
      [() => s.setMaintenanceWindow('Caturday 01:00-02:00'), /unknown day/],
      [() => s.setUpdateDelay('later'), /duration/],
      [() => s.setFilters(['a/b']), /filter pattern/],
      [() => s.setDashboardColumns(['Image Name']), /dashboard_columns/],
      [() => s.setGeneral('web_port', '70000'), /1 to 65535/],
      [() => s.setGeneral('tls_mode', 'manual'), /tls_cert and tls_key/],
      [() => s.setGeneral('tls_cert', '/nonexistent/cert.pem'), /cannot read/],
      [() => s.setDockerTls({ ca: '/nonexistent/ca.pem', cert: '/nonexistent/c.pem', key: '/nonexistent/k.pem' }), /cannot read/],
      [() => s.setDockerTls({ ca: '/etc/hostname', cert: '', key: '' }), /all three/],
      [() => f.client.request({ method: 'POST', path: '/api/settings/pause', json: { paused: 'yes' } }), /paused/],
      [() => f.client.request({ method: 'POST', path: '/api/settings/dry-run', json: { enabled: true, extra: 1 } }), /extra|unrecognized/i],
      [() => f.client.request({ method: 'POST', path: '/api/settings/general', json: { key: 'admin_password', value: 'x' } }), /key/],
    ];
    for (const [call, message] of refused) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, String(message)).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).message).toMatch(message);
    }
    expect(await s.get()).toEqual(before);
  });

  it('clears the schedule and the rollback policy with empty values', async () => {
    const f = setup();
    await f.client.settings.setSchedule('*/10 * * * * *');
    expect(await f.client.settings.setSchedule('')).toMatchObject({ schedule: '', next_run: null, message: expect.stringMatching(/cleared/) });
    await f.client.settings.setRollbackPolicy('manual');
    expect(await f.client.settings.setRollbackPolicy('none')).toMatchObject({ policy: 'none' });
    expect((await f.client.settings.get()).rollback_policy).toBe('');
  });
});

describe('docker TLS', () => {
  let dir: string;
  let engine: Server;
  let port: number;
  const files = (prefix: string) => ({ ca: join(dir, `${prefix}ca.pem`), cert: join(dir, `${prefix}client.pem`), key: join(dir, `${prefix}client.key`) });

  /** A CA, a server certificate for 127.0.0.1 and a client certificate, all from openssl. */
  function makePki(prefix: string): void {
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const key = (name: string) => ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', name);
    key(`${prefix}ca.key`);
    ssl('req', '-x509', '-new', '-key', `${prefix}ca.key`, '-out', `${prefix}ca.pem`, '-days', '1', '-subj', `/CN=${prefix}test-ca`);
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const [name, ext] of [['server', 'san.ext'], ['client', 'client.ext']] as const) {
      key(`${prefix}${name}.key`);
      ssl('req', '-new', '-key', `${prefix}${name}.key`, '-out', `${prefix}${name}.csr`, '-subj', `/CN=${name}`);
      ssl('x509', '-req', '-in', `${prefix}${name}.csr`, '-CA', `${prefix}ca.pem`, '-CAkey', `${prefix}ca.key`, '-CAcreateserial', '-out', `${prefix}${name}.pem`, '-days', '1', '-extfile', ext);
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sk-docker-tls-'));
    makePki('');
    makePki('other-');
    // Stands in for a TLS-protected Docker engine: it demands a client certificate signed by the CA.
    engine = createServer(
      { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')), ca: readFileSync(join(dir, 'ca.pem')), requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        res.writeHead(req.url === '/_ping' ? 200 : 404, { 'content-type': 'text/plain' });
        res.end(req.url === '/_ping' ? 'OK' : 'not found');
      },
    );
    await new Promise<void>((r) => engine.listen(0, '127.0.0.1', r));
    port = (engine.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => engine.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('docker-tls-test really connects: success with the right files, failure with a foreign CA or a local socket', async () => {
    const f = setup();
    const host = `tcp://127.0.0.1:${port}`;
    expect(await f.client.settings.testDockerTls({ ...files(''), host })).toMatchObject({ success: true, host, message: expect.stringMatching(/succeeded/) });
    const foreign = await f.client.settings.testDockerTls({ ...files('other-'), host });
    expect(foreign.success).toBe(false);
    expect(foreign.message).toMatch(/failed/);
    expect(await f.client.settings.testDockerTls({ ...files(''), host: 'unix:///var/run/docker.sock' })).toMatchObject({ success: false, message: expect.stringMatching(/local socket/) });
    // Testing stores nothing.
    expect((await f.client.settings.get()).docker_tls_ca).toBe('');
  });

  it('docker-tls stores readable paths for the next start', async () => {
    const f = setup();
    const paths = files('');
    expect(await f.client.settings.setDockerTls(paths)).toMatchObject({ status: 'ok', ...paths, restart_required: true, message: expect.stringMatching(/next start/) });
    expect(await f.client.settings.setDockerTls(paths)).not.toHaveProperty('note');
    expect(await f.client.settings.get()).toMatchObject({ docker_tls_ca: paths.ca, docker_tls_cert: paths.cert, docker_tls_key: paths.key });
    expect(await f.client.settings.setDockerTls({ ca: '', cert: '', key: '' })).toMatchObject({ message: expect.stringMatching(/cleared/) });
  });
});

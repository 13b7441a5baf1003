import { describe, expect, it } from 'vitest';
import { createManualClock } from '@sentinel-kit/core';
import { compactDuration, formatUptime } from '../../src/routes/about.js';
import { seedWithVersions, setup } from './client-fixture.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('client.system.about', () => {
  it('reports version, commit, runtime, data directory, real uptime and counts', async () => {
    const startedAt = Date.UTC(2025, 0, 12, 8, 0, 0);
    const clock = createManualClock(startedAt);
    const f = setup({ fixture: { app: { clock, startedAt, commit: 'a1b2c3d', dataDirectory: '/data' } } });
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    seedWithVersions(f, 'db', 'db', ['2.0.0']);
    await f.client.request({ method: 'PUT', path: '/api/settings/notifications', json: [{ name: 'Gotify', type: 'gotify', settings: { url: 'http://gotify.test', token: 'secret-token-value' } }] });

    const before = await f.client.system.about();
    expect(before).toMatchObject({ last_scan: null, containers: 2, updates_applied: 0, snapshots: 0, uptime: '0m' });

    await f.client.scan();
    await f.sentinel.idle();
    await f.client.queue.approve('web');
    await f.sentinel.idle();
    clock.set(startedAt + 3 * DAY + 12 * HOUR + 5 * MINUTE + 30_000);

    const about = await f.client.system.about();
    expect(about).toEqual({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      commit: 'a1b2c3d',
      runtime_version: `node ${process.version}`,
      data_directory: '/data',
      uptime: '3d 12h 5m',
      started_at: '2025-01-12T08:00:00.000Z',
      poll_interval: '6h',
      last_scan: expect.any(String),
      containers: 2,
      updates_applied: 1,
      snapshots: 1,
      channels: [{ name: 'Gotify', type: 'gotify' }],
      registries: ['registry.test'],
    });
    // Channel settings (and their secrets) are not part of about.
    expect(JSON.stringify(about)).not.toContain('secret-token-value');
  });

  it('defaults commit to unknown and data directory to empty when the app is not told', async () => {
    const f = setup();
    const about = await f.client.system.about();
    expect(about.commit).toBe(process.env.SENTINEL_COMMIT ?? 'unknown');
    expect(about.data_directory).toBe('');
    expect(about.channels).toEqual([]);
  });

  it('formats uptime and the poll interval as the seed shows them', () => {
    expect(formatUptime(59_000)).toBe('0m');
    expect(formatUptime(5 * MINUTE)).toBe('5m');
    expect(formatUptime(2 * HOUR + MINUTE)).toBe('2h 1m');
    expect(formatUptime(DAY)).toBe('1d 0h 0m');
    expect(compactDuration(6 * HOUR)).toBe('6h');
    expect(compactDuration(90 * MINUTE)).toBe('1h30m');
    expect(compactDuration(5 * MINUTE)).toBe('5m');
    expect(compactDuration(45_000)).toBe('45s');
  });
});

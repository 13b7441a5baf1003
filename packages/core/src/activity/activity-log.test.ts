import { describe, expect, it } from 'vitest';
import { createEventBus } from '../events/event-bus.js';
import { createManualClock } from '../ports/clock.js';
import { createMemoryStorage } from '../storage/memory-storage.js';
import { activityFromEvent, createActivityLog } from './activity-log.js';

describe('activity log', () => {
  it('lists entries newest first, honours limit and type, and stamps increasing ids', async () => {
    const clock = createManualClock();
    const log = createActivityLog({ storage: createMemoryStorage(), clock });
    await log.record({ type: 'scan', message: 'Scan started' });
    clock.set(clock.now() + 1000);
    await log.record({ type: 'update', message: 'web updated', container_name: 'web' });
    await log.record({ type: 'settings', message: 'poll interval 4h', level: 'info', user: 'admin' });

    const all = await log.list();
    expect(all.map((e) => e.message)).toEqual(['poll interval 4h', 'web updated', 'Scan started']);
    expect(all.map((e) => e.id)).toEqual([3, 2, 1]);
    expect(all[1]).toEqual({ id: 2, timestamp: '2025-01-01T00:00:01.000Z', type: 'update', level: 'info', message: 'web updated', container_name: 'web' });
    expect(all[0]?.user).toBe('admin');
    expect((await log.list({ limit: 1 })).map((e) => e.id)).toEqual([3]);
    expect((await log.list({ type: 'update' })).map((e) => e.message)).toEqual(['web updated']);
  });

  it('keeps only the newest `capacity` entries, in memory and in storage', async () => {
    const storage = createMemoryStorage();
    const log = createActivityLog({ storage, capacity: 3 });
    for (let i = 1; i <= 5; i++) await log.record({ type: 'scan', message: `scan ${i}` });
    expect((await log.list({ limit: 10 })).map((e) => e.message)).toEqual(['scan 5', 'scan 4', 'scan 3']);
    expect(await storage.count('activity_log')).toBe(3);
  });

  it('survives a restart: a new log over the same storage continues the ids', async () => {
    const storage = createMemoryStorage();
    const first = createActivityLog({ storage });
    await first.record({ type: 'scan', message: 'one' });
    await first.record({ type: 'scan', message: 'two' });
    const second = createActivityLog({ storage });
    await second.record({ type: 'scan', message: 'three' });
    expect((await second.list()).map((e) => [e.id, e.message])).toEqual([
      [3, 'three'],
      [2, 'two'],
      [1, 'one'],
    ]);
  });

  it('follows the event bus: scans, outcomes and policy changes become entries; rate-limit status does not', async () => {
    const events = createEventBus();
    const log = createActivityLog({ storage: createMemoryStorage() });
    const stop = log.follow(events);
    events.publish({ type: 'scan_complete', message: 'Scan complete', data: { checked: 3, updates_available: 1, queued: 1, updated: 0, failed: 0 } });
    events.publish({ type: 'container_update', container_name: 'web', message: 'update of web failed; rolled back to web:1.0', data: { outcome: 'rolled_back' } });
    events.publish({ type: 'policy_change', container_name: 'web', message: 'policy set to pinned for web', data: { from: 'auto', to: 'pinned' } });
    events.publish({ type: 'rate_limits', message: 'docker.io: 90 left' });
    stop();
    events.publish({ type: 'settings_change', message: 'after unsubscribe' });
    await log.flush();
    expect(await log.list()).toMatchObject([
      { type: 'policy', level: 'info', message: 'policy set to pinned for web', container_name: 'web' },
      { type: 'rollback', level: 'warn', container_name: 'web' },
      { type: 'scan', level: 'info', message: 'Scan complete: 3 containers checked, 1 update available, 1 queued, 0 updated' },
    ]);
  });

  it('reads update events by phase and outcome', () => {
    const ev = (message: string, data: Record<string, unknown>) =>
      activityFromEvent({ id: 1, type: 'container_update', container_name: 'web', message, host_id: '', host_name: '', timestamp: '', data });
    expect(ev('update started for web', { phase: 'started' })).toMatchObject({ type: 'update', level: 'info' });
    expect(ev('rollback started for web', { phase: 'started' })).toMatchObject({ type: 'rollback', level: 'info' });
    expect(ev('update failed for web', { outcome: 'failed', error: 'pull failed' })).toMatchObject({ type: 'update', level: 'error' });
    expect(ev('web rolled back to web:1.0', { outcome: 'success' })).toMatchObject({ type: 'rollback', level: 'info' });
    expect(ev('Check failed for web', { error: 'registry down' })).toMatchObject({ type: 'scan', level: 'warn', message: 'Check failed for web: registry down' });
  });
});

import { describe, expect, it } from 'vitest';
import { BadRequestError } from '@sentinel-kit/client';
import { seedWithVersions, setup } from './client-fixture.js';

describe('client.activity', () => {
  it('lists what happened, newest first: scan, queue, update, policy change', async () => {
    const f = setup();
    // The log follows the engine's events while the app runs.
    await f.app.start();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.1.0'], { 'sentinel.policy': 'manual' });
    expect(await f.client.activity.list()).toEqual([]);

    await f.client.scan();
    await f.sentinel.idle();
    await f.client.queue.approve('web');
    await f.sentinel.idle();
    await f.client.containers.setPolicy('web', 'pinned');

    const entries = await f.client.activity.list();
    const types = entries.map((e) => e.type);
    expect(types[0]).toBe('policy');
    expect(types).toContain('scan');
    expect(types).toContain('queue');
    expect(entries.find((e) => e.type === 'scan')).toMatchObject({ level: 'info', message: 'Scan complete: 1 container checked, 1 update available, 1 queued, 0 updated' });
    expect(entries.find((e) => e.type === 'update' && e.message.startsWith('web updated to'))).toMatchObject({ level: 'info', container_name: 'web' });
    // Newest first, ids decreasing, timestamps not increasing.
    const ids = entries.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(entries.every((e, i) => i === 0 || Date.parse(e.timestamp) <= Date.parse(entries[i - 1]?.timestamp ?? ''))).toBe(true);
  });

  it('honours limit and type', async () => {
    const f = setup();
    await f.app.start();
    seedWithVersions(f, 'web', 'web', ['1.0.0']);
    for (let i = 0; i < 3; i++) {
      await f.client.scan();
      await f.sentinel.idle();
    }
    expect(await f.client.activity.list({ limit: 2 })).toHaveLength(2);
    expect((await f.client.activity.list({ type: 'scan' })).map((e) => e.type)).toEqual(['scan', 'scan', 'scan']);
    expect(await f.client.activity.list({ type: 'rollback' })).toEqual([]);
  });

  it('answers a bad limit or type with 400', async () => {
    const f = setup();
    for (const query of [{ limit: 0 }, { limit: 1001 }, { type: 'Not A Type' }]) {
      await expect(f.client.activity.list(query)).rejects.toBeInstanceOf(BadRequestError);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError } from '@sentinel-kit/client';
import { eventually, seedWithVersions, setup } from './client-fixture.js';

describe('hooks through the client', () => {
  it('creates a hook answering the seed body, lists it with label hooks, and deletes it', async () => {
    const f = setup();
    seedWithVersions(f, 'postgres', 'postgres', ['16.1'], { 'sentinel.hook.post-update': 'psql -c "select 1"' });
    const body = { phase: 'pre-update' as const, command: ['sh', '-c', 'pg_dump > backup.sql'], timeout: 60 };
    expect(await f.client.hooks.set('postgres', body)).toEqual({ container_name: 'postgres', phase: 'pre-update', command: ['sh', '-c', 'pg_dump > backup.sql'], timeout: 60 });
    expect(await f.client.hooks.list('postgres')).toEqual([
      { container_name: 'postgres', phase: 'pre-update', command: ['sh', '-c', 'pg_dump > backup.sql'], timeout: 60, source: 'api' },
      { container_name: 'postgres', phase: 'post-update', command: ['sh', '-c', 'psql -c "select 1"'], timeout: 60, source: 'label' },
    ]);
    expect(await f.client.hooks.remove('postgres', 'pre-update')).toEqual({ message: 'pre-update hook deleted for postgres' });
    expect((await f.client.hooks.list('postgres')).map((h) => h.source)).toEqual(['label']);
  });

  it('answers 400 for a bad phase or command, 404 for an unknown container or missing hook', async () => {
    const f = setup();
    seedWithVersions(f, 'app', 'app', ['1.0.0']);
    await expect(f.client.request({ method: 'POST', path: '/api/hooks/app', json: { phase: 'mid-update', command: ['x'] } })).rejects.toBeInstanceOf(BadRequestError);
    await expect(f.client.hooks.set('app', { phase: 'pre-update', command: [] })).rejects.toBeInstanceOf(BadRequestError);
    await expect(f.client.hooks.set('app', { phase: 'pre-update', command: ['x'], timeout: 0 })).rejects.toBeInstanceOf(BadRequestError);
    await expect(f.client.request({ method: 'DELETE', path: '/api/hooks/app/mid-update' })).rejects.toBeInstanceOf(BadRequestError);
    await expect(f.client.hooks.set('ghost', { phase: 'pre-update', command: ['x'] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(f.client.hooks.remove('app', 'post-update')).rejects.toBeInstanceOf(NotFoundError);
    expect(await f.client.hooks.list('app')).toEqual([]);
  });

  it('with hooks enabled, a pre-update hook exiting 75 skips the update and history says so', async () => {
    const f = setup();
    seedWithVersions(f, 'web', 'web', ['1.0.0', '1.0.1']);
    await f.client.hooks.set('web', { phase: 'pre-update', command: ['sh', '-c', 'exit 75'] });
    await f.client.settings.setHooksEnabled(true);
    await f.client.containers.check('web');
    await f.client.containers.update('web');
    await eventually(async () => (await f.client.history.list({ limit: 1 })).length === 1, 'history record');
    expect((await f.client.history.list({ limit: 1 }))[0]).toMatchObject({ container_name: 'web', outcome: 'skipped' });
    expect((await f.client.containers.get('web')).image).toBe(f.ref('web', '1.0.0'));
  });
});

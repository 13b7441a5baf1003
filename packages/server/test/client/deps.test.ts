import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError } from '@sentinel-kit/client';
import { seedWithVersions, setup } from './client-fixture.js';

describe('dependencies through the client', () => {
  it('answers the documented graph and one container', async () => {
    const f = setup();
    seedWithVersions(f, 'db', 'db', ['1.0.0']);
    seedWithVersions(f, 'app', 'app', ['1.0.0'], { 'sentinel.depends-on': 'db' });
    expect(await f.client.deps.graph()).toEqual({
      containers: [
        { name: 'app', dependencies: ['db'], dependents: [] },
        { name: 'db', dependencies: [], dependents: ['app'] },
      ],
      order: ['db', 'app'],
      has_cycles: false,
    });
    expect(await f.client.deps.get('app')).toEqual({ name: 'app', dependencies: ['db'], dependents: [] });
  });

  it('reports cycles, 404 for an unknown container and 400 for an invalid name', async () => {
    const f = setup();
    seedWithVersions(f, 'ping', 'ping', ['1.0.0'], { 'sentinel.depends-on': 'pong' });
    seedWithVersions(f, 'pong', 'pong', ['1.0.0'], { 'sentinel.depends-on': 'ping' });
    expect(await f.client.deps.graph()).toMatchObject({ has_cycles: true, order: ['ping', 'pong'] });
    await expect(f.client.deps.get('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(f.client.deps.get('-bad')).rejects.toBeInstanceOf(BadRequestError);
  });
});

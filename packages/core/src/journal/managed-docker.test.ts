import { describe, expect, it } from 'vitest';
import { createMemoryDocker } from '../docker/index.js';
import { withoutSetAside } from './managed-docker.js';

describe('withoutSetAside', () => {
  it('hides a set-aside container while its container has a new body, and lists it under its name while it has none', async () => {
    const docker = createMemoryDocker();
    const id = docker.seedContainer({ name: 'web', image: 'registry.test/web:1' });
    docker.seedContainer({ name: 'db', image: 'registry.test/db:1' });
    const managed = withoutSetAside(docker);
    await docker.renameContainer(id, 'web-sentinel-old-0lq2x9k3a1b2');
    expect((await managed.listContainers()).map((c) => [c.name, c.id])).toEqual([
      ['db', expect.any(String)],
      ['web', id],
    ]);
    await expect(managed.inspectContainer('web-sentinel-old-0lq2x9k3a1b2')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(managed.inspectContainer(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const fresh = await docker.createContainer('web', (await docker.inspectContainer(id)).spec);
    expect((await managed.listContainers()).map((c) => [c.name, c.id])).toEqual([
      ['db', expect.any(String)],
      ['web', fresh],
    ]);
  });
});

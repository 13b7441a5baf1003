import { describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, NotFoundError } from '@sentinel-kit/client';
import { setup } from './client-fixture.js';
import type { ClientFixture } from './client-fixture.js';

/** `web` runs 1.0.0; 1.1.0 and 2.0.0 were pulled, then 2.0.0 was re-pushed and pulled again, leaving the old 2.0.0 dangling. */
async function scene(f: ClientFixture): Promise<{ dangling: string }> {
  f.publish('web', '1.0.0');
  f.docker.seedContainer({ name: 'web', image: f.ref('web', '1.0.0') });
  f.docker.publishImage(f.ref('web', '1.1.0'), { size: 2_000_000 });
  await f.docker.pullImage(f.ref('web', '1.1.0'));
  f.docker.publishImage(f.ref('web', '2.0.0'), { size: 3_000_000 });
  await f.docker.pullImage(f.ref('web', '2.0.0'));
  const dangling = (await f.docker.inspectImage(f.ref('web', '2.0.0')))?.id ?? '';
  f.docker.publishImage(f.ref('web', '2.0.0'), { size: 3_000_000 });
  await f.docker.pullImage(f.ref('web', '2.0.0'));
  return { dangling };
}

describe('client.images', () => {
  it('list() shows every image with tags, size, use and dangling state', async () => {
    const f = setup();
    const { dangling } = await scene(f);
    const images = await f.client.images.list();
    expect(images).toHaveLength(4);
    const byId = new Map(images.map((i) => [i.id, i]));
    expect(byId.get(dangling)).toMatchObject({ repo_tags: [], dangling: true, in_use: false, containers: 0, size: 3_000_000 });
    const running = images.find((i) => i.repo_tags.includes(f.ref('web', '1.0.0')));
    expect(running).toMatchObject({ in_use: true, containers: 1, dangling: false });
    expect(running?.id).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(running?.created).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('prune() removes only dangling images and says how much was reclaimed', async () => {
    const f = setup();
    const { dangling } = await scene(f);
    const result = await f.client.images.prune();
    expect(result).toEqual({ status: 'ok', removed: [dangling], count: 1, space_reclaimed: 3_000_000, message: 'Removed 1 dangling image, reclaimed 3.0 MB' });
    expect((await f.client.images.list()).map((i) => i.id)).not.toContain(dangling);
    expect(await f.client.images.prune()).toMatchObject({ removed: [], count: 0, space_reclaimed: 0, message: 'No dangling images to remove' });
  });

  it('remove(id) removes an unused image by full or short id', async () => {
    const f = setup();
    await scene(f);
    const unused = (await f.docker.inspectImage(f.ref('web', '1.1.0')))?.id ?? '';
    expect(await f.client.images.remove(unused.slice(7, 19))).toEqual({ status: 'ok', id: unused, message: `image ${unused.slice(7, 19)} removed` });
    expect(await f.docker.inspectImage(unused)).toBeUndefined();
    const other = (await f.docker.inspectImage(f.ref('web', '2.0.0')))?.id ?? '';
    expect((await f.client.images.remove(other)).id).toBe(other);
  });

  it('an image in use is 409, an unknown one 404, a malformed id 400, and nothing is removed', async () => {
    const f = setup();
    await scene(f);
    const before = (await f.client.images.list()).map((i) => i.id).sort();
    const inUse = (await f.docker.inspectImage(f.ref('web', '1.0.0')))?.id ?? '';
    const conflict = await f.client.images.remove(inUse).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).body).toEqual({ error: `image ${inUse.slice(7, 19)} is in use by 1 container; remove it first` });
    await expect(f.client.images.remove(`sha256:${'0'.repeat(64)}`)).rejects.toBeInstanceOf(NotFoundError);
    for (const bad of ['nginx:latest', 'abc', 'sha256:XYZ', `${'a'.repeat(65)}`]) {
      await expect(f.client.images.remove(bad), bad).rejects.toBeInstanceOf(BadRequestError);
    }
    expect((await f.client.images.list()).map((i) => i.id).sort()).toEqual(before);
    expect(f.docker.calls('removeImage')).toEqual([]);
  });

  it('a stopped container still holds its image', async () => {
    const f = setup();
    f.publish('db', '15.1');
    f.docker.seedContainer({ name: 'db', image: f.ref('db', '15.1'), state: 'exited' });
    const id = (await f.docker.inspectImage(f.ref('db', '15.1')))?.id ?? '';
    await expect(f.client.images.remove(id)).rejects.toBeInstanceOf(ConflictError);
  });
});

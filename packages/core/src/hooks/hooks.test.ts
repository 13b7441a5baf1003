import { describe, expect, it } from 'vitest';
import { createMemoryDocker } from '../docker/index.js';
import { createManualClock } from '../ports/clock.js';
import { createMemoryStorage } from '../storage/index.js';
import { createHookStore, describeHookFailure, hookLabels, hooksFromLabels, resolveHooks, runHook } from './hooks.js';

describe('hooks', () => {
  it('reads label hooks: shell strings, JSON argv and timeouts; ignores unreadable ones', () => {
    expect(
      hooksFromLabels('pg', {
        'sentinel.hook.pre-update': 'pg_dump > /backup.sql',
        'sentinel.hook.pre-update.timeout': '120',
        'sentinel.hook.post-update': '["/bin/notify","done"]',
      }),
    ).toEqual([
      { container_name: 'pg', phase: 'pre-update', command: ['sh', '-c', 'pg_dump > /backup.sql'], timeout: 120 },
      { container_name: 'pg', phase: 'post-update', command: ['/bin/notify', 'done'], timeout: 60 },
    ]);
    expect(hooksFromLabels('x', { 'sentinel.hook.pre-update': '[not json', 'sentinel.hook.post-update': '[1,2]' })).toEqual([]);
  });

  it('round-trips API hooks through labels', () => {
    const hooks = [
      { container_name: 'a', phase: 'pre-update' as const, command: ['sh', '-c', 'echo hi'], timeout: 5 },
      { container_name: 'a', phase: 'post-update' as const, command: ['curl', '-f', 'http://x'], timeout: 9 },
    ];
    expect(hooksFromLabels('a', hookLabels(hooks))).toEqual(hooks);
    expect(resolveHooks(hooks.slice(1), hooksFromLabels('a', hookLabels(hooks))).map((h) => `${h.phase}:${h.source}`)).toEqual(['pre-update:label', 'post-update:api']);
  });

  it('stores one API hook per container and phase', async () => {
    const store = createHookStore(createMemoryStorage());
    await store.set({ container_name: 'db', phase: 'post-update', command: ['true'], timeout: 1 });
    await store.set({ container_name: 'db', phase: 'pre-update', command: ['false'], timeout: 2 });
    await store.set({ container_name: 'db', phase: 'pre-update', command: ['true'], timeout: 3 });
    await store.set({ container_name: 'db2', phase: 'pre-update', command: ['x'], timeout: 3 });
    expect((await store.list('db')).map((h) => `${h.phase}:${h.timeout}`)).toEqual(['pre-update:3', 'post-update:1']);
    expect(await store.remove('db', 'pre-update')).toBe(true);
    expect(await store.remove('db', 'pre-update')).toBe(false);
    await expect(store.set({ container_name: 'db', phase: 'pre-update', command: ['x'], timeout: 7200 })).rejects.toMatchObject({ code: 'INVALID' });
  });

  it('runs a hook inside the container and abandons it at its timeout', async () => {
    const clock = createManualClock();
    const docker = createMemoryDocker({ clock });
    const id = docker.seedContainer({ name: 'app', image: 'app:1' });
    const ok = await runHook(docker, id, { container_name: 'app', phase: 'pre-update', command: ['sh', '-c', 'echo hi; exit 75'], timeout: 5, source: 'api' });
    expect(ok).toMatchObject({ exitCode: 75, output: 'hi\n', timedOut: false });
    const pending = runHook(docker, id, { container_name: 'app', phase: 'pre-update', command: ['sleep', '100'], timeout: 2, source: 'api' });
    await clock.advance(2000);
    const slow = await pending;
    expect(slow.timedOut).toBe(true);
    expect(describeHookFailure(slow)).toBe('pre-update hook timed out');
    docker.exitContainer('app', 0);
    const stopped = await runHook(docker, id, { container_name: 'app', phase: 'post-update', command: ['true'], timeout: 2, source: 'label' });
    expect(describeHookFailure(stopped)).toMatch(/post-update hook could not run: .*not running/);
  });
});

import { describe, expect, it } from 'vitest';
import type { Container } from '@sentinel-kit/core/contract';
import { NO_FILTER, dashboardPrefs, groupByStack, matches, progressFrom } from './containers-view.js';

const c = (name: string, extra: Partial<Container> = {}): Container => ({ id: name, name, image: `${name}:1`, policy: 'manual', state: 'running', maintenance: false, ...extra });

describe('dashboard prefs', () => {
  it('reads stack order, known columns and show-stopped from the settings map', () => {
    expect(dashboardPrefs({ stack_order: 'web, db', dashboard_columns: 'policy,image,bogus', show_stopped: 'false' })).toEqual({
      stackOrder: ['web', 'db'],
      columns: ['image', 'policy'],
      showStopped: false,
    });
  });
  it('defaults to every column and stopped containers shown', () => {
    expect(dashboardPrefs(undefined)).toMatchObject({ stackOrder: [], showStopped: true, columns: ['image', 'status', 'policy', 'update', 'ports', 'actions'] });
  });
});

describe('groupByStack', () => {
  it('puts ordered stacks first, then the rest alphabetically, then loose containers', () => {
    const groups = groupByStack([c('z'), c('b', { stack: 'beta' }), c('a', { stack: 'alpha' }), c('w', { stack: 'web' }), c('v', { stack: 'web' })], ['web']);
    expect(groups.map((g) => [g.stack, g.containers.map((x) => x.name)])).toEqual([
      ['web', ['v', 'w']],
      ['alpha', ['a']],
      ['beta', ['b']],
      [undefined, ['z']],
    ]);
  });
});

describe('matches', () => {
  it('hides stopped containers when show-stopped is off, but not one being updated', () => {
    expect(matches(c('x', { state: 'exited' }), NO_FILTER, false)).toBe(false);
    expect(matches(c('x', { state: 'exited', maintenance: true }), NO_FILTER, false)).toBe(true);
    expect(matches(c('x', { state: 'exited' }), NO_FILTER, true)).toBe(true);
  });
  it('matches every search word against name, image and stack', () => {
    const x = c('api', { image: 'ghcr.io/acme/api:2', stack: 'shop' });
    expect(matches(x, { ...NO_FILTER, search: 'acme shop' }, true)).toBe(true);
    expect(matches(x, { ...NO_FILTER, search: 'acme nope' }, true)).toBe(false);
    expect(matches(x, { ...NO_FILTER, updatesOnly: true }, true)).toBe(false);
    expect(matches(x, { ...NO_FILTER, policy: 'auto' }, true)).toBe(false);
  });
});

describe('progressFrom', () => {
  it('reads phases with layer counts, and the final outcome', () => {
    expect(progressFrom({ phase: 'pulling', layers_done: 2, layers_total: 5 }, 'pulling')).toEqual({ phase: 'pulling', message: 'pulling', layersDone: 2, layersTotal: 5 });
    expect(progressFrom({ outcome: 'rolled_back', error: 'unhealthy' }, 'rolled back')).toEqual({ phase: 'done', message: 'rolled back', outcome: 'rolled_back', error: 'unhealthy' });
    expect(progressFrom({ status: 'x' }, 'm')).toBeUndefined();
  });
});

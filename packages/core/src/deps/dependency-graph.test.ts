import { describe, expect, it } from 'vitest';
import { buildDependencyGraph, orderByDependencies, transitiveDependents } from './dependency-graph.js';
import type { DependencyInput } from './dependency-graph.js';

const c = (name: string, labels: Record<string, string> = {}, extra: Partial<DependencyInput> = {}): DependencyInput => ({ id: `${name}0000000000000000`.slice(0, 16), name, labels, ...extra });

describe('dependency graph', () => {
  it('reads sentinel.depends-on, compose depends_on within a project, network_mode container: and links', () => {
    const compose = (service: string, dependsOn?: string) => ({
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': service,
      ...(dependsOn === undefined ? {} : { 'com.docker.compose.depends_on': dependsOn }),
    });
    const graph = buildDependencyGraph([
      c('shop-db-1', compose('db')),
      c('shop-cache-1', compose('cache')),
      c('shop-web-1', compose('web', 'db:service_healthy:false,cache:service_started:true')),
      c('other-db-1', { 'com.docker.compose.project': 'other', 'com.docker.compose.service': 'db' }),
      c('vpn', {}, { id: 'abcdef0123456789abcdef' }),
      c('torrent', {}, { networkMode: 'container:vpn' }),
      c('legacy', {}, { links: ['/shop-db-1:/legacy/db'] }),
      c('worker', { 'sentinel.depends-on': 'shop-web-1, missing ,vpn' }),
      c('byid', {}, { networkMode: 'container:abcdef012345' }),
    ]);
    const node = (n: string) => graph.containers.find((x) => x.name === n);
    expect(node('shop-web-1')?.dependencies).toEqual(['shop-cache-1', 'shop-db-1']);
    expect(node('torrent')?.dependencies).toEqual(['vpn']);
    expect(node('byid')?.dependencies).toEqual(['vpn']);
    expect(node('legacy')?.dependencies).toEqual(['shop-db-1']);
    expect(node('worker')?.dependencies).toEqual(['shop-web-1', 'vpn']);
    expect(node('shop-db-1')?.dependents).toEqual(['legacy', 'shop-web-1']);
    expect(node('other-db-1')?.dependents).toEqual([]);
    expect(graph.has_cycles).toBe(false);
    const pos = (n: string) => graph.order.indexOf(n);
    expect(pos('shop-db-1')).toBeLessThan(pos('shop-web-1'));
    expect(pos('shop-web-1')).toBeLessThan(pos('worker'));
    expect(pos('vpn')).toBeLessThan(pos('torrent'));
    expect(graph.order).toHaveLength(9);
  });

  it('reports cycles and still orders every container', () => {
    const graph = buildDependencyGraph([c('a', { 'sentinel.depends-on': 'b' }), c('b', { 'sentinel.depends-on': 'a' }), c('z')]);
    expect(graph.has_cycles).toBe(true);
    expect(graph.order).toEqual(['z', 'a', 'b']);
  });

  it('finds transitive dependents nearest first and orders arbitrary names', () => {
    const graph = buildDependencyGraph([c('db'), c('api', { 'sentinel.depends-on': 'db' }), c('web', { 'sentinel.depends-on': 'api' }), c('solo')]);
    expect(transitiveDependents('db', graph)).toEqual(['api', 'web']);
    expect(transitiveDependents('solo', graph)).toEqual([]);
    expect(orderByDependencies(['web', 'unknown', 'db'], graph)).toEqual(['db', 'web', 'unknown']);
  });
});

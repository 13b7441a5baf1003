import { afterAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, isPermission } from '@sentinel-kit/core';
import type { Role, RouteAccess } from '@sentinel-kit/core';
import type { Authorizer } from '../src/http/route.js';
import { createAppFixture } from './support/app-fixture.js';

/**
 * Stand-in for the identity model: the role comes from a test header. It
 * exercises the enforcement path every route declares (defineRoute's
 * middleware); the real credentials plug into the same Authorizer.
 */
const roleAuthorizer: Authorizer = async (c, access: RouteAccess) => {
  if (access === 'public' || access === 'webhook-secret') return undefined;
  const role = c.req.header('x-test-role') as Role | undefined;
  if (role === undefined) return c.json({ error: 'authentication required' }, 401);
  if (access === 'authenticated') return undefined;
  if (!ROLE_PERMISSIONS[role].includes(access)) return c.json({ error: `permission ${access} required` }, 403);
  return undefined;
};

const fixture = createAppFixture({ app: { authorize: roleAuthorizer } });
fixture.publish('web', '1.0.0');
fixture.docker.seedContainer({ name: 'web', image: 'registry.test/web:1.0.0' });
afterAll(() => fixture.close());

interface Operation {
  method: string;
  path: string;
  access: unknown;
}

async function operations(): Promise<Operation[]> {
  const res = await fixture.app.request('/openapi.json');
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) ops.push({ method: method.toUpperCase(), path, access: op['x-permission'] });
  }
  return ops;
}

const concrete = (path: string): string => path.replace('{name}', 'web').replace('{key}', 'web').replace(/\{[^}]+\}/g, 'x1');

async function call(op: Operation, role: Role | undefined): Promise<number> {
  const controller = new AbortController();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (role !== undefined) headers['x-test-role'] = role;
  const init: RequestInit = { method: op.method, headers, signal: controller.signal };
  // An invalid body: a refused request must be refused before validation, never answered 400.
  if (op.method !== 'GET' && op.method !== 'DELETE') init.body = '{"invalid":';
  const res = await fixture.app.request(concrete(op.path), init);
  controller.abort(); // event streams would stay open
  await res.body?.cancel().catch(() => undefined);
  return res.status;
}

describe('RBAC matrix', () => {
  it('every route in the OpenAPI document declares a known permission', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(20);
    const undeclared = ops.filter((op) => {
      const a = op.access;
      return !(typeof a === 'string' && (isPermission(a) || ['public', 'authenticated', 'webhook-secret'].includes(a)));
    });
    expect(undeclared.map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });

  it('uses exactly the documented 10 permissions and role table', () => {
    expect(PERMISSIONS).toHaveLength(10);
    expect(ROLE_PERMISSIONS.admin).toEqual(PERMISSIONS);
    expect([...ROLE_PERMISSIONS.operator].sort()).toEqual(
      ['containers.view', 'containers.update', 'containers.manage', 'containers.approve', 'containers.rollback', 'history.view', 'logs.view', 'settings.view'].sort(),
    );
    expect([...ROLE_PERMISSIONS.viewer].sort()).toEqual(['containers.view', 'history.view', 'logs.view'].sort());
  });

  it('answers every route for every role as the permission table says (401 anonymous, 403 insufficient)', async () => {
    const mismatches: string[] = [];
    for (const op of await operations()) {
      const access = op.access as RouteAccess;
      const anon = await call(op, undefined);
      const needsAuth = access !== 'public' && access !== 'webhook-secret';
      if (needsAuth && anon !== 401) mismatches.push(`${op.method} ${op.path} anonymous → ${anon}, want 401`);
      if (!needsAuth && (anon === 401 || anon === 403)) mismatches.push(`${op.method} ${op.path} anonymous → ${anon}, want open`);
      for (const role of ROLES) {
        const status = await call(op, role);
        const allowed = !isPermission(access) || ROLE_PERMISSIONS[role].includes(access);
        if (allowed && (status === 401 || status === 403)) mismatches.push(`${op.method} ${op.path} ${role} → ${status}, want allowed`);
        if (!allowed && status !== 403) mismatches.push(`${op.method} ${op.path} ${role} → ${status}, want 403`);
      }
    }
    await fixture.sentinel.idle();
    expect(mismatches).toEqual([]);
  });
});

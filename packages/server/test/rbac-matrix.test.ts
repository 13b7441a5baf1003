import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLE_PERMISSIONS, isRouteAccess, scopeOf } from '@sentinel-kit/core';
import type { Permission, RouteAccess } from '@sentinel-kit/core';
import { createAuthFixture } from './support/auth-fixture.js';
import type { AuthFixture } from './support/auth-fixture.js';

/**
 * Every route of the OpenAPI document, called with real credentials of every
 * kind of principal, answers as its declared access and the permission table
 * say: 401 without valid credentials, 403 without the permission, and
 * neither when allowed. Routes added by any area are picked up from the
 * document; a route that declares no access fails the first test.
 */
interface Caller {
  name: string;
  /** `Authorization` header value; none for the anonymous caller. */
  authorization?: string;
  /** What the caller may do; `undefined` means it is not authenticated at all. */
  permissions?: readonly Permission[];
}

interface Operation {
  method: string;
  path: string;
  access: unknown;
}

const NARROWED: Permission[] = ['containers.view', 'history.view', 'settings.view'];

let f: AuthFixture;
let callers: Caller[];

beforeAll(async () => {
  f = await createAuthFixture();
  f.publish('web', '1.0.0');
  f.docker.seedContainer({ name: 'web', image: 'registry.test/web:1.0.0' });
  const viewer = await f.createUser('viewer');
  const operator = await f.createUser('operator');
  const admin = f.client(f.admin.token);
  const narrowed = await admin.auth.createToken('narrowed', { permissions: NARROWED });
  const revoked = await admin.auth.createToken('revoked');
  await admin.auth.deleteToken(revoked.id);
  callers = [
    { name: 'anonymous' },
    { name: 'viewer', authorization: `Bearer ${viewer.token}`, permissions: ROLE_PERMISSIONS.viewer },
    { name: 'operator', authorization: `Bearer ${operator.token}`, permissions: ROLE_PERMISSIONS.operator },
    { name: 'admin', authorization: `Bearer ${f.admin.token}`, permissions: ROLE_PERMISSIONS.admin },
    { name: 'narrowed token', authorization: `Bearer ${narrowed.token}`, permissions: NARROWED },
    { name: 'revoked token', authorization: `Bearer ${revoked.token}` },
  ];
});
afterAll(() => f?.close());

async function operations(): Promise<Operation[]> {
  const res = await f.app.request('/openapi.json');
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) ops.push({ method: method.toUpperCase(), path, access: op['x-permission'] });
  }
  return ops;
}

const concrete = (path: string): string => path.replace('{name}', 'web').replace('{key}', 'web').replace(/\{[^}]+\}/g, 'x1');

async function call(op: Operation, caller: Caller): Promise<number> {
  const controller = new AbortController();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller.authorization !== undefined) headers.authorization = caller.authorization;
  const init: RequestInit = { method: op.method, headers, signal: controller.signal };
  // An invalid body: a refused request must be refused before validation, never answered 400.
  if (op.method !== 'GET' && op.method !== 'DELETE') init.body = '{"invalid":';
  const res = await f.app.request(concrete(op.path), init);
  controller.abort(); // event streams would stay open
  await res.body?.cancel().catch(() => undefined);
  return res.status;
}

describe('RBAC matrix', () => {
  it('every route in the OpenAPI document declares a known permission', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(40);
    const undeclared = ops.filter((op) => {
      return !isRouteAccess(op.access);
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

  it('answers every route for every principal as the permission table says (401 unauthenticated, 403 insufficient)', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const op of await operations()) {
      const access = op.access as RouteAccess;
      const answers = new Map<string, number>();
      for (const caller of callers) {
        const status = await call(op, caller);
        answers.set(caller.name, status);
        checked++;
        const where = `${op.method} ${op.path} as ${caller.name} → ${status}`;
        if (access === 'public') {
          if (status === 401 || status === 403) mismatches.push(`${where}, want open (public)`);
        } else if (access === 'webhook-secret') {
          // Checked by the route's own secret: sessions and tokens change nothing.
          if (status !== answers.get('anonymous')) mismatches.push(`${where}, want the anonymous answer ${String(answers.get('anonymous'))} (webhook secret decides)`);
        } else if (caller.permissions === undefined) {
          if (status !== 401) mismatches.push(`${where}, want 401`);
        } else if (scopeOf(access) !== undefined) {
          // Another surface's credential scope: no user session or token has one. The surface's own tests cover the scoped key.
          if (status !== 403) mismatches.push(`${where}, want 403 (needs a ${scopeOf(access) ?? ''}-scoped credential)`);
        } else if (access === 'authenticated' || caller.permissions.includes(access as Permission)) {
          if (status === 401 || status === 403) mismatches.push(`${where}, want allowed`);
        } else if (status !== 403) {
          mismatches.push(`${where}, want 403`);
        }
      }
    }
    await f.sentinel.idle();
    expect(checked).toBeGreaterThan(200);
    expect(mismatches).toEqual([]);
  });
});

import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { User } from '@sentinel-kit/core';
import { CreatedUserSchema, CreateUserBodySchema, UpdateUserBodySchema, UserSchema } from '@sentinel-kit/core/contract';
import type { UserBody } from '@sentinel-kit/core/contract';
import { getPrincipal } from '../auth/context.js';
import type { RouteContext } from '../http/app-types.js';
import { defineRoute, errors, json } from '../http/route.js';

const tags = ['Users'];
const UserIdParam = z.object({ id: z.string().min(1).max(128) });

export const listUsersRoute = defineRoute('users.manage', {
  method: 'get',
  path: '/api/auth/users',
  tags,
  summary: 'List all users',
  responses: { 200: json(z.array(UserSchema), 'Users, oldest first') },
});

export const createUserRoute = defineRoute('users.manage', {
  method: 'post',
  path: '/api/auth/users',
  tags,
  summary: 'Create user',
  description: 'Valid roles: admin, operator, viewer. Passwords need at least 10 characters. A taken username (in any letter case) answers 409.',
  request: { body: { content: { 'application/json': { schema: CreateUserBodySchema } }, required: true } },
  responses: { 201: json(CreatedUserSchema, 'Created'), ...errors(400, 409) },
});

export const updateUserRoute = defineRoute('users.manage', {
  method: 'patch',
  path: '/api/auth/users/{id}',
  tags,
  summary: 'Change a user’s role',
  description: 'Demoting the last admin answers 403.',
  request: { params: UserIdParam, body: { content: { 'application/json': { schema: UpdateUserBodySchema } }, required: true } },
  responses: { 200: json(UserSchema, 'Updated'), ...errors(400, 404) },
});

export const deleteUserRoute = defineRoute('users.manage', {
  method: 'delete',
  path: '/api/auth/users/{id}',
  tags,
  summary: 'Delete user',
  description: 'Ends the user’s sessions and revokes its tokens. Deleting yourself or the last admin answers 403.',
  request: { params: UserIdParam },
  responses: { 200: json(z.object({ message: z.string() }), 'Deleted'), ...errors(404) },
});

export const userBody = (u: User): UserBody => ({
  id: u.id,
  username: u.username,
  role_id: u.role,
  created_at: u.createdAt,
  updated_at: u.updatedAt,
  has_password: u.hasPassword,
  totp_enabled: u.totpEnabled,
  ...(u.external === undefined ? {} : { external: u.external }),
});

export function registerUserRoutes(app: OpenAPIHono, { auth }: RouteContext): void {
  app.openapi(listUsersRoute, async (c) => c.json((await auth.users.list()).map(userBody), 200));

  app.openapi(createUserRoute, async (c) => {
    const body = c.req.valid('json');
    const user = await auth.users.create({ username: body.username, password: body.password, role: body.role_id as User['role'] });
    return c.json({ id: user.id, username: user.username, role_id: user.role }, 201);
  });

  app.openapi(updateUserRoute, async (c) => {
    const user = await auth.users.setRole(c.req.valid('param').id, c.req.valid('json').role_id as User['role']);
    return c.json(userBody(user), 200);
  });

  app.openapi(deleteUserRoute, async (c) => {
    const actorId = getPrincipal(c)?.userId;
    await auth.users.delete(c.req.valid('param').id, actorId === undefined ? {} : { actorId });
    return c.json({ message: 'user deleted' }, 200);
  });
}

import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../auth/guards.js';
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../../lib/openapi.js';
import { pageOf } from './query.js';
import type { AdminService } from './service.js';
import { presentAdminUser, presentAdminUserDetail } from './users.presenter.js';
import {
  AdminUserDetailSchema,
  AdminUserListSchema,
  AdminUserQuerySchema,
  UpdateAdminUserSchema,
} from './users.schema.js';

const tags = ['Admin'];

const listUsers = createRoute({
  method: 'get',
  path: '/admin/users',
  tags,
  summary: 'Users: search by email or name, filter, sort, paginate (admins)',
  request: { query: AdminUserQuerySchema },
  responses: { 200: jsonResponse(AdminUserListSchema, 'A page of users'), ...errorResponses(400, 401, 403) },
});

const getUser = createRoute({
  method: 'get',
  path: '/admin/users/{id}',
  tags,
  summary: 'One user with providers, sessions and uncounted content (admins)',
  request: { params: IdParam },
  responses: { 200: jsonResponse(AdminUserDetailSchema, 'The user'), ...errorResponses(400, 401, 403, 404) },
});

const updateUser = createRoute({
  method: 'patch',
  path: '/admin/users/{id}',
  tags,
  summary: "Change a user's role or verified mark (admins; not your own role)",
  request: { params: IdParam, body: jsonBody(UpdateAdminUserSchema) },
  responses: {
    200: jsonResponse(AdminUserDetailSchema, 'The user'),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const banRoute = (action: 'ban' | 'unban') =>
  createRoute({
    method: 'post',
    path: `/admin/users/{id}/${action}`,
    tags,
    summary: action === 'ban' ? 'Ban a user and end all their sessions (admins; not yourself)' : 'Lift a ban (admins)',
    request: { params: IdParam },
    responses: {
      200: jsonResponse(AdminUserDetailSchema, 'The user'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });

const deleteUser = createRoute({
  method: 'delete',
  path: '/admin/users/{id}',
  tags,
  summary: 'Delete a user with their sessions, identities and comments (admins; 409 while they own posts)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 409) },
});

/** Admin user management, mounted at /api. */
export function adminUserRoutes(admin: AdminService) {
  const detail = async (id: number) => {
    const { user, extras } = await admin.users.detail(id);
    return presentAdminUserDetail(user, extras);
  };
  return createRouter()
    .openapi(listUsers, async (c) => {
      requireRole(c, 'admin');
      const query = c.req.valid('query');
      const { rows, total } = await admin.users.list(query);
      return c.json(pageOf(rows.map(presentAdminUser), query, total), 200);
    })
    .openapi(getUser, async (c) => {
      requireRole(c, 'admin');
      return c.json(await detail(c.req.valid('param').id), 200);
    })
    .openapi(updateUser, async (c) => {
      const actor = requireRole(c, 'admin');
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      await admin.users.update(actor, id, input);
      return c.json(await detail(id), 200);
    })
    .openapi(banRoute('ban'), async (c) => {
      const actor = requireRole(c, 'admin');
      const { id } = c.req.valid('param');
      await admin.users.ban(actor, id);
      return c.json(await detail(id), 200);
    })
    .openapi(banRoute('unban'), async (c) => {
      const actor = requireRole(c, 'admin');
      const { id } = c.req.valid('param');
      await admin.users.unban(actor, id);
      return c.json(await detail(id), 200);
    })
    .openapi(deleteUser, async (c) => {
      const actor = requireRole(c, 'admin');
      const { id } = c.req.valid('param');
      await admin.users.remove(actor, id);
      return c.body(null, 204);
    });
}

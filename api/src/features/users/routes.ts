import { createRoute } from '@hono/zod-openapi';
import type { Database } from '../../db/index.js';
import { notFound } from '../../lib/errors.js';
import { createRouter, errorResponses, IdParam, jsonResponse } from '../../lib/openapi.js';
import { presentPublicUser } from './presenter.js';
import { PublicUserSchema } from './schema.js';

const getUser = createRoute({
  method: 'get',
  path: '/users/{id}',
  tags: ['Users'],
  summary: "A user's public profile",
  request: { params: IdParam },
  responses: { 200: jsonResponse(PublicUserSchema, 'The profile'), ...errorResponses(400, 404) },
});

/** Public user profiles, mounted at /api. */
export function userRoutes(db: Database) {
  return createRouter().openapi(getUser, async (c) => {
    const user = await db.models.User.findByPk(c.req.valid('param').id);
    if (!user || user.bannedAt) throw notFound('User');
    return c.json(presentPublicUser(user), 200);
  });
}

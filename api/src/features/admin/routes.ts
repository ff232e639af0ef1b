import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../auth/guards.js';
import type { Database } from '../../db/index.js';
import { recount } from '../../db/recount.js';
import { createRouter, errorResponses, jsonResponse } from '../../lib/openapi.js';
import { RecountResultSchema } from './schema.js';

const recountRoute = createRoute({
  method: 'post',
  path: '/admin/recount',
  tags: ['Admin'],
  summary: 'Recompute every posts_count and comments_count; reports what drifted',
  responses: { 200: jsonResponse(RecountResultSchema, 'The counters that were repaired'), ...errorResponses(401, 403) },
});

/** Admin routes, mounted at /api. */
export function adminRoutes(db: Database) {
  return createRouter().openapi(recountRoute, async (c) => {
    const admin = requireRole(c, 'admin');
    const fixed = await recount(db);
    await db.models.AuditLog.create({
      actorId: admin.id,
      action: 'recount',
      targetType: 'counts',
      targetId: null,
      details: JSON.stringify({ fixed: fixed.length }),
    });
    return c.json({ fixed }, 200);
  });
}

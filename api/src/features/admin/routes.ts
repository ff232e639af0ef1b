import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../auth/guards.js';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../../lib/openapi.js';
import type { CommentService } from '../comments/service.js';
import { adminContentRoutes } from './content.routes.js';
import { presentAuditEntry } from './presenter.js';
import { pageOf } from './query.js';
import {
  AdminStatsSchema,
  AuditListSchema,
  AuditQuerySchema,
  BulkRequestSchema,
  BulkResultSchema,
  RecountResultSchema,
} from './schema.js';
import type { AdminService } from './service.js';
import { adminUserRoutes } from './users.routes.js';

const tags = ['Admin'];

const recountRoute = createRoute({
  method: 'post',
  path: '/admin/recount',
  tags,
  summary: 'Recompute every posts_count and comments_count; reports what drifted',
  responses: { 200: jsonResponse(RecountResultSchema, 'The counters that were repaired'), ...errorResponses(401, 403) },
});

const statsRoute = createRoute({
  method: 'get',
  path: '/admin/stats',
  tags,
  summary: 'Counts of users, posts and comments, and the last site build (admins)',
  responses: { 200: jsonResponse(AdminStatsSchema, 'The dashboard numbers'), ...errorResponses(401, 403) },
});

const auditRoute = createRoute({
  method: 'get',
  path: '/admin/audit',
  tags,
  summary: 'The audit log of admin actions, newest first (admins)',
  request: { query: AuditQuerySchema },
  responses: { 200: jsonResponse(AuditListSchema, 'A page of audit entries'), ...errorResponses(400, 401, 403) },
});

const bulkRoute = createRoute({
  method: 'post',
  path: '/admin/bulk',
  tags,
  summary: 'Apply one action to many users, posts or comments in one transaction, with a result per id (admins)',
  description:
    'Each id runs in a savepoint of its own: an id that is refused (not_found, own_account, author_has_posts, …) ' +
    'is rolled back alone and reported in its result while the others apply; an unexpected error rolls back the ' +
    'whole batch. Repeated ids are applied once.',
  request: { body: jsonBody(BulkRequestSchema) },
  responses: {
    200: jsonResponse(BulkResultSchema, 'What happened to each id'),
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

/** The admin area, mounted at /api: admins only, except the post list that authors see their part of. */
export function adminRoutes(services: { admin: AdminService; comments: CommentService }) {
  const { admin } = services;
  return createRouter()
    .openapi(recountRoute, async (c) => {
      const actor = requireRole(c, 'admin');
      const fixed = await admin.recount(actor);
      return c.json({ fixed }, 200);
    })
    .openapi(statsRoute, async (c) => {
      requireRole(c, 'admin');
      return c.json(await admin.stats(), 200);
    })
    .openapi(auditRoute, async (c) => {
      requireRole(c, 'admin');
      const query = c.req.valid('query');
      const { rows, actors, total } = await admin.audit.list(query);
      const items = rows.map((row) =>
        presentAuditEntry(row, row.actorId === null ? undefined : actors.get(row.actorId)),
      );
      return c.json(pageOf(items, query, total), 200);
    })
    .openapi(bulkRoute, async (c) => {
      const actor = requireRole(c, 'admin');
      return c.json(await admin.bulk(actor, c.req.valid('json')), 200);
    })
    .route('/', adminUserRoutes(admin))
    .route('/', adminContentRoutes(admin, services.comments));
}

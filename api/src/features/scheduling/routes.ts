import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth/guards.js';
import type { PostRevision } from '../../db/models/index.js';
import { createRouter, errorResponses, IdOrSlugParam, jsonResponse, MAX_ROW_ID } from '../../lib/openapi.js';
import { presentPost } from '../posts/presenter.js';
import { PostSchema } from '../posts/schema.js';
import { RevisionListSchema, RevisionSchema, type RevisionSummary } from './schema.js';
import type { RevisionService } from './service.js';

const tags = ['Posts'];

const VersionParams = IdOrSlugParam.extend({
  version: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
    .transform(Number)
    .refine((version) => version <= MAX_ROW_ID, 'is too large')
    .openapi({ param: { name: 'version', in: 'path' }, example: '3', type: 'string' }),
});

const listRevisions = createRoute({
  method: 'get',
  path: '/posts/{idOrSlug}/revisions',
  tags,
  summary: "A post's last saved versions, newest first (its author and admins)",
  request: { params: IdOrSlugParam },
  responses: { 200: jsonResponse(RevisionListSchema, 'The revisions'), ...errorResponses(400, 401, 403, 404) },
});

const getRevision = createRoute({
  method: 'get',
  path: '/posts/{idOrSlug}/revisions/{version}',
  tags,
  summary: 'One saved version with its body (its author and admins)',
  request: { params: VersionParams },
  responses: { 200: jsonResponse(RevisionSchema, 'The revision'), ...errorResponses(400, 401, 403, 404) },
});

const restoreRevision = createRoute({
  method: 'post',
  path: '/posts/{idOrSlug}/revisions/{version}/restore',
  tags,
  summary: "Make a saved version's title, subtitle and body the post's again (a new version)",
  request: { params: VersionParams },
  responses: { 200: jsonResponse(PostSchema, 'The post, restored'), ...errorResponses(400, 401, 403, 404) },
});

const summaryOf = (revision: PostRevision): RevisionSummary => ({
  version: revision.version,
  title: revision.title,
  createdAt: revision.createdAt.toISOString(),
  by: revision.user ? { id: revision.user.id, name: revision.user.name } : null,
});

/** A post's revision history, mounted at /api. */
export function revisionRoutes(revisions: RevisionService) {
  return createRouter()
    .openapi(listRevisions, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      const items = await revisions.list(user, c.req.valid('param').idOrSlug);
      return c.json({ items: items.map(summaryOf) }, 200);
    })
    .openapi(getRevision, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      const { idOrSlug, version } = c.req.valid('param');
      const revision = await revisions.get(user, idOrSlug, version);
      return c.json({ ...summaryOf(revision), subtitle: revision.subtitle, bodyMarkdown: revision.bodyMarkdown }, 200);
    })
    .openapi(restoreRevision, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      const { idOrSlug, version } = c.req.valid('param');
      return c.json(presentPost(await revisions.restore(user, idOrSlug, version), true), 200);
    });
}

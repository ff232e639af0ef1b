import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../auth/guards.js';
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../../lib/openapi.js';
import { presentTag } from './presenter.js';
import { MergeTagSchema, TagListSchema, TagSchema, UpdateTagSchema } from './schema.js';
import type { TagService } from './service.js';

const tags = ['Tags'];

const listTags = createRoute({
  method: 'get',
  path: '/tags',
  tags,
  summary: 'Tags with published posts, by name, with their published post counts',
  responses: { 200: jsonResponse(TagListSchema, 'Tags by name') },
});

const listAllTags = createRoute({
  method: 'get',
  path: '/admin/tags',
  tags,
  summary: 'Every tag, unused ones included, by name (admins)',
  responses: { 200: jsonResponse(TagListSchema, 'Tags by name'), ...errorResponses(401, 403) },
});

const renameTag = createRoute({
  method: 'patch',
  path: '/admin/tags/{id}',
  tags,
  summary: 'Rename a tag, and change its slug when given (admins)',
  request: { params: IdParam, body: jsonBody(UpdateTagSchema) },
  responses: {
    200: jsonResponse(TagSchema, 'The renamed tag'),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const mergeTag = createRoute({
  method: 'post',
  path: '/admin/tags/{id}/merge',
  tags,
  summary: "Move this tag's posts onto another tag, then delete this one (admins)",
  request: { params: IdParam, body: jsonBody(MergeTagSchema) },
  responses: {
    200: jsonResponse(TagSchema, 'The tag merged into, with its new count'),
    ...errorResponses(400, 401, 403, 404, 413, 415, 422),
  },
});

const deleteTag = createRoute({
  method: 'delete',
  path: '/admin/tags/{id}',
  tags,
  summary: 'Delete a tag; its posts stay, without it (admins)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404) },
});

/** Tag routes, mounted at /api. */
export function tagRoutes(service: TagService) {
  return createRouter()
    .openapi(listTags, async (c) => {
      const items = await service.list({ all: false });
      return c.json({ items: items.map(presentTag) }, 200);
    })
    .openapi(listAllTags, async (c) => {
      requireRole(c, 'admin');
      const items = await service.list({ all: true });
      return c.json({ items: items.map(presentTag) }, 200);
    })
    .openapi(renameTag, async (c) => {
      const admin = requireRole(c, 'admin');
      const tag = await service.rename(admin, c.req.valid('param').id, c.req.valid('json'));
      return c.json(presentTag(tag), 200);
    })
    .openapi(mergeTag, async (c) => {
      const admin = requireRole(c, 'admin');
      const tag = await service.merge(admin, c.req.valid('param').id, c.req.valid('json').into);
      return c.json(presentTag(tag), 200);
    })
    .openapi(deleteTag, async (c) => {
      const admin = requireRole(c, 'admin');
      await service.remove(admin, c.req.valid('param').id);
      return c.body(null, 204);
    });
}

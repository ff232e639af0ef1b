import { SlugSchema } from '@blog/contract';
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth/guards.js';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../../lib/openapi.js';
import { presentAuthorProfile } from './presenter.js';
import { AuthorListSchema, AuthorProfileSchema, UpdateAuthorProfileSchema } from './schema.js';
import type { AuthorService } from './service.js';

const tags = ['Authors'];

const listAuthors = createRoute({
  method: 'get',
  path: '/authors',
  tags,
  summary: 'Authors with published posts (their pages at /authors/<slug>/)',
  responses: { 200: jsonResponse(AuthorListSchema, 'Authors by name') },
});

const ownProfile = createRoute({
  method: 'get',
  path: '/authors/me',
  tags,
  summary: "The signed-in author's own page (authors and admins)",
  responses: { 200: jsonResponse(AuthorProfileSchema, 'Their page'), ...errorResponses(401, 403) },
});

const updateOwnProfile = createRoute({
  method: 'patch',
  path: '/authors/me',
  tags,
  summary: 'Edit your own author page: bio and address (authors and admins)',
  request: { body: jsonBody(UpdateAuthorProfileSchema) },
  responses: {
    200: jsonResponse(AuthorProfileSchema, 'Their page'),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422),
  },
});

const getAuthor = createRoute({
  method: 'get',
  path: '/authors/{slug}',
  tags,
  summary: "One author's page",
  request: { params: z.object({ slug: SlugSchema }) },
  responses: { 200: jsonResponse(AuthorProfileSchema, 'The author'), ...errorResponses(400, 404) },
});

/** Author page routes, mounted at /api (`/authors/me` before `/authors/{slug}`: "me" is no author's slug). */
export function authorRoutes(authors: AuthorService) {
  return createRouter()
    .openapi(listAuthors, async (c) => {
      const items = await authors.list();
      return c.json({ items: items.map(presentAuthorProfile) }, 200);
    })
    .openapi(ownProfile, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      return c.json(presentAuthorProfile(await authors.own(user)), 200);
    })
    .openapi(updateOwnProfile, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      return c.json(presentAuthorProfile(await authors.update(user, c.req.valid('json'))), 200);
    })
    .openapi(getAuthor, async (c) => {
      const author = await authors.get(c.req.valid('param').slug);
      return c.json(presentAuthorProfile(author), 200);
    });
}

import { createRoute } from '@hono/zod-openapi';
import { createRouter, errorResponses, jsonResponse } from '../../lib/openapi.js';
import { presentSitePost } from './presenter.js';
import { SitePostPageQuerySchema, SitePostPageSchema } from './schema.js';
import type { SiteService } from './service.js';

const listSitePosts = createRoute({
  method: 'get',
  path: '/site/posts',
  tags: ['Site'],
  summary: 'Every published post with its body, in id order (for the static site build)',
  request: { query: SitePostPageQuerySchema },
  responses: { 200: jsonResponse(SitePostPageSchema, 'A page of published posts'), ...errorResponses(400) },
});

/** Routes for the static site build, mounted at /api. */
export function siteRoutes(site: SiteService) {
  return createRouter().openapi(listSitePosts, async (c) => {
    const { rows, nextCursor } = await site.publishedPage(c.req.valid('query'));
    return c.json({ items: rows.map(presentSitePost), nextCursor }, 200);
  });
}

import { PREVIEW_TOKEN_PATTERN } from '@blog/contract';
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errorResponses, IdOrSlugParam, jsonResponse } from '../../lib/openapi.js';
import { presentSitePost, presentSitePreview } from './presenter.js';
import { SitePostPageQuerySchema, SitePostPageSchema, SitePostSchema, SitePreviewSchema } from './schema.js';
import type { SiteService } from './service.js';

const tags = ['Site'];

const listSitePosts = createRoute({
  method: 'get',
  path: '/site/posts',
  tags,
  summary: 'Every published post with its body, in id order (for the static site build)',
  request: { query: SitePostPageQuerySchema },
  responses: { 200: jsonResponse(SitePostPageSchema, 'A page of published posts'), ...errorResponses(400) },
});

const getSitePost = createRoute({
  method: 'get',
  path: '/site/posts/{idOrSlug}',
  tags,
  summary: 'One published post with its body (the on-demand page of a post not built yet)',
  request: { params: IdOrSlugParam },
  responses: { 200: jsonResponse(SitePostSchema, 'The post'), ...errorResponses(400, 404) },
});

const PreviewTokenParam = z.object({
  token: z
    .string()
    .regex(PREVIEW_TOKEN_PATTERN, 'is not a preview link token')
    .openapi({
      param: { name: 'token', in: 'path' },
      example: '12.1767225600.Xb3QeJ1kVf3n3cPqf8lK4bQ4mWcF2sVt2a7fN9yHq0s',
      pattern: PREVIEW_TOKEN_PATTERN.source,
    }),
});

const getPreview = createRoute({
  method: 'get',
  path: '/site/previews/{token}',
  tags,
  summary:
    "The post behind a preview link, draft or published, as its page will render it (the link's token is the key)",
  request: { params: PreviewTokenParam },
  responses: { 200: jsonResponse(SitePreviewSchema, 'The post'), ...errorResponses(400, 404, 410) },
});

/** Routes for the static site build and the on-demand renderer, mounted at /api. */
export function siteRoutes(site: SiteService, now: () => Date) {
  return createRouter()
    .openapi(listSitePosts, async (c) => {
      const { rows, nextCursor } = await site.publishedPage(c.req.valid('query'));
      return c.json({ items: rows.map(presentSitePost), nextCursor }, 200);
    })
    .openapi(getSitePost, async (c) => {
      return c.json(presentSitePost(await site.published(c.req.valid('param').idOrSlug)), 200);
    })
    .openapi(getPreview, async (c) => {
      const post = await site.previewed(c.req.valid('param').token);
      // Whoever holds the link reads the draft; no cache (shared or not) keeps a copy.
      c.header('Cache-Control', 'no-store');
      c.header('X-Robots-Tag', 'noindex');
      return c.json(presentSitePreview(post, now()), 200);
    });
}

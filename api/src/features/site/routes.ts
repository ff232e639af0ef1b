import { PREVIEW_TOKEN_PATTERN } from '@blog/contract';
import { createRoute, z } from '@hono/zod-openapi';
import { notFound } from '../../lib/errors.js';
import { createRouter, errorResponses, IdOrSlugParam, IdParam, jsonResponse } from '../../lib/openapi.js';
import { type AvatarMode, presentComment } from '../comments/presenter.js';
import { SiteCommentListQuerySchema, SiteCommentListSchema } from '../comments/schema.js';
import type { CommentService } from '../comments/service.js';
import { presentSiteInfo, presentSitePost, presentSitePreview, type SiteInfoConfig } from './presenter.js';
import {
  SiteInfoSchema,
  SitePostPageQuerySchema,
  SitePostPageSchema,
  SitePostSchema,
  SitePreviewSchema,
} from './schema.js';
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

const listSiteComments = createRoute({
  method: 'get',
  path: '/site/comments',
  tags,
  summary:
    'Every shown comment of published posts, flat, in id order (hidden top-level ones with visible replies come bodiless), for the static site build',
  request: { query: SiteCommentListQuerySchema },
  responses: { 200: jsonResponse(SiteCommentListSchema, 'A page of comments'), ...errorResponses(400) },
});

const listSitePostComments = createRoute({
  method: 'get',
  path: '/site/posts/{id}/comments',
  tags,
  summary: "Every shown comment of one published post, flat, in id order (the builder's re-render of that post)",
  request: { params: IdParam },
  responses: { 200: jsonResponse(SiteCommentListSchema, "The post's comments"), ...errorResponses(400, 404) },
});

const getSiteInfo = createRoute({
  method: 'get',
  path: '/site/info',
  tags,
  summary: "The blog's name, description and profile links (SITE_NAME, SITE_DESCRIPTION, SITE_SOCIAL_LINKS)",
  responses: { 200: jsonResponse(SiteInfoSchema, 'What every page says about the blog') },
});

/** Routes for the static site build and the on-demand renderer, mounted at /api. */
export function siteRoutes(
  site: SiteService,
  now: () => Date,
  {
    comments,
    editWindowSeconds,
    avatars,
    info,
  }: {
    comments: CommentService;
    editWindowSeconds: number;
    avatars: AvatarMode;
    info: SiteInfoConfig;
  },
) {
  const siteInfo = presentSiteInfo(info);
  // The builder reads as nobody: no one's Markdown, no edit windows.
  const view = { viewer: null, editWindowSeconds, avatars };
  return createRouter()
    .openapi(getSiteInfo, (c) => c.json(siteInfo, 200))
    .openapi(listSiteComments, async (c) => {
      const { comments: rows, nextCursor } = await comments.publishedComments(c.req.valid('query'));
      return c.json({ items: rows.map((row) => presentComment(row, view)), nextCursor }, 200);
    })
    .openapi(listSitePostComments, async (c) => {
      const postId = c.req.valid('param').id;
      if (!(await comments.publishedPostExists(postId))) throw notFound('Post');
      const { comments: rows } = await comments.publishedComments({ postId });
      return c.json({ items: rows.map((row) => presentComment(row, view)), nextCursor: null }, 200);
    })
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

import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../auth/guards.js';
import { createRouter, errorResponses, IdOrSlugParam, jsonBody, jsonResponse } from '../../lib/openapi.js';
import { presentPost, presentPostSummary } from './presenter.js';
import {
  CreatePostSchema,
  PostListQuerySchema,
  PostListSchema,
  PostSchema,
  PreviewLinkSchema,
  PreviewRequestSchema,
  PreviewSchema,
  UpdatePostSchema,
} from './schema.js';
import { canEditPost, type PostService } from './service.js';

const tags = ['Posts'];

const listPosts = createRoute({
  method: 'get',
  path: '/posts',
  tags,
  summary: 'Published posts, newest first',
  request: { query: PostListQuerySchema },
  responses: { 200: jsonResponse(PostListSchema, 'A page of posts'), ...errorResponses(400, 404) },
});

const getPost = createRoute({
  method: 'get',
  path: '/posts/{idOrSlug}',
  tags,
  summary: 'One post by id or slug (drafts only for their author and admins)',
  request: { params: IdOrSlugParam },
  responses: { 200: jsonResponse(PostSchema, 'The post'), ...errorResponses(400, 404) },
});

const createPost = createRoute({
  method: 'post',
  path: '/posts',
  tags,
  summary: 'Write a post (authors and admins)',
  request: { body: jsonBody(CreatePostSchema) },
  responses: {
    201: jsonResponse(PostSchema, 'The new post'),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422),
  },
});

const preview = createRoute({
  method: 'post',
  path: '/preview',
  tags,
  summary: "A post body rendered as the published page will show it (authors and admins: the editor's preview)",
  request: { body: jsonBody(PreviewRequestSchema) },
  responses: {
    200: jsonResponse(PreviewSchema, 'The sanitised HTML'),
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

const updatePost = createRoute({
  method: 'patch',
  path: '/posts/{idOrSlug}',
  tags,
  summary: 'Edit a post (its author or an admin)',
  request: { params: IdOrSlugParam, body: jsonBody(UpdatePostSchema) },
  responses: {
    200: jsonResponse(PostSchema, 'The edited post'),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const deletePost = createRoute({
  method: 'delete',
  path: '/posts/{idOrSlug}',
  tags,
  summary: 'Delete a post and its comments (its author or an admin)',
  request: { params: IdOrSlugParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404) },
});

const publishRoute = (action: 'publish' | 'unpublish') =>
  createRoute({
    method: 'post',
    path: `/posts/{idOrSlug}/${action}`,
    tags,
    summary: action === 'publish' ? 'Publish a post' : 'Take a post back to draft',
    request: { params: IdOrSlugParam },
    responses: { 200: jsonResponse(PostSchema, 'The post'), ...errorResponses(400, 401, 403, 404) },
  });

const previewLink = createRoute({
  method: 'post',
  path: '/posts/{idOrSlug}/preview-link',
  tags,
  summary: 'A secret, expiring link to the page the post will publish as (its author or an admin)',
  request: { params: IdOrSlugParam },
  responses: { 201: jsonResponse(PreviewLinkSchema, 'The link'), ...errorResponses(400, 401, 403, 404) },
});

/** Public post reading and authoring routes, mounted at /api. */
export function postRoutes(posts: PostService) {
  return createRouter()
    .openapi(preview, async (c) => {
      requireRole(c, 'author', 'admin');
      return c.json({ html: await posts.preview(c.req.valid('json').bodyMarkdown) }, 200);
    })
    .openapi(listPosts, async (c) => {
      const query = c.req.valid('query');
      const { rows, total } = await posts.listPublished(query);
      return c.json(
        {
          items: rows.map(presentPostSummary),
          page: query.page,
          limit: query.limit,
          total,
          totalPages: Math.ceil(total / query.limit),
        },
        200,
      );
    })
    .openapi(getPost, async (c) => {
      const viewer = c.get('user');
      const post = await posts.getVisible(c.req.valid('param').idOrSlug, viewer);
      return c.json(presentPost(post, canEditPost(viewer, post)), 200);
    })
    .openapi(createPost, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      const post = await posts.create(user, c.req.valid('json'));
      return c.json(presentPost(post, true), 201);
    })
    .openapi(updatePost, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      const post = await posts.update(user, c.req.valid('param').idOrSlug, c.req.valid('json'));
      return c.json(presentPost(post, true), 200);
    })
    .openapi(deletePost, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      await posts.remove(c.req.valid('param').idOrSlug, { actor: user });
      return c.body(null, 204);
    })
    .openapi(previewLink, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      const link = await posts.previewLink(user, c.req.valid('param').idOrSlug);
      return c.json({ url: link.url, path: link.path, expiresAt: link.expiresAt.toISOString() }, 201);
    })
    .openapi(publishRoute('publish'), async (c) => {
      const user = requireRole(c, 'author', 'admin');
      const post = await posts.setPublished(c.req.valid('param').idOrSlug, true, { actor: user });
      return c.json(presentPost(post, true), 200);
    })
    .openapi(publishRoute('unpublish'), async (c) => {
      const user = requireRole(c, 'author', 'admin');
      const post = await posts.setPublished(c.req.valid('param').idOrSlug, false, { actor: user });
      return c.json(presentPost(post, true), 200);
    });
}

import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env.js';
import { requireUser, requireVerified } from '../../auth/guards.js';
import type { User } from '../../db/models/index.js';
import type { ClientIp } from '../../lib/client-ip.js';
import { encodedJson } from '../../lib/http.js';
import { createRouter, errorResponses, IdOrSlugParam, IdParam, jsonBody, jsonResponse } from '../../lib/openapi.js';
import type { CommentPageCache } from './page-cache.js';
import { type AvatarMode, presentComment, presentThread } from './presenter.js';
import {
  CommentCountsQuerySchema,
  CommentCountsSchema,
  CommentLikeStateSchema,
  type CommentPageOut,
  CommentPageQuerySchema,
  CommentPageSchema,
  CommentPreviewRequestSchema,
  CommentPreviewSchema,
  CommentSchema,
  CommentViewerSchema,
  CreateCommentSchema,
  MAX_PINS_PER_POST,
  UpdateCommentSchema,
} from './schema.js';
import type { CommentService } from './service.js';

const tags = ['Comments'];

const listComments = createRoute({
  method: 'get',
  path: '/posts/{idOrSlug}/comments',
  tags,
  summary: "A post's comments: pinned threads first, then by `sort` (oldest, newest, top), each with its replies",
  request: { params: IdOrSlugParam, query: CommentPageQuerySchema },
  responses: { 200: jsonResponse(CommentPageSchema, 'A page of comment threads'), ...errorResponses(400, 404) },
});

const commentCounts = createRoute({
  method: 'get',
  path: '/comments/counts',
  tags,
  summary: 'Visible-comment counts for many posts in one request',
  request: { query: CommentCountsQuerySchema },
  responses: { 200: jsonResponse(CommentCountsSchema, 'Counts by post id'), ...errorResponses(400) },
});

const createComment = createRoute({
  method: 'post',
  path: '/posts/{idOrSlug}/comments',
  tags,
  summary: 'Comment on a post, or reply to a comment (verified users)',
  request: { params: IdOrSlugParam, body: jsonBody(CreateCommentSchema) },
  responses: {
    201: jsonResponse(CommentSchema, 'The new comment'),
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429),
  },
});

const updateComment = createRoute({
  method: 'patch',
  path: '/comments/{id}',
  tags,
  summary: 'Edit your comment within the edit window',
  request: { params: IdParam, body: jsonBody(UpdateCommentSchema) },
  responses: {
    200: jsonResponse(CommentSchema, 'The edited comment'),
    ...errorResponses(400, 401, 403, 404, 413, 415, 422),
  },
});

const deleteComment = createRoute({
  method: 'delete',
  path: '/comments/{id}',
  tags,
  summary: 'Delete a comment and its replies (its author or an admin)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404) },
});

const viewerState = createRoute({
  method: 'get',
  path: '/posts/{idOrSlug}/comments/viewer',
  tags,
  summary:
    "What the comments of a post's static page need of the viewer: their likes, their editable comments, what they may do",
  request: { params: IdOrSlugParam },
  responses: {
    200: jsonResponse(CommentViewerSchema, "The viewer's state (empty when signed out)"),
    ...errorResponses(400, 404),
  },
});

const likeRoute = (method: 'put' | 'delete') =>
  createRoute({
    method,
    path: '/comments/{id}/like',
    tags,
    summary: method === 'put' ? 'Like a comment (verified users; idempotent)' : 'Stop liking a comment (idempotent)',
    request: { params: IdParam },
    responses: {
      200: jsonResponse(CommentLikeStateSchema, 'Whether the viewer likes it now, and its likes'),
      ...errorResponses(400, 401, 403, 404, 409, 429),
    },
  });

const pinRoute = (method: 'put' | 'delete') =>
  createRoute({
    method,
    path: '/comments/{id}/pin',
    tags,
    summary:
      method === 'put'
        ? `Pin a top-level comment (admins and the post's author; at most ${MAX_PINS_PER_POST} per post)`
        : 'Unpin a comment (admins and the post’s author)',
    request: { params: IdParam },
    responses: {
      200: jsonResponse(CommentSchema, 'The comment'),
      ...errorResponses(400, 401, 403, 404, 409, 422),
    },
  });

const previewComment = createRoute({
  method: 'post',
  path: '/comments/preview',
  tags,
  summary: 'Render a comment body as posting it would (verified users)',
  request: { body: jsonBody(CommentPreviewRequestSchema) },
  responses: {
    200: jsonResponse(CommentPreviewSchema, 'The sanitised HTML'),
    ...errorResponses(400, 401, 403, 413, 415, 422, 429),
  },
});

const encoder = new TextEncoder();

/** Comment routes, mounted at /api. */
export function commentRoutes(
  comments: CommentService,
  clientIp: ClientIp,
  cache: CommentPageCache,
  avatars: AvatarMode,
) {
  const view = (viewer: User | null) => ({ viewer, editWindowSeconds: comments.editWindowSeconds, avatars });
  const setLiked = (liked: boolean) => async (c: Context<AppEnv>, id: number) => {
    const user = requireVerified(c);
    const { state, postId } = await comments.setLiked(user, id, liked);
    cache.forgetPost(postId);
    return state;
  };
  const like = setLiked(true);
  const unlike = setLiked(false);
  return (
    createRouter()
      .openapi(listComments, async (c) => {
        const viewer = c.get('user');
        const { idOrSlug } = c.req.valid('param');
        const query = c.req.valid('query');
        const load = async () => {
          const { postId, threads, nextCursor, total } = await comments.listForPost(idOrSlug, query, viewer);
          const items = threads.map(({ comment, replies }) => presentThread(comment, replies, view(viewer)));
          return { postId, page: { items, nextCursor, total } };
        };
        if (viewer) return c.json((await load()).page, 200);
        const bytes = await cache.getOrLoad(idOrSlug, query, async () => {
          const { postId, page } = await load();
          return { postId, page: encoder.encode(JSON.stringify(page)) };
        });
        // The anonymous page as the cache holds it: its JSON's bytes, the same body c.json() sends.
        return encodedJson<CommentPageOut, 200>(c, bytes, 200);
      })
      // Before /posts/{idOrSlug}/comments' own methods would claim the path: a fixed segment, no clash.
      .openapi(viewerState, async (c) => {
        const viewer = c.get('user');
        const state = await comments.viewerState(c.req.valid('param').idOrSlug, viewer);
        return c.json(
          { ...state, pending: state.pending.map((comment) => presentComment(comment, view(viewer))) },
          200,
        );
      })
      .openapi(likeRoute('put'), async (c) => c.json(await like(c, c.req.valid('param').id), 200))
      .openapi(likeRoute('delete'), async (c) => c.json(await unlike(c, c.req.valid('param').id), 200))
      .openapi(pinRoute('put'), async (c) => {
        const user = requireVerified(c);
        const comment = await comments.setPinned(c.req.valid('param').id, true, { actor: user });
        cache.forgetPost(comment.postId);
        return c.json(presentComment(comment, view(user)), 200);
      })
      .openapi(pinRoute('delete'), async (c) => {
        const user = requireVerified(c);
        const comment = await comments.setPinned(c.req.valid('param').id, false, { actor: user });
        cache.forgetPost(comment.postId);
        return c.json(presentComment(comment, view(user)), 200);
      })
      .openapi(previewComment, async (c) => {
        const user = requireVerified(c);
        return c.json({ bodyHtml: await comments.preview(user, c.req.valid('json').body) }, 200);
      })
      .openapi(commentCounts, async (c) => {
        return c.json({ counts: await comments.counts(c.req.valid('query').posts) }, 200);
      })
      .openapi(createComment, async (c) => {
        const user = requireVerified(c);
        const comment = await comments.create(
          user,
          c.req.valid('param').idOrSlug,
          c.req.valid('json'),
          clientIp(c),
          c.req.header('user-agent') ?? '',
        );
        cache.forgetPost(comment.postId);
        return c.json(presentComment(comment, view(user)), 201);
      })
      .openapi(updateComment, async (c) => {
        const user = requireVerified(c);
        const comment = await comments.edit(user, c.req.valid('param').id, c.req.valid('json').body);
        cache.forgetPost(comment.postId);
        return c.json(presentComment(comment, view(user)), 200);
      })
      .openapi(deleteComment, async (c) => {
        const user = requireUser(c);
        cache.forgetPost((await comments.remove(c.req.valid('param').id, { actor: user })).postId);
        return c.body(null, 204);
      })
  );
}

import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../auth/guards.js';
import { createRouter, errorResponses, IdParam, jsonResponse } from '../../lib/openapi.js';
import type { CommentService } from '../comments/service.js';
import { presentPostSummary } from '../posts/presenter.js';
import { PostListSchema } from '../posts/schema.js';
import { presentAdminComment } from './content.presenter.js';
import {
  AdminCommentListSchema,
  AdminCommentQuerySchema,
  AdminCommentSchema,
  AdminPostQuerySchema,
} from './content.schema.js';
import { pageOf } from './query.js';
import type { AdminService } from './service.js';

const tags = ['Admin'];

const listPosts = createRoute({
  method: 'get',
  path: '/admin/posts',
  tags,
  summary: 'Posts of every status, filtered and sorted (admins; authors see only their own)',
  request: { query: AdminPostQuerySchema },
  responses: { 200: jsonResponse(PostListSchema, 'A page of posts'), ...errorResponses(400, 401, 403) },
});

const listComments = createRoute({
  method: 'get',
  path: '/admin/comments',
  tags,
  summary: 'The moderation queue: comments of every status, filtered and searched',
  description:
    'Admins see every comment; authors see the comments on their own posts (`status=pending`: those waiting for their approval).',
  request: { query: AdminCommentQuerySchema },
  responses: { 200: jsonResponse(AdminCommentListSchema, 'A page of comments'), ...errorResponses(400, 401, 403) },
});

const hideRoute = (action: 'hide' | 'unhide') =>
  createRoute({
    method: 'post',
    path: `/admin/comments/{id}/${action}`,
    tags,
    summary: action === 'hide' ? 'Hide a comment (admins)' : 'Show a hidden comment again (admins)',
    request: { params: IdParam },
    responses: { 200: jsonResponse(AdminCommentSchema, 'The comment'), ...errorResponses(400, 401, 403, 404) },
  });

const reviewRoute = (action: 'approve' | 'reject') =>
  createRoute({
    method: 'post',
    path: `/admin/comments/{id}/${action}`,
    tags,
    summary:
      action === 'approve'
        ? "Approve a waiting (or rejected) comment: it shows and counts from now on (admins and the post's author)"
        : "Reject a waiting comment: it never shows (admins and the post's author)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(AdminCommentSchema, 'The comment'), ...errorResponses(400, 401, 403, 404, 409) },
  });

const deleteComment = createRoute({
  method: 'delete',
  path: '/admin/comments/{id}',
  tags,
  summary: 'Delete a comment and its replies (admins)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404) },
});

/** Admin views of posts and comments, mounted at /api. */
export function adminContentRoutes(admin: AdminService, comments: CommentService) {
  const comment = async (id: number) => {
    const found = await admin.content.getComment(id);
    return presentAdminComment(found.comment, found.post);
  };
  return createRouter()
    .openapi(listPosts, async (c) => {
      const viewer = requireRole(c, 'author', 'admin');
      const query = c.req.valid('query');
      const { rows, total } = await admin.content.listPosts(viewer, query);
      return c.json(pageOf(rows.map(presentPostSummary), query, total), 200);
    })
    .openapi(listComments, async (c) => {
      const viewer = requireRole(c, 'author', 'admin');
      const query = c.req.valid('query');
      const { rows, posts, total } = await admin.content.listComments(query, viewer);
      const items = rows.flatMap((row) => {
        const post = posts.get(row.postId);
        return post ? [presentAdminComment(row, post)] : [];
      });
      return c.json(pageOf(items, query, total), 200);
    })
    .openapi(hideRoute('hide'), async (c) => {
      const actor = requireRole(c, 'admin');
      const { id } = c.req.valid('param');
      await comments.setStatus(id, 'hidden', { actor });
      return c.json(await comment(id), 200);
    })
    .openapi(hideRoute('unhide'), async (c) => {
      const actor = requireRole(c, 'admin');
      const { id } = c.req.valid('param');
      await comments.setStatus(id, 'visible', { actor });
      return c.json(await comment(id), 200);
    })
    .openapi(reviewRoute('approve'), async (c) => {
      const actor = requireRole(c, 'author', 'admin');
      const { id } = c.req.valid('param');
      await comments.review(id, 'approve', { actor });
      return c.json(await comment(id), 200);
    })
    .openapi(reviewRoute('reject'), async (c) => {
      const actor = requireRole(c, 'author', 'admin');
      const { id } = c.req.valid('param');
      await comments.review(id, 'reject', { actor });
      return c.json(await comment(id), 200);
    })
    .openapi(deleteComment, async (c) => {
      const actor = requireRole(c, 'admin');
      const { id } = c.req.valid('param');
      await comments.remove(id, { actor });
      return c.body(null, 204);
    });
}

import { Op, type Order, type WhereOptions } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Comment, Post, User } from '../../db/models/index.js';
import { notFound } from '../../lib/errors.js';
import { type PostService, postIncludes } from '../posts/service.js';
import type { AdminCommentQuery, AdminPostQuery } from './content.schema.js';
import { contains, orderOf } from './query.js';

export interface AdminContentServiceDeps {
  db: Database;
  /** Reads the tags of a page of posts in one query. */
  posts: Pick<PostService, 'withTags'>;
}

export type AdminContentService = ReturnType<typeof createAdminContentService>;

/** The post fields a comment row in the moderation queue shows. */
export type CommentPostRef = Pick<Post, 'id' | 'title' | 'slug' | 'status'>;

/**
 * The admin app's views of posts and comments (every status, filters, the moderation queue).
 * Changes go through the entity services (posts, comments), like everyone's.
 */
export function createAdminContentService({ db, posts }: AdminContentServiceDeps) {
  const { Post, Comment, User } = db.models;
  const { col, fn, literal } = db.sequelize;
  const postInclude = postIncludes(db);

  /** The posts of `ids` as comment rows need them, in one query. */
  async function postRefs(ids: number[]): Promise<Map<number, CommentPostRef>> {
    if (ids.length === 0) return new Map();
    const posts = await Post.findAll({
      where: { id: [...new Set(ids)] },
      attributes: ['id', 'title', 'slug', 'status'],
    });
    return new Map(posts.map((post) => [post.id, post]));
  }

  return {
    /** All statuses; authors see only their own posts whatever they filter by. */
    async listPosts(viewer: User, query: AdminPostQuery) {
      const where: WhereOptions<Post>[] = [];
      if (viewer.role !== 'admin') where.push({ authorId: viewer.id });
      if (query.author !== undefined) where.push({ authorId: query.author });
      if (query.status) where.push({ status: query.status });
      if (query.category === 'none') where.push({ categoryId: null });
      else if (query.category !== undefined) where.push({ categoryId: query.category });
      if (query.q) where.push(contains(db, 'Post.title', query.q));
      const direction = orderOf(query.order, query.sort === 'title');
      const order: Order = [];
      if (query.sort === 'published') {
        // Drafts never published go last in either direction, on both databases.
        order.push([literal('(CASE WHEN "Post"."published_at" IS NULL THEN 1 ELSE 0 END)'), 'ASC']);
      }
      const column = {
        created: col('Post.created_at'),
        updated: col('Post.updated_at'),
        published: col('Post.published_at'),
        title: fn('lower', col('Post.title')),
        commentsCount: col('Post.comments_count'),
      }[query.sort];
      order.push([column, direction], ['id', direction]);
      const { rows, count } = await Post.findAndCountAll({
        where: { [Op.and]: where },
        include: postInclude,
        attributes: { exclude: ['bodyMarkdown', 'bodyHtml'] },
        order,
        limit: query.limit,
        offset: (query.page - 1) * query.limit,
      });
      return { rows: await posts.withTags(rows), total: count };
    },

    /** The moderation queue: every status, newest first by default; three queries whatever the page size. */
    /** A page of the queue: every comment for admins, those on their own posts for authors. */
    async listComments(query: AdminCommentQuery, viewer: User) {
      const where: WhereOptions<Comment>[] = [];
      if (viewer.role !== 'admin') {
        where.push({
          postId: { [Op.in]: db.sequelize.literal(`(SELECT id FROM posts WHERE author_id = ${Number(viewer.id)})`) },
        });
      }
      if (query.post !== undefined) where.push({ postId: query.post });
      if (query.author !== undefined) where.push({ authorId: query.author });
      if (query.status) where.push({ status: query.status });
      if (query.q) where.push(contains(db, 'Comment.body_markdown', query.q));
      const direction = orderOf(query.order, false);
      const { rows, count } = await Comment.findAndCountAll({
        where: { [Op.and]: where },
        include: [{ model: User, as: 'author', attributes: ['id', 'name'] }],
        order: [
          ['createdAt', direction],
          ['id', direction],
        ],
        limit: query.limit,
        offset: (query.page - 1) * query.limit,
      });
      return { rows, posts: await postRefs(rows.map((row) => row.postId)), total: count };
    },

    /** One comment with what its queue row shows. */
    async getComment(id: number): Promise<{ comment: Comment; post: CommentPostRef }> {
      const comment = await Comment.findByPk(id, {
        include: [{ model: User, as: 'author', attributes: ['id', 'name'] }],
      });
      const post = comment && (await postRefs([comment.postId])).get(comment.postId);
      if (!comment || !post) throw notFound('Comment');
      return { comment, post };
    },
  };
}

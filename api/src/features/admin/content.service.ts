import { Op, type Order, type Transaction, type WhereOptions } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Comment, CommentStatus, Post, User } from '../../db/models/index.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import type { PostChange, PostChangeListener } from '../posts/service.js';
import { enqueuePublishEvent } from '../publishing/service.js';
import type { AuditLogger } from './audit.js';
import type { AdminCommentQuery, AdminPostQuery } from './content.schema.js';
import { contains, orderOf } from './query.js';

export interface AdminContentServiceDeps {
  db: Database;
  clock: Clock;
  audit: AuditLogger;
  /** The outbox the publish webhook goes through. */
  jobs: Pick<JobQueue, 'enqueue'>;
  onPostChange?: PostChangeListener;
}

export type AdminContentService = ReturnType<typeof createAdminContentService>;

/** The post fields a comment row in the moderation queue shows. */
export type CommentPostRef = Pick<Post, 'id' | 'title' | 'slug' | 'status'>;

/**
 * Posts and comments for the admin app. Changes take the transaction they run
 * in (a request's own, or a bulk action's savepoint); post changes that affect
 * the site are announced after `outer` (the whole request's transaction) commits.
 */
export function createAdminContentService({ db, clock, audit, jobs, onPostChange }: AdminContentServiceDeps) {
  const { Post, Comment, User, Category } = db.models;
  const { col, fn, literal } = db.sequelize;
  const postInclude = [
    { model: User, as: 'author', attributes: ['id', 'name'] },
    { model: Category, as: 'category', attributes: ['id', 'name', 'slug'] },
  ];

  /**
   * Queues the publish webhook as the posts service does. Written through `outer`'s
   * connection while the item's savepoint is open, so a rolled-back item takes its
   * job with it, and the worker and listeners hear of it when the whole request commits.
   */
  async function announce(outer: Transaction, event: PostChange['event'], post: Post): Promise<void> {
    const change: PostChange = { event, postId: post.id, slug: post.slug, at: clock().toISOString() };
    await enqueuePublishEvent(jobs, change, outer);
    if (onPostChange) outer.afterCommit(() => onPostChange(change));
  }

  /** Runs `work` in the caller's transaction (a bulk savepoint), or in one of its own. */
  const within = <T>(transaction: Transaction | undefined, work: (t: Transaction) => Promise<T>): Promise<T> =>
    transaction ? work(transaction) : db.transaction(work);

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
      return { rows, total: count };
    },

    /** Publishes or unpublishes a post (first publication date kept); a no-op when it already is. */
    setPostPublished(
      actor: User,
      id: number,
      published: boolean,
      given?: Transaction,
      outer: Transaction | undefined = given,
    ): Promise<void> {
      return within(given, async (transaction) => {
        const post = await Post.findByPk(id, { transaction });
        if (!post) throw notFound('Post');
        const status = published ? 'published' : 'draft';
        const already = post.status === status;
        if (!already) {
          post.status = status;
          if (published && !post.publishedAt) post.publishedAt = clock();
          await post.save({ transaction });
        }
        await audit.write(
          actor,
          {
            action: published ? 'post.publish' : 'post.unpublish',
            targetType: 'post',
            targetId: id,
            details: { already },
          },
          transaction,
        );
        if (!already) await announce(outer ?? transaction, published ? 'published' : 'unpublished', post);
      });
    },

    /** Deletes a post and, through the model hooks, its comments. */
    removePost(actor: User, id: number, given?: Transaction, outer: Transaction | undefined = given): Promise<void> {
      return within(given, async (transaction) => {
        const post = await Post.findByPk(id, { transaction });
        if (!post) throw notFound('Post');
        const wasPublished = post.status === 'published';
        const details = { title: post.title, slug: post.slug, authorId: post.authorId, status: post.status };
        await post.destroy({ transaction });
        await audit.write(actor, { action: 'post.delete', targetType: 'post', targetId: id, details }, transaction);
        if (wasPublished) await announce(outer ?? transaction, 'deleted', post);
      });
    },

    /** The moderation queue: every status, newest first by default; three queries whatever the page size. */
    async listComments(query: AdminCommentQuery) {
      const where: WhereOptions<Comment>[] = [];
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

    /** Hides or shows a comment; the count hooks move it on and off the counters. */
    setCommentStatus(actor: User, id: number, status: CommentStatus, given?: Transaction): Promise<void> {
      return within(given, async (transaction) => {
        const comment = await Comment.findByPk(id, { transaction });
        if (!comment) throw notFound('Comment');
        const already = comment.status === status;
        if (!already) {
          comment.status = status;
          await comment.save({ transaction });
        }
        await audit.write(
          actor,
          {
            action: status === 'hidden' ? 'comment.hide' : 'comment.unhide',
            targetType: 'comment',
            targetId: id,
            details: { postId: comment.postId, authorId: comment.authorId, already },
          },
          transaction,
        );
      });
    },

    /** Deletes a comment and its replies; returns the ids of the replies that went with it. */
    removeComment(actor: User, id: number, given?: Transaction): Promise<number[]> {
      return within(given, async (transaction) => {
        const comment = await Comment.findByPk(id, { transaction });
        if (!comment) throw notFound('Comment');
        const replies = await Comment.findAll({ where: { parentId: id }, attributes: ['id'], transaction });
        await comment.destroy({ transaction });
        await audit.write(
          actor,
          {
            action: 'comment.delete',
            targetType: 'comment',
            targetId: id,
            details: { postId: comment.postId, authorId: comment.authorId, replies: replies.length },
          },
          transaction,
        );
        return replies.map((reply) => reply.id);
      });
    },
  };
}

import type { Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Comment, CommentStatus, Post, User } from '../../db/models/index.js';
import { dateOf, dateOrNull } from '../../db/rows.js';
import type { Clock } from '../../lib/clock.js';
import { forbidden, notFound, unauthorized, unprocessable } from '../../lib/errors.js';
import { MAX_ROW_ID, parseIdOrSlug } from '../../lib/openapi.js';
import type { RateLimiter, RateRule } from '../../lib/rate-limit.js';
import { type WriteContext, within } from '../../lib/write-context.js';
import type { AuditLogger } from '../admin/audit.js';
import { canEditPost } from '../posts/service.js';
import type { CommentLike } from './presenter.js';
import type { CreateCommentInput } from './schema.js';

/** A row of the list's lean query: the columns the page shows, and the author's name. */
interface CommentRow {
  id: number;
  post_id: number;
  parent_id: number | null;
  author_id: number;
  status: CommentStatus;
  body_html: string;
  /** Only on the viewer's own comments (the only ones whose Markdown is shown); null elsewhere. */
  body_markdown: string | null;
  created_at: Date | string;
  edited_at: Date | string | null;
  author_name: string;
}

// The first ? is the viewer's id (0 for none): only their own comments bring their Markdown back.
const COMMENT_COLUMNS = `c.id, c.post_id, c.parent_id, c.author_id, c.status, c.body_html,
  CASE WHEN c.author_id = ? THEN c.body_markdown END AS body_markdown,
  c.created_at, c.edited_at, u.name AS author_name FROM comments c JOIN users u ON u.id = c.author_id`;

function commentOf(row: CommentRow): CommentLike {
  return {
    id: Number(row.id),
    postId: Number(row.post_id),
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    authorId: Number(row.author_id),
    status: row.status,
    bodyHtml: row.body_html,
    bodyMarkdown: row.body_markdown ?? '',
    createdAt: dateOf(row.created_at),
    editedAt: dateOrNull(row.edited_at),
    author: { id: Number(row.author_id), name: row.author_name },
  };
}

export interface CommentRules {
  editWindowSeconds: number;
  perUser: RateRule;
  perIp: RateRule;
}

export interface CommentServiceDeps {
  /** A moderator deleting someone else's comment is audited. */
  audit: AuditLogger;
  db: Database;
  clock: Clock;
  rateLimiter: RateLimiter;
  rules: CommentRules;
}

export type CommentService = ReturnType<typeof createCommentService>;

/**
 * Comments: the one write path of the entity (readers' own routes and the admin's, single or
 * bulk with `{ transaction }` a savepoint, all come here).
 */
export function createCommentService({ db, clock, rateLimiter, rules, audit }: CommentServiceDeps) {
  const { Comment, Post, User } = db.models;

  const withAuthor = [{ model: User, as: 'author', attributes: ['id', 'name'] }];

  // Inside a write on PostgreSQL, what a new comment refers to is read under a key-share lock: a
  // concurrent deletion either waits for this commit or has already happened. (SQLite's writes
  // are serialised by the one writer anyway.)
  const keyShare = (transaction?: Transaction) => (transaction && db.dialect === 'postgres' ? ' FOR KEY SHARE' : '');

  /**
   * The post comments hang off (one lean read): published, or a draft its editor is previewing.
   * With `transaction`, read in it (and locked, above).
   */
  async function openPost(idOrSlug: string, viewer: User | null, transaction?: Transaction) {
    const key = parseIdOrSlug(idOrSlug);
    // Bound as an INTEGER parameter, a larger id would be an error on PostgreSQL, not a miss.
    if ('id' in key && key.id > MAX_ROW_ID) throw notFound('Post');
    const [post] = await db.select<{ id: number; author_id: number; status: Post['status']; comments_count: number }>(
      `SELECT id, author_id, status, comments_count FROM posts WHERE ${'id' in key ? 'id' : 'slug'} = ?${keyShare(transaction)}`,
      ['id' in key ? key.id : key.slug],
      transaction,
    );
    const authorId = Number(post?.author_id);
    if (!post || (post.status !== 'published' && !canEditPost(viewer, { authorId }))) throw notFound('Post');
    return { id: Number(post.id), authorId, status: post.status, commentsCount: Number(post.comments_count) };
  }

  /**
   * A comment as `viewer` may act on it: one on a post that is not published (back to draft)
   * is not found, like its post, except for those who may edit the post.
   */
  async function reachableComment(commentId: number, viewer: User, transaction: Transaction): Promise<Comment> {
    const comment = await Comment.findByPk(commentId, { transaction });
    if (!comment) throw notFound('Comment');
    const post = await Post.findByPk(comment.postId, { attributes: ['id', 'authorId', 'status'], transaction });
    if (!post || (post.status !== 'published' && !canEditPost(viewer, post))) throw notFound('Comment');
    return comment;
  }

  async function reload(id: number): Promise<Comment> {
    const comment = await Comment.findByPk(id, { include: withAuthor });
    if (!comment) throw notFound('Comment');
    return comment;
  }

  return {
    /** How long after posting a comment's author may edit it (COMMENT_EDIT_WINDOW_SECONDS). */
    editWindowSeconds: rules.editWindowSeconds,

    /**
     * One page of top-level comments (oldest first) with all their replies, in three lean queries
     * whatever the page size (plain rows with only the columns shown, no model instances: this is
     * the hottest read of the API). Hidden top-level comments appear only when they have visible
     * replies, so the thread still reads.
     */
    async listForPost(idOrSlug: string, query: { cursor?: string; limit: number }, viewer: User | null) {
      const post = await openPost(idOrSlug, viewer);
      const postId = post.id;
      const viewerId = viewer?.id ?? 0;
      const topLevel = await db.select<CommentRow>(
        `SELECT ${COMMENT_COLUMNS} WHERE c.post_id = ? AND c.parent_id IS NULL ${query.cursor ? 'AND c.id > ?' : ''}
           AND (c.status = 'visible' OR c.id IN (SELECT r.parent_id FROM comments r
                WHERE r.post_id = ? AND r.parent_id IS NOT NULL AND r.status = 'visible'))
         ORDER BY c.id ASC LIMIT ?`,
        // A cursor past the largest id is past every comment (and must not overflow the INTEGER parameter).
        query.cursor
          ? [viewerId, postId, Math.min(Number(query.cursor), MAX_ROW_ID), postId, query.limit + 1]
          : [viewerId, postId, postId, query.limit + 1],
      );
      const page = topLevel.slice(0, query.limit).map(commentOf);
      const replies =
        page.length === 0
          ? []
          : (
              await db.select<CommentRow>(
                `SELECT ${COMMENT_COLUMNS} WHERE c.parent_id IN (?) AND c.status = 'visible' ORDER BY c.id ASC`,
                [viewerId, page.map((c) => c.id)],
              )
            ).map(commentOf);
      const repliesByParent = new Map<number, CommentLike[]>();
      for (const reply of replies) {
        const list = repliesByParent.get(reply.parentId ?? 0) ?? [];
        list.push(reply);
        repliesByParent.set(reply.parentId ?? 0, list);
      }
      const last = page.at(-1);
      return {
        postId,
        threads: page.map((comment) => ({ comment, replies: repliesByParent.get(comment.id) ?? [] })),
        nextCursor: topLevel.length > query.limit && last ? String(last.id) : null,
        total: post.commentsCount,
      };
    },

    /** Visible-comment counts of published posts, in one query. Unknown or unpublished ids are left out. */
    async counts(postIds: number[]): Promise<Record<string, number>> {
      const posts = await Post.findAll({
        where: { id: postIds, status: 'published' },
        attributes: ['id', 'commentsCount'],
      });
      return Object.fromEntries(posts.map((post) => [String(post.id), post.commentsCount]));
    },

    /** A comment or reply by a verified user; replies to replies attach to the thread's top comment. */
    async create(author: User, idOrSlug: string, input: CreateCommentInput, ip: string): Promise<Comment> {
      // One transaction for the whole write (on SQLite one turn of the one writer): the two rate
      // limits, the checks, the row and its counters. A refused or failed comment counts nothing.
      return db.transaction(async (transaction) => {
        await rateLimiter.hitAll(
          [
            { key: `comment:user:${author.id}`, rule: rules.perUser },
            { key: `comment:ip:${ip}`, rule: rules.perIp },
          ],
          transaction,
        );
        // Everything the new row refers to is read again in this transaction (under a key-share
        // lock on PostgreSQL): a concurrent deletion of the author, the post or the parent either
        // waits for this commit (and then takes the new comment with it, counts and all) or has
        // already happened, and the answer says so instead of a foreign-key failure.
        const [live] = await db.select<{ id: number; name: string; banned_at: Date | string | null }>(
          `SELECT id, name, banned_at FROM users WHERE id = ?${keyShare(transaction)}`,
          [author.id],
          transaction,
        );
        if (!live) throw unauthorized('Your account no longer exists.');
        if (live.banned_at !== null) throw forbidden('banned', 'This account is banned.');
        const post = await openPost(idOrSlug, author, transaction);
        let parentId: number | null = null;
        if (input.parentId) {
          const [parent] = await db.select<{ id: number; post_id: number; parent_id: number | null; status: string }>(
            `SELECT id, post_id, parent_id, status FROM comments WHERE id = ?${keyShare(transaction)}`,
            [input.parentId],
            transaction,
          );
          if (!parent || Number(parent.post_id) !== post.id || parent.status !== 'visible') {
            throw unprocessable('invalid_parent', 'The comment you reply to does not exist on this post.', [
              { path: 'parentId', message: 'no such visible comment on this post' },
            ]);
          }
          parentId = parent.parent_id === null ? Number(parent.id) : Number(parent.parent_id);
        }
        const comment = await Comment.create(
          { postId: post.id, authorId: author.id, parentId, bodyMarkdown: input.body, createdAt: clock() },
          { transaction },
        );
        // The row as written (its hooks rendered the body), with the author just read: no re-read.
        comment.author =
          author.name === live.name
            ? author
            : User.build({ ...author.get({ plain: true }), name: live.name }, { isNewRecord: false, raw: true });
        return comment;
      });
    },

    /** The author edits their own visible comment within the edit window. */
    async edit(user: User, commentId: number, body: string): Promise<Comment> {
      await db.transaction(async (transaction) => {
        const comment = await reachableComment(commentId, user, transaction);
        if (comment.authorId !== user.id) throw forbidden('not_owner', 'You can only edit your own comments.');
        if (comment.status !== 'visible') throw forbidden('comment_hidden', 'A hidden comment cannot be edited.');
        const age = clock().getTime() - comment.createdAt.getTime();
        if (age > rules.editWindowSeconds * 1000) {
          throw forbidden(
            'edit_window_closed',
            `Comments can be edited for ${Math.round(rules.editWindowSeconds / 60)} minutes after posting.`,
          );
        }
        if (comment.bodyMarkdown !== body) {
          comment.bodyMarkdown = body;
          comment.editedAt = clock();
          await comment.save({ transaction });
        }
      });
      return reload(commentId);
    },

    /**
     * The author or an admin deletes a comment; its replies go with it (and off the counters,
     * through the hooks). An admin's deletion is audited, whoever wrote the comment. Returns the
     * post and the ids of the replies that went with it.
     */
    async remove(
      commentId: number,
      { actor, transaction }: WriteContext,
    ): Promise<{ postId: number; replyIds: number[] }> {
      return within(db, transaction, async (t) => {
        const comment = await reachableComment(commentId, actor, t);
        if (comment.authorId !== actor.id && actor.role !== 'admin') {
          throw forbidden('not_owner', 'You can only delete your own comments.');
        }
        const replies = await Comment.findAll({ where: { parentId: comment.id }, attributes: ['id'], transaction: t });
        await comment.destroy({ transaction: t });
        if (actor.role === 'admin') {
          await audit.write(
            actor,
            {
              action: 'comment.delete',
              targetType: 'comment',
              targetId: comment.id,
              details: { postId: comment.postId, authorId: comment.authorId, replies: replies.length },
            },
            t,
          );
        }
        return { postId: comment.postId, replyIds: replies.map((reply) => reply.id) };
      });
    },

    /** An admin hides or shows a comment (a no-op when it already is); the count hooks move it on and off the counters. */
    async setStatus(commentId: number, status: CommentStatus, { actor, transaction }: WriteContext): Promise<void> {
      if (actor.role !== 'admin') throw forbidden('forbidden', 'Only admins can hide comments.');
      await within(db, transaction, async (t) => {
        const comment = await Comment.findByPk(commentId, { transaction: t });
        if (!comment) throw notFound('Comment');
        const already = comment.status === status;
        if (!already) {
          comment.status = status;
          await comment.save({ transaction: t });
        }
        await audit.write(
          actor,
          {
            action: status === 'hidden' ? 'comment.hide' : 'comment.unhide',
            targetType: 'comment',
            targetId: commentId,
            details: { postId: comment.postId, authorId: comment.authorId, already },
          },
          t,
        );
      });
    },
  };
}

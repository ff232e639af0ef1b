import { type Transaction, UniqueConstraintError } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Comment, CommentStatus, Post, User } from '../../db/models/index.js';
import { dateOf, dateOrNull } from '../../db/rows.js';
import type { Clock } from '../../lib/clock.js';
import { ApiError, conflict, forbidden, notFound, unauthorized, unprocessable } from '../../lib/errors.js';
import { MAX_ROW_ID, parseIdOrSlug } from '../../lib/openapi.js';
import type { RateLimiter, RateRule } from '../../lib/rate-limit.js';
import { type WriteContext, within } from '../../lib/write-context.js';
import type { AuditLogger } from '../admin/audit.js';
import type { ModerationService } from '../moderation/service.js';
import { canEditPost } from '../posts/service.js';
import type { CommentEvents } from './events.js';
import type { AvatarMode, CommentLike } from './presenter.js';
import {
  type CommentLikeState,
  type CommentSort,
  type CommentViewerOut,
  type CreateCommentInput,
  MAX_PINS_PER_POST,
} from './schema.js';

/** A row of the list's lean query: the columns the page shows, and the author's name (and email for Gravatar). */
interface CommentRow {
  id: number;
  post_id: number;
  parent_id: number | null;
  author_id: number;
  status: CommentStatus;
  body_html: string;
  /** Only on the viewer's own comments (the only ones whose Markdown is shown); null elsewhere. */
  body_markdown: string | null;
  likes_count: number | string;
  pinned_at: Date | string | null;
  created_at: Date | string;
  edited_at: Date | string | null;
  author_name: string;
  /** Read only with AVATARS=gravatar. */
  author_email?: string;
}

/**
 * The columns of a shown comment. The first ? is the viewer's id (0 for none): only their own
 * comments bring their Markdown back. The author's email is read only when Gravatar needs it.
 */
const commentColumns = (avatars: AvatarMode) => `c.id, c.post_id, c.parent_id, c.author_id, c.status, c.body_html,
  CASE WHEN c.author_id = ? THEN c.body_markdown END AS body_markdown, c.likes_count, c.pinned_at,
  c.created_at, c.edited_at, u.name AS author_name${avatars === 'gravatar' ? ', u.email AS author_email' : ''}
  FROM comments c JOIN users u ON u.id = c.author_id`;

/** A top-level comment is listed when visible, or hidden with visible replies (so the thread still reads). */
const LISTED_TOP_LEVEL = `(c.status = 'visible' OR EXISTS (SELECT 1 FROM comments r
  WHERE r.parent_id = c.id AND r.status = 'visible'))`;

/** Where a sort's next page starts: the last thread of the previous one. */
type Cursor = { id: number } | { likes: number; id: number };

/** The cursor `sort` writes (oldest/newest: the id; top: `<likes>.<id>`); a cursor of another sort is refused. */
function parseCursor(sort: CommentSort, cursor: string): Cursor {
  const [first = '', second] = cursor.split('.');
  // A cursor past the largest id is past every comment (and must not overflow the INTEGER parameter).
  const clamp = (text: string) => Math.min(Number(text), MAX_ROW_ID);
  if (sort === 'top' ? second === undefined : second !== undefined) {
    throw new ApiError(400, 'invalid_request', `The cursor is not one of a ${sort} page.`, [
      { path: 'cursor', message: `not a cursor of sort=${sort}` },
    ]);
  }
  return second === undefined ? { id: clamp(first) } : { likes: clamp(first), id: clamp(second) };
}

/** The condition (and its parameters) of the threads after `cursor` in `sort`'s order. */
function afterCursor(sort: CommentSort, cursor: Cursor | null): { sql: string; params: number[] } {
  if (cursor === null) return { sql: '', params: [] };
  if ('likes' in cursor) {
    return {
      sql: 'AND (c.likes_count < ? OR (c.likes_count = ? AND c.id > ?))',
      params: [cursor.likes, cursor.likes, cursor.id],
    };
  }
  return { sql: sort === 'newest' ? 'AND c.id < ?' : 'AND c.id > ?', params: [cursor.id] };
}

/** The ORDER BY of unpinned threads for `sort` (compareThreads, the contract's one rule). */
const ORDER_OF: Record<CommentSort, string> = {
  oldest: 'c.id ASC',
  newest: 'c.id DESC',
  top: 'c.likes_count DESC, c.id ASC',
};

function commentOf(row: CommentRow): CommentLike {
  return {
    id: Number(row.id),
    postId: Number(row.post_id),
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    authorId: Number(row.author_id),
    status: row.status,
    bodyHtml: row.body_html,
    bodyMarkdown: row.body_markdown ?? '',
    likesCount: Number(row.likes_count),
    pinnedAt: dateOrNull(row.pinned_at),
    createdAt: dateOf(row.created_at),
    editedAt: dateOrNull(row.edited_at),
    author: { id: Number(row.author_id), name: row.author_name, email: row.author_email ?? null },
  };
}

export interface CommentRules {
  editWindowSeconds: number;
  perUser: RateRule;
  perIp: RateRule;
  /** Likes and unlikes per user. */
  likes: RateRule;
  /** Previews per user. */
  previews: RateRule;
}

export interface CommentServiceDeps {
  /** A moderator deleting someone else's comment is audited. */
  audit: AuditLogger;
  db: Database;
  clock: Clock;
  rateLimiter: RateLimiter;
  rules: CommentRules;
  /** The `comments` publish event of every change to a published post's comments. */
  events: CommentEvents;
  /** AVATARS: the list queries read the author's email only for Gravatar. */
  avatars: AvatarMode;
  /** The spam rules and moderation mode every new comment passes, and the log of their decisions. */
  moderation: ModerationService;
  /** Mails about comments (features/subscriptions), in the comment's transaction. */
  notify?: {
    notifyCommentVisible(
      comment: Comment,
      transaction: Transaction,
      options?: { answers?: number | null },
    ): Promise<void>;
    notifyPendingComment(comment: Comment, transaction: Transaction): Promise<void>;
  };
}

export type CommentService = ReturnType<typeof createCommentService>;

/**
 * Comments: the one write path of the entity (readers' own routes and the admin's, single or
 * bulk with `{ transaction }` a savepoint, all come here).
 */
export function createCommentService({
  db,
  clock,
  rateLimiter,
  rules,
  audit,
  events,
  avatars,
  moderation,
  notify,
}: CommentServiceDeps) {
  const { Comment, CommentLike, Post, User } = db.models;
  const COMMENT_COLUMNS = commentColumns(avatars);

  // The email only for Gravatar's hash; never shown.
  const withAuthor = [
    { model: User, as: 'author', attributes: avatars === 'gravatar' ? ['id', 'name', 'email'] : ['id', 'name'] },
  ];

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
    const [post] = await db.select<{
      id: number;
      author_id: number;
      status: Post['status'];
      comments_count: number;
      comment_moderation: Post['commentModeration'];
      comments_closed: boolean | number;
    }>(
      `SELECT id, author_id, status, comments_count, comment_moderation, comments_closed
       FROM posts WHERE ${'id' in key ? 'id' : 'slug'} = ?${keyShare(transaction)}`,
      ['id' in key ? key.id : key.slug],
      transaction,
    );
    const authorId = Number(post?.author_id);
    if (!post || (post.status !== 'published' && !canEditPost(viewer, { authorId }))) throw notFound('Post');
    return {
      id: Number(post.id),
      authorId,
      status: post.status,
      commentsCount: Number(post.comments_count),
      commentModeration: post.comment_moderation,
      commentsClosed: Boolean(post.comments_closed),
    };
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
     * One page of threads in `sort`'s order (the contract's compareThreads) with all their
     * replies, in lean queries whatever the page size (plain rows with only the columns shown, no
     * model instances: this is the hottest read of the API). The first page starts with every
     * pinned thread (most recently pinned first); the cursor pages through the unpinned ones (by
     * id, or `<likes>.<id>` for top). Hidden top-level comments appear only when they have
     * visible replies, so the thread still reads.
     */
    async listForPost(
      idOrSlug: string,
      query: { cursor?: string | undefined; limit: number; sort: CommentSort },
      viewer: User | null,
    ) {
      const post = await openPost(idOrSlug, viewer);
      const postId = post.id;
      const viewerId = viewer?.id ?? 0;
      const { sort } = query;
      const cursor = query.cursor === undefined ? null : parseCursor(sort, query.cursor);
      const after = afterCursor(sort, cursor);
      const topLevel = `c.post_id = ? AND c.parent_id IS NULL AND ${LISTED_TOP_LEVEL}`;
      const [pinnedRows, unpinnedRows] = await Promise.all([
        cursor !== null
          ? Promise.resolve([])
          : db.select<CommentRow>(
              `SELECT ${COMMENT_COLUMNS} WHERE ${topLevel} AND c.pinned_at IS NOT NULL
               ORDER BY c.pinned_at DESC, c.id ASC LIMIT ?`,
              [viewerId, postId, MAX_PINS_PER_POST],
            ),
        db.select<CommentRow>(
          `SELECT ${COMMENT_COLUMNS} WHERE ${topLevel} AND c.pinned_at IS NULL ${after.sql}
           ORDER BY ${ORDER_OF[sort]} LIMIT ?`,
          [viewerId, postId, ...after.params, query.limit + 1],
        ),
      ]);
      const unpinned = unpinnedRows.slice(0, query.limit).map(commentOf);
      const page = [...pinnedRows.map(commentOf), ...unpinned];
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
      const last = unpinned.at(-1);
      const nextCursor =
        unpinnedRows.length > query.limit && last
          ? sort === 'top'
            ? `${last.likesCount}.${last.id}`
            : String(last.id)
          : null;
      return {
        postId,
        threads: page.map((comment) => ({ comment, replies: repliesByParent.get(comment.id) ?? [] })),
        nextCursor,
        total: post.commentsCount,
      };
    },

    /**
     * What the island needs of the viewer on a post's (static) page: the comments they like,
     * their own still editable, and what they may do. Two lean queries for a signed-in viewer
     * (after the post's own), none more for an anonymous one.
     */
    async viewerState(
      idOrSlug: string,
      viewer: User | null,
    ): Promise<Omit<CommentViewerOut, 'pending'> & { pending: CommentLike[] }> {
      const post = await openPost(idOrSlug, viewer);
      if (!viewer) {
        return { liked: [], own: [], pending: [], canPin: false, canModerate: false, total: post.commentsCount };
      }
      const [liked, own, pending] = await Promise.all([
        db.select<{ comment_id: number }>(
          `SELECT l.comment_id FROM comment_likes l JOIN comments c ON c.id = l.comment_id
           WHERE l.user_id = ? AND c.post_id = ? ORDER BY l.comment_id LIMIT 10000`,
          [viewer.id, post.id],
        ),
        // The newest few: the comment rate limit keeps a window's worth far below this bound.
        db.select<{ id: number; body_markdown: string; created_at: Date | string }>(
          `SELECT id, body_markdown, created_at FROM comments
           WHERE post_id = ? AND author_id = ? AND status = 'visible' ORDER BY id DESC LIMIT 200`,
          [post.id, viewer.id],
        ),
        // Their comments waiting for approval: they alone see them, with a badge.
        db.select<CommentRow>(
          `SELECT ${COMMENT_COLUMNS} WHERE c.post_id = ? AND c.author_id = ? AND c.status = 'pending'
           ORDER BY c.id ASC LIMIT 200`,
          [viewer.id, post.id, viewer.id],
        ),
      ]);
      const now = clock().getTime();
      const windowMs = rules.editWindowSeconds * 1000;
      return {
        liked: liked.map((row) => Number(row.comment_id)),
        own: own
          .map((row) => ({
            id: Number(row.id),
            bodyMarkdown: row.body_markdown,
            until: dateOf(row.created_at).getTime() + windowMs,
          }))
          .filter((row) => row.until >= now)
          .reverse()
          .map(({ id, bodyMarkdown, until }) => ({ id, bodyMarkdown, editableUntil: new Date(until).toISOString() })),
        pending: pending.map(commentOf),
        canPin: canEditPost(viewer, { authorId: post.authorId }),
        canModerate: viewer.role === 'admin',
        total: post.commentsCount,
      };
    },

    /**
     * Comments of published posts as the builder reads them: visible ones, and hidden top-level
     * ones with visible replies (shown bodiless), flat, by id. `postId`: that post's only, all at
     * once; otherwise a page after `cursor`. One lean query.
     */
    async publishedComments(query: { postId?: number; cursor?: string | undefined; limit?: number }) {
      const where: string[] = [];
      const params: Array<number | string> = [0];
      if (query.postId !== undefined) {
        where.push('c.post_id = ?');
        params.push(query.postId);
      }
      if (query.cursor !== undefined) {
        where.push('c.id > ?');
        params.push(Math.min(Number(query.cursor), MAX_ROW_ID));
      }
      if (query.limit !== undefined) params.push(query.limit + 1);
      const rows = await db.select<CommentRow>(
        `SELECT ${COMMENT_COLUMNS} JOIN posts p ON p.id = c.post_id AND p.status = 'published'
         WHERE ${[...where, `(c.status = 'visible' OR (c.parent_id IS NULL AND ${LISTED_TOP_LEVEL}))`].join(' AND ')}
         ORDER BY c.id ASC${query.limit === undefined ? '' : ' LIMIT ?'}`,
        params,
      );
      const more = query.limit !== undefined && rows.length > query.limit;
      const page = (more ? rows.slice(0, query.limit) : rows).map(commentOf);
      const last = page.at(-1);
      return { comments: page, nextCursor: more && last ? String(last.id) : null };
    },

    /** Whether `postId` names a published post (the builder's per-post list answers 404 otherwise). */
    async publishedPostExists(postId: number): Promise<boolean> {
      if (postId > MAX_ROW_ID) return false;
      const rows = await db.select<{ id: number }>(`SELECT id FROM posts WHERE id = ? AND status = 'published'`, [
        postId,
      ]);
      return rows.length > 0;
    },

    /** Visible-comment counts of published posts, in one query. Unknown or unpublished ids are left out. */
    async counts(postIds: number[]): Promise<Record<string, number>> {
      const posts = await Post.findAll({
        where: { id: postIds, status: 'published' },
        attributes: ['id', 'commentsCount'],
      });
      return Object.fromEntries(posts.map((post) => [String(post.id), post.commentsCount]));
    },

    /**
     * A comment or reply by a verified user; replies to replies attach to the thread's top
     * comment. It passes the spam rules and the moderation mode (ModerationService.judge): it is
     * visible at once, waits for approval (`pending`: its author alone sees it, nothing counts
     * it), or is refused — and the refusal, with its reason, is logged and the rate limits keep
     * the attempt even though no comment is written.
     */
    async create(
      author: User,
      idOrSlug: string,
      input: CreateCommentInput,
      ip: string,
      userAgent = '',
    ): Promise<Comment> {
      // Akismet (when set up) is asked before the transaction: a slow answer holds no lock.
      const akismet = await moderation.screen({
        author,
        postIdOrSlug: idOrSlug,
        parentId: input.parentId,
        body: input.body,
        ip,
        userAgent,
      });
      const outcome = await db.transaction(async (transaction): Promise<Comment | ApiError> => {
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
        if (post.commentsClosed) throw forbidden('comments_closed', 'Comments on this post are closed.');
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
        const verdict = await moderation.judge(
          {
            author,
            post,
            body: input.body,
            ip,
            website: input.website,
            elapsedMs: input.elapsedMs,
            ...(akismet === undefined ? {} : { akismet }),
          },
          transaction,
        );
        if (verdict.kind === 'refuse') {
          // Committed with the rate limits' hits: the refusal is on record, nothing else is written.
          await moderation.log(
            { decision: 'refused', reason: verdict.reason, detail: verdict.detail, userId: author.id, postId: post.id },
            transaction,
          );
          return verdict.error;
        }
        const comment = await Comment.create(
          {
            postId: post.id,
            authorId: author.id,
            parentId,
            bodyMarkdown: input.body,
            status: verdict.status,
            moderationReason:
              verdict.reason === null ? null : `${verdict.reason}${verdict.detail ? `: ${verdict.detail}` : ''}`,
            ipHash: moderation.ipHash(ip),
            createdAt: clock(),
          },
          { transaction },
        );
        if (verdict.status === 'pending') {
          await moderation.log(
            {
              decision: 'queued',
              reason: verdict.reason ?? 'moderation',
              detail: verdict.detail,
              userId: author.id,
              postId: post.id,
              commentId: comment.id,
            },
            transaction,
          );
          await notify?.notifyPendingComment(comment, transaction);
        } else {
          await events.announce([post.id], transaction);
          if (comment.status === 'visible') {
            await notify?.notifyCommentVisible(comment, transaction, { answers: input.parentId ?? null });
          }
        }
        // The row as written (its hooks rendered the body), with the author just read: no re-read.
        comment.author =
          author.name === live.name
            ? author
            : User.build({ ...author.get({ plain: true }), name: live.name }, { isNewRecord: false, raw: true });
        return comment;
      });
      if (outcome instanceof ApiError) throw outcome;
      return outcome;
    },

    /** The author edits their own visible comment within the edit window. */
    async edit(user: User, commentId: number, body: string): Promise<Comment> {
      await db.transaction(async (transaction) => {
        const comment = await reachableComment(commentId, user, transaction);
        if (comment.authorId !== user.id) throw forbidden('not_owner', 'You can only edit your own comments.');
        if (comment.status === 'pending') {
          throw forbidden(
            'comment_pending',
            'A comment waiting for approval cannot be edited; delete it and write it again.',
          );
        }
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
          await events.announce([comment.postId], transaction);
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
      { actor, transaction, announced }: WriteContext,
    ): Promise<{ postId: number; replyIds: number[] }> {
      return within(db, transaction, async (t) => {
        const comment = await reachableComment(commentId, actor, t);
        if (comment.authorId !== actor.id && actor.role !== 'admin') {
          throw forbidden('not_owner', 'You can only delete your own comments.');
        }
        const replies = await Comment.findAll({ where: { parentId: comment.id }, attributes: ['id'], transaction: t });
        await comment.destroy({ transaction: t });
        await events.announce([comment.postId], t, announced);
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
    async setStatus(
      commentId: number,
      status: CommentStatus,
      { actor, transaction, announced }: WriteContext,
    ): Promise<{ postId: number }> {
      if (actor.role !== 'admin') throw forbidden('forbidden', 'Only admins can hide comments.');
      return within(db, transaction, async (t) => {
        const comment = await Comment.findByPk(commentId, { transaction: t });
        if (!comment) throw notFound('Comment');
        const already = comment.status === status;
        if (!already) {
          comment.status = status;
          await comment.save({ transaction: t });
          await events.announce([comment.postId], t, announced);
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
        return { postId: comment.postId };
      });
    },

    /**
     * An admin or the post's author approves a pending (or rejected) comment — it shows and
     * counts from now on — or rejects a pending one. Audited and logged with the moderator; the
     * count hooks move it onto the counters. A comment that is not waiting is a 409 not_pending.
     */
    async review(
      commentId: number,
      decision: 'approve' | 'reject',
      { actor, transaction, announced }: WriteContext,
    ): Promise<{ postId: number; comment: Comment }> {
      return within(db, transaction, async (t) => {
        const comment = await Comment.findByPk(commentId, { transaction: t });
        if (!comment) throw notFound('Comment');
        const post = await Post.findByPk(comment.postId, { attributes: ['id', 'authorId', 'status'], transaction: t });
        // Someone who may not moderate this post (admins may, any) learns nothing about its queue.
        if (!post || !canEditPost(actor, post)) throw notFound('Comment');
        const from = decision === 'approve' ? ['pending', 'rejected'] : ['pending'];
        if (!from.includes(comment.status)) {
          throw conflict(
            'not_pending',
            decision === 'approve'
              ? 'This comment is not waiting for approval.'
              : 'Only a waiting comment can be rejected.',
          );
        }
        comment.status = decision === 'approve' ? 'visible' : 'rejected';
        await comment.save({ transaction: t });
        if (decision === 'approve') {
          await events.announce([comment.postId], t, announced);
          await notify?.notifyCommentVisible(comment, t);
        }
        await audit.write(
          actor,
          {
            action: decision === 'approve' ? 'comment.approve' : 'comment.reject',
            targetType: 'comment',
            targetId: comment.id,
            details: { postId: comment.postId, authorId: comment.authorId, reason: comment.moderationReason },
          },
          t,
        );
        await moderation.log(
          {
            decision: decision === 'approve' ? 'approved' : 'rejected',
            reason: comment.moderationReason?.split(':')[0] ?? 'moderation',
            userId: comment.authorId,
            postId: comment.postId,
            commentId: comment.id,
            actorId: actor.id,
          },
          t,
        );
        return { postId: comment.postId, comment };
      });
    },

    /** The ids of every comment by `userId`, or sent from `ip` (by its keyed hash), oldest first. */
    async idsFrom(target: { userId?: number | undefined; ip?: string | undefined }): Promise<number[]> {
      const rows = await db.select<{ id: number }>(
        target.userId !== undefined
          ? 'SELECT id FROM comments WHERE author_id = ? ORDER BY id ASC'
          : 'SELECT id FROM comments WHERE ip_hash = ? ORDER BY id ASC',
        [target.userId !== undefined ? target.userId : moderation.ipHash(target.ip ?? '')],
      );
      return rows.map((row) => Number(row.id));
    },

    /**
     * A verified reader likes (`liked` true) or stops liking a visible comment of a published
     * post, not their own. Idempotent: liking twice is one like, unliking what is not liked
     * changes nothing; a concurrent duplicate like (the primary key refuses it) is answered the
     * same. The count hooks move likes_count in the same transaction.
     */
    async setLiked(
      user: User,
      commentId: number,
      liked: boolean,
    ): Promise<{ state: CommentLikeState; postId: number }> {
      const attempt = () =>
        db.transaction(async (transaction) => {
          await rateLimiter.hit(`like:user:${user.id}`, rules.likes, transaction);
          const [live] = await db.select<{ id: number; banned_at: Date | string | null }>(
            `SELECT id, banned_at FROM users WHERE id = ?${keyShare(transaction)}`,
            [user.id],
            transaction,
          );
          if (!live) throw unauthorized('Your account no longer exists.');
          if (live.banned_at !== null) throw forbidden('banned', 'This account is banned.');
          // Under a key-share lock: a concurrent deletion of the comment waits for this like (and
          // takes it along) or has happened, and this is a 404 instead of a foreign-key failure.
          const [comment] = await db.select<{ id: number; post_id: number; author_id: number; status: string }>(
            `SELECT c.id, c.post_id, c.author_id, c.status FROM comments c JOIN posts p ON p.id = c.post_id
             WHERE c.id = ? AND p.status = 'published'${keyShare(transaction) ? ' FOR KEY SHARE OF c' : ''}`,
            [commentId],
            transaction,
          );
          if (comment?.status !== 'visible') throw notFound('Comment');
          if (Number(comment.author_id) === user.id) {
            throw forbidden('own_comment', 'You cannot like your own comment.');
          }
          const existing = await CommentLike.findOne({
            where: { commentId, userId: user.id },
            transaction,
            lock: transaction.LOCK.UPDATE,
          });
          let changed = false;
          if (liked && !existing) {
            await CommentLike.create({ commentId, userId: user.id, createdAt: clock() }, { transaction });
            changed = true;
          } else if (!liked && existing) {
            await existing.destroy({ transaction });
            changed = true;
          }
          if (changed) await events.announce([Number(comment.post_id)], transaction);
          const [row] = await db.select<{ likes_count: number | string }>(
            'SELECT likes_count FROM comments WHERE id = ?',
            [commentId],
            transaction,
          );
          return {
            state: { id: commentId, liked, likesCount: Number(row?.likes_count ?? 0) },
            postId: Number(comment.post_id),
          };
        });
      try {
        return await attempt();
      } catch (error) {
        // Two likes of one comment by one reader at once: the second met the first's row. Again,
        // it finds that like and answers as the first did.
        if (error instanceof UniqueConstraintError) return attempt();
        throw error;
      }
    },

    /**
     * An admin or the post's author pins (`pinned` true) or unpins a top-level comment; at most
     * MAX_PINS_PER_POST threads of a post are pinned at once, counted under the post's row lock
     * (PostgreSQL; SQLite's one writer serialises anyway). Audited. A no-op when it already is.
     */
    async setPinned(commentId: number, pinned: boolean, { actor, transaction }: WriteContext): Promise<Comment> {
      const id = await within(db, transaction, async (t) => {
        const comment = await Comment.findByPk(commentId, { transaction: t });
        if (!comment) throw notFound('Comment');
        const [post] = await db.select<{ id: number; author_id: number; status: Post['status'] }>(
          `SELECT id, author_id, status FROM posts WHERE id = ?${db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
          [comment.postId],
          t,
        );
        const postAuthorId = Number(post?.author_id);
        if (!post || (post.status !== 'published' && !canEditPost(actor, { authorId: postAuthorId }))) {
          throw notFound('Comment');
        }
        if (!canEditPost(actor, { authorId: postAuthorId })) {
          throw forbidden('forbidden', "Only admins and the post's author can pin comments.");
        }
        if (comment.parentId !== null || (pinned && comment.status !== 'visible')) {
          throw unprocessable('not_top_level', 'Only visible top-level comments can be pinned.', [
            { path: 'id', message: comment.parentId !== null ? 'a reply' : 'a hidden comment' },
          ]);
        }
        const already = (comment.pinnedAt !== null) === pinned;
        if (!already) {
          if (pinned) {
            const [count] = await db.select<{ n: number | string }>(
              'SELECT COUNT(*) AS n FROM comments WHERE post_id = ? AND pinned_at IS NOT NULL',
              [comment.postId],
              t,
            );
            if (Number(count?.n ?? 0) >= MAX_PINS_PER_POST) {
              throw conflict(
                'pin_limit',
                `A post can have at most ${MAX_PINS_PER_POST} pinned comments; unpin one first.`,
              );
            }
          }
          comment.pinnedAt = pinned ? clock() : null;
          await comment.save({ transaction: t });
          await events.announce([comment.postId], t);
        }
        await audit.write(
          actor,
          {
            action: pinned ? 'comment.pin' : 'comment.unpin',
            targetType: 'comment',
            targetId: comment.id,
            details: { postId: comment.postId, authorId: comment.authorId, already },
          },
          t,
        );
        return comment.id;
      });
      return reload(id);
    },

    /** A comment body rendered exactly as posting it would (the models' hook's renderer), for verified users. */
    async preview(user: User, body: string): Promise<string> {
      await rateLimiter.hit(`comment-preview:user:${user.id}`, rules.previews);
      return db.markdown.comment(body);
    },
  };
}

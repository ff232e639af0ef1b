import { Op, type Transaction } from 'sequelize';
import type { SessionStore } from '../../auth/sessions.js';
import type { Database } from '../../db/index.js';
import type { User } from '../../db/models/index.js';
import { type CountDrift, recount } from '../../db/recount.js';
import type { Clock } from '../../lib/clock.js';
import { ApiError, unprocessable } from '../../lib/errors.js';
import type { WriteContext } from '../../lib/write-context.js';
import { type AnnouncedPosts, type CommentEvents, withAnnounced } from '../comments/events.js';
import type { CommentService } from '../comments/service.js';
import type { PurgeRequest } from '../moderation/schema.js';
import type { ModerationService } from '../moderation/service.js';
import type { PostService } from '../posts/service.js';
import { presentBuild } from '../publishing/service.js';
import type { AuditLogger } from './audit.js';
import { createAdminContentService } from './content.service.js';
import {
  type AdminStats,
  BULK_ACTIONS,
  type BulkAction,
  type BulkItemResult,
  type BulkRequest,
  type BulkResource,
  type BulkResult,
} from './schema.js';
import { createAdminUserService } from './users.service.js';

export interface AdminServiceDeps {
  db: Database;
  clock: Clock;
  sessions: SessionStore;
  audit: AuditLogger;
  /** The entity services whose write paths the bulk actions run. */
  posts: PostService;
  comments: CommentService;
  /** A user's deletion takes their comments and likes: their posts' comments events. */
  commentEvents: CommentEvents;
  /** The decision log (purges). */
  moderation: ModerationService;
}

export type AdminService = ReturnType<typeof createAdminService>;

/**
 * One item of a bulk action: applies the change to `id` inside `transaction` (its savepoint)
 * and returns the ids of same-resource rows that went with it.
 */
type BulkOperation = (id: number, context: Required<WriteContext>) => Promise<number[] | undefined>;

/** The admin area: users, content, stats, audit log, recount and bulk actions. */
export function createAdminService({
  db,
  clock,
  sessions,
  audit,
  posts,
  comments,
  commentEvents,
  moderation,
}: AdminServiceDeps) {
  const { User: UserModel, Post, Comment, BuildEvent } = db.models;
  const users = createAdminUserService({ db, clock, sessions, audit, commentEvents });
  const content = createAdminContentService({ db, posts });
  const none = async () => undefined;

  /** resource.action → the entity service's own write method: the same rules and audit as a single change. */
  const BULK: Record<string, BulkOperation> = {
    'users.ban': (id, { actor, transaction }) => users.ban(actor, id, transaction).then(none),
    'users.unban': (id, { actor, transaction }) => users.unban(actor, id, transaction).then(none),
    'users.verify': (id, { actor, transaction }) => users.verify(actor, id, transaction).then(none),
    'users.delete': (id, { actor, transaction, announced }) =>
      users.remove(actor, id, transaction, announced).then(none),
    'posts.publish': (id, context) => posts.setPublished(String(id), true, context).then(none),
    'posts.unpublish': (id, context) => posts.setPublished(String(id), false, context).then(none),
    'posts.delete': (id, context) => posts.remove(String(id), context).then(none),
    'comments.hide': (id, context) => comments.setStatus(id, 'hidden', context).then(none),
    'comments.unhide': (id, context) => comments.setStatus(id, 'visible', context).then(none),
    'comments.delete': async (id, context) => (await comments.remove(id, context)).replyIds,
    'comments.approve': (id, context) => comments.review(id, 'approve', context).then(none),
    'comments.reject': (id, context) => comments.review(id, 'reject', context).then(none),
  };
  const bulkOperation = (resource: BulkResource, action: BulkAction): BulkOperation | null =>
    (BULK_ACTIONS[resource] as readonly string[]).includes(action) ? (BULK[`${resource}.${action}`] ?? null) : null;

  return {
    users,
    content,
    audit,

    /** Counts for the dashboard and the most recent build. */
    async stats(): Promise<AdminStats> {
      const notNull = { [Op.ne]: null };
      const [total, verified, banned, user, author, admin, draft, published, visible, hidden, pending, lastBuild] =
        await Promise.all([
          UserModel.count(),
          UserModel.count({ where: { emailVerifiedAt: notNull } }),
          UserModel.count({ where: { bannedAt: notNull } }),
          UserModel.count({ where: { role: 'user' } }),
          UserModel.count({ where: { role: 'author' } }),
          UserModel.count({ where: { role: 'admin' } }),
          Post.count({ where: { status: 'draft' } }),
          Post.count({ where: { status: 'published' } }),
          Comment.count({ where: { status: 'visible' } }),
          Comment.count({ where: { status: 'hidden' } }),
          Comment.count({ where: { status: 'pending' } }),
          BuildEvent.findOne({
            order: [
              ['createdAt', 'DESC'],
              ['id', 'DESC'],
            ],
          }),
        ]);
      return {
        users: { total, verified, banned, byRole: { user, author, admin } },
        posts: { total: draft + published, draft, published },
        comments: { total: visible + hidden + pending, visible, hidden, pending },
        lastBuild: lastBuild ? presentBuild(lastBuild) : null,
      };
    },

    /** Repairs drifted counters; the audit row commits with the repair. */
    recount(actor: User): Promise<CountDrift[]> {
      return recount(db, (fixed, transaction) =>
        audit.write(
          actor,
          { action: 'recount', targetType: 'counts', targetId: null, details: { fixed: fixed.length } },
          transaction,
        ),
      );
    },

    /**
     * "Delete everything from this user / this address": every comment the user wrote, or that
     * came from the address (matched by its keyed hash), deleted as one bulk action (per-id
     * results; a reply that went with its thread says so), audited and logged.
     */
    async purge(actor: User, target: PurgeRequest): Promise<BulkResult> {
      const ids = await comments.idsFrom(target);
      const result = await this.bulk(actor, { resource: 'comments', action: 'delete', ids }, async (t) => {
        await audit.write(
          actor,
          {
            action: 'comment.purge',
            targetType: 'comments',
            targetId: null,
            details:
              target.userId !== undefined
                ? { userId: target.userId, comments: ids.length }
                : { ip: true, comments: ids.length },
          },
          t,
        );
        await moderation.log(
          {
            decision: 'purged',
            reason: target.userId !== undefined ? 'user' : 'address',
            detail: `${ids.length} comments`,
            userId: target.userId ?? null,
            actorId: actor.id,
          },
          t,
        );
      });
      return result;
    },

    /**
     * Applies one action to many ids in ONE transaction. Each id runs in a
     * savepoint of its own: a refusal the API knows (an ApiError: not_found,
     * own_account, author_has_posts, …) rolls back that id alone and is
     * reported in its result, and the rest still apply; any other error rolls
     * back the whole batch (a 500, nothing applied). Repeated ids run once.
     * Each applied id writes its own audit row, and the batch one `bulk` row.
     * Called from inside the API (purge) it takes any number of ids; `also`
     * runs first in the batch's transaction.
     */
    async bulk(
      actor: User,
      request: Pick<BulkRequest, 'resource' | 'action' | 'ids'>,
      also?: (transaction: Transaction) => Promise<void>,
    ): Promise<BulkResult> {
      const operation = bulkOperation(request.resource, request.action);
      if (!operation) {
        const allowed = BULK_ACTIONS[request.resource].join(', ');
        throw unprocessable('unsupported_action', `Bulk actions on ${request.resource}: ${allowed}.`, [
          { path: 'action', message: `not an action on ${request.resource}` },
        ]);
      }
      const ids = [...new Set(request.ids)];
      const results = await db.transaction(async (outer) => {
        if (also) await also(outer);
        const results: BulkItemResult[] = [];
        const announced: AnnouncedPosts = new Set();
        // Rows an earlier id took with it (a deleted comment's replies).
        const goneWithEarlier = new Set<number>();
        for (const id of ids) {
          if (goneWithEarlier.has(id)) {
            results.push({ id, ok: true, message: 'Deleted with an earlier id of this batch.' });
            continue;
          }
          try {
            // One comments event per post over the whole batch (the item's own posts kept only if it holds).
            const cascaded = await withAnnounced(announced, (mine) =>
              db.sequelize.transaction({ transaction: outer }, (savepoint) =>
                operation(id, { actor, transaction: savepoint, announced: mine }),
              ),
            );
            for (const gone of cascaded ?? []) goneWithEarlier.add(gone);
            results.push({ id, ok: true });
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            results.push({ id, ok: false, error: error.code, message: error.message });
          }
        }
        const failed = results.filter((result) => !result.ok);
        await audit.write(
          actor,
          {
            action: 'bulk',
            targetType: request.resource,
            targetId: null,
            details: {
              action: request.action,
              requested: ids.length,
              applied: results.length - failed.length,
              failed: failed.map(({ id, error }) => ({ id, error })),
            },
          },
          outer,
        );
        return results;
      });
      const failed = results.filter((result) => !result.ok).length;
      return { resource: request.resource, action: request.action, applied: results.length - failed, failed, results };
    },
  };
}

import type { AuditAction } from '@blog/contract';
import { Op, type Transaction, type WhereOptions } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { AuditLog, User } from '../../db/models/index.js';
import type { Clock } from '../../lib/clock.js';

export type AuditTargetType =
  | 'user'
  | 'post'
  | 'comment'
  | 'category'
  | 'tag'
  | 'media'
  | 'counts'
  | 'users'
  | 'posts'
  | 'comments'
  | 'ban'
  | 'site';

export interface AuditEvent {
  /** `resource.verb` (user.ban, comment.hide), or a bare verb for whole-site actions (recount, bulk). */
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: number | null;
  details?: Record<string, unknown>;
}

export type AuditLogger = ReturnType<typeof createAuditLogger>;

/** Writes and reads the audit log. Every write joins the transaction of the change it records. */
export function createAuditLogger(db: Database, clock: Clock) {
  const { AuditLog, User } = db.models;

  return {
    async write(actor: User, event: AuditEvent, transaction: Transaction): Promise<void> {
      await AuditLog.create(
        {
          actorId: actor.id,
          action: event.action,
          targetType: event.targetType,
          targetId: event.targetId === null ? null : String(event.targetId),
          details: JSON.stringify(event.details ?? {}),
          createdAt: clock(),
        },
        { transaction },
      );
    },

    /** Newest first, with each actor's name: two queries whatever the page size. */
    async list(query: { action?: string; actor?: number; page: number; limit: number }) {
      const where: WhereOptions<AuditLog> = {};
      if (query.action) {
        // `user` matches user.ban, user.delete, …; `user.ban` matches itself.
        where.action = query.action.includes('.')
          ? query.action
          : { [Op.or]: { [Op.eq]: query.action, [Op.like]: `${query.action}.%` } };
      }
      if (query.actor !== undefined) where.actorId = query.actor;
      const { rows, count } = await AuditLog.findAndCountAll({
        where,
        order: [
          ['createdAt', 'DESC'],
          ['id', 'DESC'],
        ],
        limit: query.limit,
        offset: (query.page - 1) * query.limit,
      });
      const actorIds = [...new Set(rows.map((row) => row.actorId).filter((id): id is number => id !== null))];
      const actors =
        actorIds.length === 0 ? [] : await User.findAll({ where: { id: actorIds }, attributes: ['id', 'name'] });
      return { rows, actors: new Map(actors.map((actor) => [actor.id, actor])), total: count };
    },
  };
}

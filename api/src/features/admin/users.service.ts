import { Op, type Order, type Transaction, type WhereOptions } from 'sequelize';
import type { SessionStore } from '../../auth/sessions.js';
import type { Database } from '../../db/index.js';
import type { User } from '../../db/models/index.js';
import type { Clock } from '../../lib/clock.js';
import { conflict, notFound } from '../../lib/errors.js';
import type { CommentEvents } from '../comments/events.js';
import type { AuditLogger } from './audit.js';
import { contains, orderOf } from './query.js';
import type { AdminUserQuery, UpdateAdminUserInput } from './users.schema.js';

export interface AdminUserServiceDeps {
  db: Database;
  clock: Clock;
  sessions: SessionStore;
  audit: AuditLogger;
  commentEvents: CommentEvents;
}

/** What the user detail shows beyond the user row. */
export interface UserExtras {
  providers: string[];
  sessionCount: number;
  draftsCount: number;
  hiddenCommentsCount: number;
}

export type AdminUserService = ReturnType<typeof createAdminUserService>;

/**
 * Account administration. Each change takes the transaction it runs in (a
 * request's own, or a bulk action's savepoint) and writes its audit row there.
 */
export function createAdminUserService({ db, clock, sessions, audit, commentEvents }: AdminUserServiceDeps) {
  const { User, Identity, Session, Post, Comment } = db.models;

  async function lockedUser(id: number, transaction: Transaction): Promise<User> {
    const user = await User.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
    if (!user) throw notFound('User');
    return user;
  }

  /** Runs `work` in the caller's transaction (a bulk savepoint), or in one of its own. */
  const within = <T>(transaction: Transaction | undefined, work: (t: Transaction) => Promise<T>): Promise<T> =>
    transaction ? work(transaction) : db.transaction(work);

  /** Admins keep their own access: no banning, demoting, un-verifying or deleting themselves. */
  function refuseSelf(actor: User, user: User, what: string): void {
    if (actor.id === user.id) throw conflict('own_account', `You cannot ${what} your own account.`);
  }

  return {
    /** One page of users matching the filters, with the total. */
    async list(query: AdminUserQuery) {
      const where: WhereOptions<User>[] = [];
      if (query.q) {
        where.push({ [Op.or]: [contains(db, 'User.email', query.q), contains(db, 'User.name', query.q)] });
      }
      if (query.role) where.push({ role: query.role });
      if (query.verified !== undefined) {
        where.push({ emailVerifiedAt: query.verified ? { [Op.ne]: null } : null });
      }
      if (query.banned !== undefined) where.push({ bannedAt: query.banned ? { [Op.ne]: null } : null });
      const textual = query.sort === 'name' || query.sort === 'email';
      const direction = orderOf(query.order, textual);
      const column = {
        created: db.sequelize.col('User.created_at'),
        name: db.sequelize.fn('lower', db.sequelize.col('User.name')),
        email: db.sequelize.col('User.email'),
        postsCount: db.sequelize.col('User.posts_count'),
        commentsCount: db.sequelize.col('User.comments_count'),
      }[query.sort];
      const order: Order = [
        [column, direction],
        ['id', direction],
      ];
      const { rows, count } = await User.findAndCountAll({
        where: { [Op.and]: where },
        order,
        limit: query.limit,
        offset: (query.page - 1) * query.limit,
      });
      return { rows, total: count };
    },

    /** A user with their providers, live sessions and uncounted content. */
    async detail(id: number): Promise<{ user: User; extras: UserExtras }> {
      const user = await User.findByPk(id);
      if (!user) throw notFound('User');
      const [identities, sessionCount, draftsCount, hiddenCommentsCount] = await Promise.all([
        Identity.findAll({ where: { userId: id }, attributes: ['provider'] }),
        Session.count({ where: { userId: id, expiresAt: { [Op.gt]: clock() } } }),
        Post.count({ where: { authorId: id, status: 'draft' } }),
        Comment.count({ where: { authorId: id, status: 'hidden' } }),
      ]);
      const providers = [...new Set(identities.map((identity) => identity.provider))].sort();
      return { user, extras: { providers, sessionCount, draftsCount, hiddenCommentsCount } };
    },

    /** Changes the role and/or the verified mark. */
    update(actor: User, id: number, input: UpdateAdminUserInput, given?: Transaction): Promise<void> {
      return within(given, async (transaction) => {
        const user = await lockedUser(id, transaction);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        if (input.role !== undefined && input.role !== user.role) {
          refuseSelf(actor, user, 'change the role of');
          changes.role = { from: user.role, to: input.role };
          user.role = input.role;
        }
        const verified = user.emailVerifiedAt !== null;
        if (input.verified !== undefined && input.verified !== verified) {
          refuseSelf(actor, user, 'un-verify');
          changes.verified = { from: verified, to: input.verified };
          user.emailVerifiedAt = input.verified ? clock() : null;
        }
        if (user.changed()) await user.save({ transaction });
        await audit.write(
          actor,
          { action: 'user.update', targetType: 'user', targetId: id, details: { changes } },
          transaction,
        );
      });
    },

    /** Marks the email verified (a no-op when it already is). */
    verify(actor: User, id: number, given?: Transaction): Promise<void> {
      return within(given, async (transaction) => {
        const user = await lockedUser(id, transaction);
        const already = user.emailVerifiedAt !== null;
        if (!already) await user.update({ emailVerifiedAt: clock() }, { transaction });
        await audit.write(
          actor,
          { action: 'user.verify', targetType: 'user', targetId: id, details: { already } },
          transaction,
        );
      });
    },

    /** Bans the account and ends every session it has. */
    ban(actor: User, id: number, given?: Transaction): Promise<void> {
      return within(given, async (transaction) => {
        const user = await lockedUser(id, transaction);
        refuseSelf(actor, user, 'ban');
        const already = user.bannedAt !== null;
        if (!already) await user.update({ bannedAt: clock() }, { transaction });
        const sessionsRevoked = await sessions.revokeAll(user.id, undefined, transaction);
        await audit.write(
          actor,
          { action: 'user.ban', targetType: 'user', targetId: id, details: { already, sessionsRevoked } },
          transaction,
        );
      });
    },

    unban(actor: User, id: number, given?: Transaction): Promise<void> {
      return within(given, async (transaction) => {
        const user = await lockedUser(id, transaction);
        const already = user.bannedAt === null;
        if (!already) await user.update({ bannedAt: null }, { transaction });
        await audit.write(
          actor,
          { action: 'user.unban', targetType: 'user', targetId: id, details: { already } },
          transaction,
        );
      });
    },

    /**
     * Deletes the account with the cascade of self-deletion (the model hooks
     * take their comments and the replies to them off the counts); 409
     * author_has_posts while they own posts.
     */
    remove(actor: User, id: number, given?: Transaction, announced?: Set<number>): Promise<void> {
      return within(given, async (transaction) => {
        const user = await lockedUser(id, transaction);
        refuseSelf(actor, user, 'delete');
        const details = { email: user.email, name: user.name, role: user.role };
        const touched = await commentEvents.postsTouchedByUser(user.id, transaction);
        await user.destroy({ transaction });
        await commentEvents.announce(touched, transaction, announced);
        await audit.write(actor, { action: 'user.delete', targetType: 'user', targetId: id, details }, transaction);
      });
    },
  };
}

import { createHash, randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { Op, type Transaction } from 'sequelize';
import type { AppEnv } from '../app-env.js';
import type { Database } from '../db/index.js';
import type { Session, User, UserRole } from '../db/models/index.js';
import { dateOf, dateOrNull } from '../db/rows.js';
import type { Clock } from '../lib/clock.js';

export const SESSION_COOKIE = 'blog_session';
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The stored id of a session token: its SHA-256, so a database leak yields no usable cookie. */
export const sessionIdOf = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * The id a session is shown by (GET /auth/sessions): derived from the stored id, so the list gives
 * neither the cookie token nor the key its row is found by.
 */
export const publicSessionId = (storedId: string): string =>
  createHash('sha256').update(`session-list:${storedId}`).digest('base64url').slice(0, 22);

/** "Last seen" is written at most this often per session: a signed-in request costs no write. */
export const LAST_SEEN_PRECISION_MS = 60 * 60 * 1000;

const USER_COLUMNS = `u.id, u.email, u.name, u.password_hash, u.role, u.email_verified_at, u.banned_at,
  u.posts_count, u.comments_count, u.created_at, u.updated_at`;

interface SessionUserRow {
  s_id: string;
  s_user_id: number;
  s_expires_at: Date | string;
  s_user_agent: string;
  s_ip: string;
  s_last_seen_at: Date | string | null;
  s_created_at: Date | string;
  id: number;
  email: string;
  name: string;
  password_hash: string | null;
  role: UserRole;
  email_verified_at: Date | string | null;
  banned_at: Date | string | null;
  posts_count: number;
  comments_count: number;
  created_at: Date | string;
  updated_at: Date | string;
}

/** A user's attributes from the `u.` columns of a lean row (USER_COLUMNS). */
function userOfRow(row: SessionUserRow) {
  return {
    id: Number(row.id),
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    role: row.role,
    emailVerifiedAt: dateOrNull(row.email_verified_at),
    bannedAt: dateOrNull(row.banned_at),
    postsCount: Number(row.posts_count),
    commentsCount: Number(row.comments_count),
    createdAt: dateOf(row.created_at),
    updatedAt: dateOf(row.updated_at),
  };
}

export interface SessionMeta {
  userAgent?: string;
  ip?: string;
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/** Server-side sessions in the `sessions` table, with sliding expiry. */
export function createSessionStore(db: Database, clock: Clock) {
  const { Session, User } = db.models;
  return {
    /** A new session for `userId`; returns the cookie token (shown once, never stored). */
    async create(userId: number, meta: SessionMeta = {}, transaction?: Transaction) {
      const token = randomBytes(32).toString('base64url');
      const session = await Session.create(
        {
          id: sessionIdOf(token),
          userId,
          expiresAt: new Date(clock().getTime() + SESSION_TTL_MS),
          userAgent: (meta.userAgent ?? '').slice(0, 300),
          ip: (meta.ip ?? '').slice(0, 64),
        },
        { transaction },
      );
      return { token, session };
    },

    /**
     * The live session and user of a token; expired sessions are removed. Extends sessions past
     * half their life. Every signed-in request asks this: one lean join (db.select), the two
     * instances built from its row, instead of a model query with an include.
     */
    async resolve(token: string): Promise<{ session: Session; user: User; extended: boolean } | null> {
      const [row] = await db.select<SessionUserRow>(
        `SELECT s.id AS s_id, s.user_id AS s_user_id, s.expires_at AS s_expires_at, s.user_agent AS s_user_agent,
                s.ip AS s_ip, s.last_seen_at AS s_last_seen_at, s.created_at AS s_created_at, ${USER_COLUMNS}
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
        [sessionIdOf(token)],
      );
      if (!row) return null;
      const user = User.build(userOfRow(row), { isNewRecord: false, raw: true });
      const session = Session.build(
        {
          id: row.s_id,
          userId: Number(row.s_user_id),
          expiresAt: dateOf(row.s_expires_at),
          userAgent: row.s_user_agent,
          ip: row.s_ip,
          lastSeenAt: dateOrNull(row.s_last_seen_at),
          createdAt: dateOf(row.s_created_at),
        },
        { isNewRecord: false, raw: true },
      );
      session.user = user;
      const now = clock().getTime();
      if (session.expiresAt.getTime() <= now) {
        await session.destroy();
        return null;
      }
      let extended = false;
      const changes: { expiresAt?: Date; lastSeenAt?: Date } = {};
      if (session.expiresAt.getTime() - now < SESSION_TTL_MS / 2) {
        session.expiresAt = new Date(now + SESSION_TTL_MS);
        changes.expiresAt = session.expiresAt;
        extended = true;
      }
      const seen = (session.lastSeenAt ?? session.createdAt).getTime();
      if (extended || now - seen >= LAST_SEEN_PRECISION_MS) {
        session.lastSeenAt = new Date(now);
        changes.lastSeenAt = session.lastSeenAt;
      }
      if (changes.expiresAt || changes.lastSeenAt) await Session.update(changes, { where: { id: session.id } });
      return { session, user, extended };
    },

    async revoke(sessionId: string, transaction?: Transaction): Promise<void> {
      await Session.destroy({ where: { id: sessionId }, transaction });
    },

    /** The live sessions of a user, most recently used first. */
    async list(userId: number): Promise<Session[]> {
      const now = clock();
      const rows = await Session.findAll({ where: { userId, expiresAt: { [Op.gt]: now } } });
      const seen = (s: Session) => (s.lastSeenAt ?? s.createdAt).getTime();
      return rows.sort((a, b) => seen(b) - seen(a));
    },

    /** Ends the session of `userId` shown as `publicId`; false when the user has no such session. */
    async revokeByPublicId(userId: number, publicId: string): Promise<boolean> {
      const rows = await Session.findAll({ where: { userId }, attributes: ['id'] });
      const match = rows.find((row) => publicSessionId(row.id) === publicId);
      if (!match) return false;
      await Session.destroy({ where: { id: match.id, userId } });
      return true;
    },

    /** Ends every session of a user (password change, ban, deletion), except `keepId` if given. */
    async revokeAll(userId: number, keepId?: string, transaction?: Transaction): Promise<number> {
      return Session.destroy({
        where: keepId ? { userId, id: { [Op.ne]: keepId } } : { userId },
        transaction,
      });
    },
  };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure in production. */
export function setSessionCookie(
  c: Parameters<MiddlewareHandler<AppEnv>>[0],
  token: string,
  secure: boolean,
  expires: Date,
): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure, path: '/', expires });
}

/** Clears the session cookie (logout, account deletion, a stale token). */
export function clearSessionCookie(c: Parameters<MiddlewareHandler<AppEnv>>[0], secure: boolean): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure });
}

/** Loads `user` and `session` from the session cookie for every request. */
export function loadSession(store: SessionStore, secure: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('user', null);
    c.set('session', null);
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const found = token.length <= 100 ? await store.resolve(token) : null;
      if (found) {
        c.set('user', found.user);
        c.set('session', found.session);
        if (found.extended) setSessionCookie(c, token, secure, found.session.expiresAt);
      } else {
        clearSessionCookie(c, secure);
      }
    }
    await next();
  };
}

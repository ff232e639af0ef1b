import { createHash, randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { Op, type Transaction } from 'sequelize';
import type { AppEnv } from '../app-env.js';
import type { Database } from '../db/index.js';
import type { Session, User } from '../db/models/index.js';
import type { Clock } from '../lib/clock.js';

export const SESSION_COOKIE = 'blog_session';
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The stored id of a session token: its SHA-256, so a database leak yields no usable cookie. */
export const sessionIdOf = (token: string): string => createHash('sha256').update(token).digest('hex');

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

    /** The live session and user of a token; expired sessions are removed. Extends sessions past half their life. */
    async resolve(token: string): Promise<{ session: Session; user: User; extended: boolean } | null> {
      const session = await Session.findByPk(sessionIdOf(token), { include: [{ model: User, as: 'user' }] });
      if (!session?.user) return null;
      const now = clock().getTime();
      if (session.expiresAt.getTime() <= now) {
        await session.destroy();
        return null;
      }
      let extended = false;
      if (session.expiresAt.getTime() - now < SESSION_TTL_MS / 2) {
        session.expiresAt = new Date(now + SESSION_TTL_MS);
        await Session.update({ expiresAt: session.expiresAt }, { where: { id: session.id } });
        extended = true;
      }
      return { session, user: session.user, extended };
    },

    async revoke(sessionId: string, transaction?: Transaction): Promise<void> {
      await Session.destroy({ where: { id: sessionId }, transaction });
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

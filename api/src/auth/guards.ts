import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { User, UserRole } from '../db/models/index.js';
import { forbidden, unauthorized } from '../lib/errors.js';

/** The signed-in user, or 401. Banned users are treated as signed out of everything but reading. */
export function requireUser(c: Context<AppEnv>): User {
  const user = c.get('user');
  if (!user) throw unauthorized();
  if (user.bannedAt) throw forbidden('banned', 'This account is banned.');
  return user;
}

/** A signed-in user with a verified email (the rule for commenting and posting), or 401/403. */
export function requireVerified(c: Context<AppEnv>): User {
  const user = requireUser(c);
  if (!user.emailVerifiedAt) {
    throw forbidden('email_not_verified', 'Verify your email address first: we sent you a code.');
  }
  return user;
}

/** A verified user with one of `roles`, or 401/403. */
export function requireRole(c: Context<AppEnv>, ...roles: UserRole[]): User {
  const user = requireVerified(c);
  if (!roles.includes(user.role)) {
    throw forbidden('forbidden', `This needs the ${roles.join(' or ')} role.`);
  }
  return user;
}

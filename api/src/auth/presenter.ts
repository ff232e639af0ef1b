import type { User } from '../db/models/index.js';
import type { Me } from './schema.js';

/** The signed-in user's own view of their account. */
export function presentMe(user: User): Me {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    hasPassword: user.passwordHash !== null,
    postsCount: user.postsCount,
    commentsCount: user.commentsCount,
    createdAt: user.createdAt.toISOString(),
  };
}

import type { User } from '../../db/models/index.js';
import type { PublicUser } from './schema.js';

/** What anyone may see of a user: never the email. */
export function presentPublicUser(user: User): PublicUser {
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    postsCount: user.postsCount,
    commentsCount: user.commentsCount,
    createdAt: user.createdAt.toISOString(),
  };
}

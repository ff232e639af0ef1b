import type { User } from '../../db/models/index.js';
import type { AdminUser, AdminUserDetail } from './users.schema.js';
import type { UserExtras } from './users.service.js';

/** A user as admins see them in lists: email and moderation state included, never the password hash. */
export function presentAdminUser(user: User): AdminUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    verified: user.emailVerifiedAt !== null,
    emailVerifiedAt: user.emailVerifiedAt ? user.emailVerifiedAt.toISOString() : null,
    banned: user.bannedAt !== null,
    bannedAt: user.bannedAt ? user.bannedAt.toISOString() : null,
    postsCount: user.postsCount,
    commentsCount: user.commentsCount,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export function presentAdminUserDetail(user: User, extras: UserExtras): AdminUserDetail {
  return {
    ...presentAdminUser(user),
    hasPassword: user.passwordHash !== null,
    providers: extras.providers,
    sessionCount: extras.sessionCount,
    draftsCount: extras.draftsCount,
    hiddenCommentsCount: extras.hiddenCommentsCount,
  };
}

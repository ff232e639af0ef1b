import type { Database } from '../../db/index.js';
import type { User } from '../../db/models/index.js';
import { presentSubscription, type SubscriptionRow } from './presenter.js';

/**
 * A user's subscriptions, and those of their address made without an account, but only once
 * the address is verified: an account on someone else's address learns nothing of theirs.
 */
export function subscriptionRowsOf(db: Database, user: Pick<User, 'id' | 'email' | 'emailVerifiedAt'>) {
  return db.select<SubscriptionRow>(
    `SELECT s.id, s.kind, s.email, s.post_id, p.slug AS post_slug, p.title AS post_title, s.confirmed_at,
            s.unsubscribed_at, s.created_at
     FROM subscriptions s LEFT JOIN posts p ON p.id = s.post_id
     WHERE s.user_id = ? OR s.subscriber = ? ORDER BY s.id`,
    [user.id, user.emailVerifiedAt ? `email:${user.email}` : '-'],
  );
}

/** The user's subscriptions as plain JSON, for the account's data export ("download my data"). */
export async function exportSubscriptions(db: Database, userId: number): Promise<Array<Record<string, unknown>>> {
  const user = await db.models.User.findByPk(userId, { attributes: ['id', 'email', 'emailVerifiedAt'] });
  if (!user) return [];
  return (await subscriptionRowsOf(db, user)).map((row) => {
    const shown = presentSubscription(row);
    return { ...shown, email: row.email, post: shown.post && { id: shown.post.id, slug: shown.post.slug } };
  });
}

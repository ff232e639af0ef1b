import type { Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Clock } from '../../lib/clock.js';
import { enqueueCommentsEvent, type PublishJobs } from '../publishing/service.js';

/**
 * Post ids whose `comments` event was already written in one change: a bulk action shares one
 * set over its items (each item works on a copy, merged back only when its savepoint holds), so
 * 50 comments of 3 posts write 3 jobs.
 */
export type AnnouncedPosts = Set<number>;

export type CommentEvents = ReturnType<typeof createCommentEvents>;

/**
 * The `comments` publish event (the contract's CommentsEvent): written into the outbox in the
 * transaction of every change that alters how a published post's comments look, so the builder
 * re-renders that post. `enabled` is false when no builder gets publish events (GitHub dispatch
 * alone): a comment never needs a full rebuild, so nothing is written then.
 */
export function createCommentEvents({
  db,
  jobs,
  clock,
  enabled,
}: {
  db: Database;
  jobs: PublishJobs;
  clock: Clock;
  enabled: boolean;
}) {
  return {
    enabled,

    /**
     * One event per published post of `postIds` not yet in `announced` (a fresh set when none
     * is given), read and written in `transaction`; adds them to `announced`.
     */
    async announce(
      postIds: Iterable<number>,
      transaction: Transaction,
      announced: AnnouncedPosts = new Set(),
    ): Promise<void> {
      if (!enabled) return;
      const ids = [...new Set(postIds)].filter((id) => !announced.has(id));
      if (ids.length === 0) return;
      const posts = await db.select<{ id: number; slug: string }>(
        `SELECT id, slug FROM posts WHERE id IN (?) AND status = 'published' ORDER BY id`,
        [ids],
        transaction,
      );
      const at = clock().toISOString();
      for (const post of posts) {
        const postId = Number(post.id);
        await enqueueCommentsEvent(jobs, { event: 'comments', postId, slug: post.slug, at }, transaction);
        announced.add(postId);
      }
    },

    /**
     * The posts a user's deletion changes: where they wrote (their comments and the replies to
     * them go) and where they liked (those likes come off). Read before the deletion.
     */
    async postsTouchedByUser(userId: number, transaction: Transaction): Promise<number[]> {
      if (!enabled) return [];
      const rows = await db.select<{ post_id: number }>(
        `SELECT DISTINCT post_id FROM comments WHERE author_id = ?
         UNION SELECT DISTINCT c.post_id FROM comment_likes l JOIN comments c ON c.id = l.comment_id WHERE l.user_id = ?`,
        [userId, userId],
        transaction,
      );
      return rows.map((row) => Number(row.post_id));
    },
  };
}

/**
 * Runs one item of a batch with its own copy of the batch's announced posts, merged back only
 * when the item succeeds: a savepoint rolled back takes its job rows with it, so its posts must
 * stay unannounced for the items after it.
 */
export async function withAnnounced<T>(
  announced: AnnouncedPosts,
  work: (mine: AnnouncedPosts) => Promise<T>,
): Promise<T> {
  const mine = new Set(announced);
  const result = await work(mine);
  for (const id of mine) announced.add(id);
  return result;
}

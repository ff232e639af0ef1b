import { PUBLISH_AT_MAX_YEARS } from '@blog/contract/posts';
import type { Transaction } from 'sequelize';
import { z } from 'zod';
import type { Post } from '../../db/models/index.js';
import type { JobQueue } from '../../jobs/queue.js';
import { unprocessable } from '../../lib/errors.js';

/** The outbox job that publishes a scheduled post when its time comes. */
export const SCHEDULED_PUBLISH_JOB = 'scheduled_publish';

/**
 * The job's payload: the post and the time it was scheduled for. The time is the job's token:
 * a job whose time is no longer the post's `publish_at` (rescheduled, cancelled, published by
 * hand, deleted) was superseded and does nothing.
 */
export const ScheduledPublishPayloadSchema = z.object({
  postId: z.number().int(),
  publishAt: z.iso.datetime({ offset: true }),
});
export type ScheduledPublishPayload = z.infer<typeof ScheduledPublishPayloadSchema>;

/** `value` (valid ISO 8601 by the contract) as a date in the future, at most PUBLISH_AT_MAX_YEARS ahead. */
export function checkPublishAt(value: string, now: Date): Date {
  const at = new Date(value);
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + PUBLISH_AT_MAX_YEARS);
  if (Number.isNaN(at.getTime()) || at.getTime() <= now.getTime()) {
    throw unprocessable('invalid_publish_at', 'The publication time must lie in the future.', [
      { path: 'publishAt', message: 'must be in the future' },
    ]);
  }
  if (at.getTime() > latest.getTime()) {
    throw unprocessable('invalid_publish_at', `A post can be scheduled at most ${PUBLISH_AT_MAX_YEARS} years ahead.`, [
      { path: 'publishAt', message: `must be within ${PUBLISH_AT_MAX_YEARS} years` },
    ]);
  }
  return at;
}

/** Writes the job that publishes `post` at its `publishAt`, in the transaction that scheduled it. */
export async function enqueueScheduledPublish(
  jobs: Pick<JobQueue, 'enqueue'>,
  post: Pick<Post, 'id' | 'publishAt'>,
  transaction: Transaction,
): Promise<void> {
  if (!post.publishAt) throw new Error('enqueueScheduledPublish needs a post with publishAt');
  const payload: ScheduledPublishPayload = { postId: post.id, publishAt: post.publishAt.toISOString() };
  await jobs.enqueue(SCHEDULED_PUBLISH_JOB, payload, { transaction, runAt: post.publishAt });
}

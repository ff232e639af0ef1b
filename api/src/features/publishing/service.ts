import type { z } from '@hono/zod-openapi';
import type { Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { BuildEvent, User } from '../../db/models/index.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import type { BuildSchema, CommentsEvent, PublishEvent } from './schema.js';

export type BuildOut = z.infer<typeof BuildSchema>;

/** The outbox job kind that carries publish events to the builder. */
export const WEBHOOK_JOB = 'webhook';

/**
 * The outbox job kind that carries `comments` events: to the builder only (the same delivery as
 * WEBHOOK_JOB), never fanned out to GitHub dispatch — a comment never needs a full rebuild.
 */
export const COMMENTS_JOB = 'comments_webhook';

export type PublishJobs = Pick<JobQueue, 'enqueue'>;

/** Writes a publish event into the outbox, inside the change's transaction: it exists only if the change commits. */
export function enqueuePublishEvent(jobs: PublishJobs, event: PublishEvent, transaction: Transaction) {
  return jobs.enqueue(WEBHOOK_JOB, event, { transaction });
}

/** Writes a post's `comments` event into the outbox, inside the change's transaction (the builder's job alone). */
export function enqueueCommentsEvent(jobs: PublishJobs, event: CommentsEvent, transaction: Transaction) {
  return jobs.enqueue(COMMENTS_JOB, event, { transaction });
}

export function presentBuild(build: BuildEvent): BuildOut {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    id: build.id,
    reason: build.reason,
    postId: build.postId,
    status: build.status,
    startedAt: iso(build.startedAt),
    finishedAt: iso(build.finishedAt),
    durationMs: build.durationMs,
    pages: build.pages,
    error: build.error,
    createdAt: build.createdAt.toISOString(),
    updatedAt: build.updatedAt.toISOString(),
  };
}

export interface BuildInput {
  reason?: string;
  postId?: number | null;
  status?: BuildEvent['status'];
  startedAt?: string | null;
  finishedAt?: string | null;
  durationMs?: number | null;
  pages?: number | null;
  error?: string | null;
}

const toDate = (value: string | null | undefined): Date | null => (value ? new Date(value) : null);

export type PublishingService = ReturnType<typeof createPublishingService>;

/** Build records (written by the builder) and admin-requested rebuilds. */
export function createPublishingService({ db, clock, jobs }: { db: Database; clock: Clock; jobs: JobQueue }) {
  const { BuildEvent, AuditLog } = db.models;

  /** Only the fields given; dates parsed. */
  function fields(input: BuildInput) {
    const values: {
      reason?: string;
      postId?: number | null;
      status?: BuildEvent['status'];
      startedAt?: Date | null;
      finishedAt?: Date | null;
      durationMs?: number | null;
      pages?: number | null;
      error?: string | null;
    } = {};
    if (input.reason !== undefined) values.reason = input.reason;
    if (input.postId !== undefined) values.postId = input.postId;
    if (input.status !== undefined) values.status = input.status;
    if (input.startedAt !== undefined) values.startedAt = toDate(input.startedAt);
    if (input.finishedAt !== undefined) values.finishedAt = toDate(input.finishedAt);
    if (input.durationMs !== undefined) values.durationMs = input.durationMs;
    if (input.pages !== undefined) values.pages = input.pages;
    if (input.error !== undefined) values.error = input.error;
    return values;
  }

  return {
    async createBuild(input: BuildInput & { reason: string }): Promise<BuildEvent> {
      return BuildEvent.create({
        reason: input.reason,
        postId: input.postId ?? null,
        status: input.status ?? 'queued',
        startedAt: toDate(input.startedAt),
        finishedAt: null,
        durationMs: null,
        pages: null,
        error: null,
      });
    },

    async updateBuild(id: number, input: BuildInput): Promise<BuildEvent> {
      const build = await BuildEvent.findByPk(id);
      if (!build) throw notFound('Build');
      await build.update(fields(input));
      return build;
    },

    /** Newest first. */
    async listBuilds(page: number, limit: number) {
      const { rows, count } = await BuildEvent.findAndCountAll({
        order: [
          ['createdAt', 'DESC'],
          ['id', 'DESC'],
        ],
        limit,
        offset: (page - 1) * limit,
      });
      return { rows, total: count };
    },

    /** Queues a full rebuild through the outbox, audited. */
    async requestRebuild(admin: User, reason: string | undefined) {
      const at = clock().toISOString();
      const event: PublishEvent = { event: 'rebuild', at, ...(reason ? { reason } : {}) };
      return db.transaction(async (transaction) => {
        const job = await enqueuePublishEvent(jobs, event, transaction);
        await AuditLog.create(
          {
            actorId: admin.id,
            action: 'rebuild',
            targetType: 'site',
            targetId: null,
            details: JSON.stringify({ jobId: job.id, reason: reason ?? null }),
          },
          { transaction },
        );
        return { jobId: job.id, event: 'rebuild' as const, at };
      });
    },
  };
}

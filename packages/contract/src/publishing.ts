import { z } from 'zod';
import { isoDate, textString } from './common.js';

export const POST_EVENTS = ['published', 'updated', 'unpublished', 'deleted'] as const;

/**
 * The body of the publish webhook (DESIGN §3): one post's change, or a full rebuild. The API
 * writes it into the outbox, the builder and GitHub's repository_dispatch receive it; unknown
 * events are refused.
 */
export const PublishEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.enum(POST_EVENTS),
    postId: z.number().int().positive(),
    slug: z.string().min(1).max(300),
    /** Set when a published post's slug changed: the old page must go. */
    previousSlug: z.string().min(1).max(300).optional(),
    at: z.string().max(100),
  }),
  z.object({
    /**
     * A post's comments changed (created, edited, hidden, shown, deleted, liked, pinned): the
     * builder re-renders that post's page, its comment pages and feeds, nothing else. Never sent
     * to GitHub: a comment never needs a full rebuild.
     */
    event: z.literal('comments'),
    postId: z.number().int().positive(),
    slug: z.string().min(1).max(300),
    at: z.string().max(100),
  }),
  z.object({
    event: z.literal('rebuild'),
    reason: z.string().max(200).optional(),
    at: z.string().max(100),
  }),
]);
export type PublishEvent = z.infer<typeof PublishEventSchema>;
export type PostEvent = Extract<PublishEvent, { event: (typeof POST_EVENTS)[number] }>;
export type CommentsEvent = Extract<PublishEvent, { event: 'comments' }>;

export const BuildStatusSchema = z.enum(['queued', 'running', 'done', 'failed']);

export const BuildSchema = z
  .object({
    id: z.number().int(),
    reason: z.string(),
    postId: z.number().int().nullable(),
    status: BuildStatusSchema,
    startedAt: isoDate().nullable(),
    finishedAt: isoDate().nullable(),
    durationMs: z.number().int().nullable(),
    pages: z.number().int().nullable(),
    error: z.string().nullable(),
    createdAt: isoDate(),
    updatedAt: isoDate(),
  })
  .meta({ id: 'Build' });

const reason = textString().trim().min(1).max(200);
const error = textString().max(10_000);
/** Durations (ms, at least 1) and page counts (null rather than 0). */
const count = z.number().int().min(1).max(2_147_483_647);
const date = z.iso.datetime({ offset: true });

export const CreateBuildSchema = z
  .strictObject({
    reason,
    postId: z.number().int().positive().max(2_147_483_647).nullable().default(null),
    status: BuildStatusSchema.default('queued'),
    startedAt: date.nullable().optional(),
  })
  .meta({ id: 'CreateBuild' });

export const UpdateBuildSchema = z
  .strictObject({
    reason: reason.optional(),
    status: BuildStatusSchema.optional(),
    startedAt: date.nullable().optional(),
    finishedAt: date.nullable().optional(),
    durationMs: count.nullable().optional(),
    pages: count.nullable().optional(),
    error: error.nullable().optional(),
  })
  .meta({ id: 'UpdateBuild' });

export const BuildListSchema = z
  .object({
    items: z.array(BuildSchema),
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    totalPages: z.number().int(),
  })
  .meta({ id: 'BuildList' });

export const BuildListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const RebuildRequestSchema = z.strictObject({ reason: reason.optional() }).meta({ id: 'RebuildRequest' });

export const RebuildQueuedSchema = z
  .object({ jobId: z.number().int(), event: z.literal('rebuild'), at: isoDate() })
  .meta({ id: 'RebuildQueued' });
export type BuildList = z.infer<typeof BuildListSchema>;
export type RebuildQueuedOut = z.infer<typeof RebuildQueuedSchema>;
export type Build = z.infer<typeof BuildSchema>;

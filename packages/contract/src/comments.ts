import { z } from 'zod';
import { COMMENT_PAGE_SIZE, COMMENT_SORTS, DEFAULT_COMMENT_SORT, MAX_COMMENT_LENGTH } from './comment-order.js';
import { isoDate, textString } from './common.js';
import { AuthorSchema } from './posts.js';

export * from './comment-order.js';

export const CommentSortSchema = z.enum(COMMENT_SORTS);

/**
 * visible: shown and counted; hidden: by a moderator (shown bodiless when it has replies);
 * pending: waiting for approval (its author alone sees it); rejected: refused by a moderator.
 */
export const COMMENT_STATUSES = ['visible', 'hidden', 'pending', 'rejected'] as const;
export type CommentStatusOut = (typeof COMMENT_STATUSES)[number];

export const CommentAuthorSchema = AuthorSchema.extend({
  avatarUrl: z
    .string()
    .nullable()
    .meta({ description: 'A Gravatar URL when the site turned them on (AVATARS=gravatar); null: draw the initials' }),
}).meta({ id: 'CommentAuthor' });

export const CommentSchema = z
  .object({
    id: z.number().int(),
    postId: z.number().int(),
    parentId: z.number().int().nullable(),
    author: CommentAuthorSchema,
    status: z.enum(COMMENT_STATUSES).meta({
      description:
        'Hidden comments have an empty body; a pending one (waiting for approval) is shown only to its author',
    }),
    bodyHtml: z.string().meta({ description: 'Sanitised HTML' }),
    likesCount: z.number().int().meta({ description: 'Readers who like it' }),
    pinnedAt: isoDate().nullable().meta({ description: 'Set on pinned threads (shown first)' }),
    bodyMarkdown: z.string().optional().meta({ description: "Only on the viewer's own comments, for editing" }),
    editableUntil: isoDate()
      .optional()
      .meta({ description: "Only on the viewer's own visible comments: until when the API accepts an edit" }),
    createdAt: isoDate(),
    editedAt: isoDate().nullable(),
  })
  .meta({ id: 'Comment' });

export const CommentThreadSchema = CommentSchema.extend({ replies: z.array(CommentSchema) }).meta({
  id: 'CommentThread',
});

export const CommentPageSchema = z
  .object({
    items: z.array(CommentThreadSchema),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page' }),
    total: z.number().int().meta({ description: "The post's visible comments, replies included" }),
  })
  .meta({ id: 'CommentPage' });

export const CommentPageQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,10}(\.\d{1,10})?$/, 'must be a cursor from a previous page')
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page (of the same sort)' }),
  limit: z.coerce.number().int().min(1).max(100).default(COMMENT_PAGE_SIZE),
  sort: CommentSortSchema.default(DEFAULT_COMMENT_SORT),
});

/**
 * One page of a post's threads as the builder writes it next to the post's HTML
 * (`commentPagePath`), for readers and the island: the same threads as the API's page, numbered
 * instead of cursored.
 */
export const StaticCommentPageSchema = z
  .object({
    postId: z.number().int(),
    sort: CommentSortSchema,
    page: z.number().int().min(1),
    pages: z.number().int().min(1),
    total: z.number().int().meta({ description: "The post's visible comments, replies included" }),
    items: z.array(CommentThreadSchema),
    next: z.string().nullable().meta({ description: 'The path of the next page; null on the last' }),
  })
  .meta({ id: 'StaticCommentPage' });

/**
 * What the island asks the API for on a static page, once per signed-in view: what depends on
 * the viewer and nothing else.
 */
export const CommentViewerSchema = z
  .object({
    liked: z.array(z.number().int()).meta({ description: "This post's comments the viewer likes" }),
    own: z
      .array(
        z.object({
          id: z.number().int(),
          bodyMarkdown: z.string(),
          editableUntil: isoDate(),
        }),
      )
      .meta({ description: "The viewer's visible comments on this post still inside the edit window" }),
    pending: z
      .array(CommentSchema)
      .meta({ description: "The viewer's own comments on this post that wait for approval (no one else sees them)" }),
    canPin: z.boolean().meta({ description: 'An admin or the post’s author' }),
    canModerate: z.boolean().meta({ description: 'An admin: may delete anyone’s comment' }),
    total: z
      .number()
      .int()
      .meta({ description: "The post's visible comments now: a static page that counts otherwise is out of date" }),
  })
  .meta({ id: 'CommentViewer' });

export const CommentLikeStateSchema = z
  .object({ id: z.number().int(), liked: z.boolean(), likesCount: z.number().int() })
  .meta({ id: 'CommentLikeState' });

export const CommentPreviewRequestSchema = z
  .strictObject({ body: textString().max(MAX_COMMENT_LENGTH) })
  .meta({ id: 'CommentPreviewRequest' });
export const CommentPreviewSchema = z
  .object({ bodyHtml: z.string().meta({ description: 'The sanitised HTML the comment would get' }) })
  .meta({ id: 'CommentPreview' });

/**
 * Every visible comment of published posts, for the builder (GET /api/site/comments, by id
 * cursor; GET /api/site/posts/{id}/comments, one post's): flat, oldest first; a hidden top-level
 * comment comes (with an empty body) only when it has visible replies, so the thread still reads.
 */
export const SiteCommentListSchema = z
  .object({
    items: z.array(CommentSchema),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last' }),
  })
  .meta({ id: 'SiteCommentList' });
export const SiteCommentListQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,10}$/, 'must be a cursor from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(1000),
});

export const MAX_COUNT_IDS = 100;

export const CommentCountsQuerySchema = z.object({
  posts: z
    .string()
    .max(1200)
    .regex(/^\d{1,10}(,\d{1,10})*$/, 'must be comma-separated post ids')
    .transform((value) => [...new Set(value.split(',').map(Number))])
    .refine((ids) => ids.length <= MAX_COUNT_IDS, `at most ${MAX_COUNT_IDS} ids`)
    .meta({ type: 'string', example: '1,2,3', description: `Up to ${MAX_COUNT_IDS} post ids` }),
});

export const CommentCountsSchema = z
  .object({
    counts: z.record(z.string(), z.number().int()).meta({ description: 'Post id → visible comments' }),
  })
  .meta({ id: 'CommentCounts' });

const body = textString().trim().min(1, 'is required').max(MAX_COMMENT_LENGTH);

export const CreateCommentSchema = z
  .strictObject({
    body,
    parentId: z.number().int().positive().max(2_147_483_647).nullable().optional(),
    website: z.string().max(500).optional().meta({
      description: 'A honeypot: a field people never see (the island hides it). Anything in it refuses the comment',
    }),
    elapsedMs: z
      .number()
      .int()
      .min(0)
      .max(2_147_483_647)
      .optional()
      .meta({ description: 'Milliseconds from opening the form to sending it (the island sends it)' }),
  })
  .meta({ id: 'CreateComment' });

export const UpdateCommentSchema = z.strictObject({ body }).meta({ id: 'UpdateComment' });

export type CommentOut = z.infer<typeof CommentSchema>;
export type CommentThreadOut = z.infer<typeof CommentThreadSchema>;
export type CreateCommentInput = z.infer<typeof CreateCommentSchema>;
export type CommentPageOut = z.infer<typeof CommentPageSchema>;
export type CommentCountsOut = z.infer<typeof CommentCountsSchema>;
export type CommentPageQuery = z.infer<typeof CommentPageQuerySchema>;
export type StaticCommentPage = z.infer<typeof StaticCommentPageSchema>;
export type CommentViewerOut = z.infer<typeof CommentViewerSchema>;
export type CommentLikeState = z.infer<typeof CommentLikeStateSchema>;
export type CommentPreviewOut = z.infer<typeof CommentPreviewSchema>;
export type SiteCommentList = z.infer<typeof SiteCommentListSchema>;

import { z } from 'zod';
import { isoDate, textString } from './common.js';
import { AuthorSchema } from './posts.js';

export const CommentSchema = z
  .object({
    id: z.number().int(),
    postId: z.number().int(),
    parentId: z.number().int().nullable(),
    author: AuthorSchema,
    status: z.enum(['visible', 'hidden']).meta({ description: 'Hidden comments have an empty body' }),
    bodyHtml: z.string().meta({ description: 'Sanitised HTML' }),
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
    .regex(/^\d{1,10}$/, 'must be a cursor from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
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

const body = textString().trim().min(1, 'is required').max(10_000);

export const CreateCommentSchema = z
  .strictObject({
    body,
    parentId: z.number().int().positive().max(2_147_483_647).nullable().optional(),
  })
  .meta({ id: 'CreateComment' });

export const UpdateCommentSchema = z.strictObject({ body }).meta({ id: 'UpdateComment' });

export type CommentOut = z.infer<typeof CommentSchema>;
export type CommentThreadOut = z.infer<typeof CommentThreadSchema>;
export type CreateCommentInput = z.infer<typeof CreateCommentSchema>;
export type CommentPageOut = z.infer<typeof CommentPageSchema>;
export type CommentCountsOut = z.infer<typeof CommentCountsSchema>;

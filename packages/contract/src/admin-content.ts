import { z } from 'zod';
import { idQuery, orderQuery, pageOf, pageQuery, searchQuery } from './admin.js';
import { COMMENT_STATUSES } from './comments.js';
import { isoDate } from './common.js';
import { AuthorSchema, PostStatusSchema } from './posts.js';

// Posts

export const POST_SORTS = ['created', 'updated', 'published', 'title', 'commentsCount'] as const;

export const AdminPostQuerySchema = z.object({
  status: PostStatusSchema.optional(),
  author: idQuery().optional().meta({ description: 'Author id (authors only ever see their own posts)' }),
  category: z
    .union([idQuery(), z.literal('none')])
    .optional()
    .meta({ description: 'Category id, or `none` for uncategorised posts', example: '1' }),
  q: searchQuery('Part of the title'),
  sort: z.enum(POST_SORTS).default('updated'),
  order: orderQuery(),
  ...pageQuery,
});

// Comments

export const AdminCommentSchema = z
  .object({
    id: z.number().int(),
    post: z.object({
      id: z.number().int(),
      title: z.string(),
      slug: z.string(),
      status: PostStatusSchema,
    }),
    parentId: z.number().int().nullable(),
    author: AuthorSchema,
    status: z.enum(COMMENT_STATUSES),
    moderationReason: z
      .string()
      .nullable()
      .meta({ description: 'Why it waits for approval (or was rejected), e.g. first_comment, forbidden_word: …' }),
    bodyMarkdown: z.string().meta({ description: 'The source, hidden comments included' }),
    bodyHtml: z.string().meta({ description: 'Sanitised HTML' }),
    createdAt: isoDate(),
    editedAt: isoDate().nullable(),
  })
  .meta({ id: 'AdminComment' });

export const AdminCommentListSchema = pageOf(AdminCommentSchema, 'AdminCommentList');

export const AdminCommentQuerySchema = z.object({
  post: idQuery().optional().meta({ description: 'Post id' }),
  author: idQuery().optional().meta({ description: 'Author id' }),
  status: z
    .enum(COMMENT_STATUSES)
    .optional()
    .meta({ description: 'pending: the approval queue (admins, and authors for their own posts)' }),
  q: searchQuery('Part of the comment text'),
  order: orderQuery().meta({ description: 'By creation; newest first by default' }),
  ...pageQuery,
});

export type AdminPostQuery = z.infer<typeof AdminPostQuerySchema>;
export type AdminComment = z.infer<typeof AdminCommentSchema>;
export type AdminCommentList = z.infer<typeof AdminCommentListSchema>;
export type AdminCommentQuery = z.infer<typeof AdminCommentQuerySchema>;

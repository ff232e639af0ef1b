import { z } from '@hono/zod-openapi';
import { isoDate } from '../../lib/openapi.js';
import { AuthorSchema } from '../posts/schema.js';
import { idQuery, orderQuery, pageOf, pageQuery, searchQuery } from './schema.js';

// Posts

export const POST_SORTS = ['created', 'updated', 'published', 'title', 'commentsCount'] as const;

export const AdminPostQuerySchema = z.object({
  status: z.enum(['draft', 'published']).optional(),
  author: idQuery().optional().openapi({ description: 'Author id (authors only ever see their own posts)' }),
  category: z
    .union([idQuery(), z.literal('none')])
    .optional()
    .openapi({ description: 'Category id, or `none` for uncategorised posts', example: '1' }),
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
      status: z.enum(['draft', 'published']),
    }),
    parentId: z.number().int().nullable(),
    author: AuthorSchema,
    status: z.enum(['visible', 'hidden']),
    bodyMarkdown: z.string().openapi({ description: 'The source, hidden comments included' }),
    bodyHtml: z.string().openapi({ description: 'Sanitised HTML' }),
    createdAt: isoDate(),
    editedAt: isoDate().nullable(),
  })
  .openapi('AdminComment');

export const AdminCommentListSchema = pageOf(AdminCommentSchema, 'AdminCommentList');

export const AdminCommentQuerySchema = z.object({
  post: idQuery().optional().openapi({ description: 'Post id' }),
  author: idQuery().optional().openapi({ description: 'Author id' }),
  status: z.enum(['visible', 'hidden']).optional(),
  q: searchQuery('Part of the comment text'),
  order: orderQuery().openapi({ description: 'By creation; newest first by default' }),
  ...pageQuery,
});

export type AdminPostQuery = z.infer<typeof AdminPostQuerySchema>;
export type AdminComment = z.infer<typeof AdminCommentSchema>;
export type AdminCommentList = z.infer<typeof AdminCommentListSchema>;
export type AdminCommentQuery = z.infer<typeof AdminCommentQuerySchema>;

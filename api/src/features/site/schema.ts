import { z } from '@hono/zod-openapi';
import { isoDate } from '../../lib/openapi.js';
import { PostSummarySchema } from '../posts/schema.js';

/** A published post as the static site renders it: the summary, the body, and a publication date that is never null. */
export const SitePostSchema = PostSummarySchema.omit({ status: true })
  .extend({
    publishedAt: isoDate(),
    bodyHtml: z.string().openapi({ description: 'Sanitised HTML rendered from the Markdown source' }),
  })
  .openapi('SitePost');

export const SitePostPageSchema = z
  .object({
    items: z.array(SitePostSchema),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last' }),
  })
  .openapi('SitePostPage');

export const MAX_SITE_PAGE = 500;

export const SitePostPageQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,10}$/, 'must be a cursor from a previous page')
    .optional()
    .openapi({ description: 'The `nextCursor` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(MAX_SITE_PAGE).default(100),
});

export type SitePost = z.infer<typeof SitePostSchema>;
export type SitePostPage = z.infer<typeof SitePostPageSchema>;

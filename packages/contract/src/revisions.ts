import { z } from 'zod';
import { isoDate } from './common.js';
import { AuthorSchema } from './posts.js';

/** How many saved versions of a post's title, subtitle and body are kept (older ones are deleted). */
export const REVISIONS_KEPT = 20;

/** One saved version in a post's history (GET /api/posts/{idOrSlug}/revisions). */
export const RevisionSummarySchema = z
  .object({
    version: z.number().int().meta({ description: 'The post version this revision saved' }),
    title: z.string(),
    createdAt: isoDate(),
    by: AuthorSchema.nullable().meta({ description: 'Who saved it; null once their account is gone' }),
  })
  .meta({ id: 'RevisionSummary' });

export const RevisionListSchema = z
  .object({ items: z.array(RevisionSummarySchema).meta({ description: `Newest first, at most ${REVISIONS_KEPT}` }) })
  .meta({ id: 'RevisionList' });

/** A whole revision (GET /api/posts/{idOrSlug}/revisions/{version}). */
export const RevisionSchema = RevisionSummarySchema.extend({
  subtitle: z.string(),
  bodyMarkdown: z.string(),
}).meta({ id: 'Revision' });

export type RevisionSummary = z.infer<typeof RevisionSummarySchema>;
export type RevisionList = z.infer<typeof RevisionListSchema>;
export type RevisionOut = z.infer<typeof RevisionSchema>;

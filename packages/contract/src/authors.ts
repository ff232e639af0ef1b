import { z } from 'zod';
import { SlugSchema, textString } from './common.js';

/** An author's public profile: their page at /authors/<slug>/ (issue 14). */
export const AuthorProfileSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    slug: z.string(),
    bio: z.string().meta({ description: 'Plain text, at most 500 characters' }),
    postsCount: z.number().int().meta({ description: 'Published posts' }),
  })
  .meta({ id: 'AuthorProfile' });

export const AuthorListSchema = z
  .object({ items: z.array(AuthorProfileSchema).meta({ description: 'Authors with published posts, by name' }) })
  .meta({ id: 'AuthorList' });

/** PATCH /api/authors/me: an author or admin edits their own page. */
export const UpdateAuthorProfileSchema = z
  .strictObject({
    bio: textString().trim().max(500).optional(),
    slug: SlugSchema.optional().meta({ description: 'Their page moves to /authors/<slug>/' }),
  })
  .meta({ id: 'UpdateAuthorProfile' });

export type AuthorProfile = z.infer<typeof AuthorProfileSchema>;
export type AuthorList = z.infer<typeof AuthorListSchema>;
export type UpdateAuthorProfileInput = z.infer<typeof UpdateAuthorProfileSchema>;

import { z } from 'zod';
import { searchQuery } from './admin.js';
import { isoDate, textString } from './common.js';

/** What an upload may be at most (MEDIA_MAX_BYTES and MEDIA_MAX_PIXELS set the server's limits). */
export const MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif'] as const;
export const MediaTypeSchema = z.enum(MEDIA_TYPES);
export const MEDIA_FORMATS = ['avif', 'webp', 'jpeg', 'png', 'gif'] as const;

/** One file made from an upload: one width in one format, served at `url` forever (immutable). */
export const MediaVariantSchema = z
  .object({
    url: z.string().meta({ example: '/media/3f9c2a7b1d4e6f80/960.webp' }),
    format: z.enum(MEDIA_FORMATS),
    width: z.number().int(),
    height: z.number().int(),
    bytes: z.number().int(),
  })
  .meta({ id: 'MediaVariant' });

export const MediaSchema = z
  .object({
    id: z.number().int(),
    key: z.string().meta({ description: 'The folder of its files under /media/' }),
    url: z.string().meta({ description: 'The fallback format at the largest width: what Markdown links to' }),
    mimeType: MediaTypeSchema.meta({ description: 'The type of the upload, checked by its content' }),
    originalName: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    bytes: z.number().int().meta({ description: 'Size of the upload' }),
    alt: z.string().meta({ description: 'Alt text: required before it can be a cover' }),
    variants: z.array(MediaVariantSchema),
    markdown: z.string().meta({ description: 'A Markdown image that shows it in a post body' }),
    owner: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    usedBy: z
      .number()
      .int()
      .meta({ description: 'Posts showing it (as cover or in the body): it cannot go while > 0' }),
    createdAt: isoDate(),
  })
  .meta({ id: 'Media' });

export const MediaListSchema = z
  .object({
    items: z.array(MediaSchema),
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    totalPages: z.number().int(),
  })
  .meta({ id: 'MediaList' });

export const MediaListQuerySchema = z.object({
  q: searchQuery('Part of the file name or the alt text'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(24),
});

export const UpdateMediaSchema = z.strictObject({ alt: textString().trim().max(300) }).meta({ id: 'UpdateMedia' });

/** A post's cover as the site shows it: the image set and its alt text. */
export const CoverSchema = z
  .object({
    mediaId: z.number().int(),
    url: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    alt: z.string(),
    variants: z.array(MediaVariantSchema),
  })
  .meta({ id: 'Cover' });

export type MediaOut = z.infer<typeof MediaSchema>;
export type MediaList = z.infer<typeof MediaListSchema>;
export type MediaVariant = z.infer<typeof MediaVariantSchema>;
export type UpdateMediaInput = z.infer<typeof UpdateMediaSchema>;
export type Cover = z.infer<typeof CoverSchema>;

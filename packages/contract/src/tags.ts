import { z } from 'zod';
import { isoDate, SlugSchema, textString } from './common.js';

/** Tags per post, and the longest tag name. */
export const MAX_TAGS_PER_POST = 20;
export const MAX_TAG_NAME = 60;

/** The key two tag names share when they are the same tag ("Rust" and "rust"). */
export const tagKey = (name: string): string => name.normalize('NFC').toLowerCase();

/** One tag name as a writer types it: trimmed, inner runs of spaces made one. */
export const TagNameSchema = textString()
  .trim()
  .overwrite((value) => value.replace(/\s+/g, ' '))
  .min(1, 'is required')
  .max(MAX_TAG_NAME);

/**
 * A post's tags by name (created on first use): trimmed, the same name twice in any case kept
 * once (the first spelling wins), at most MAX_TAGS_PER_POST after that.
 */
export const TagNamesSchema = z
  .array(TagNameSchema)
  .max(MAX_TAGS_PER_POST * 4)
  .overwrite((names) => {
    const seen = new Set<string>();
    return names.filter((name) => {
      const key = tagKey(name);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  })
  .refine((names) => names.length <= MAX_TAGS_PER_POST, `at most ${MAX_TAGS_PER_POST} tags`)
  .meta({
    description: `Tag names (created on first use), trimmed, deduplicated case-insensitively, at most ${MAX_TAGS_PER_POST}, each at most ${MAX_TAG_NAME} characters`,
    example: ['astro', 'static sites'],
  });

/** A tag as a post carries it. */
export const TagRefSchema = z
  .object({ id: z.number().int(), name: z.string(), slug: z.string() })
  .meta({ id: 'TagRef' });

export const TagSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    slug: z.string(),
    postsCount: z.number().int().meta({ description: 'Published posts carrying it' }),
    createdAt: isoDate(),
    updatedAt: isoDate(),
  })
  .meta({ id: 'Tag' });

export const TagListSchema = z.object({ items: z.array(TagSchema) }).meta({ id: 'TagList' });

/** PATCH /api/admin/tags/{id}: rename (and optionally re-slug) a tag. */
export const UpdateTagSchema = z
  .strictObject({
    name: TagNameSchema,
    slug: SlugSchema.optional().meta({ description: 'Kept when omitted' }),
  })
  .meta({ id: 'UpdateTag' });

/** POST /api/admin/tags/{id}/merge: every post of this tag moves to `into`, then this tag is deleted. */
export const MergeTagSchema = z
  .strictObject({ into: z.number().int().positive().max(2_147_483_647) })
  .meta({ id: 'MergeTag' });

export type TagRef = z.infer<typeof TagRefSchema>;
export type TagOut = z.infer<typeof TagSchema>;
export type TagList = z.infer<typeof TagListSchema>;
export type UpdateTagInput = z.infer<typeof UpdateTagSchema>;
export type MergeTagInput = z.infer<typeof MergeTagSchema>;

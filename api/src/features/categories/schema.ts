import { z } from '@hono/zod-openapi';
import { isoDate, NO_NUL, SlugSchema } from '../../lib/openapi.js';

export const CategorySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    slug: z.string(),
    description: z.string(),
    postsCount: z.number().int().openapi({ description: 'Published posts' }),
    createdAt: isoDate(),
    updatedAt: isoDate(),
  })
  .openapi('Category');

export const CategoryListSchema = z.object({ items: z.array(CategorySchema) }).openapi('CategoryList');

const noNul = 'must not contain NUL characters';
const name = z.string().trim().min(1, 'is required').max(80).regex(NO_NUL, noNul);
const description = z.string().trim().max(2000).regex(NO_NUL, noNul);

export const CreateCategorySchema = z
  .strictObject({
    name,
    slug: SlugSchema.optional().openapi({ description: 'Generated from the name when omitted' }),
    description: description.default(''),
  })
  .openapi('CreateCategory');

export const UpdateCategorySchema = z
  .strictObject({ name: name.optional(), slug: SlugSchema.optional(), description: description.optional() })
  .openapi('UpdateCategory');

export type CategoryOut = z.infer<typeof CategorySchema>;
export type CreateCategoryInput = z.infer<typeof CreateCategorySchema>;
export type UpdateCategoryInput = z.infer<typeof UpdateCategorySchema>;

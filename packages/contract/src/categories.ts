import { z } from 'zod';
import { isoDate, SlugSchema, textString } from './common.js';

export const CategorySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    slug: z.string(),
    description: z.string(),
    postsCount: z.number().int().meta({ description: 'Published posts' }),
    createdAt: isoDate(),
    updatedAt: isoDate(),
  })
  .meta({ id: 'Category' });

export const CategoryListSchema = z.object({ items: z.array(CategorySchema) }).meta({ id: 'CategoryList' });

const name = textString().trim().min(1, 'is required').max(80);
const description = textString().trim().max(2000);

export const CreateCategorySchema = z
  .strictObject({
    name,
    slug: SlugSchema.optional().meta({ description: 'Generated from the name when omitted' }),
    description: description.default(''),
  })
  .meta({ id: 'CreateCategory' });

export const UpdateCategorySchema = z
  .strictObject({ name: name.optional(), slug: SlugSchema.optional(), description: description.optional() })
  .meta({ id: 'UpdateCategory' });

export type CategoryOut = z.infer<typeof CategorySchema>;
export type CreateCategoryInput = z.infer<typeof CreateCategorySchema>;
export type UpdateCategoryInput = z.infer<typeof UpdateCategorySchema>;
export type CategoryList = z.infer<typeof CategoryListSchema>;

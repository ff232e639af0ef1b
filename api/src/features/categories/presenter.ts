import type { Category } from '../../db/models/index.js';
import type { CategoryOut } from './schema.js';

export function presentCategory(category: Category): CategoryOut {
  return {
    id: category.id,
    name: category.name,
    slug: category.slug,
    description: category.description,
    postsCount: category.postsCount,
    createdAt: category.createdAt.toISOString(),
    updatedAt: category.updatedAt.toISOString(),
  };
}

import type { Tag } from '../../db/models/index.js';
import type { TagOut } from './schema.js';

export function presentTag(tag: Tag): TagOut {
  return {
    id: tag.id,
    name: tag.name,
    slug: tag.slug,
    postsCount: tag.postsCount,
    createdAt: tag.createdAt.toISOString(),
    updatedAt: tag.updatedAt.toISOString(),
  };
}

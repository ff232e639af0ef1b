import type { User } from '../../db/models/index.js';
import type { AuthorProfile } from './schema.js';

export const presentAuthorProfile = (
  user: Pick<User, 'id' | 'name' | 'slug' | 'bio' | 'postsCount'>,
): AuthorProfile => ({
  id: user.id,
  name: user.name,
  slug: user.slug ?? '',
  bio: user.bio,
  postsCount: user.postsCount,
});

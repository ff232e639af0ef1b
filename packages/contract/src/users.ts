import { z } from 'zod';
import { isoDate } from './common.js';

export const PublicUserSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(['user', 'author', 'admin']),
    postsCount: z.number().int().meta({ description: 'Published posts' }),
    commentsCount: z.number().int().meta({ description: 'Visible comments' }),
    createdAt: isoDate(),
  })
  .meta({ id: 'PublicUser' });

export type PublicUser = z.infer<typeof PublicUserSchema>;

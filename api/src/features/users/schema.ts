import { z } from '@hono/zod-openapi';
import { isoDate } from '../../lib/openapi.js';

export const PublicUserSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(['user', 'author', 'admin']),
    postsCount: z.number().int().openapi({ description: 'Published posts' }),
    commentsCount: z.number().int().openapi({ description: 'Visible comments' }),
    createdAt: isoDate(),
  })
  .openapi('PublicUser');

export type PublicUser = z.infer<typeof PublicUserSchema>;

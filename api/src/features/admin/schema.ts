import { z } from '@hono/zod-openapi';

export const CountDriftSchema = z
  .object({
    table: z.enum(['users', 'categories', 'posts']),
    field: z.enum(['posts_count', 'comments_count']),
    id: z.number().int(),
    stored: z.number().int().openapi({ description: 'The value before the repair' }),
    actual: z.number().int().openapi({ description: 'The true count, now stored' }),
  })
  .openapi('CountDrift');

export const RecountResultSchema = z.object({ fixed: z.array(CountDriftSchema) }).openapi('RecountResult');

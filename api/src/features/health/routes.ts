import { createRoute, z } from '@hono/zod-openapi';
import type { Database } from '../../db/index.js';
import { createRouter, jsonResponse } from '../../lib/openapi.js';

const HealthSchema = z
  .object({ status: z.enum(['ok', 'degraded']), database: z.enum(['ok', 'unreachable']), time: z.string() })
  .openapi('Health');

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Health'],
  summary: 'Liveness and database reachability',
  responses: {
    200: jsonResponse(HealthSchema, 'Healthy'),
    503: jsonResponse(HealthSchema, 'The database cannot be reached'),
  },
});

export function healthRoutes(db: Database) {
  return createRouter().openapi(health, async (c) => {
    const time = new Date().toISOString();
    try {
      await db.sequelize.query('SELECT 1');
      return c.json({ status: 'ok' as const, database: 'ok' as const, time }, 200);
    } catch {
      return c.json({ status: 'degraded' as const, database: 'unreachable' as const, time }, 503);
    }
  });
}

// The baselines of the API benches: a bare Hono app on @hono/node-server (a hello-world, and a
// POST that parses a JSON body and answers 201, as a comment write does without any database).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono()
  .get('/', (c) => c.text('Hello, world!'))
  .post('/comments', async (c) => {
    const body = (await c.req.json()) as { body?: unknown };
    return c.json({ id: 1, body: String(body.body ?? '') }, 201);
  });
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});

import { Hono } from 'hono';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFactories } from '../../test/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { createErrorHandler } from '../lib/http.js';
import { createLogger } from '../lib/logger.js';

// Real failures from the database, rendered by the app's one error handler.
describe('database errors as answers', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test?.destroy();
  });

  async function answerTo(
    work: () => Promise<unknown>,
  ): Promise<{ status: number; body: unknown; retryAfter: string | null }> {
    const app = new Hono();
    app.get('/', async (c) => {
      await work();
      return c.text('unreachable');
    });
    app.onError(createErrorHandler(createLogger('silent')));
    const response = await app.request('/');
    return { status: response.status, body: await response.json(), retryAfter: response.headers.get('retry-after') };
  }

  it('a foreign key to a row that is gone: 409 reference_gone', async () => {
    const make = createFactories(test.db, () => new Date());
    const author = await make.user();
    const answer = await answerTo(() =>
      test.db.transaction((transaction) =>
        test.db.models.Comment.create(
          { postId: 987_654, authorId: author.id, parentId: null, bodyMarkdown: 'Orphan.' },
          { transaction, hooks: false },
        ),
      ),
    );
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'reference_gone' } } });
  });

  it('a unique key two writers raced for: 409 conflict', async () => {
    const make = createFactories(test.db, () => new Date());
    const user = await make.user();
    const answer = await answerTo(() => make.user({ email: user.email }));
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "pg's own error for a session the server ended, unwrapped: 503 with Retry-After (PostgreSQL)",
    async () => {
      const url = process.env.TEST_DATABASE_URL;
      const client = new pg.Client(url);
      // Every error it emits is listened to (after the FATAL, pg also reports the socket's end).
      const failed = new Promise<Error>((resolve) => client.on('error', resolve));
      await client.connect();
      const pid = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
      const admin = new pg.Client(url);
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await admin.end();
      const error = await failed;
      expect((error as { code?: string }).code).toBe('57P01');
      const answer = await answerTo(() => Promise.reject(error));
      expect(answer).toMatchObject({ status: 503, body: { error: { code: 'database_unavailable' } }, retryAfter: '5' });
    },
  );
});

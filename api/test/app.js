import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { SESSION_COOKIE } from '../src/auth/sessions.js';
import { loadConfig } from '../src/config.js';
import { createBackgroundJobs } from '../src/jobs/index.js';
import { createLogger } from '../src/lib/logger.js';
import { createTestDatabase } from './db.js';
export const TEST_ORIGIN = 'http://blog.test';
/**
 * What production requires beyond NODE_ENV: random, distinct secrets and a mail transport
 * (the outbox folder, opted into explicitly).
 */
export function productionEnv() {
  return {
    NODE_ENV: 'production',
    PUBLIC_URL: TEST_ORIGIN,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
    MAIL_TRANSPORT: 'log',
  };
}
let counter = 0;
/** A string unique within this test process. */
export const unique = (prefix) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;
/** Small factories that write real rows through the models (hooks and all). */
export function createFactories(db, clock) {
  const { User, Category, Post, Comment, Session } = db.models;
  const sessionTokens = new Map();
  return {
    async user(overrides = {}) {
      return db.transaction((transaction) =>
        User.create(
          {
            email: overrides.email ?? `${unique('user')}@example.com`,
            name: overrides.name ?? 'Test User',
            passwordHash: null,
            role: overrides.role ?? 'user',
            emailVerifiedAt: overrides.verified === false ? null : clock(),
            bannedAt: overrides.banned ? clock() : null,
          },
          { transaction },
        ),
      );
    },
    async category(overrides = {}) {
      const slug = overrides.slug ?? unique('cat-');
      return db.transaction((transaction) =>
        Category.create({ name: overrides.name ?? `Category ${slug}`, slug }, { transaction }),
      );
    },
    async post(author, overrides = {}) {
      const status = overrides.status ?? 'published';
      return db.transaction((transaction) =>
        Post.create(
          {
            authorId: author.id,
            categoryId: overrides.category?.id ?? null,
            title: overrides.title ?? 'A test post',
            slug: overrides.slug ?? unique('post-'),
            bodyMarkdown: overrides.body ?? 'Hello **world**.',
            status,
            publishedAt: status === 'published' ? clock() : null,
          },
          { transaction },
        ),
      );
    },
    async comment(post, author, overrides = {}) {
      return db.transaction((transaction) =>
        Comment.create(
          {
            postId: post.id,
            authorId: author.id,
            parentId: overrides.parent?.id ?? null,
            bodyMarkdown: overrides.body ?? 'A comment.',
            status: overrides.status ?? 'visible',
          },
          { transaction },
        ),
      );
    },
    /** A real session row for `user`; returns the cookie header value. */
    async sessionCookie(user) {
      let token = sessionTokens.get(user.id);
      if (!token) {
        const { randomBytes, createHash } = await import('node:crypto');
        token = randomBytes(32).toString('base64url');
        await Session.create({
          id: createHash('sha256').update(token).digest('hex'),
          userId: user.id,
          expiresAt: new Date(clock().getTime() + 86_400_000),
        });
        sessionTokens.set(user.id, token);
      }
      return `${SESSION_COOKIE}=${token}`;
    },
  };
}
/**
 * A whole app over a fresh database of its own (SQLite file, or PostgreSQL
 * when TEST_DATABASE_URL is set). Call `destroy()` in afterAll.
 */
export async function createTestContext(env = {}, deps = {}, options = {}) {
  const database = await createTestDatabase(options);
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: TEST_ORIGIN,
    MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'blog-outbox-')),
    ...env,
  });
  let now = null;
  const clock = () => now ?? new Date();
  const postChanges = [];
  const logger = deps.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  // Quick retries so tests of a failing mail server wait seconds, not minutes.
  const jobs = createBackgroundJobs(
    { config, db: database.db, logger, clock },
    { pollMs: 100, backoffMs: (attempt) => Math.min(200 * attempt, 1000) },
  );
  const app = createApp({
    config,
    db: database.db,
    logger,
    clock,
    jobs,
    onPostChange: (change) => postChanges.push(change),
    oidc: deps.oidc,
  });
  const factories = createFactories(database.db, clock);
  async function request(method, path, options = {}) {
    const headers = { ...options.headers };
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    if (options.as !== undefined) {
      headers.cookie = typeof options.as === 'string' ? options.as : await factories.sessionCookie(options.as);
    }
    return app.request(path, { method, headers, body });
  }
  return {
    ...database,
    async destroy() {
      await jobs.stop();
      await database.destroy();
    },
    jobs,
    app,
    config,
    postChanges,
    factories,
    request,
    setNow(date) {
      now = date;
    },
  };
}
//# sourceMappingURL=app.js.map

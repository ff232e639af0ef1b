import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommentsEvent, PublishEventSchema, tagKey } from '@blog/contract';
import { type AppDeps, createApp, createServices } from '../src/app.js';
import { SESSION_COOKIE } from '../src/auth/sessions.js';
import { type Config, loadConfig } from '../src/config.js';
import type { Database } from '../src/db/index.js';
import type { Category, Comment, Post, User } from '../src/db/models/index.js';
import type { PostChange } from '../src/features/posts/service.js';
import { COMMENTS_JOB, WEBHOOK_JOB } from '../src/features/publishing/service.js';
import { createBackgroundJobs } from '../src/jobs/index.js';
import type { JobQueue } from '../src/jobs/queue.js';
import type { Clock } from '../src/lib/clock.js';
import { createLogger, type Logger } from '../src/lib/logger.js';
import { slugify } from '../src/lib/slug.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export const TEST_ORIGIN = 'http://blog.test';

export interface TestContext extends TestDatabase {
  app: ReturnType<typeof createApp>;
  config: Config;
  /** The publish events the outbox holds for the builder (committed webhook jobs), in order. */
  publishEvents(): Promise<PostChange[]>;
  /** The `comments` events the outbox holds for the builder (committed comments jobs), in order. */
  commentEvents(): Promise<CommentsEvent[]>;
  factories: ReturnType<typeof createFactories>;
  /** A request to the app, JSON-encoding `json` and sending `as`'s session cookie. */
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** The app's outbox queue; its worker runs only after `jobs.start()` (stopped by destroy). */
  jobs: JobQueue;
  /** Moves the app's clock; null: back to the real time. */
  setNow(date: Date | null): void;
}

export interface RequestOptions {
  json?: unknown;
  body?: string;
  as?: User | string;
  headers?: Record<string, string>;
}

/**
 * What production requires beyond NODE_ENV: random, distinct secrets and a mail transport
 * (the outbox folder, opted into explicitly).
 */
export function productionEnv(): Record<string, string> {
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
export const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

/** Small factories that write real rows through the models (hooks and all). */
export function createFactories(db: Database, clock: Clock) {
  const { User, Category, Post, Comment, Session } = db.models;
  const sessionTokens = new Map<number, string>();

  return {
    async user(
      overrides: Partial<{
        role: User['role'];
        verified: boolean;
        banned: boolean;
        name: string;
        email: string;
        /** When the account was made (the spam rules treat accounts younger than a day apart). */
        createdAt: Date;
      }> = {},
    ) {
      return db.transaction((transaction) =>
        User.create(
          {
            ...(overrides.createdAt ? { createdAt: overrides.createdAt } : {}),
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
    async category(overrides: Partial<{ name: string; slug: string }> = {}): Promise<Category> {
      const slug = overrides.slug ?? unique('cat-');
      return db.transaction((transaction) =>
        Category.create({ name: overrides.name ?? `Category ${slug}`, slug }, { transaction }),
      );
    },
    async post(
      author: User,
      overrides: Partial<{
        status: Post['status'];
        category: Category | null;
        title: string;
        body: string;
        slug: string;
      }> = {},
    ): Promise<Post> {
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
    async comment(
      post: Post,
      author: User,
      overrides: Partial<{ parent: Comment; status: Comment['status']; body: string }> = {},
    ): Promise<Comment> {
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
    /** Puts the tags of `names` on `post` (created when new), through the models' count hooks. */
    async tag(post: Post, ...names: string[]): Promise<void> {
      await db.transaction(async (transaction) => {
        for (const name of names) {
          const key = tagKey(name);
          const [tag] = await db.models.Tag.findOrCreate({
            where: { nameKey: key },
            defaults: { name, nameKey: key, slug: slugify(name) },
            transaction,
          });
          await db.models.PostTag.create({ postId: post.id, tagId: tag.id }, { transaction });
        }
      });
    },
    /** A real session row for `user`; returns the cookie header value. */
    async sessionCookie(user: User): Promise<string> {
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
export async function createTestContext(
  env: Record<string, string> = {},
  deps: Pick<AppDeps, 'oidc'> & { logger?: Logger } = {},
  options: { sqliteDir?: string } = {},
): Promise<TestContext> {
  const database = await createTestDatabase(options);
  const outboxDir = mkdtempSync(join(tmpdir(), 'blog-outbox-'));
  const mediaDir = mkdtempSync(join(tmpdir(), 'blog-media-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: TEST_ORIGIN,
    MAIL_OUTBOX_DIR: outboxDir,
    MEDIA_DIR: mediaDir,
    ...env,
  });
  let now: Date | null = null;
  const clock: Clock = () => now ?? new Date();
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
    oidc: deps.oidc,
  });
  const factories = createFactories(database.db, clock);

  async function request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.body;
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
      await rm(outboxDir, { recursive: true, force: true });
      await rm(mediaDir, { recursive: true, force: true });
    },
    jobs,
    app,
    config,
    async publishEvents() {
      const rows = await database.db.models.Job.findAll({ where: { kind: WEBHOOK_JOB }, order: [['id', 'ASC']] });
      return rows.flatMap((row) => {
        const event = PublishEventSchema.parse(JSON.parse(row.payload));
        return event.event === 'rebuild' || event.event === 'comments' ? [] : [event];
      });
    },
    async commentEvents() {
      const rows = await database.db.models.Job.findAll({ where: { kind: COMMENTS_JOB }, order: [['id', 'ASC']] });
      return rows.flatMap((row) => {
        const event = PublishEventSchema.parse(JSON.parse(row.payload));
        return event.event === 'comments' ? [event] : [];
      });
    },
    factories,
    request,
    setNow(date: Date | null) {
      now = date;
    },
  };
}

/**
 * The import/export service on `t`'s database, from the app's one composition (createServices):
 * for what HTTP cannot send (a WXR's attachments on this machine) and for the import benchmark.
 */
export function transferServiceOf(t: TestContext) {
  return createServices({ config: t.config, db: t.db, logger: createLogger('silent'), jobs: t.jobs }).transfer;
}

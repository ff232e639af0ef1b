import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { hashPassword } from '../src/auth/passwords.js';
import type { Database } from '../src/db/index.js';
import type { Post, User } from '../src/db/models/index.js';
import { findCountDrift } from '../src/db/recount.js';
import { productionProcessEnv, startApiProcess } from './api-process.js';
import { createFactories, createTestContext, TEST_ORIGIN, unique } from './app.js';
import { createTestDatabase } from './db.js';
import { startReceiver } from './http-receiver.js';
import { startSmtpServer } from './smtp.js';

/** The kinds of request the mixed-writer load sends (DESIGN §5: 8 in-flight mixed writers). */
export const MIXED_OPS = ['signup', 'login', 'adminUpdate', 'publishToggle', 'comment', 'readComments', 'me'] as const;
export type MixedOp = (typeof MIXED_OPS)[number];

export interface LoadFailure {
  op: MixedOp;
  status: number;
  body: string;
}

export interface LoadReport {
  /** Latency in ms of every answered request, by kind. */
  latencies: Record<MixedOp, number[]>;
  /** 5xx answers, network errors and answers the op did not expect. */
  failures: LoadFailure[];
  /** Answers that said the database was busy or unavailable (503, SQLITE_BUSY), and log lines naming SQLITE_BUSY. */
  busy: number;
  elapsedMs: number;
}

/** The p-th percentile (0–100) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export interface LoadFixture {
  db: Database;
  factories: ReturnType<typeof createFactories>;
  baseUrl: string;
  /** Where the API runs: this process (app.fetch behind a real server) or a process of its own. */
  mode: 'in-process' | 'own-process';
  /** What the API process logged (own-process mode; '' in-process, where the log is silent). */
  output(): string;
  admin: User;
  readers: User[];
  targets: User[];
  posts: Post[];
  password: string;
  close(): Promise<void>;
}

const PASSWORD = 'load-test-password-2026';

/**
 * A real HTTP server (`@hono/node-server` on a free port) over a fresh test database, with an
 * admin, `readers` verified password users, authors with published posts and users for the
 * admin to change. Client addresses come from X-Real-IP, so each request can be "another reader".
 */
export async function createLoadFixture(
  options: { readers?: number; ownProcess?: boolean } = {},
): Promise<LoadFixture> {
  if (options.ownProcess) return createProcessFixture(options.readers);
  const ctx = await createTestContext({ TRUST_PROXY: 'true' });
  const seeded = await seed(ctx.db, ctx.factories, options.readers);
  const server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    ...seeded,
    db: ctx.db,
    factories: ctx.factories,
    baseUrl: `http://127.0.0.1:${port}`,
    mode: 'in-process',
    output: () => '',
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ctx.destroy();
    },
  };
}

/** The same fixture against the real server.ts in a process of its own (production profile). */
async function createProcessFixture(readers: number | undefined): Promise<LoadFixture> {
  const database = await createTestDatabase();
  const factories = createFactories(database.db, () => new Date());
  const seeded = await seed(database.db, factories, readers);
  const smtp = await startSmtpServer();
  const builder = await startReceiver({ respond: () => 204 });
  const api = await startApiProcess(
    productionProcessEnv({
      database: database.databaseConfig,
      smtpUrl: smtp.url,
      builderUrl: builder.url,
      publicUrl: TEST_ORIGIN,
    }),
  );
  return {
    ...seeded,
    db: database.db,
    factories,
    baseUrl: api.url,
    mode: 'own-process',
    output: () => api.output(),
    async close() {
      await api.kill('SIGTERM');
      await builder.close();
      await smtp.close();
      await database.destroy();
    },
  };
}

async function seed(db: Database, factories: ReturnType<typeof createFactories>, readerCount = 200) {
  const passwordHash = await hashPassword(PASSWORD);
  const admin = await factories.user({ role: 'admin' });
  const readers: User[] = [];
  for (let i = 0; i < readerCount; i++) {
    const user = await factories.user({ email: `${unique('reader')}@example.com` });
    readers.push(user);
  }
  await db.transaction((transaction) =>
    db.models.User.update({ passwordHash }, { where: { id: readers.map((r) => r.id) }, transaction }),
  );
  const targets: User[] = [];
  for (let i = 0; i < 6; i++) targets.push(await factories.user());
  const category = await factories.category();
  const posts: Post[] = [];
  for (let i = 0; i < 6; i++) {
    const author = await factories.user({ role: 'author' });
    posts.push(await factories.post(author, { category }));
  }
  return { admin, readers, targets, posts, password: PASSWORD };
}

let ipCounter = 0;
/** A new client address per call: rate limits per address never stop the load. */
const nextIp = () => {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

const pick = <T>(list: readonly T[]): T => {
  const item = list[Math.floor(Math.random() * list.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};

/**
 * `concurrency` loops, each sending one request at a time for `durationMs`: sign-ups, logins,
 * admin role changes, publish/unpublish, comments, and reads between them. Every session is a
 * factory session near the end of its sliding window, so reads renew sessions too.
 */
export async function runMixedWriters(
  fixture: LoadFixture,
  options: { concurrency: number; durationMs: number },
): Promise<LoadReport> {
  const { factories, baseUrl } = fixture;
  const latencies = Object.fromEntries(MIXED_OPS.map((op) => [op, [] as number[]])) as Record<MixedOp, number[]>;
  const failures: LoadFailure[] = [];
  let busy = 0;
  const cookies = new Map<number, string>();
  const cookieOf = async (user: User) => {
    let cookie = cookies.get(user.id);
    if (!cookie) {
      cookie = await factories.sessionCookie(user);
      cookies.set(user.id, cookie);
    }
    return cookie;
  };
  // Readers take turns so each stays under the per-account comment and login limits.
  let readerTurn = 0;
  const nextReader = () => fixture.readers[readerTurn++ % fixture.readers.length] as User;

  async function send(op: MixedOp, method: string, path: string, init: { json?: unknown; cookie?: string } = {}) {
    const headers: Record<string, string> = { 'x-real-ip': nextIp(), origin: TEST_ORIGIN };
    if (init.cookie) headers.cookie = init.cookie;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    let status = 0;
    let body = '';
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      });
      status = response.status;
      body = await response.text();
    } catch (error) {
      body = error instanceof Error ? error.message : String(error);
    }
    latencies[op].push(performance.now() - started);
    if (status === 503 || /SQLITE_BUSY|database_unavailable/.test(body)) busy++;
    return { status, body };
  }

  const expect = (op: MixedOp, result: { status: number; body: string }, ok: readonly number[]) => {
    if (!ok.includes(result.status)) failures.push({ op, status: result.status, body: result.body.slice(0, 500) });
  };

  const actions: Record<MixedOp, () => Promise<void>> = {
    signup: async () => {
      const email = `${unique('signup')}@example.com`;
      expect(
        'signup',
        await send('signup', 'POST', '/api/auth/signup', {
          json: { email, name: 'Load Reader', password: fixture.password },
        }),
        [201],
      );
    },
    login: async () => {
      const user = nextReader();
      expect(
        'login',
        await send('login', 'POST', '/api/auth/login', {
          json: { email: user.email, password: fixture.password },
        }),
        [200],
      );
    },
    adminUpdate: async () => {
      const target = pick(fixture.targets);
      const role = Math.random() < 0.5 ? 'author' : 'user';
      expect(
        'adminUpdate',
        await send('adminUpdate', 'PATCH', `/api/admin/users/${target.id}`, {
          json: { role },
          cookie: await cookieOf(fixture.admin),
        }),
        [200],
      );
    },
    publishToggle: async () => {
      const post = pick(fixture.posts);
      const action = Math.random() < 0.5 ? 'publish' : 'unpublish';
      // 409 when it already is: the toggle races itself, which is part of the test.
      expect(
        'publishToggle',
        await send('publishToggle', 'POST', `/api/posts/${post.id}/${action}`, {
          cookie: await cookieOf(fixture.admin),
        }),
        [200, 409],
      );
    },
    comment: async () => {
      const post = pick(fixture.posts);
      // 404 while the post is unpublished.
      expect(
        'comment',
        await send('comment', 'POST', `/api/posts/${post.id}/comments`, {
          json: { body: `A comment under load ${unique('c')}` },
          cookie: await cookieOf(nextReader()),
        }),
        [201, 404],
      );
    },
    readComments: async () => {
      const post = pick(fixture.posts);
      expect(
        'readComments',
        await send('readComments', 'GET', `/api/posts/${post.id}/comments?limit=20`, {
          cookie: await cookieOf(nextReader()),
        }),
        [200, 404],
      );
    },
    me: async () => {
      expect('me', await send('me', 'GET', '/api/auth/me', { cookie: await cookieOf(nextReader()) }), [200]);
    },
  };
  // Weights: writes dominate, as in the audit's mix.
  const mix: MixedOp[] = [
    'signup',
    'login',
    'adminUpdate',
    'adminUpdate',
    'publishToggle',
    'publishToggle',
    'comment',
    'comment',
    'comment',
    'comment',
    'readComments',
    'me',
  ];

  const started = performance.now();
  const deadline = started + options.durationMs;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) await actions[pick(mix)]();
    }),
  );
  busy += fixture.output().match(/SQLITE_BUSY/g)?.length ?? 0;
  return { latencies, failures, busy, elapsedMs: performance.now() - started };
}

/** Counters that differ from the true counts (empty when exact). */
export const countDrift = (db: Database) => findCountDrift(db);

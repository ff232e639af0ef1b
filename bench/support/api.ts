// The API as production runs it (compiled JavaScript, RUNTIME_FLAGS, NODE_ENV=production) in a
// process of its own over a bench's database, and the databases the benches seed.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequelize, type Transaction } from 'sequelize';
import { createDatabase, type Database } from '../../api/src/db/index.js';
import { migrate } from '../../api/src/db/migrate.js';
import type { Post, User } from '../../api/src/db/models/index.js';
import { ROOT, RUNTIME_FLAGS, staleRuntime } from '../../scripts/runtime.ts';

export type Engine = 'sqlite' | 'postgres';

export interface BenchDatabase {
  engine: Engine;
  url: string;
  db: Database;
  destroy(): Promise<void>;
}

/** PostgreSQL for the benches: BENCH_POSTGRES_URL, else TEST_DATABASE_URL, else the local test server. */
const POSTGRES_SERVER =
  process.env.BENCH_POSTGRES_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL answers at POSTGRES_SERVER (the benches then run on it too). */
export async function postgresAvailable(): Promise<boolean> {
  const probe = new Sequelize(POSTGRES_SERVER, { dialect: 'postgres', logging: false });
  try {
    await probe.authenticate();
    return true;
  } catch {
    return false;
  } finally {
    await probe.close();
  }
}

/** An author and one published post, the start of most bench data. */
export async function seedAuthorAndPost(db: Database, transaction: Transaction): Promise<{ author: User; post: Post }> {
  const { User: Users, Post: Posts } = db.models;
  const author = await Users.create(
    { email: 'a@example.com', name: 'Author', role: 'author', passwordHash: null, emailVerifiedAt: new Date() },
    { transaction },
  );
  const post = await Posts.create(
    {
      authorId: author.id,
      categoryId: null,
      title: 'Bench',
      slug: 'bench',
      bodyMarkdown: 'Body',
      status: 'published',
      publishedAt: new Date(),
    },
    { transaction },
  );
  return { author, post };
}

/** A fresh, migrated database: a temporary SQLite file, or a new database on the PostgreSQL server. */
export async function benchDatabase(engine: Engine): Promise<BenchDatabase> {
  if (engine === 'postgres') {
    const name = `blog_bench_${randomBytes(6).toString('hex')}`;
    const admin = new Sequelize(POSTGRES_SERVER, { dialect: 'postgres', logging: false });
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.close();
    const url = new URL(POSTGRES_SERVER);
    url.pathname = `/${name}`;
    const db = await createDatabase({ dialect: 'postgres', url: url.toString() });
    await migrate(db.sequelize);
    return {
      engine,
      url: url.toString(),
      db,
      async destroy() {
        await db.close().catch(() => undefined);
        const dropper = new Sequelize(POSTGRES_SERVER, { dialect: 'postgres', logging: false });
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await dropper.close();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'bench-db-'));
  const storage = join(dir, 'blog.db');
  const db = await createDatabase({ dialect: 'sqlite', storage });
  await migrate(db.sequelize);
  return {
    engine,
    url: `sqlite:${storage}`,
    db,
    async destroy() {
      await db.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Builds the compiled runtime when it is missing or older than its sources. */
export function ensureRuntime(): void {
  if (staleRuntime().length === 0) return;
  const build = spawnSync('npm', ['run', 'build:runtime'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build:runtime failed');
}

export interface RunningApi {
  url: string;
  child: ChildProcess;
  /** Resident memory now, and its peak so far (MB). */
  rss(): Promise<{ now: number; peak: number }>;
  stop(): Promise<void>;
}

/** How production starts the API: the compiled server with RUNTIME_FLAGS. */
export const PRODUCTION_API = [...RUNTIME_FLAGS, join(ROOT, 'api/dist/server.js')];

/**
 * The API over `databaseUrl` in a process of its own (`node …command`: by default the compiled
 * server as production runs it), ready once /api/health answers; `startupMs` is the time to that.
 */
export async function startApi(
  databaseUrl: string,
  env: Record<string, string> = {},
  command: string[] = PRODUCTION_API,
): Promise<RunningApi & { startupMs: number }> {
  ensureRuntime();
  const dir = await mkdtemp(join(tmpdir(), 'bench-api-'));
  const started = performance.now();
  const child = spawn(process.execPath, command, {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      PUBLIC_URL: 'http://127.0.0.1',
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
      MAIL_TRANSPORT: 'log',
      MAIL_OUTBOX_DIR: join(dir, 'outbox'),
      // Publish events queue in the outbox; nothing listens there (no bench here builds the site).
      BUILDER_URL: 'http://127.0.0.1:9',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  let port = 0;
  while (!port) {
    const match = /bound to [\d.]+:(\d+)/.exec(output);
    if (match) port = Number(match[1]);
    else await new Promise((resolve) => setTimeout(resolve, 5));
    if (child.exitCode !== null) throw new Error(`the API exited: ${output}`);
  }
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
  }
  const startupMs = performance.now() - started;
  const field = async (name: 'VmRSS' | 'VmHWM') => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    return Math.round(Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
  };
  return {
    url,
    child,
    startupMs,
    rss: async () => ({ now: await field('VmRSS'), peak: await field('VmHWM') }),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

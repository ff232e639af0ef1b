// The API as production runs it (compiled JavaScript, RUNTIME_FLAGS, NODE_ENV=production) in a
// process of its own over a bench's database, and the databases the benches seed.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Sequelize, type Transaction } from 'sequelize';
import type { Database } from '../../api/src/db/index.js';
import type { Post, User } from '../../api/src/db/models/index.js';
import { PRODUCTION_COMMAND, startApiProcess } from '../../api/test/api-process.js';
import { createTestDatabase } from '../../api/test/db.js';
import { ROOT, staleRuntime } from '../../scripts/runtime.ts';

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

/** A fresh, migrated database (the test harness's): a temporary SQLite file, or a new database on the PostgreSQL server. */
export async function benchDatabase(engine: Engine): Promise<BenchDatabase> {
  const database = await createTestDatabase(
    engine === 'sqlite' ? { sqliteDir: tmpdir() } : { postgresServer: POSTGRES_SERVER },
  );
  const config = database.databaseConfig;
  return {
    engine,
    url: config.dialect === 'sqlite' ? `sqlite:${config.storage}` : config.url,
    db: database.db,
    async destroy() {
      // The bench may have closed its connections already (to hand the file to the API alone).
      await database.destroy().catch(async () => {
        if (config.dialect === 'sqlite') await rm(dirname(config.storage), { recursive: true, force: true });
      });
    },
  };
}

/** A process's resident memory now (VmRSS) or at its peak (VmHWM), in MB; null when it cannot be read. */
export async function processMemoryMb(pid: number | string, field: 'VmRSS' | 'VmHWM'): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1];
  return kb === undefined ? null : Math.round(Number(kb) / 1024);
}

/** Builds the compiled runtime when it is missing or older than its sources. */
export function ensureRuntime(): void {
  if (staleRuntime().length === 0) return;
  const build = spawnSync('npm', ['run', 'build:runtime'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build:runtime failed');
}

export interface RunningApi {
  url: string;
  pid: number;
  /** Resident memory now, and its peak so far (MB). */
  rss(): Promise<{ now: number; peak: number }>;
  stop(): Promise<void>;
}

/** How production starts the API: the compiled server with RUNTIME_FLAGS. */
export const PRODUCTION_API = PRODUCTION_COMMAND;

/**
 * The API over `databaseUrl` in a process of its own (the test harness's `startApiProcess`;
 * `node …command`: by default the compiled server as production runs it), ready once /api/health
 * answers; `startupMs` is the time to that.
 */
export async function startApi(
  databaseUrl: string,
  env: Record<string, string> = {},
  command: string[] = PRODUCTION_API,
): Promise<RunningApi & { startupMs: number }> {
  ensureRuntime();
  const dir = await mkdtemp(join(tmpdir(), 'bench-api-'));
  const started = performance.now();
  const api = await startApiProcess(
    {
      NODE_ENV: 'production',
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
    30_000,
    command,
  );
  for (;;) {
    const ok = await fetch(`${api.url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
  }
  const startupMs = performance.now() - started;
  const field = async (name: 'VmRSS' | 'VmHWM') => (await processMemoryMb(api.pid, name)) ?? 0;
  return {
    url: api.url,
    pid: api.pid,
    startupMs,
    rss: async () => ({ now: await field('VmRSS'), peak: await field('VmHWM') }),
    async stop() {
      await api.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// DESIGN §5 / issue 10: the API as production runs it — compiled JavaScript (node
// --conditions=blog-runtime api/dist/server.js) — against the same API from TypeScript through
// tsx, in the same run: start-up to the first 200 from /api/health on a migrated database, idle
// RSS, and peak RSS under the comments-page load (64 connections). Targets: ≤ 1 s, ≤ 90 MB idle,
// ≤ 150 MB under load. Run: npm run build:runtime && npx tsx bench/runtime.ts
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createDatabase } from '../api/src/db/index.js';
import { migrate } from '../api/src/db/migrate.js';
import { ROOT, RUNTIME_CONDITIONS, RUNTIME_FLAGS } from '../scripts/runtime.ts';
import { ensureRuntime } from './support/api.js';
import { figure, loadSeconds, QUICK, report } from './support/report.js';

const SECONDS = loadSeconds(10);
const tsx = createRequire(import.meta.url).resolve('tsx');
ensureRuntime();

async function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
}

const dir = await mkdtemp(join(tmpdir(), 'bench-runtime-'));
const storage = join(dir, 'blog.db');
const db = await createDatabase({ dialect: 'sqlite', storage });
await migrate(db.sequelize);
const { User, Post, Comment } = db.models;
const postId = await db.transaction(async (transaction) => {
  const author = await User.create(
    { email: 'a@example.com', name: 'Author', role: 'author', passwordHash: null, emailVerifiedAt: new Date() },
    { transaction },
  );
  const post = await Post.create(
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
  for (let thread = 0; thread < 20; thread++) {
    const top = await Comment.create(
      { postId: post.id, authorId: author.id, parentId: null, bodyMarkdown: `Thread ${thread} with **some** text.` },
      { transaction },
    );
    for (let reply = 0; reply < 2; reply++) {
      await Comment.create(
        { postId: post.id, authorId: author.id, parentId: top.id, bodyMarkdown: `Reply ${reply}.` },
        { transaction },
      );
    }
  }
  return post.id;
});
await db.close();

const env = {
  ...process.env,
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  PUBLIC_URL: 'http://127.0.0.1',
  DATABASE_URL: `sqlite:${storage}`,
  SESSION_SECRET: randomBytes(32).toString('base64url'),
  WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
  MAIL_TRANSPORT: 'log',
  MAIL_OUTBOX_DIR: join(dir, 'outbox'),
  BUILDER_URL: 'http://127.0.0.1:9',
  SEED_DEMO: 'false',
  LOG_LEVEL: 'warn',
};

async function measure(label: string, args: string[]) {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let port = 0;
  while (!port) {
    const match = /bound to [\d.]+:(\d+)/.exec(output);
    if (match) port = Number(match[1]);
    else await new Promise((resolve) => setTimeout(resolve, 5));
    if (child.exitCode !== null) throw new Error(`${label} exited: ${output}`);
  }
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
  }
  const startupMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, QUICK ? 1000 : 3000));
  const pid = child.pid ?? 0;
  const idle = await rssMb(pid, 'VmRSS');
  const url = `http://127.0.0.1:${port}/api/posts/${postId}/comments?limit=20`;
  await autocannon({ url, connections: 64, duration: 2 });
  const result = await autocannon({ url, connections: 64, duration: SECONDS });
  const peak = await rssMb(pid, 'VmHWM');
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { label, startupMs, idle, peak, rps: result.requests.average, p99: result.latency.p99 };
}

const source = await measure('tsx (TypeScript source)', ['--import', tsx, join(ROOT, 'api/src/server.ts')]);
const compiled = await measure('node (compiled JS)', [RUNTIME_CONDITIONS, join(ROOT, 'api/dist/server.js')]);
const tuned = await measure('node + memory flags', [...RUNTIME_FLAGS, join(ROOT, 'api/dist/server.js')]);
// BENCH_VARIANTS="--flag a;--flag b": more V8 flag sets to compare, each with the runtime condition.
const variants = [];
for (const flags of (process.env.BENCH_VARIANTS ?? '').split(';').filter(Boolean)) {
  variants.push(await measure(flags, [RUNTIME_CONDITIONS, ...flags.split(' '), join(ROOT, 'api/dist/server.js')]));
}
for (const row of [source, compiled, tuned, ...variants]) {
  console.log(
    `${row.label.padEnd(26)} start-up ${row.startupMs.toFixed(0)} ms · idle RSS ${row.idle} MB · peak RSS under load ${row.peak} MB · comments page ${row.rps.toFixed(0)} req/s, p99 ${row.p99} ms`,
  );
}
console.log(
  `production (compiled + flags) vs tsx: start-up ${(tuned.startupMs / source.startupMs).toFixed(2)}×, idle RSS ${(tuned.idle / source.idle).toFixed(2)}×, peak ${(tuned.peak / source.peak).toFixed(2)}×, req/s ${(tuned.rps / source.rps).toFixed(2)}× · targets: start-up ≤ 1 s ${tuned.startupMs <= 1000 ? 'met' : 'NOT met'}, idle ≤ 90 MB ${tuned.idle <= 90 ? 'met' : 'NOT met'}, load ≤ 150 MB ${tuned.peak <= 150 ? 'met' : 'NOT met'}`,
);
const judge = (ok: boolean) => (QUICK ? null : ok);
report([
  figure('runtime', 'API start-up to the first /api/health (compiled)', tuned.startupMs, 'ms', {
    baseline: { name: 'tsx from source', value: source.startupMs },
    target: '≤ 1,000 ms',
    met: judge(tuned.startupMs <= 1000),
  }),
  figure('runtime', 'API idle RSS (compiled)', tuned.idle, 'MB', {
    baseline: { name: 'tsx from source', value: source.idle },
    target: '≤ 90 MB',
    met: judge(tuned.idle <= 90),
  }),
  figure('runtime', 'API peak RSS under the comments load (compiled)', tuned.peak, 'MB', {
    baseline: { name: 'tsx from source', value: source.peak },
    target: '≤ 150 MB',
    met: judge(tuned.peak <= 150),
  }),
]);
await rm(dir, { recursive: true, force: true });

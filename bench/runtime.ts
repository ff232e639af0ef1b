// DESIGN §5 / issue 10: the API as production runs it — compiled JavaScript (node
// --conditions=blog-runtime api/dist/server.js) — against the same API from TypeScript through
// tsx, in the same run: start-up to the first 200 from /api/health on a migrated database, idle
// RSS, and peak RSS under the comments-page load (64 connections). Targets: ≤ 1 s, ≤ 90 MB idle,
// ≤ 150 MB under load. Run: npx tsx bench/runtime.ts (builds the runtime when stale)
import { createRequire } from 'node:module';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { API_RUNTIME_FLAGS, ROOT, RUNTIME_CONDITIONS } from '../scripts/runtime.ts';
import { benchDatabase, ensureRuntime, seedAuthorAndPost, startApi } from './support/api.js';
import { figure, loadSeconds, QUICK, report } from './support/report.js';

const SECONDS = loadSeconds(10);
const tsx = createRequire(import.meta.url).resolve('tsx');
ensureRuntime();

const database = await benchDatabase('sqlite');
const { Comment } = database.db.models;
const postId = await database.db.transaction(async (transaction) => {
  const { author, post } = await seedAuthorAndPost(database.db, transaction);
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
await database.db.close();

async function measure(label: string, command: string[]) {
  const api = await startApi(database.url, {}, command);
  try {
    await new Promise((resolve) => setTimeout(resolve, QUICK ? 1000 : 3000));
    const idle = (await api.rss()).now;
    const url = `${api.url}/api/posts/${postId}/comments?limit=20`;
    await autocannon({ url, connections: 64, duration: 2 });
    const result = await autocannon({ url, connections: 64, duration: SECONDS });
    const { peak } = await api.rss();
    return { label, startupMs: api.startupMs, idle, peak, rps: result.requests.average, p99: result.latency.p99 };
  } finally {
    await api.stop();
  }
}

const source = await measure('tsx (TypeScript source)', ['--import', tsx, join(ROOT, 'api/src/server.ts')]);
const compiled = await measure('node (compiled JS)', [RUNTIME_CONDITIONS, join(ROOT, 'api/dist/server.js')]);
const tuned = await measure('node + memory flags', [...API_RUNTIME_FLAGS, join(ROOT, 'api/dist/server.js')]);
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
await database.destroy();

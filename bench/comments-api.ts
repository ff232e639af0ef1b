// Comment reads (DESIGN §5, issue 11): GET /api/posts/:id/comments for a post with 20 threads and
// 40 replies, at 64 connections, against the compiled API in its own process — anonymous through
// the 1 s micro-cache, anonymous with the cache off, and signed in (never cached) — with p99 and
// the API's peak RSS. Baselines measured in the same run with the same client: a bare Hono
// hello-world, and the same rows read with raw SQL from the same file and serialised
// (bench/support/serve-raw.ts). Every target is loaded in each of 3 interleaved rounds and the
// medians compared, so a noisy neighbour slows both sides of a ratio alike.
// Run: npx tsx bench/comments-api.ts   (BENCH_SECONDS=5 per target and round)
import { createHash, randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { benchDatabase, seedAuthorAndPost, startApi } from './support/api.js';
import { figure, loadSeconds, median, QUICK, report } from './support/report.js';
import { startServer } from './support/spawn.js';

const CONNECTIONS = 64;
/** Every target is loaded once per round, the rounds interleaved (machines are noisy): medians. */
const ROUNDS = QUICK ? 1 : 3;
const SECONDS = loadSeconds(5);

async function load(url: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const database = await benchDatabase('sqlite');
const { User, Comment, Session } = database.db.models;
const { postId, cookie } = await database.db.transaction(async (transaction) => {
  const { author, post } = await seedAuthorAndPost(database.db, transaction);
  const readers = await User.bulkCreate(
    Array.from({ length: 20 }, (_, i) => ({
      email: `r${i}@example.com`,
      name: `Reader ${i}`,
      passwordHash: null,
      emailVerifiedAt: new Date(),
    })),
    { transaction },
  );
  for (let i = 0; i < 20; i++) {
    const parent = await Comment.create(
      {
        postId: post.id,
        authorId: readers[i]?.id ?? author.id,
        parentId: null,
        bodyMarkdown: `Comment **${i}** with a [link](https://example.com) and a few more words to read.`,
      },
      { transaction },
    );
    for (let r = 0; r < 2; r++) {
      await Comment.create(
        {
          postId: post.id,
          authorId: readers[(i + r + 1) % 20]?.id ?? author.id,
          parentId: parent.id,
          bodyMarkdown: `Reply ${r} to comment ${i}.`,
        },
        { transaction },
      );
    }
  }
  // A signed-in reader (whose own comments carry their Markdown and edit deadline).
  const token = randomBytes(32).toString('base64url');
  await Session.create(
    {
      id: createHash('sha256').update(token).digest('hex'),
      userId: readers[0]?.id ?? author.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    },
    { transaction },
  );
  return { postId: post.id, cookie: `blog_session=${token}` };
});
const file = database.url.slice('sqlite:'.length);
await database.db.close();

const path = `/api/posts/${postId}/comments?limit=20`;
const hello = await startServer('bench/support/serve-hello.ts');
const raw = await startServer('bench/support/serve-raw.ts', [file]);
const apis: Awaited<ReturnType<typeof startApi>>[] = [];
try {
  const targets: Array<{ name: string; url: string; headers: Record<string, string>; api?: (typeof apis)[number] }> = [
    { name: 'hello-world', url: `http://127.0.0.1:${hello.port}/`, headers: {} },
    {
      name: 'raw SQL + JSON (same rows)',
      url: `http://127.0.0.1:${raw.port}/comments/${postId}?limit=20`,
      headers: {},
    },
  ];
  for (const [name, env, headers] of [
    ['anonymous, 1 s micro-cache', {}, {}],
    ['anonymous, cache off', { COMMENT_CACHE_MS: '0' }, {}],
    ['signed-in reader', {}, { cookie }],
  ] as const) {
    // Each API in its own process for the whole run (an idle one costs the others nothing).
    const api = await startApi(database.url, env);
    apis.push(api);
    targets.push({ name, url: `${api.url}${path}`, headers, api });
  }
  for (const target of targets) {
    await autocannon({ url: target.url, headers: target.headers, connections: CONNECTIONS, duration: 1 }); // warm-up
  }
  const samples = new Map<string, Array<{ rps: number; p99: number }>>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const list = samples.get(target.name) ?? [];
      list.push(await load(target.url, target.headers));
      samples.set(target.name, list);
    }
  }
  const summary = async (target: (typeof targets)[number]) => {
    const list = samples.get(target.name) ?? [];
    return {
      name: target.name,
      rps: median(list.map((s) => s.rps)),
      p99: median(list.map((s) => s.p99)),
      peakRss: target.api ? (await target.api.rss()).peak : 0,
    };
  };
  const [helloRun, rawRun, ...runs] = await Promise.all(targets.map(summary));
  if (!helloRun || !rawRun) throw new Error('no baseline measured');
  process.stdout.write(
    [
      `medians of ${ROUNDS} interleaved round(s) of ${SECONDS} s each, ${CONNECTIONS} connections`,
      `hello-world                  ${helloRun.rps.toFixed(0)} req/s  p99 ${helloRun.p99} ms`,
      `raw SQL + JSON (same rows)   ${rawRun.rps.toFixed(0)} req/s  p99 ${rawRun.p99} ms`,
      ...runs.map(
        (r) => `${r.name.padEnd(28)} ${r.rps.toFixed(0)} req/s  p99 ${r.p99} ms  API peak RSS ${r.peakRss} MB`,
      ),
    ].join('\n') + '\n',
  );
  const judge = (ok: boolean) => (QUICK ? null : ok);
  const figures = runs.flatMap((r) => {
    const uncached = r.name !== 'anonymous, 1 s micro-cache';
    return [
      figure('comments-read', `comments page (20+40), ${r.name}`, r.rps, 'req/s', {
        baseline: { name: 'hello-world', value: helloRun.rps },
        target: uncached ? '≥ 0.05× hello-world' : '≥ 0.25× hello-world',
        met: judge(r.rps / helloRun.rps >= (uncached ? 0.05 : 0.25)),
      }),
      ...(uncached
        ? [
            figure('comments-read', `comments page, ${r.name}: vs raw SQL`, r.rps, 'req/s', {
              baseline: { name: 'raw SQL + JSON', value: rawRun.rps },
              target: '≥ 0.67× raw (time ≤ 1.5×)',
              met: judge(r.rps / rawRun.rps >= 1 / 1.5),
            }),
          ]
        : []),
      figure('comments-read', `comments page, ${r.name}: p99`, r.p99, 'ms', {
        target: '< 50 ms',
        met: judge(r.p99 < 50),
      }),
    ];
  });
  const peak = Math.max(...runs.map((r) => r.peakRss));
  figures.push(
    figure('comments-read', 'API peak RSS under the comments load', peak, 'MB', {
      target: '≤ 150 MB',
      met: judge(peak <= 150),
    }),
  );
  report(figures);
} finally {
  for (const api of apis) await api.stop();
  hello.child.kill();
  raw.child.kill();
  await database.destroy();
}

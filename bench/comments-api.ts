// Comment reads (DESIGN §5, issue 11): GET /api/posts/:id/comments for a post with 20 threads and
// 40 replies, at 64 connections, against the compiled API in its own process — anonymous through
// the 1 s micro-cache, anonymous with the cache off, and signed in (never cached) — with p99 and
// the API's peak RSS. Baselines measured in the same run with the same client: a bare Hono
// hello-world, and the same rows read with raw SQL from the same file and serialised
// (bench/support/serve-raw.ts). Run: npx tsx bench/comments-api.ts   (BENCH_SECONDS=10)
import { createHash, randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { benchDatabase, seedAuthorAndPost, startApi } from './support/api.js';
import { figure, loadSeconds, QUICK, report } from './support/report.js';
import { startServer } from './support/spawn.js';

const CONNECTIONS = 64;
const SECONDS = loadSeconds(10);

async function load(url: string, headers: Record<string, string> = {}) {
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 1 }); // warm-up
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
try {
  const helloRun = await load(`http://127.0.0.1:${hello.port}/`);
  const rawRun = await load(`http://127.0.0.1:${raw.port}/comments/${postId}?limit=20`);
  const runs: Array<{ name: string; rps: number; p99: number; peakRss: number }> = [];
  for (const [name, env, headers] of [
    ['anonymous, 1 s micro-cache', {}, {}],
    ['anonymous, cache off', { COMMENT_CACHE_MS: '0' }, {}],
    ['signed-in reader', {}, { cookie }],
  ] as const) {
    const api = await startApi(database.url, env);
    try {
      const run = await load(`${api.url}${path}`, headers);
      runs.push({ name, ...run, peakRss: (await api.rss()).peak });
    } finally {
      await api.stop();
    }
  }
  process.stdout.write(
    [
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
  hello.child.kill();
  raw.child.kill();
  await database.destroy();
}

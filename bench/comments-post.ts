// Comment writes (issue 11: ≥ 1,000/s on SQLite and on PostgreSQL, counts exact afterwards).
// POST /api/posts/:id/comments at 64 connections against the compiled API in its own process;
// each request from its own signed-in, verified reader and its own client address (TRUST_PROXY,
// as behind nginx), so the per-account and per-IP limits hold but do not throttle the run.
// Baseline, same run, same client: a bare Hono app on @hono/node-server that parses the same
// JSON body and answers 201 (what HTTP and the client cost without any database).
// Run: npx tsx bench/comments-post.ts   (BENCH_SECONDS=10; PostgreSQL too when it answers)

import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { findCountDrift } from '../api/src/db/recount.js';
import { benchDatabase, type Engine, postgresAvailable, seedAuthorAndPost, startApi } from './support/api.js';
import { type Figure, figure, loadSeconds, QUICK, report } from './support/report.js';
import { startServer } from './support/spawn.js';

const SECONDS = loadSeconds(10);
const CONNECTIONS = 64;
// One comment per reader (the per-account limit is 10 a minute): enough readers for the run.
const READERS = Number(process.env.BENCH_READERS ?? (QUICK ? 4000 : 20_000));

/**
 * POSTs for SECONDS, or until `amount` requests (one per reader: a reader's second comment would
 * count against the per-account limit) — whichever comes first.
 */
function load(url: string, bodies: (i: number) => { headers: Record<string, string>; body: string }, amount?: number) {
  let next = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(amount ? { maxOverallRequests: amount } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { headers, body } = bodies(next++);
          return { ...request, headers: { ...request.headers, ...headers }, body };
        },
      },
    ],
  });
}

const comment = (i: number) => JSON.stringify({ body: `Comment number **${i}**, with a [link](https://example.com).` });

async function run(engine: Engine, helloRps: number): Promise<Figure[]> {
  const database = await benchDatabase(engine);
  try {
    const { User, Session } = database.db.models;
    const { postId, cookies } = await database.db.transaction(async (transaction) => {
      const { post } = await seedAuthorAndPost(database.db, transaction);
      const readers = await User.bulkCreate(
        Array.from({ length: READERS }, (_, i) => ({
          email: `r${i}@example.com`,
          name: `Reader ${i}`,
          passwordHash: null,
          emailVerifiedAt: new Date(),
        })),
        { transaction },
      );
      const tokens = readers.map(() => randomBytes(32).toString('base64url'));
      await Session.bulkCreate(
        readers.map((reader, i) => ({
          id: createHash('sha256')
            .update(tokens[i] ?? '')
            .digest('hex'),
          userId: reader.id,
          expiresAt: new Date(Date.now() + 86_400_000),
        })),
        { transaction },
      );
      return { postId: post.id, cookies: tokens.map((token) => `blog_session=${token}`) };
    });
    const api = await startApi(database.url, { TRUST_PROXY: 'true' });
    let result: autocannon.Result;
    try {
      result = await load(
        `${api.url}/api/posts/${postId}/comments`,
        (i) => ({
          headers: {
            'content-type': 'application/json',
            origin: 'http://127.0.0.1',
            cookie: cookies[i % cookies.length] ?? '',
            'x-real-ip': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          },
          body: comment(i),
        }),
        READERS,
      );
    } finally {
      await api.stop();
    }
    const drift = await findCountDrift(database.db);
    const rows = await database.db.models.Comment.count();
    const post = await database.db.models.Post.findByPk(postId);
    const perSecond = result['2xx'] / result.duration;
    const label = engine === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    // SQLite: the same statements straight through the driver on the same file, one transaction
    // after the other (bench/support/raw-writes.ts) — the ceiling of the single writer here.
    let raw: { perSecond: number; transactions: number; groupedPerSecond: number } | null = null;
    if (engine === 'sqlite') {
      await database.db.close();
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'bench/support/raw-writes.ts',
          database.url.slice('sqlite:'.length),
          String(postId),
          String(Math.min(SECONDS, 5)),
        ],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`raw-writes failed: ${child.stderr}`);
      raw = JSON.parse(child.stdout) as { perSecond: number; transactions: number; groupedPerSecond: number };
      process.stdout.write(
        `${label} raw SQL writes (same statements, one connection, no HTTP): ${raw.perSecond.toFixed(0)} transactions/s; 16 per commit (group commit): ${raw.groupedPerSecond.toFixed(0)}/s\n`,
      );
    }
    process.stdout.write(
      `${label}: ${perSecond.toFixed(0)} comments/s over ${result.duration.toFixed(1)} s (2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors}), p99 ${result.latency.p99} ms; rows ${rows}, post.comments_count ${post?.commentsCount}, counters drifted ${drift.length}\n`,
    );
    // Requests still in flight when the load stopped were answered to nobody but written: rows ≥ 2xx.
    const exact = drift.length === 0 && rows >= result['2xx'] && post?.commentsCount === rows;
    return [
      figure('comments-write', `POST comment, ${label}, ${CONNECTIONS} connections`, perSecond, 'comments/s', {
        baseline: { name: 'Hono POST JSON, no database', value: helloRps, unit: 'req/s' },
        target: '≥ 1,000/s, no error',
        met: QUICK ? null : perSecond >= 1000 && result.non2xx === 0 && result.errors === 0,
      }),
      ...(raw
        ? [
            figure(
              'comments-write',
              `POST comment, ${label}: vs the same statements as raw SQL`,
              perSecond,
              'comments/s',
              {
                baseline: {
                  name: 'raw SQL writes, one connection, no HTTP',
                  value: raw.perSecond,
                  unit: 'transactions/s',
                },
                target: "reported (the single writer's ceiling)",
                met: null,
              },
            ),
            figure(
              'comments-write',
              'raw SQL writes, SQLite: 16 per commit (group commit)',
              raw.groupedPerSecond,
              'comments/s',
              {
                baseline: { name: 'raw SQL writes, one commit each', value: raw.perSecond, unit: 'transactions/s' },
                target: 'reported (what batching commits adds)',
                met: null,
              },
            ),
          ]
        : []),
      figure('comments-write', `POST comment, ${label}: p99 latency`, result.latency.p99, 'ms', {
        target: 'reported',
        met: null,
      }),
      figure('comments-write', `POST comment, ${label}: counts exact afterwards`, exact ? 1 : 0, 'yes=1', {
        target: 'comments_count = rows ≥ 2xx, 0 drift',
        met: exact,
      }),
    ];
  } finally {
    await database.destroy();
  }
}

const hello = await startServer('bench/support/serve-hello.ts');
let helloRps = 0;
try {
  const baseline = await load(`http://127.0.0.1:${hello.port}/comments`, (i) => ({
    headers: { 'content-type': 'application/json' },
    body: comment(i),
  }));
  helloRps = baseline.requests.average;
  process.stdout.write(`baseline: Hono POST JSON ${helloRps.toFixed(0)} req/s, p99 ${baseline.latency.p99} ms\n`);
} finally {
  hello.child.kill();
}
const figures = await run('sqlite', helloRps);
if (await postgresAvailable()) figures.push(...(await run('postgres', helloRps)));
else process.stdout.write('PostgreSQL: not reachable, skipped (BENCH_POSTGRES_URL)\n');
report(figures);

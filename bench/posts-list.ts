// The published-posts list on a big blog (issue 11): GET /api/posts?page= over 10,000 posts, pages
// spread over the whole list, at 64 connections, against the compiled API in its own process.
// Baselines in the same run, same client: a bare Hono hello-world, and the same rows read with raw
// SQL from the same file and serialised (bench/support/serve-raw.ts).
// Run: npx tsx bench/posts-list.ts [N]   (default 10000; BENCH_SECONDS=10)
import autocannon from 'autocannon';
import { benchDatabase, startApi } from './support/api.js';
import { figure, loadSeconds, QUICK, report } from './support/report.js';
import { startServer } from './support/spawn.js';

const N = Number(process.argv[2] ?? (QUICK ? 1000 : 10_000));
const CONNECTIONS = 64;
const SECONDS = loadSeconds(10);
const LIMIT = 10;
const PAGES = Math.ceil(N / LIMIT);

/** Every request a different page, walking the whole list (deep pages cost more with OFFSET). */
async function load(pageUrl: (page: number) => string) {
  let next = 0;
  const requests: autocannon.Request[] = [
    {
      setupRequest: (request) => {
        const target = new URL(pageUrl((next++ % PAGES) + 1));
        return { ...request, path: `${target.pathname}${target.search}` };
      },
    },
  ];
  const url = new URL(pageUrl(1)).origin;
  await autocannon({ url, connections: CONNECTIONS, duration: 1, requests }); // warm-up
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const database = await benchDatabase('sqlite');
const { User, Category, Post } = database.db.models;
const author = await User.create({
  email: 'a@example.com',
  name: 'Author',
  role: 'author',
  passwordHash: null,
  emailVerifiedAt: new Date(),
});
const categories = await Promise.all(
  ['Notes', 'Travel', 'Food'].map((name) => Category.create({ name, slug: name.toLowerCase(), description: '' })),
);
const base = Date.now() - (N + 10) * 60_000;
for (let done = 0; done < N; done += 500) {
  await database.db.transaction(async (transaction) => {
    for (let i = done; i < Math.min(N, done + 500); i++) {
      await Post.create(
        {
          authorId: author.id,
          categoryId: categories[i % categories.length]?.id ?? null,
          title: `Post number ${i}`,
          subtitle: `A subtitle for post ${i}`,
          slug: `post-${i}`,
          bodyMarkdown: `Some text for post ${i}, long enough to make an excerpt of a sentence or two.`,
          status: 'published',
          publishedAt: new Date(base + i * 60_000),
        },
        { transaction },
      );
    }
  });
}
const file = database.url.slice('sqlite:'.length);
await database.db.close();

const hello = await startServer('bench/support/serve-hello.ts');
const raw = await startServer('bench/support/serve-raw.ts', [file]);
const api = await startApi(database.url);
try {
  const helloRun = await load(() => `http://127.0.0.1:${hello.port}/`);
  const rawRun = await load((page) => `http://127.0.0.1:${raw.port}/posts?page=${page}&limit=${LIMIT}`);
  const apiRun = await load((page) => `${api.url}/api/posts?page=${page}&limit=${LIMIT}`);
  process.stdout.write(
    [
      `${N} posts, ${PAGES} pages of ${LIMIT}, every request another page`,
      `hello-world              ${helloRun.rps.toFixed(0)} req/s  p99 ${helloRun.p99} ms`,
      `raw SQL + JSON           ${rawRun.rps.toFixed(0)} req/s  p99 ${rawRun.p99} ms`,
      `GET /api/posts?page=     ${apiRun.rps.toFixed(0)} req/s  p99 ${apiRun.p99} ms`,
    ].join('\n') + '\n',
  );
  const judge = (ok: boolean) => (QUICK ? null : ok);
  report([
    figure('posts-list', `GET /api/posts?page= (${N} posts)`, apiRun.rps, 'req/s', {
      baseline: { name: 'hello-world', value: helloRun.rps },
      target: '≥ 0.05× hello-world',
      met: judge(apiRun.rps / helloRun.rps >= 0.05),
    }),
    figure('posts-list', `GET /api/posts?page= (${N} posts): vs raw SQL`, apiRun.rps, 'req/s', {
      baseline: { name: 'raw SQL + JSON', value: rawRun.rps },
      target: '≥ 0.67× raw (time ≤ 1.5×)',
      met: judge(apiRun.rps / rawRun.rps >= 1 / 1.5),
    }),
    figure('posts-list', `GET /api/posts?page= (${N} posts): p99`, apiRun.p99, 'ms', {
      target: '< 50 ms',
      met: judge(apiRun.p99 < 50),
    }),
  ]);
} finally {
  hello.child.kill();
  raw.child.kill();
  await api.stop();
  await database.destroy();
}

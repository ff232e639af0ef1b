// DESIGN §5: GET /api/posts/:id/comments must reach ≥ 0.25× the requests/second of a bare
// Hono hello-world on the same machine in the same run, with p99 < 50 ms at 64 connections,
// and the API process must stay under 150 MB RSS. Run: npx tsx bench/comments-api.ts
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createDatabase } from '../api/src/db/index.js';
import { migrate } from '../api/src/db/migrate.js';
import { startServer } from './support/spawn.js';

const CONNECTIONS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function load(url: string) {
  await autocannon({ url, connections: CONNECTIONS, duration: 2 }); // warm-up
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const dir = await mkdtemp(join(tmpdir(), 'bench-comments-'));
const databaseUrl = `sqlite:${join(dir, 'blog.db')}`;
const db = await createDatabase({ dialect: 'sqlite', storage: join(dir, 'blog.db') });
await migrate(db.sequelize);
const { User, Post, Comment } = db.models;
const postId = await db.transaction(async (transaction) => {
  const author = await User.create(
    { email: 'a@example.com', name: 'Author', role: 'author', passwordHash: null, emailVerifiedAt: new Date() },
    { transaction },
  );
  const readers = [];
  for (let i = 0; i < 20; i++) {
    readers.push(
      await User.create(
        { email: `r${i}@example.com`, name: `Reader ${i}`, passwordHash: null, emailVerifiedAt: new Date() },
        { transaction },
      ),
    );
  }
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
  for (let i = 0; i < 40; i++) {
    const parent = await Comment.create(
      {
        postId: post.id,
        authorId: readers[i % 20]?.id ?? author.id,
        parentId: null,
        bodyMarkdown: `Comment **${i}** with a [link](https://example.com).`,
      },
      { transaction },
    );
    for (let r = 0; r < 2; r++) {
      await Comment.create(
        {
          postId: post.id,
          authorId: readers[(i + r + 1) % 20]?.id ?? author.id,
          parentId: parent.id,
          bodyMarkdown: `Reply ${r}`,
        },
        { transaction },
      );
    }
  }
  return post.id;
});
await db.close();

const hello = await startServer('bench/support/serve-hello.ts');
const api = await startServer('bench/support/serve-api.ts', [databaseUrl]);
try {
  const baseline = await load(`http://127.0.0.1:${hello.port}/`);
  const comments = await load(`http://127.0.0.1:${api.port}/api/posts/${postId}/comments?limit=20`);
  const rss = await peakRssMb(api.child.pid ?? 0);
  const ratio = comments.rps / baseline.rps;
  console.log(`hello-world           ${baseline.rps.toFixed(0)} req/s  p99 ${baseline.p99} ms`);
  console.log(`GET comments (20+40)  ${comments.rps.toFixed(0)} req/s  p99 ${comments.p99} ms`);
  console.log(
    `ratio ${ratio.toFixed(2)}× (target ≥ 0.25×), p99 target < 50 ms, API peak RSS ${rss} MB (target ≤ 150 MB)`,
  );
} finally {
  hello.child.kill();
  api.child.kill();
  await rm(dir, { recursive: true, force: true });
}

// DESIGN §5: POST /api/posts/:id/comments must reach ≥ 300 comments/s on SQLite, with every
// count exact afterwards. Each request comes from its own signed-in, verified reader and its own
// client address (TRUST_PROXY, as behind nginx), so the per-account and per-IP rate limits
// (10 and 30 a minute) hold but do not throttle the run. Run: npx tsx bench/comments-post.ts
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createDatabase } from '../api/src/db/index.js';
import { migrate } from '../api/src/db/migrate.js';
import { findCountDrift } from '../api/src/db/recount.js';
import { startServer } from './support/spawn.js';

const READERS = Number(process.env.BENCH_READERS ?? 6000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 32;

const dir = await mkdtemp(join(tmpdir(), 'bench-post-'));
const storage = join(dir, 'blog.db');
const db = await createDatabase({ dialect: 'sqlite', storage });
await migrate(db.sequelize);
const { User, Post, Session } = db.models;
const { postId, cookies } = await db.transaction(async (transaction) => {
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
await db.close();

const api = await startServer('bench/support/serve-api.ts', [`sqlite:${storage}`, 'trust-proxy']);
try {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${api.port}/api/posts/${postId}/comments`,
    connections: CONNECTIONS,
    duration: SECONDS,
    amount: READERS,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const i = next++;
          return {
            ...request,
            headers: {
              ...request.headers,
              'content-type': 'application/json',
              cookie: cookies[i % cookies.length] ?? '',
              'x-real-ip': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
            },
            body: JSON.stringify({ body: `Comment number **${i}**.` }),
          };
        },
      },
    ],
  });
  const check = await createDatabase({ dialect: 'sqlite', storage });
  const drift = await findCountDrift(check);
  const comments = await check.models.Comment.count();
  const post = await check.models.Post.findByPk(postId);
  await check.close();
  console.log(
    `POST comment: ${(result['2xx'] / result.duration).toFixed(0)} comments/s over ${result.duration.toFixed(1)} s (2xx ${result['2xx']}, non-2xx ${result.non2xx}), p99 ${result.latency.p99} ms`,
  );
  console.log(
    `rows ${comments}, post.comments_count ${post?.commentsCount}, counters drifted: ${drift.length} (target ≥ 300/s, 0 drift)`,
  );
} finally {
  api.child.kill();
  await rm(dir, { recursive: true, force: true });
}

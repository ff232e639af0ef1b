// Import rate (issue 14): a WordPress WXR of N posts with 6 comments each (two threads, a reply to a
// reply among them), read and written by the importer (one transaction per post, every field
// checked, Markdown rendered, counters kept by the hooks, the recount at the end), against the same
// rows written by the models alone in the same run (one transaction per post, hooks included: what
// any writer of these rows must pay). On SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
// Run: npx tsx bench/import.ts [N]   (default 1000)

import { readWxr } from '../api/src/features/transfer/readers/wxr.js';
import { createTestContext, transferServiceOf } from '../api/test/app.js';
import { wxrOf } from '../api/test/wxr.js';
import { figure, QUICK, report } from './support/report.js';

const N = Number(process.argv[2] ?? (QUICK ? '100' : '1000'));
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const database = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
  const xml = wxrOf(N);
  say(`import bench: ${N} posts × 6 comments, WXR of ${(xml.length / 1048576).toFixed(1)} MB, ${database}`);

  // The baseline: the same rows through the models alone.
  const base = await createTestContext();
  let baselineMs: number;
  try {
    const site = readWxr(xml);
    const { Post, Comment, User } = base.db.models;
    const writer = await User.create({
      email: 'writer@example.com',
      name: 'Writer',
      passwordHash: null,
      role: 'author',
      emailVerifiedAt: null,
    });
    const readers = new Map<string, number>();
    for (const person of site.people.filter((p) => p.ref.startsWith('comment:'))) {
      const user = await User.create({
        email: person.email ?? '',
        name: person.name,
        passwordHash: null,
        emailVerifiedAt: null,
      });
      readers.set(person.ref, user.id);
    }
    const started = performance.now();
    for (const post of site.posts) {
      await base.db.transaction(async (transaction) => {
        const row = await Post.create(
          {
            authorId: writer.id,
            title: post.title,
            slug: post.slug ?? '',
            bodyMarkdown: post.bodyMarkdown,
            status: 'published',
            publishedAt: post.publishedAt,
          },
          { transaction },
        );
        const ids = new Map<string, number>();
        for (const comment of post.comments) {
          const parent = comment.parentRef ? ids.get(comment.parentRef) : undefined;
          const created = await Comment.create(
            {
              postId: row.id,
              authorId: readers.get(comment.authorRef) ?? writer.id,
              parentId: parent ?? null,
              bodyMarkdown: comment.bodyMarkdown,
              createdAt: comment.createdAt,
            },
            { transaction },
          );
          // Threads are one level deep: a reply to a reply hangs off the thread.
          ids.set(comment.ref, parent ?? created.id);
        }
      });
    }
    baselineMs = performance.now() - started;
  } finally {
    await base.destroy();
  }

  const t = await createTestContext();
  try {
    const transfer = transferServiceOf(t);
    const admin = await t.factories.user({ role: 'admin' });
    const started = performance.now();
    const site = transfer.read({ format: 'wxr', content: xml });
    const readMs = performance.now() - started;
    const result = await transfer.import(admin, site, 'wxr');
    const importMs = performance.now() - started;
    if (result.imported.posts !== N || result.imported.comments !== N * 6 || result.countDrift !== 0) {
      throw new Error(`unexpected import: ${JSON.stringify({ ...result, skipped: result.skipped.slice(0, 3) })}`);
    }
    const rate = N / (importMs / 1000);
    const baseRate = N / (baselineMs / 1000);
    say(
      `read ${readMs.toFixed(0)} ms; import ${importMs.toFixed(0)} ms: ${rate.toFixed(0)} posts/s (${(rate * 6).toFixed(0)} comments/s)`,
    );
    say(`baseline (models alone): ${baselineMs.toFixed(0)} ms: ${baseRate.toFixed(0)} posts/s`);
    const ratio = rate / baseRate;
    report([
      figure('import', `WXR import, ${N} posts × 6 comments, ${database}`, rate, 'posts/s', {
        baseline: { name: 'the same rows by the models alone', value: baseRate },
        target: '≥ 0.5× the models alone',
        met: QUICK ? null : ratio >= 0.5,
      }),
    ]);
  } finally {
    await t.destroy();
  }
}

await main();

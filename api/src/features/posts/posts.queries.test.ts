import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/app.js';
import type { Post, User } from '../../db/models/index.js';
import { CommentPageSchema } from '../comments/schema.js';
import { PostListSchema } from './schema.js';

// N+1 guards: the number of SQL statements a list request sends must not grow with the page.

let t: TestContext;
beforeEach(async () => {
  // A database per test, so each page holds exactly the rows the test made.
  t = await createTestContext();
});
afterEach(async () => {
  await t.destroy();
});

/** The SQL statements sent while `action` runs (the hook is removed afterwards, even on failure). */
async function queriesDuring(action: () => Promise<void>): Promise<string[]> {
  const statements: string[] = [];
  const hookName = 'queries-test-counter';
  t.db.sequelize.addHook('afterQuery', hookName, (_options, query) => {
    statements.push('sql' in query && typeof query.sql === 'string' ? query.sql : '(unknown statement)');
  });
  try {
    await action();
  } finally {
    t.db.sequelize.removeHook('afterQuery', hookName);
  }
  return statements;
}

/** `count` published posts, each in a category with two comments. */
async function publishedPosts(count: number, author: User): Promise<Post[]> {
  const reader = await t.factories.user();
  const categories = [await t.factories.category(), await t.factories.category(), await t.factories.category()];
  const posts: Post[] = [];
  for (let i = 0; i < count; i++) {
    const post = await t.factories.post(author, { category: categories[i % categories.length] ?? null });
    // Two tags each, shared across posts: the page's tags are one query, not one per post.
    await t.factories.tag(post, `tag ${i % 4}`, `tag ${(i + 1) % 4}`);
    await t.factories.comment(post, reader);
    await t.factories.comment(post, author);
    posts.push(post);
  }
  return posts;
}

/** A published post with `count` top-level comments, each with two visible replies and one hidden. */
async function postWithThreads(count: number): Promise<Post> {
  const author = await t.factories.user({ role: 'author' });
  const readers = [await t.factories.user(), await t.factories.user(), await t.factories.user()];
  const post = await t.factories.post(author);
  for (let i = 0; i < count; i++) {
    const top = await t.factories.comment(post, readers[i % 3] ?? author);
    await t.factories.comment(post, readers[(i + 1) % 3] ?? author, { parent: top });
    await t.factories.comment(post, readers[(i + 2) % 3] ?? author, { parent: top });
    await t.factories.comment(post, author, { parent: top, status: 'hidden' });
  }
  return post;
}

describe('GET /api/posts query count', () => {
  it('sends the same few queries for 5 posts as for 40', async () => {
    const author = await t.factories.user({ role: 'author' });
    const counts: number[] = [];
    const log: string[][] = [];
    let made = 0;
    for (const size of [5, 40]) {
      made += (await publishedPosts(size - made, author)).length;
      const statements = await queriesDuring(async () => {
        const res = await t.request('GET', '/api/posts?limit=50');
        expect(res.status).toBe(200);
        const body = PostListSchema.parse(await res.json());
        expect(body.items).toHaveLength(size);
        expect(body.total).toBe(size);
        expect(body.items.every((p) => p.category !== null && p.author.id === author.id && p.commentsCount === 2)).toBe(
          true,
        );
        expect(body.items.every((p) => p.tags.length === 2)).toBe(true);
      });
      counts.push(statements.length);
      log.push(statements);
    }
    expect(counts[0]).toBeGreaterThan(0);
    // The count, the page, the page's tags.
    expect(counts[0], log.map((l) => l.join('\n')).join('\n---\n')).toBeLessThanOrEqual(3);
    expect(counts[1], log.map((l) => l.join('\n')).join('\n---\n')).toBe(counts[0]);
    // No session cookie, no session lookup.
    expect(log.flat().some((sql) => /\bsessions\b/i.test(sql))).toBe(false);
  });

  it('sends the same few queries with a category filter, for 5 posts as for 40', async () => {
    const author = await t.factories.user({ role: 'author' });
    const category = await t.factories.category();
    const counts: number[] = [];
    for (const size of [5, 40]) {
      while ((await t.db.models.Post.count({ where: { categoryId: category.id } })) < size) {
        await t.factories.post(author, { category });
      }
      const statements = await queriesDuring(async () => {
        const res = await t.request('GET', `/api/posts?limit=50&category=${category.slug}`);
        expect(PostListSchema.parse(await res.json()).items).toHaveLength(size);
      });
      counts.push(statements.length);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0]).toBeLessThanOrEqual(4);
    expect(counts[1]).toBe(counts[0]);
  });
});

describe('GET /api/posts?tag= query count', () => {
  it('sends the same few queries with a tag filter, for 5 posts as for 40', async () => {
    const author = await t.factories.user({ role: 'author' });
    const counts: number[] = [];
    const log: string[][] = [];
    let made = 0;
    for (const size of [5, 40]) {
      for (; made < size; made++) await t.factories.tag(await t.factories.post(author), 'Counted', `other ${made % 3}`);
      // A post without the tag, which the filter leaves out.
      await t.factories.tag(await t.factories.post(author), `other ${made % 3}`);
      const statements = await queriesDuring(async () => {
        const res = await t.request('GET', '/api/posts?limit=50&tag=counted');
        const body = PostListSchema.parse(await res.json());
        expect(body.items).toHaveLength(size);
        expect(body.items.every((p) => p.tags.some((tag) => tag.slug === 'counted'))).toBe(true);
      });
      counts.push(statements.length);
      log.push(statements);
    }
    // The tag's id, the count, the page, the page's tags.
    expect(counts[0], log.map((l) => l.join('\n')).join('\n---\n')).toBeLessThanOrEqual(4);
    expect(counts[1]).toBe(counts[0]);
  });
});

describe('GET /api/posts/:id/comments query count', () => {
  it('sends the same few queries for 3 threads as for 30', async () => {
    const counts: number[] = [];
    const log: string[][] = [];
    for (const size of [3, 30]) {
      const post = await postWithThreads(size);
      const statements = await queriesDuring(async () => {
        const res = await t.request('GET', `/api/posts/${post.id}/comments?limit=50`);
        expect(res.status).toBe(200);
        const body = CommentPageSchema.parse(await res.json());
        expect(body.items).toHaveLength(size);
        expect(body.items.every((thread) => thread.replies.length === 2)).toBe(true);
        expect(body.total).toBe(size * 3);
        expect(body.nextCursor).toBeNull();
      });
      counts.push(statements.length);
      log.push(statements);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0], log.map((l) => l.join('\n')).join('\n---\n')).toBeLessThanOrEqual(4);
    expect(counts[1], log.map((l) => l.join('\n')).join('\n---\n')).toBe(counts[0]);
    expect(log.flat().some((sql) => /\bsessions\b/i.test(sql))).toBe(false);
  });

  it('does not grow with the page when signed in either', async () => {
    const viewer = await t.factories.user();
    const counts: number[] = [];
    for (const size of [3, 30]) {
      const post = await postWithThreads(size);
      // Warm the session first, so both measured requests do the same session work.
      await t.request('GET', `/api/posts/${post.id}/comments`, { as: viewer });
      const statements = await queriesDuring(async () => {
        const res = await t.request('GET', `/api/posts/${post.id}/comments?limit=50`, { as: viewer });
        expect(CommentPageSchema.parse(await res.json()).items).toHaveLength(size);
      });
      counts.push(statements.length);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBe(counts[0]);
  });
});

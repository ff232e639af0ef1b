import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

describe('posts', () => {
  it('lists published posts with author, category and comment count', async () => {
    const author = await t.factories.user({ role: 'author', name: 'Writer' });
    const category = await t.factories.category();
    const post = await t.factories.post(author, { category, title: 'Listed' });
    await t.factories.post(author, { status: 'draft', category });
    const reader = await t.factories.user();
    await t.factories.comment(post, reader);

    const res = await t.request('GET', `/api/posts?category=${category.slug}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({
      id: post.id,
      title: 'Listed',
      author: { id: author.id, name: 'Writer' },
      category: { id: category.id, slug: category.slug },
      commentsCount: 1,
      status: 'published',
    });
    expect(body.items[0].bodyHtml).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/app.js';
import { CommentPageSchema, CommentSchema } from './schema.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ COMMENT_CACHE_MS: '5000' });
});
afterAll(async () => {
  await t.destroy();
});

const totalOf = async (res: Response) => CommentPageSchema.parse(await res.json()).total;

describe('the anonymous comment page cache', () => {
  it('serves a post page from memory within its lifetime, fresh after it', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user();
    expect(await totalOf(await t.request('GET', `/api/posts/${post.id}/comments`))).toBe(0);
    // Written behind the API's back (as another API process would): not seen until the entry expires…
    await t.factories.comment(post, reader);
    expect(await totalOf(await t.request('GET', `/api/posts/${post.id}/comments`))).toBe(0);
    // …except by signed-in readers, who always read fresh.
    expect(await totalOf(await t.request('GET', `/api/posts/${post.id}/comments`, { as: reader }))).toBe(1);
    t.setNow(new Date(Date.now() + 6000));
    try {
      expect(await totalOf(await t.request('GET', `/api/posts/${post.id}/comments`))).toBe(1);
    } finally {
      t.setNow(new Date());
    }
  });

  it('drops a post’s pages as soon as a comment on it changes through this process', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user();
    const page = `/api/posts/${post.slug}/comments?limit=5`;
    expect(await totalOf(await t.request('GET', page))).toBe(0);
    const created = await t.request('POST', `/api/posts/${post.id}/comments`, { as: reader, json: { body: 'new' } });
    expect(created.status).toBe(201);
    expect(await totalOf(await t.request('GET', page))).toBe(1);
    const { id } = CommentSchema.parse(await created.json());
    expect((await t.request('DELETE', `/api/comments/${id}`, { as: reader })).status).toBe(204);
    expect(await totalOf(await t.request('GET', page))).toBe(0);
  });
});

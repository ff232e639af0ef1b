import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/app.js';
import type { Comment, Post, User } from '../../db/models/index.js';
import { COMMENTS_JOB, WEBHOOK_JOB } from '../publishing/service.js';

let t: TestContext;
beforeAll(async () => {
  // Neither BUILDER_URL nor GitHub: one-process mode, the builder in-process gets every event.
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

/** The `comments` events written for `post` since `before` events in all. */
async function eventsSince(before: number, post?: Post) {
  const events = (await t.commentEvents()).slice(before);
  return post ? events.filter((event) => event.postId === post.id) : events;
}

/** Runs `change` and returns the `comments` events it wrote (for `post`). */
async function written(change: () => Promise<Response>, post?: Post) {
  const before = (await t.commentEvents()).length;
  const res = await change();
  if (res) expect(res.status, await res.clone().text()).toBeLessThan(300);
  return eventsSince(before, post);
}

async function scene(): Promise<{
  author: User;
  writer: User;
  reader: User;
  admin: User;
  post: Post;
  comment: Comment;
}> {
  const author = await t.factories.user({ role: 'author' });
  const writer = await t.factories.user();
  const reader = await t.factories.user();
  const admin = await t.factories.user({ role: 'admin' });
  const post = await t.factories.post(author);
  const comment = await t.factories.comment(post, writer);
  return { author, writer, reader, admin, post, comment };
}

describe("the 'comments' publish event", () => {
  it('is written once, with the post and its slug, by every change to a published post’s comments', async () => {
    const { author, writer, reader, admin, post, comment } = await scene();
    const one = [{ event: 'comments', postId: post.id, slug: post.slug, at: expect.any(String) }];
    const as = (user: User) => ({ as: user });
    let created = 0;
    expect(
      await written(async () => {
        const res = await t.request('POST', `/api/posts/${post.id}/comments`, { ...as(reader), json: { body: 'Hi' } });
        created = ((await res.clone().json()) as { id: number }).id;
        return res;
      }, post),
    ).toEqual(one);
    const changes: Array<[string, () => Promise<Response>]> = [
      ['edit', () => t.request('PATCH', `/api/comments/${created}`, { ...as(reader), json: { body: 'Hi again' } })],
      ['like', () => t.request('PUT', `/api/comments/${comment.id}/like`, as(reader))],
      ['unlike', () => t.request('DELETE', `/api/comments/${comment.id}/like`, as(reader))],
      ['pin', () => t.request('PUT', `/api/comments/${comment.id}/pin`, as(author))],
      ['unpin', () => t.request('DELETE', `/api/comments/${comment.id}/pin`, as(admin))],
      ['hide', () => t.request('POST', `/api/admin/comments/${comment.id}/hide`, as(admin))],
      ['unhide', () => t.request('POST', `/api/admin/comments/${comment.id}/unhide`, as(admin))],
      ['admin delete', () => t.request('DELETE', `/api/admin/comments/${comment.id}`, as(admin))],
      ['own delete', () => t.request('DELETE', `/api/comments/${created}`, as(reader))],
    ];
    for (const [what, change] of changes) expect(await written(change, post), what).toEqual(one);
    // Only to the builder's own job kind: never the GitHub fan-out of WEBHOOK_JOB.
    const kinds = await t.db.models.Job.findAll({ attributes: ['kind'] });
    expect(new Set(kinds.map((job) => job.kind)).has(COMMENTS_JOB)).toBe(true);
    expect((await t.publishEvents()).some((event) => event.postId === post.id && event.event !== 'published')).toBe(
      false,
    );
    expect(writer.id).toBeGreaterThan(0);
  });

  it('is not written by a refused change, a change that changes nothing, or on a draft', async () => {
    const { author, writer, reader, comment } = await scene();
    const none = async (change: () => Promise<Response>) => {
      const before = (await t.commentEvents()).length;
      const res = await change();
      expect(await eventsSince(before)).toEqual([]);
      return res.status;
    };
    expect(await none(() => t.request('PUT', `/api/comments/${comment.id}/like`, { as: writer }))).toBe(403);
    expect(await none(() => t.request('PUT', `/api/comments/${comment.id}/pin`, { as: reader }))).toBe(403);
    expect(await none(() => t.request('DELETE', `/api/comments/${comment.id}/like`, { as: reader }))).toBe(200);
    expect(await none(() => t.request('DELETE', `/api/comments/${comment.id}/pin`, { as: author }))).toBe(200);
    expect(await none(() => t.request('DELETE', `/api/comments/${comment.id}`, { as: reader }))).toBe(403);
    const draft = await t.factories.post(author, { status: 'draft' });
    expect(
      await none(() => t.request('POST', `/api/posts/${draft.id}/comments`, { as: author, json: { body: 'Note' } })),
    ).toBe(201);
  });

  it('is written once per post by a bulk action over many comments', async () => {
    const { admin, writer, post } = await scene();
    const second = await t.factories.post(await t.factories.user({ role: 'author' }));
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push((await t.factories.comment(i % 2 ? second : post, writer)).id);
    const events = await written(() =>
      t.request('POST', '/api/admin/bulk', { as: admin, json: { resource: 'comments', action: 'hide', ids } }),
    );
    expect(events.map((event) => event.postId).sort((a, b) => a - b)).toEqual(
      [post.id, second.id].sort((a, b) => a - b),
    );
  });

  it("is written for every post a deleted user's comments and likes were on", async () => {
    const { admin, writer, reader, post } = await scene();
    const elsewhere = await t.factories.post(await t.factories.user({ role: 'author' }));
    const liked = await t.factories.comment(elsewhere, writer);
    expect((await t.request('PUT', `/api/comments/${liked.id}/like`, { as: reader })).status).toBe(200);
    await t.factories.comment(post, reader);
    const events = await written(() => t.request('DELETE', `/api/admin/users/${reader.id}`, { as: admin }));
    expect(events.map((event) => event.postId).sort((a, b) => a - b)).toEqual(
      [post.id, elsewhere.id].sort((a, b) => a - b),
    );
    // Self-deletion too (a password-less account signed in just now).
    const leaving = await t.factories.user();
    await t.factories.comment(elsewhere, leaving);
    expect(await written(() => t.request('DELETE', '/api/auth/me', { as: leaving, json: {} }))).toEqual([
      { event: 'comments', postId: elsewhere.id, slug: elsewhere.slug, at: expect.any(String) },
    ]);
  });

  it('is never written when only GitHub gets publish events', async () => {
    const g = await createTestContext({ GITHUB_DISPATCH_REPO: 'owner/repo', GITHUB_DISPATCH_TOKEN: 'token' });
    try {
      const author = await g.factories.user({ role: 'author' });
      const reader = await g.factories.user();
      const post = await g.factories.post(author);
      const res = await g.request('POST', `/api/posts/${post.id}/comments`, { as: reader, json: { body: 'Hi' } });
      expect(res.status).toBe(201);
      const jobs = await g.db.models.Job.findAll({ attributes: ['kind'] });
      expect(jobs.filter((job) => job.kind === COMMENTS_JOB || job.kind === WEBHOOK_JOB)).toEqual([]);
    } finally {
      await g.destroy();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../../../test/app.js';
import type { Post, User } from '../../db/models/index.js';
import { findCountDrift } from '../../db/recount.js';
import { PublicUserSchema } from '../users/schema.js';
import { CommentCountsSchema, CommentPageSchema, CommentSchema } from './schema.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

/** The response body, checked against `schema`; fails loudly with the body when it does not fit. */
async function read<T extends z.ZodType>(res: Response, schema: T): Promise<z.infer<T>> {
  const body: unknown = await res.json();
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`Unexpected body ${JSON.stringify(body)}: ${parsed.error.message}`);
  return parsed.data;
}

async function postRow(post: Post): Promise<Post> {
  const row = await t.db.models.Post.findByPk(post.id);
  if (!row) throw new Error(`post ${post.id} is gone`);
  return row;
}

async function userRow(user: User): Promise<User> {
  const row = await t.db.models.User.findByPk(user.id);
  if (!row) throw new Error(`user ${user.id} is gone`);
  return row;
}

async function listAll(path: string, as?: User) {
  const res = await t.request('GET', path, as ? { as } : {});
  expect(res.status).toBe(200);
  return read(res, CommentPageSchema);
}

describe('GET /api/posts/:idOrSlug/comments', () => {
  it('lists top-level comments oldest first with their replies nested, by id and by slug', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const other = await t.factories.post(author);
    const alice = await t.factories.user({ name: 'Alice' });
    const bob = await t.factories.user({ name: 'Bob' });
    const first = await t.factories.comment(post, alice, { body: 'First *one*' });
    const second = await t.factories.comment(post, bob, { body: 'Second' });
    const replyOne = await t.factories.comment(post, bob, { parent: first, body: 'Reply one' });
    const replyTwo = await t.factories.comment(post, alice, { parent: first, body: 'Reply two' });
    await t.factories.comment(other, alice, { body: 'Elsewhere' });

    const byId = await listAll(`/api/posts/${post.id}/comments`);
    expect(byId.items.map((c) => c.id)).toEqual([first.id, second.id]);
    const [top, next] = byId.items;
    expect(top).toMatchObject({
      id: first.id,
      postId: post.id,
      parentId: null,
      author: { id: alice.id, name: 'Alice' },
      status: 'visible',
      bodyHtml: '<p>First <em>one</em></p>\n',
      editedAt: null,
    });
    expect(top?.replies.map((r) => [r.id, r.parentId, r.author.name])).toEqual([
      [replyOne.id, first.id, 'Bob'],
      [replyTwo.id, first.id, 'Alice'],
    ]);
    expect(next?.replies).toEqual([]);
    expect(Date.parse(top?.createdAt ?? '')).toBeLessThanOrEqual(Date.parse(next?.createdAt ?? ''));
    expect(byId.nextCursor).toBeNull();
    expect(byId.total).toBe(4);
    expect(byId.total).toBe((await postRow(post)).commentsCount);

    const bySlug = await listAll(`/api/posts/${post.slug}/comments`);
    expect(bySlug).toEqual(byId);
  });

  it('pages top-level comments with nextCursor until it is null; total is the post commentsCount', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user();
    const tops = [];
    for (let i = 0; i < 5; i++) tops.push(await t.factories.comment(post, reader, { body: `Top ${i}` }));
    const reply = await t.factories.comment(post, reader, { parent: tops[3], body: 'A reply' });
    const expectedTotal = (await postRow(post)).commentsCount;
    expect(expectedTotal).toBe(6);

    const seen: number[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? 'limit=2' : `limit=2&cursor=${cursor}`;
      const page = await listAll(`/api/posts/${post.id}/comments?${query}`);
      expect(page.total).toBe(expectedTotal);
      pageSizes.push(page.items.length);
      for (const item of page.items) {
        seen.push(item.id);
        if (item.id === tops[3]?.id) expect(item.replies.map((r) => r.id)).toEqual([reply.id]);
      }
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);

    expect(cursor).toBeNull();
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(tops.map((c) => c.id));
  });

  it('ends with a null nextCursor when the last page is exactly full', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user();
    await t.factories.comment(post, reader);
    await t.factories.comment(post, reader);

    const page = await listAll(`/api/posts/${post.id}/comments?limit=2`);
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it('keeps a hidden top-level comment with visible replies, body emptied; drops one without', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const alice = await t.factories.user();
    const bob = await t.factories.user();
    const hiddenWithReplies = await t.factories.comment(post, alice, { status: 'hidden', body: 'Rude words' });
    const visibleReply = await t.factories.comment(post, bob, { parent: hiddenWithReplies, body: 'Calm down' });
    await t.factories.comment(post, bob, { parent: hiddenWithReplies, status: 'hidden', body: 'Hidden reply' });
    const hiddenWithHiddenReply = await t.factories.comment(post, alice, { status: 'hidden' });
    await t.factories.comment(post, bob, { parent: hiddenWithHiddenReply, status: 'hidden' });
    const hiddenAlone = await t.factories.comment(post, alice, { status: 'hidden' });
    const visible = await t.factories.comment(post, bob, { body: 'Visible' });

    // Seen by the hidden comment's own author: still no body, no Markdown.
    const page = await listAll(`/api/posts/${post.id}/comments`, alice);
    const ids = page.items.map((c) => c.id);
    expect(ids).toEqual([hiddenWithReplies.id, visible.id]);
    expect(ids).not.toContain(hiddenWithHiddenReply.id);
    expect(ids).not.toContain(hiddenAlone.id);
    const [hidden] = page.items;
    expect(hidden).toMatchObject({ id: hiddenWithReplies.id, status: 'hidden', bodyHtml: '' });
    expect(hidden?.bodyMarkdown).toBeUndefined();
    expect(hidden?.replies.map((r) => r.id)).toEqual([visibleReply.id]);
    expect(page.total).toBe(2);
    expect(page.total).toBe((await postRow(post)).commentsCount);
  });

  it("includes bodyMarkdown only on the viewer's own comments", async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const alice = await t.factories.user();
    const bob = await t.factories.user();
    const mine = await t.factories.comment(post, alice, { body: 'Mine *md*' });
    await t.factories.comment(post, bob, { parent: mine, body: 'Theirs' });
    const myReply = await t.factories.comment(post, alice, { parent: mine, body: 'My reply' });
    await t.factories.comment(post, bob, { body: 'Bob top' });

    const asAlice = await listAll(`/api/posts/${post.id}/comments`, alice);
    const flat = asAlice.items.flatMap((c) => [c, ...c.replies]);
    expect(flat).toHaveLength(4);
    for (const comment of flat) {
      if (comment.author.id === alice.id) {
        expect(comment.bodyMarkdown).toBeDefined();
        // Until when its author may edit it: the API's own window, so no island hard-codes one.
        expect(Date.parse(comment.editableUntil ?? '') - Date.parse(comment.createdAt)).toBe(
          t.config.commentEditWindowSeconds * 1000,
        );
      } else {
        expect(comment.bodyMarkdown).toBeUndefined();
        expect(comment.editableUntil).toBeUndefined();
      }
    }
    expect(flat.find((c) => c.id === mine.id)?.bodyMarkdown).toBe('Mine *md*');
    expect(flat.find((c) => c.id === myReply.id)?.bodyMarkdown).toBe('My reply');

    const anonymous = await listAll(`/api/posts/${post.id}/comments`);
    expect(
      anonymous.items
        .flatMap((c) => [c, ...c.replies])
        .every((c) => c.bodyMarkdown === undefined && c.editableUntil === undefined),
    ).toBe(true);
  });

  it("lets a post's author read the comments of their own draft", async () => {
    const author = await t.factories.user({ role: 'author' });
    const draft = await t.factories.post(author, { status: 'draft' });
    await t.factories.comment(draft, author, { body: 'Note to self' });

    const page = await listAll(`/api/posts/${draft.id}/comments`, author);
    expect(page.items).toHaveLength(1);
  });
});

describe('POST /api/posts/:idOrSlug/comments', () => {
  it('creates a comment: 201, rendered body, post and user counts +1', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user({ name: 'Reader' });
    const before = { post: (await postRow(post)).commentsCount, user: (await userRow(reader)).commentsCount };

    const res = await t.request('POST', `/api/posts/${post.id}/comments`, {
      as: reader,
      json: { body: '  Hello *there*  ' },
    });
    expect(res.status).toBe(201);
    const comment = await read(res, CommentSchema);
    expect(comment).toMatchObject({
      postId: post.id,
      parentId: null,
      author: { id: reader.id, name: 'Reader' },
      status: 'visible',
      bodyHtml: '<p>Hello <em>there</em></p>\n',
      bodyMarkdown: 'Hello *there*',
      editedAt: null,
    });

    expect((await postRow(post)).commentsCount).toBe(before.post + 1);
    expect((await userRow(reader)).commentsCount).toBe(before.user + 1);
    const page = await listAll(`/api/posts/${post.id}/comments`);
    expect(page.items.map((c) => c.id)).toEqual([comment.id]);
    expect(page.total).toBe(before.post + 1);
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('replies with parentId; a reply to a reply attaches to the top comment', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const alice = await t.factories.user();
    const bob = await t.factories.user();
    const top = await t.factories.comment(post, alice);

    const replyRes = await t.request('POST', `/api/posts/${post.slug}/comments`, {
      as: bob,
      json: { body: 'A reply', parentId: top.id },
    });
    expect(replyRes.status).toBe(201);
    const reply = await read(replyRes, CommentSchema);
    expect(reply.parentId).toBe(top.id);

    const nestedRes = await t.request('POST', `/api/posts/${post.id}/comments`, {
      as: alice,
      json: { body: 'A reply to the reply', parentId: reply.id },
    });
    expect(nestedRes.status).toBe(201);
    const nested = await read(nestedRes, CommentSchema);
    expect(nested.parentId).toBe(top.id);

    const page = await listAll(`/api/posts/${post.id}/comments`);
    expect(page.items.map((c) => c.id)).toEqual([top.id]);
    expect(page.items[0]?.replies.map((r) => r.id)).toEqual([reply.id, nested.id]);
    expect(page.total).toBe(3);
    expect((await postRow(post)).commentsCount).toBe(3);
  });

  it('accepts an explicit null parentId as a top-level comment', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user();

    const res = await t.request('POST', `/api/posts/${post.id}/comments`, {
      as: reader,
      json: { body: 'Top level', parentId: null },
    });
    expect(res.status).toBe(201);
    expect((await read(res, CommentSchema)).parentId).toBeNull();
  });
});

describe('PATCH /api/comments/:id', () => {
  it('edits within the window: editedAt set, bodyHtml re-rendered', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user();
    const comment = await t.factories.comment(post, reader, { body: 'Old text' });
    const editedAt = new Date(Date.now() + 60_000);
    t.setNow(editedAt);

    const res = await t.request('PATCH', `/api/comments/${comment.id}`, {
      as: reader,
      json: { body: 'New **bold** text' },
    });
    expect(res.status).toBe(200);
    const edited = await read(res, CommentSchema);
    expect(edited).toMatchObject({
      id: comment.id,
      bodyMarkdown: 'New **bold** text',
      bodyHtml: '<p>New <strong>bold</strong> text</p>\n',
      editedAt: editedAt.toISOString(),
    });

    const row = await t.db.models.Comment.findByPk(comment.id);
    expect(row?.bodyHtml).toBe('<p>New <strong>bold</strong> text</p>\n');
    expect(row?.editedAt?.toISOString()).toBe(editedAt.toISOString());
    const page = await listAll(`/api/posts/${post.id}/comments`);
    expect(page.items[0]?.bodyHtml).toBe('<p>New <strong>bold</strong> text</p>\n');
    expect((await postRow(post)).commentsCount).toBe(1);
  });

  it('does not mark a comment edited when the body is unchanged', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user();
    const comment = await t.factories.comment(post, reader, { body: 'Same' });

    const res = await t.request('PATCH', `/api/comments/${comment.id}`, { as: reader, json: { body: 'Same' } });
    expect(res.status).toBe(200);
    expect((await read(res, CommentSchema)).editedAt).toBeNull();
  });
});

describe('DELETE /api/comments/:id', () => {
  it('deletes your own comment with its replies, counts exact', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const alice = await t.factories.user();
    const bob = await t.factories.user();
    const carol = await t.factories.user();
    const top = await t.factories.comment(post, alice);
    const replies = [
      await t.factories.comment(post, bob, { parent: top }),
      await t.factories.comment(post, carol, { parent: top }),
      await t.factories.comment(post, bob, { parent: top, status: 'hidden' }),
    ];
    const kept = await t.factories.comment(post, bob);
    expect((await postRow(post)).commentsCount).toBe(4);
    expect((await userRow(bob)).commentsCount).toBe(2);

    const res = await t.request('DELETE', `/api/comments/${top.id}`, { as: alice });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');

    const remaining = await t.db.models.Comment.findAll({ where: { postId: post.id } });
    expect(remaining.map((c) => c.id)).toEqual([kept.id]);
    for (const reply of replies) expect(await t.db.models.Comment.findByPk(reply.id)).toBeNull();
    expect((await postRow(post)).commentsCount).toBe(1);
    expect((await userRow(alice)).commentsCount).toBe(0);
    expect((await userRow(bob)).commentsCount).toBe(1);
    expect((await userRow(carol)).commentsCount).toBe(0);
    expect(await findCountDrift(t.db)).toEqual([]);

    const page = await listAll(`/api/posts/${post.id}/comments`);
    expect(page.items.map((c) => c.id)).toEqual([kept.id]);
    expect(page.total).toBe(1);
  });

  it('deletes your own reply without touching its thread', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const alice = await t.factories.user();
    const bob = await t.factories.user();
    const top = await t.factories.comment(post, alice);
    const reply = await t.factories.comment(post, bob, { parent: top });

    const res = await t.request('DELETE', `/api/comments/${reply.id}`, { as: bob });
    expect(res.status).toBe(204);
    expect(await t.db.models.Comment.findByPk(top.id)).not.toBeNull();
    expect((await postRow(post)).commentsCount).toBe(1);
    expect((await userRow(bob)).commentsCount).toBe(0);
  });

  it("lets an admin delete anyone's comment", async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user();
    const comment = await t.factories.comment(post, reader);
    await t.factories.comment(post, admin, { parent: comment });

    const res = await t.request('DELETE', `/api/comments/${comment.id}`, { as: admin });
    expect(res.status).toBe(204);
    expect(await t.db.models.Comment.count({ where: { postId: post.id } })).toBe(0);
    expect((await postRow(post)).commentsCount).toBe(0);
    expect((await userRow(reader)).commentsCount).toBe(0);
    expect((await userRow(admin)).commentsCount).toBe(0);
  });
});

describe('GET /api/comments/counts', () => {
  it('returns the counts of the published posts asked for, in one request', async () => {
    const author = await t.factories.user({ role: 'author' });
    const reader = await t.factories.user();
    const busy = await t.factories.post(author);
    const quiet = await t.factories.post(author);
    const draft = await t.factories.post(author, { status: 'draft' });
    await t.factories.comment(busy, reader);
    const top = await t.factories.comment(busy, reader);
    await t.factories.comment(busy, reader, { parent: top });
    await t.factories.comment(busy, reader, { status: 'hidden' });
    await t.factories.comment(draft, author);

    const res = await t.request('GET', `/api/comments/counts?posts=${busy.id},${quiet.id},${draft.id},2000000000`);
    expect(res.status).toBe(200);
    const { counts } = await read(res, CommentCountsSchema);
    expect(counts).toEqual({ [String(busy.id)]: 3, [String(quiet.id)]: 0 });
  });

  it('treats repeated ids as one', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    await t.factories.comment(post, author);

    const res = await t.request('GET', `/api/comments/counts?posts=${post.id},${post.id}`);
    expect(res.status).toBe(200);
    expect(await read(res, CommentCountsSchema)).toEqual({ counts: { [String(post.id)]: 1 } });
  });
});

describe('GET /api/users/:id', () => {
  it('shows a public profile without the email', async () => {
    const author = await t.factories.user({ role: 'author', name: 'Public Name' });
    const post = await t.factories.post(author);
    await t.factories.comment(post, author);

    const res = await t.request('GET', `/api/users/${author.id}`);
    expect(res.status).toBe(200);
    const raw = await read(res, z.record(z.string(), z.unknown()));
    expect(Object.keys(raw).sort()).toEqual(['commentsCount', 'createdAt', 'id', 'name', 'postsCount', 'role']);
    expect(JSON.stringify(raw)).not.toContain(author.email);
    expect(PublicUserSchema.parse(raw)).toEqual({
      id: author.id,
      name: 'Public Name',
      role: 'author',
      postsCount: 1,
      commentsCount: 1,
      createdAt: author.createdAt.toISOString(),
    });
  });
});

describe('GET /api/health', () => {
  it('reports the API and its database up', async () => {
    const res = await t.request('GET', '/api/health');
    expect(res.status).toBe(200);
    const body = await read(
      res,
      z.strictObject({ status: z.literal('ok'), database: z.literal('ok'), time: z.iso.datetime() }),
    );
    expect(Math.abs(Date.parse(body.time) - Date.now())).toBeLessThan(60_000);
  });
});

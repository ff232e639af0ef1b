import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createTestContext, type TestContext } from '../../../test/app.js';
import type { Comment, Post, User } from '../../db/models/index.js';
import { findCountDrift, recount } from '../../db/recount.js';
import { ErrorSchema } from '../../lib/openapi.js';
import { gravatarUrl } from './presenter.js';
import {
  CommentLikeStateSchema,
  type CommentOut,
  CommentPageSchema,
  CommentPreviewSchema,
  CommentSchema,
  type CommentSort,
  CommentViewerSchema,
  compareThreads,
  MAX_PINS_PER_POST,
} from './schema.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

async function read<T extends z.ZodType>(res: Response, schema: T, status = 200): Promise<z.infer<T>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

async function refused(res: Response, status: number, code: string) {
  const body = await read(res, ErrorSchema, status);
  expect(body.error.code).toBe(code);
}

async function likesOf(comment: Comment): Promise<number> {
  const row = await t.db.models.Comment.findByPk(comment.id);
  return row?.likesCount ?? -1;
}

/** A published post by a fresh author, and one comment on it by another user. */
async function scene(): Promise<{ author: User; writer: User; post: Post; comment: Comment }> {
  const author = await t.factories.user({ role: 'author' });
  const writer = await t.factories.user({ name: 'Writer' });
  const post = await t.factories.post(author);
  const comment = await t.factories.comment(post, writer);
  return { author, writer, post, comment };
}

const like = (comment: Comment | number, as: User, method: 'PUT' | 'DELETE' = 'PUT') =>
  t.request(method, `/api/comments/${typeof comment === 'number' ? comment : comment.id}/like`, { as });
const pin = (comment: Comment, as: User, method: 'PUT' | 'DELETE' = 'PUT') =>
  t.request(method, `/api/comments/${comment.id}/pin`, { as });

describe('PUT/DELETE /api/comments/:id/like', () => {
  it('likes once however often asked, unlikes idempotently, and keeps likes_count exact', async () => {
    const { comment } = await scene();
    const reader = await t.factories.user();
    expect(await read(await like(comment, reader), CommentLikeStateSchema)).toEqual({
      id: comment.id,
      liked: true,
      likesCount: 1,
    });
    expect(await read(await like(comment, reader), CommentLikeStateSchema)).toMatchObject({ likesCount: 1 });
    expect(await likesOf(comment)).toBe(1);
    expect(await read(await like(comment, reader, 'DELETE'), CommentLikeStateSchema)).toEqual({
      id: comment.id,
      liked: false,
      likesCount: 0,
    });
    expect(await read(await like(comment, reader, 'DELETE'), CommentLikeStateSchema)).toMatchObject({ likesCount: 0 });
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('refuses your own comment, hidden comments, drafts, unknown ids and bad ids', async () => {
    const { author, writer, post, comment } = await scene();
    const reader = await t.factories.user();
    await refused(await like(comment, writer), 403, 'own_comment');
    const hidden = await t.factories.comment(post, writer, { status: 'hidden' });
    await refused(await like(hidden, reader), 404, 'not_found');
    const draft = await t.factories.post(author, { status: 'draft' });
    const onDraft = await t.factories.comment(draft, writer);
    await refused(await like(onDraft, reader), 404, 'not_found');
    await refused(await like(2_000_000_000, reader), 404, 'not_found');
    await refused(await t.request('PUT', '/api/comments/abc/like', { as: reader }), 400, 'invalid_request');
    await refused(await t.request('PUT', `/api/comments/${comment.id}/like`), 401, 'unauthorized');
    const unverified = await t.factories.user({ verified: false });
    await refused(await like(comment, unverified), 403, 'email_not_verified');
    expect(await likesOf(comment)).toBe(0);
  });

  it('counts many readers liking one comment at once exactly, and one reader liking it five times at once once', async () => {
    const { comment } = await scene();
    const readers = await Promise.all(Array.from({ length: 12 }, () => t.factories.user()));
    const answers = await Promise.all(readers.map((reader) => like(comment, reader)));
    expect(answers.map((res) => res.status)).toEqual(readers.map(() => 200));
    expect(await likesOf(comment)).toBe(12);
    const [first] = readers;
    if (!first) throw new Error('no readers');
    const again = await Promise.all(Array.from({ length: 5 }, () => like(comment, first, 'DELETE')));
    expect(again.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    const twice = await Promise.all(Array.from({ length: 5 }, () => like(comment, first)));
    expect(twice.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await likesOf(comment)).toBe(12);
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it("keeps a hidden comment's likes; a deleted user's likes come off; the recount repairs likes_count", async () => {
    const { comment } = await scene();
    const admin = await t.factories.user({ role: 'admin' });
    const fan = await t.factories.user();
    const other = await t.factories.user();
    await read(await like(comment, fan), CommentLikeStateSchema);
    await read(await like(comment, other), CommentLikeStateSchema);
    expect((await t.request('POST', `/api/admin/comments/${comment.id}/hide`, { as: admin })).status).toBe(200);
    expect(await likesOf(comment)).toBe(2);
    expect(await findCountDrift(t.db)).toEqual([]);
    expect((await t.request('DELETE', `/api/admin/users/${fan.id}`, { as: admin })).status).toBe(204);
    expect(await likesOf(comment)).toBe(1);
    expect(await findCountDrift(t.db)).toEqual([]);

    await t.db.sequelize.query('UPDATE comments SET likes_count = 7 WHERE id = ?', { replacements: [comment.id] });
    expect(await recount(t.db)).toEqual([
      { table: 'comments', field: 'likes_count', id: comment.id, stored: 7, actual: 1 },
    ]);
    expect(await likesOf(comment)).toBe(1);
  });

  it('rate-limits likes per reader (429 with Retry-After)', async () => {
    const { post, writer } = await scene();
    const reader = await t.factories.user();
    const comment = await t.factories.comment(post, writer);
    let last: Response | null = null;
    for (let i = 0; i < 121; i++) last = await like(comment, reader, i % 2 ? 'DELETE' : 'PUT');
    if (!last) throw new Error('no request');
    expect(last.status).toBe(429);
    expect(last.headers.get('Retry-After')).toBeTruthy();
  });
});

describe('PUT/DELETE /api/comments/:id/pin', () => {
  it("lets the post's author and admins pin top-level comments, first in the list, audited", async () => {
    const { author, writer, post, comment } = await scene();
    const admin = await t.factories.user({ role: 'admin' });
    const later = await t.factories.comment(post, writer);
    const pinned = await read(await pin(later, author), CommentSchema);
    expect(pinned.pinnedAt).not.toBeNull();
    const page = await read(await t.request('GET', `/api/posts/${post.id}/comments`), CommentPageSchema);
    expect(page.items.map((c) => c.id)).toEqual([later.id, comment.id]);
    expect((await read(await pin(later, admin, 'DELETE'), CommentSchema)).pinnedAt).toBeNull();
    // Unpinning what is not pinned is a no-op.
    expect((await read(await pin(later, admin, 'DELETE'), CommentSchema)).pinnedAt).toBeNull();
    const audit = await t.db.models.AuditLog.findAll({ where: { targetType: 'comment', targetId: String(later.id) } });
    expect(audit.map((row) => row.action).sort()).toEqual(['comment.pin', 'comment.unpin', 'comment.unpin']);
  });

  it('refuses readers, other authors, replies and hidden comments, and a pin past the limit', async () => {
    const { author, writer, post, comment } = await scene();
    const otherAuthor = await t.factories.user({ role: 'author' });
    await refused(await pin(comment, writer), 403, 'forbidden');
    await refused(await pin(comment, otherAuthor), 403, 'forbidden');
    const reply = await t.factories.comment(post, writer, { parent: comment });
    await refused(await pin(reply, author), 422, 'not_top_level');
    const hidden = await t.factories.comment(post, writer, { status: 'hidden' });
    await refused(await pin(hidden, author), 422, 'not_top_level');
    const more = await Promise.all(
      Array.from({ length: MAX_PINS_PER_POST + 1 }, () => t.factories.comment(post, writer)),
    );
    for (const each of more.slice(0, MAX_PINS_PER_POST)) await read(await pin(each, author), CommentSchema);
    const extra = more.at(-1);
    if (!extra) throw new Error('no comment');
    await refused(await pin(extra, author), 409, 'pin_limit');
    // Pinning one already pinned is still fine at the limit.
    const first = more[0];
    if (!first) throw new Error('no comment');
    await read(await pin(first, author), CommentSchema);
  });

  it('lets only one of two concurrent pins at the limit through', async () => {
    const { author, writer, post } = await scene();
    const comments = await Promise.all(
      Array.from({ length: MAX_PINS_PER_POST + 1 }, () => t.factories.comment(post, writer)),
    );
    for (const each of comments.slice(0, MAX_PINS_PER_POST - 1)) await read(await pin(each, author), CommentSchema);
    const [a, b] = comments.slice(MAX_PINS_PER_POST - 1);
    if (!a || !b) throw new Error('no comments');
    const statuses = (await Promise.all([pin(a, author), pin(b, author)])).map((res) => res.status).sort();
    expect(statuses).toEqual([200, 409]);
    const rows = await t.db.models.Comment.findAll({ where: { postId: post.id } });
    expect(rows.filter((row) => row.pinnedAt !== null)).toHaveLength(MAX_PINS_PER_POST);
  });
});

describe('POST /api/comments/preview', () => {
  it('renders the body exactly as posting it does, sanitised', async () => {
    const { post } = await scene();
    const reader = await t.factories.user();
    const body = 'Hello **there** <script>alert(1)</script> [x](javascript:alert(1))';
    const preview = await read(
      await t.request('POST', '/api/comments/preview', { as: reader, json: { body } }),
      CommentPreviewSchema,
    );
    expect(preview.bodyHtml).not.toContain('<script');
    const created = await read(
      await t.request('POST', `/api/posts/${post.id}/comments`, { as: reader, json: { body } }),
      CommentSchema,
      201,
    );
    expect(preview.bodyHtml).toBe(created.bodyHtml);
  });

  it('refuses anonymous and unverified callers, bad bodies and non-JSON', async () => {
    const reader = await t.factories.user();
    await refused(await t.request('POST', '/api/comments/preview', { json: { body: 'x' } }), 401, 'unauthorized');
    const unverified = await t.factories.user({ verified: false });
    await refused(
      await t.request('POST', '/api/comments/preview', { as: unverified, json: { body: 'x' } }),
      403,
      'email_not_verified',
    );
    await refused(
      await t.request('POST', '/api/comments/preview', { as: reader, json: { body: 'x'.repeat(10_001) } }),
      422,
      'validation_failed',
    );
    await refused(
      await t.request('POST', '/api/comments/preview', { as: reader, json: { body: 'x', extra: 1 } }),
      422,
      'validation_failed',
    );
    await refused(
      await t.request('POST', '/api/comments/preview', { as: reader, json: { body: 5 } }),
      422,
      'validation_failed',
    );
    const res = await t.request('POST', '/api/comments/preview', {
      as: reader,
      body: 'body=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
  });
});

describe('GET /api/posts/:idOrSlug/comments/viewer', () => {
  it('tells anonymous readers nothing, readers what they like and may still edit, editors what they may do', async () => {
    const { author, writer, post, comment } = await scene();
    const admin = await t.factories.user({ role: 'admin' });
    const empty = { liked: [], own: [], pending: [], canPin: false, canModerate: false, total: expect.any(Number) };
    expect(await read(await t.request('GET', `/api/posts/${post.id}/comments/viewer`), CommentViewerSchema)).toEqual(
      empty,
    );
    const reader = await t.factories.user();
    await read(await like(comment, reader), CommentLikeStateSchema);
    const mine = await t.factories.comment(post, reader, { body: 'Mine *own*' });
    await t.factories.comment(post, reader, { status: 'hidden' });
    const state = await read(
      await t.request('GET', `/api/posts/${post.slug}/comments/viewer`, { as: reader }),
      CommentViewerSchema,
    );
    expect(state).toMatchObject({ liked: [comment.id], canPin: false, canModerate: false });
    expect(state.own.map((own) => [own.id, own.bodyMarkdown])).toEqual([[mine.id, 'Mine *own*']]);
    expect(
      await read(await t.request('GET', `/api/posts/${post.id}/comments/viewer`, { as: author }), CommentViewerSchema),
    ).toMatchObject({ canPin: true, canModerate: false });
    expect(
      await read(await t.request('GET', `/api/posts/${post.id}/comments/viewer`, { as: admin }), CommentViewerSchema),
    ).toMatchObject({ canPin: true, canModerate: true });
    expect(
      (await read(await t.request('GET', `/api/posts/${post.id}/comments/viewer`, { as: writer }), CommentViewerSchema))
        .own,
    ).toHaveLength(1);
    t.setNow(new Date(Date.now() + 16 * 60 * 1000));
    try {
      const later = await read(
        await t.request('GET', `/api/posts/${post.id}/comments/viewer`, { as: reader }),
        CommentViewerSchema,
      );
      expect(later.own).toEqual([]);
    } finally {
      t.setNow(null);
    }
    await refused(await t.request('GET', '/api/posts/999999999/comments/viewer'), 404, 'not_found');
  });
});

describe('sorted comment pages', () => {
  /** Every top-level thread of the post, following nextCursor with `limit`. */
  async function walk(post: Post, sort: CommentSort, limit: number) {
    const items: CommentOut[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await read(await t.request('GET', `/api/posts/${post.id}/comments${query}`), CommentPageSchema);
      for (const thread of page.items) {
        const replyIds = thread.replies.map((reply) => reply.id);
        expect(replyIds).toEqual([...replyIds].sort((a, b) => a - b));
        items.push(thread);
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 100);
    return items;
  }

  it('orders threads exactly as compareThreads does, over random likes with ties and pins, on every page size', async () => {
    const { author, post } = await scene();
    const users = await Promise.all(Array.from({ length: 6 }, () => t.factories.user()));
    const top: Comment[] = [];
    for (let i = 0; i < 23; i++) {
      const writer = users[i % users.length];
      if (!writer) throw new Error('no user');
      const comment = await t.factories.comment(post, writer, { status: i % 9 === 4 ? 'hidden' : 'visible' });
      top.push(comment);
      if (i % 3 === 0) await t.factories.comment(post, writer, { parent: comment });
    }
    // Likes 0–3 (many ties), written like the API writes them (hooks and all).
    for (const [index, comment] of top.entries()) {
      const likes = (index * 7) % 4;
      for (const fan of users.slice(0, likes)) {
        if (fan.id === comment.authorId) continue;
        await t.db.transaction((transaction) =>
          t.db.models.CommentLike.create({ commentId: comment.id, userId: fan.id }, { transaction }),
        );
      }
    }
    const [p1, p2] = [top[5], top[17]];
    if (!p1 || !p2) throw new Error('no comments');
    await read(await pin(p1, author), CommentSchema);
    t.setNow(new Date(Date.now() + 1000));
    await read(await pin(p2, author), CommentSchema);
    t.setNow(null);

    // What a thread list must hold: visible top-level comments, and hidden ones with visible replies.
    const rows = await t.db.models.Comment.findAll({ where: { postId: post.id } });
    const withReplies = new Set(
      rows.filter((r) => r.parentId !== null && r.status === 'visible').map((r) => r.parentId),
    );
    const listed = rows
      .filter((r) => r.parentId === null && (r.status === 'visible' || withReplies.has(r.id)))
      .map((r) => ({ id: r.id, likesCount: r.likesCount, pinnedAt: r.pinnedAt ? r.pinnedAt.toISOString() : null }));
    for (const sort of ['oldest', 'newest', 'top'] as const) {
      const expected = [...listed].sort(compareThreads(sort)).map((c) => c.id);
      for (const limit of [1, 4, 7, 100]) {
        const got = await walk(post, sort, limit);
        expect(
          got.map((c) => c.id),
          `${sort}, limit ${limit}`,
        ).toEqual(expected);
        expect([...got].sort(compareThreads(sort)).map((c) => c.id)).toEqual(expected);
      }
    }
  });

  it('refuses a cursor of another sort and bad sorts with 400', async () => {
    const { post } = await scene();
    await refused(await t.request('GET', `/api/posts/${post.id}/comments?sort=top&cursor=5`), 400, 'invalid_request');
    await refused(
      await t.request('GET', `/api/posts/${post.id}/comments?sort=newest&cursor=1.5`),
      400,
      'invalid_request',
    );
    await refused(await t.request('GET', `/api/posts/${post.id}/comments?sort=best`), 400, 'invalid_request');
    await refused(
      await t.request('GET', `/api/posts/${post.id}/comments?sort=top&cursor=1.2.3`),
      400,
      'invalid_request',
    );
    // Cursors past every row are just the end.
    const page = await read(
      await t.request('GET', `/api/posts/${post.id}/comments?sort=top&cursor=0.9999999999`),
      CommentPageSchema,
    );
    expect(page.items).toHaveLength(0);
  });
});

describe('avatars', () => {
  it('are null with AVATARS=initials (the default) and Gravatar URLs with AVATARS=gravatar', async () => {
    const { post, writer } = await scene();
    const page = await read(await t.request('GET', `/api/posts/${post.id}/comments`), CommentPageSchema);
    expect(page.items[0]?.author.avatarUrl).toBeNull();

    const g = await createTestContext({ AVATARS: 'gravatar' });
    try {
      const author = await g.factories.user({ role: 'author' });
      const reader = await g.factories.user({ email: `Mixed.Case${Date.now()}@Example.com` });
      const gpost = await g.factories.post(author);
      await g.factories.comment(gpost, reader);
      const gpage = await read(await g.request('GET', `/api/posts/${gpost.id}/comments`), CommentPageSchema);
      const url = gpage.items[0]?.author.avatarUrl;
      expect(url).toBe(gravatarUrl(reader.email));
      expect(url).toMatch(/^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{64}\?s=80&d=identicon$/);
      const created = await read(
        await g.request('POST', `/api/posts/${gpost.id}/comments`, { as: reader, json: { body: 'Hi' } }),
        CommentSchema,
        201,
      );
      expect(created.author.avatarUrl).toBe(url);
    } finally {
      await g.destroy();
    }
    expect(writer.id).toBeGreaterThan(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRowsFor, detailsOf, read } from '../../../test/admin.js';
import { createTestContext, type TestContext, unique } from '../../../test/app.js';
import type { User } from '../../db/models/index.js';
import { findCountDrift } from '../../db/recount.js';
import { PostListSchema } from '../posts/schema.js';
import { AdminCommentListSchema, AdminCommentSchema } from './content.schema.js';
import { AdminUserListSchema } from './users.schema.js';

let t: TestContext;
let admin: User;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.factories.user({ role: 'admin' });
});
afterAll(async () => {
  await t.destroy();
});

async function posts(query: string, as: User = admin) {
  return read(await t.request('GET', `/api/admin/posts?${query}`, { as }), 200, PostListSchema);
}

async function comments(query: string) {
  return read(await t.request('GET', `/api/admin/comments?${query}`, { as: admin }), 200, AdminCommentListSchema);
}

/** The SQL statements sent while `action` runs. */
async function queriesDuring(action: () => Promise<unknown>): Promise<number> {
  let statements = 0;
  const hookName = 'admin-queries-counter';
  t.db.sequelize.addHook('afterQuery', hookName, () => {
    statements += 1;
  });
  try {
    await action();
  } finally {
    t.db.sequelize.removeHook('afterQuery', hookName);
  }
  return statements;
}

describe('GET /api/admin/posts', () => {
  it('lists every status and filters by status, author, category, uncategorised and title', async () => {
    const marker = unique('pz');
    const alice = await t.factories.user({ role: 'author' });
    const bob = await t.factories.user({ role: 'author' });
    const news = await t.factories.category();
    const a1 = await t.factories.post(alice, { title: `Alpha ${marker}`, category: news });
    const a2 = await t.factories.post(alice, { title: `Beta ${marker}`, status: 'draft' });
    const b1 = await t.factories.post(bob, { title: `Gamma ${marker}`, category: news, status: 'draft' });
    const ids = async (query: string) => (await posts(`q=${marker}&${query}`)).items.map((p) => p.id).sort();

    expect(await ids('')).toEqual([a1.id, a2.id, b1.id].sort());
    expect(await ids('status=draft')).toEqual([a2.id, b1.id].sort());
    expect(await ids('status=published')).toEqual([a1.id]);
    expect(await ids(`author=${alice.id}`)).toEqual([a1.id, a2.id].sort());
    expect(await ids(`category=${news.id}`)).toEqual([a1.id, b1.id].sort());
    expect(await ids('category=none')).toEqual([a2.id]);
    expect(await ids(`category=${news.id}&status=draft&author=${bob.id}`)).toEqual([b1.id]);
    expect(await ids(`category=${2_000_000_000}`)).toEqual([]);
    expect((await posts(`q=${encodeURIComponent(`gamma ${marker}`.toUpperCase())}`)).items.map((p) => p.id)).toEqual([
      b1.id,
    ]);

    const [draft] = (await posts(`q=${encodeURIComponent(`Beta ${marker}`)}`)).items;
    expect(draft).toMatchObject({
      id: a2.id,
      status: 'draft',
      author: { id: alice.id, name: alice.name },
      category: null,
      publishedAt: null,
    });
    expect(draft).not.toHaveProperty('bodyMarkdown');
  });

  it('sorts by title, publication, comments and dates, drafts last by publication either way', async () => {
    const marker = unique('ps');
    const author = await t.factories.user({ role: 'author' });
    const reader = await t.factories.user();
    t.setNow(new Date('2026-01-01T00:00:00Z'));
    const old = await t.factories.post(author, { title: `b ${marker}` });
    t.setNow(new Date('2026-02-01T00:00:00Z'));
    const recent = await t.factories.post(author, { title: `C ${marker}` });
    const draft = await t.factories.post(author, { title: `a ${marker}`, status: 'draft' });
    t.setNow(new Date());
    await t.factories.comment(old, reader);
    await t.factories.comment(old, reader);
    await t.factories.comment(recent, reader);
    const order = async (query: string) => (await posts(`q=${marker}&${query}`)).items.map((p) => p.id);

    expect(await order('sort=title')).toEqual([draft.id, old.id, recent.id]);
    expect(await order('sort=title&order=desc')).toEqual([recent.id, old.id, draft.id]);
    expect(await order('sort=published')).toEqual([recent.id, old.id, draft.id]);
    expect(await order('sort=published&order=asc')).toEqual([old.id, recent.id, draft.id]);
    expect(await order('sort=commentsCount')).toEqual([old.id, recent.id, draft.id]);
    expect(await order('sort=created&order=asc')).toEqual([old.id, recent.id, draft.id]);
    expect(await order('sort=created')).toEqual([draft.id, recent.id, old.id]);
  });

  it('paginates with the total of all pages', async () => {
    const marker = unique('pp');
    const author = await t.factories.user({ role: 'author' });
    for (let i = 0; i < 5; i++) await t.factories.post(author, { title: `T${i} ${marker}` });
    const first = await posts(`q=${marker}&sort=title&limit=2`);
    const last = await posts(`q=${marker}&sort=title&limit=2&page=3`);
    expect(first).toMatchObject({ page: 1, limit: 2, total: 5, totalPages: 3 });
    expect(first.items.map((p) => p.title)).toEqual([`T0 ${marker}`, `T1 ${marker}`]);
    expect(last.items.map((p) => p.title)).toEqual([`T4 ${marker}`]);
  });
});

describe('GET /api/admin/comments', () => {
  async function queue() {
    const marker = unique('cq');
    const author = await t.factories.user({ role: 'author' });
    const ann = await t.factories.user({ name: 'Ann' });
    const ben = await t.factories.user({ name: 'Ben' });
    const post = await t.factories.post(author, { title: `On ${marker}` });
    const draft = await t.factories.post(author, { status: 'draft' });
    const c1 = await t.factories.comment(post, ann, { body: `Spam 50% OFF ${marker}` });
    const c2 = await t.factories.comment(post, ben, { body: `Nice post ${marker}`, status: 'hidden' });
    const c3 = await t.factories.comment(post, ann, { parent: c1, body: `Reply ${marker}` });
    const c4 = await t.factories.comment(draft, ben, { body: `Preview ${marker}` });
    return { marker, post, draft, ann, ben, c1, c2, c3, c4 };
  }

  it('lists every status, newest first, with the source, the post and the author', async () => {
    const { marker, post, ann, c1, c2, c3, c4 } = await queue();
    const all = await comments(`q=${marker}`);
    expect(all.items.map((c) => c.id)).toEqual([c4.id, c3.id, c2.id, c1.id]);
    expect(all.total).toBe(4);
    expect(all.items.find((c) => c.id === c2.id)).toMatchObject({
      status: 'hidden',
      bodyMarkdown: `Nice post ${marker}`,
      post: { id: post.id, title: `On ${marker}`, slug: post.slug, status: 'published' },
    });
    expect(all.items.find((c) => c.id === c3.id)).toMatchObject({
      parentId: c1.id,
      author: { id: ann.id, name: 'Ann' },
    });
    expect((await comments(`q=${marker}&order=asc`)).items.map((c) => c.id)).toEqual([c1.id, c2.id, c3.id, c4.id]);
  });

  it('filters by post, author, status and text', async () => {
    const { marker, post, draft, ann, ben, c1, c2, c3, c4 } = await queue();
    const ids = async (query: string) => (await comments(`q=${marker}&${query}`)).items.map((c) => c.id).sort();
    expect(await ids(`post=${post.id}`)).toEqual([c1.id, c2.id, c3.id].sort());
    expect(await ids(`post=${draft.id}`)).toEqual([c4.id]);
    expect(await ids(`author=${ann.id}`)).toEqual([c1.id, c3.id].sort());
    expect(await ids('status=hidden')).toEqual([c2.id]);
    expect(await ids(`status=visible&author=${ben.id}`)).toEqual([c4.id]);
    expect((await comments(`q=${encodeURIComponent('50% off')}&post=${post.id}`)).items.map((c) => c.id)).toEqual([
      c1.id,
    ]);
    expect((await comments(`q=${encodeURIComponent('50_ off')}&post=${post.id}`)).total).toBe(0);
  });

  it('paginates', async () => {
    const { marker } = await queue();
    const page = await comments(`q=${marker}&limit=3&page=2`);
    expect(page).toMatchObject({ page: 2, limit: 3, total: 4, totalPages: 2 });
    expect(page.items).toHaveLength(1);
  });
});

describe('POST /api/admin/comments/:id/hide and /unhide', () => {
  it('takes the comment off the counts and back, idempotently, and audits each call', async () => {
    const author = await t.factories.user({ role: 'author' });
    const reader = await t.factories.user();
    const post = await t.factories.post(author);
    const comment = await t.factories.comment(post, reader);
    const hide = () => t.request('POST', `/api/admin/comments/${comment.id}/hide`, { as: admin });
    const unhide = () => t.request('POST', `/api/admin/comments/${comment.id}/unhide`, { as: admin });

    expect(await read(await hide(), 200, AdminCommentSchema)).toMatchObject({ id: comment.id, status: 'hidden' });
    expect((await post.reload()).commentsCount).toBe(0);
    expect((await reader.reload()).commentsCount).toBe(0);
    await read(await hide(), 200, AdminCommentSchema);
    expect((await post.reload()).commentsCount).toBe(0);
    // Readers see the hidden comment's place, not its body.
    const thread = await t.request('GET', `/api/posts/${post.id}/comments`);
    expect(JSON.stringify(await thread.json())).not.toContain('A comment.');

    expect(await read(await unhide(), 200, AdminCommentSchema)).toMatchObject({ status: 'visible' });
    expect((await post.reload()).commentsCount).toBe(1);
    expect((await reader.reload()).commentsCount).toBe(1);
    expect(await findCountDrift(t.db)).toEqual([]);

    const rows = await auditRowsFor(t, 'comment', comment.id);
    expect(rows.map((row) => [row.action, row.actorId, detailsOf(row).already])).toEqual([
      ['comment.hide', admin.id, false],
      ['comment.hide', admin.id, true],
      ['comment.unhide', admin.id, false],
    ]);
  });
});

describe('DELETE /api/admin/comments/:id', () => {
  it('deletes a comment with its replies, counts exact, audited', async () => {
    const author = await t.factories.user({ role: 'author' });
    const reader = await t.factories.user();
    const other = await t.factories.user();
    const post = await t.factories.post(author);
    const top = await t.factories.comment(post, reader);
    await t.factories.comment(post, other, { parent: top });
    await t.factories.comment(post, other, { parent: top, status: 'hidden' });
    const kept = await t.factories.comment(post, other);

    expect((await t.request('DELETE', `/api/admin/comments/${top.id}`, { as: admin })).status).toBe(204);
    expect((await t.db.models.Comment.findAll({ where: { postId: post.id } })).map((c) => c.id)).toEqual([kept.id]);
    expect((await post.reload()).commentsCount).toBe(1);
    expect((await reader.reload()).commentsCount).toBe(0);
    expect((await other.reload()).commentsCount).toBe(1);
    expect(await findCountDrift(t.db)).toEqual([]);
    const rows = await auditRowsFor(t, 'comment', top.id);
    expect(rows.map((row) => [row.action, detailsOf(row)])).toEqual([
      ['comment.delete', { postId: post.id, authorId: reader.id, replies: 2 }],
    ]);
  });
});

describe('queries per list', () => {
  it('do not grow with the page size (users, posts, comments, audit)', async () => {
    const marker = unique('nq');
    const author = await t.factories.user({ role: 'author', name: `Author ${marker}` });
    const category = await t.factories.category();
    for (let i = 0; i < 12; i++) {
      const post = await t.factories.post(author, { title: `Q${i} ${marker}`, category });
      const reader = await t.factories.user({ name: `Reader ${marker}` });
      await t.factories.comment(post, reader, { body: `C${i} ${marker}` });
      await t.request('POST', `/api/admin/users/${reader.id}/ban`, { as: admin });
    }
    for (const path of ['/api/admin/users', '/api/admin/posts', '/api/admin/comments', '/api/admin/audit']) {
      const query = path.endsWith('audit') ? 'action=user' : `q=${marker}`;
      const small = await queriesDuring(() => t.request('GET', `${path}?${query}&limit=2`, { as: admin }));
      const large = await queriesDuring(() => t.request('GET', `${path}?${query}&limit=12`, { as: admin }));
      expect(`${path}: ${large}`).toBe(`${path}: ${small}`);
    }
    const users = await read(
      await t.request('GET', `/api/admin/users?q=${marker}&limit=12`, { as: admin }),
      200,
      AdminUserListSchema,
    );
    expect(users.total).toBe(13);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRowsFor, detailsOf, expectError, read } from '../../../test/admin.js';
import { createTestContext, type TestContext, unique } from '../../../test/app.js';
import type { Comment, User } from '../../db/models/index.js';
import { findCountDrift } from '../../db/recount.js';
import { ErrorSchema } from '../../lib/openapi.js';
import { WEBHOOK_JOB } from '../publishing/service.js';
import { BULK_MAX_IDS, BulkResultSchema } from './schema.js';

let t: TestContext;
let admin: User;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.factories.user({ role: 'admin' });
});
afterAll(async () => {
  await t.destroy();
});

const MISSING = 2_000_000_000;

function bulk(json: unknown, as: User = admin) {
  return t.request('POST', '/api/admin/bulk', { as, json });
}

async function applied(json: unknown) {
  return read(await bulk(json), 200, BulkResultSchema);
}

/** The `bulk` summary rows written since row `afterId`. */
async function bulkRowsAfter(afterId: number) {
  const rows = await t.db.models.AuditLog.findAll({ where: { action: 'bulk' }, order: [['id', 'ASC']] });
  return rows.filter((row) => row.id > afterId);
}

async function lastAuditId(): Promise<number> {
  const last = await t.db.models.AuditLog.findOne({ order: [['id', 'DESC']], attributes: ['id'] });
  return last?.id ?? 0;
}

describe('bulk actions on users', () => {
  it('deletes the deletable and reports unknown, refused, own and repeated ids per id', async () => {
    const author = await t.factories.user({ role: 'author' });
    const plain = await t.factories.user();
    const commenter = await t.factories.user();
    const post = await t.factories.post(author);
    await t.factories.comment(post, commenter);
    await t.factories.comment(post, commenter);
    const before = await lastAuditId();

    const result = await applied({
      resource: 'users',
      action: 'delete',
      ids: [plain.id, MISSING, author.id, admin.id, commenter.id, plain.id],
    });
    expect(result).toMatchObject({ resource: 'users', action: 'delete', applied: 2, failed: 3 });
    expect(result.results).toEqual([
      { id: plain.id, ok: true },
      { id: MISSING, ok: false, error: 'not_found', message: 'User not found.' },
      { id: author.id, ok: false, error: 'author_has_posts', message: expect.stringContaining('1 post') },
      { id: admin.id, ok: false, error: 'own_account', message: expect.any(String) },
      { id: commenter.id, ok: true },
    ]);
    const { User } = t.db.models;
    expect(await User.findByPk(plain.id)).toBeNull();
    expect(await User.findByPk(commenter.id)).toBeNull();
    expect(await User.findByPk(author.id)).not.toBeNull();
    expect((await post.reload()).commentsCount).toBe(0);
    expect(await findCountDrift(t.db)).toEqual([]);

    // One row per applied id, and one for the batch with the failures.
    expect((await auditRowsFor(t, 'user', plain.id)).map((row) => row.action)).toEqual(['user.delete']);
    expect((await auditRowsFor(t, 'user', commenter.id)).map((row) => row.action)).toEqual(['user.delete']);
    expect(await auditRowsFor(t, 'user', author.id)).toEqual([]);
    const [summary, ...more] = await bulkRowsAfter(before);
    expect(more).toEqual([]);
    expect(summary && detailsOf(summary)).toEqual({
      action: 'delete',
      requested: 5,
      applied: 2,
      failed: [
        { id: MISSING, error: 'not_found' },
        { id: author.id, error: 'author_has_posts' },
        { id: admin.id, error: 'own_account' },
      ],
    });
    expect(summary).toMatchObject({ actorId: admin.id, targetType: 'users', targetId: null });
  });

  it('bans with every session revoked, verifies and unbans', async () => {
    const a = await t.factories.user({ verified: false });
    const b = await t.factories.user();
    const cookie = await t.factories.sessionCookie(b);
    const banned = await applied({ resource: 'users', action: 'ban', ids: [a.id, b.id, MISSING] });
    expect(banned.results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(await t.db.models.Session.count({ where: { userId: [a.id, b.id] } })).toBe(0);
    expect((await t.request('GET', '/api/auth/me', { as: cookie })).status).toBe(401);
    expect((await a.reload()).bannedAt).not.toBeNull();

    const verified = await applied({ resource: 'users', action: 'verify', ids: [a.id, b.id] });
    expect(verified).toMatchObject({ applied: 2, failed: 0 });
    expect((await a.reload()).emailVerifiedAt).not.toBeNull();

    await applied({ resource: 'users', action: 'unban', ids: [a.id, b.id] });
    expect((await a.reload()).bannedAt).toBeNull();
    expect((await b.reload()).bannedAt).toBeNull();
    expect((await auditRowsFor(t, 'user', a.id)).map((row) => row.action)).toEqual([
      'user.ban',
      'user.verify',
      'user.unban',
    ]);
  });
});

describe('bulk actions on posts', () => {
  it('publishes, unpublishes and deletes with counts exact and the site told after commit', async () => {
    const author = await t.factories.user({ role: 'author' });
    const category = await t.factories.category();
    const first = await t.factories.post(author, { status: 'draft', category });
    const second = await t.factories.post(author, { status: 'draft', category });
    const ids = [first.id, second.id];
    const jobs = () => t.db.models.Job.count({ where: { kind: WEBHOOK_JOB } });
    const jobsBefore = await jobs();
    const changesBefore = (await t.publishEvents()).length;

    const published = await applied({ resource: 'posts', action: 'publish', ids: [...ids, MISSING] });
    expect(published.results.map((r) => [r.ok, r.error])).toEqual([
      [true, undefined],
      [true, undefined],
      [false, 'not_found'],
    ]);
    expect((await author.reload()).postsCount).toBe(2);
    expect((await category.reload()).postsCount).toBe(2);
    expect(await jobs()).toBe(jobsBefore + 2);
    expect((await t.publishEvents()).slice(changesBefore).map((c) => [c.event, c.postId])).toEqual([
      ['published', first.id],
      ['published', second.id],
    ]);
    const reader = await t.factories.user();
    await t.factories.comment(first, reader);

    await applied({ resource: 'posts', action: 'unpublish', ids: [first.id] });
    expect((await author.reload()).postsCount).toBe(1);
    expect((await category.reload()).postsCount).toBe(1);

    const deleted = await applied({ resource: 'posts', action: 'delete', ids });
    expect(deleted).toMatchObject({ applied: 2, failed: 0 });
    expect(await t.db.models.Post.count({ where: { id: ids } })).toBe(0);
    expect((await author.reload()).postsCount).toBe(0);
    expect((await category.reload()).postsCount).toBe(0);
    expect((await reader.reload()).commentsCount).toBe(0);
    expect((await t.publishEvents()).slice(changesBefore).map((c) => c.event)).toEqual([
      'published',
      'published',
      'unpublished',
      'deleted',
    ]);
    expect(await findCountDrift(t.db)).toEqual([]);
    expect((await auditRowsFor(t, 'post', first.id)).map((row) => row.action)).toEqual([
      'post.publish',
      'post.unpublish',
      'post.delete',
    ]);
  });
});

describe('bulk actions on comments', () => {
  async function thread() {
    const author = await t.factories.user({ role: 'author' });
    const reader = await t.factories.user();
    const post = await t.factories.post(author);
    const top = await t.factories.comment(post, reader);
    const replies = [
      await t.factories.comment(post, author, { parent: top }),
      await t.factories.comment(post, author, { parent: top }),
    ];
    const lone = await t.factories.comment(post, reader);
    return { author, reader, post, top, replies, lone };
  }

  it('hides and unhides with counts exact', async () => {
    const { reader, post, top, lone } = await thread();
    const hidden = await applied({ resource: 'comments', action: 'hide', ids: [top.id, lone.id, MISSING] });
    expect(hidden).toMatchObject({ applied: 2, failed: 1 });
    expect((await post.reload()).commentsCount).toBe(2);
    expect((await reader.reload()).commentsCount).toBe(0);
    await applied({ resource: 'comments', action: 'unhide', ids: [top.id] });
    expect((await post.reload()).commentsCount).toBe(3);
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('deletes a parent and its replies listed in either order, each reported as done', async () => {
    const a = await thread();
    const [r1, r2] = a.replies as [Comment, Comment];
    const afterParent = await applied({ resource: 'comments', action: 'delete', ids: [a.top.id, r1.id, r2.id] });
    expect(afterParent.results).toEqual([
      { id: a.top.id, ok: true },
      { id: r1.id, ok: true, message: expect.any(String) },
      { id: r2.id, ok: true, message: expect.any(String) },
    ]);
    const b = await thread();
    const [s1] = b.replies as [Comment, Comment];
    const beforeParent = await applied({ resource: 'comments', action: 'delete', ids: [s1.id, b.top.id, b.lone.id] });
    expect(beforeParent).toMatchObject({ applied: 3, failed: 0 });
    expect((await a.post.reload()).commentsCount).toBe(1);
    expect((await b.post.reload()).commentsCount).toBe(0);
    expect(await t.db.models.Comment.count({ where: { postId: [a.post.id, b.post.id] } })).toBe(1);
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('takes the largest allowed batch, reporting each unknown id', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const made: number[] = [];
    for (let i = 0; i < BULK_MAX_IDS / 2; i++) made.push((await t.factories.comment(post, author)).id);
    const unknown = Array.from({ length: BULK_MAX_IDS / 2 }, (_, i) => MISSING + i);
    const result = await applied({ resource: 'comments', action: 'hide', ids: [...unknown, ...made] });
    expect(result).toMatchObject({ applied: BULK_MAX_IDS / 2, failed: BULK_MAX_IDS / 2 });
    expect(result.results).toHaveLength(BULK_MAX_IDS);
    expect(result.results.filter((r) => !r.ok).map((r) => r.id)).toEqual(unknown);
    expect((await post.reload()).commentsCount).toBe(0);
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});

describe('bulk requests that are refused whole', () => {
  it('answers too many ids, no ids, bad ids, unknown resources and actions with 422, applying nothing', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const comment = await t.factories.comment(post, author);
    const before = await lastAuditId();
    const tooMany = [comment.id, ...Array.from({ length: BULK_MAX_IDS }, (_, i) => MISSING + i)];
    for (const json of [
      { resource: 'comments', action: 'hide', ids: tooMany },
      { resource: 'comments', action: 'hide', ids: [] },
      { resource: 'comments', action: 'hide', ids: [comment.id, 0] },
      { resource: 'comments', action: 'hide', ids: [comment.id, -1] },
      { resource: 'comments', action: 'hide', ids: [comment.id, 1.5] },
      { resource: 'comments', action: 'hide', ids: [String(comment.id)] },
      { resource: 'comments', action: 'hide', ids: comment.id },
      { resource: 'comments', action: 'explode', ids: [comment.id] },
      { resource: 'categories', action: 'delete', ids: [comment.id] },
      { resource: 'comments', action: 'hide', ids: [comment.id], force: true },
      { action: 'hide', ids: [comment.id] },
    ]) {
      await expectError(await bulk(json), 422, 'validation_failed');
    }
    const wrongPair = await expectError(
      await bulk({ resource: 'users', action: 'publish', ids: [admin.id] }),
      422,
      'unsupported_action',
    );
    expect(wrongPair.message).toBe('Bulk actions on users: ban, unban, verify, delete.');
    expect((await comment.reload()).status).toBe('visible');
    expect(await lastAuditId()).toBe(before);
  });

  it('rolls back the whole batch, audit rows included, when an unexpected error strikes mid-way', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const comments = [
      await t.factories.comment(post, author),
      await t.factories.comment(post, author),
      await t.factories.comment(post, author),
    ];
    const [first, second, third] = comments.map((c) => c.id);
    const before = await lastAuditId();
    const hook = unique('boom');
    t.db.models.Comment.addHook('beforeUpdate', hook, (comment: Comment) => {
      if (comment.id === third) throw new Error('disk on fire');
    });
    try {
      const res = await bulk({ resource: 'comments', action: 'hide', ids: [first, second, third] });
      const body = ErrorSchema.parse(await res.json());
      expect(res.status).toBe(500);
      expect(body.error.code).toBe('internal_error');
    } finally {
      t.db.models.Comment.removeHook('beforeUpdate', hook);
    }
    for (const comment of comments) expect((await comment.reload()).status).toBe('visible');
    expect((await post.reload()).commentsCount).toBe(3);
    expect(await lastAuditId()).toBe(before);
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRowsFor, detailsOf, expectError, read } from '../../../test/admin.js';
import { createTestContext, type TestContext, unique } from '../../../test/app.js';
import type { User } from '../../db/models/index.js';
import { findCountDrift } from '../../db/recount.js';
import { AdminStatsSchema, AuditListSchema, RecountResultSchema } from './schema.js';

let t: TestContext;
let admin: User;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.factories.user({ role: 'admin', name: 'Root Admin' });
});
afterAll(async () => {
  await t.destroy();
});

async function stats() {
  return read(await t.request('GET', '/api/admin/stats', { as: admin }), 200, AdminStatsSchema);
}

async function audit(query: string) {
  return read(await t.request('GET', `/api/admin/audit?${query}`, { as: admin }), 200, AuditListSchema);
}

describe('GET /api/admin/stats', () => {
  it('counts users, posts by status and comments by status, and shows the last build', async () => {
    const before = await stats();
    expect(before.lastBuild).toBeNull();

    const author = await t.factories.user({ role: 'author' });
    const unverified = await t.factories.user({ verified: false });
    await t.factories.user({ banned: true });
    const post = await t.factories.post(author);
    await t.factories.post(author, { status: 'draft' });
    await t.factories.post(author, { status: 'draft' });
    await t.factories.comment(post, unverified);
    await t.factories.comment(post, author, { status: 'hidden' });
    const { BuildEvent } = t.db.models;
    await BuildEvent.create({
      reason: 'older',
      postId: null,
      status: 'done',
      startedAt: null,
      finishedAt: null,
      durationMs: 10,
      pages: 3,
      error: null,
    });
    const last = await BuildEvent.create({
      reason: 'publish',
      postId: post.id,
      status: 'failed',
      startedAt: new Date('2026-03-01T10:00:00Z'),
      finishedAt: new Date('2026-03-01T10:00:02Z'),
      durationMs: 2000,
      pages: null,
      error: 'astro exited with 1',
    });

    const after = await stats();
    expect(after.users.total - before.users.total).toBe(3);
    expect(after.users.verified - before.users.verified).toBe(2);
    expect(after.users.banned - before.users.banned).toBe(1);
    expect(after.users.byRole.author - before.users.byRole.author).toBe(1);
    expect(after.users.byRole.user - before.users.byRole.user).toBe(2);
    expect(after.posts.published - before.posts.published).toBe(1);
    expect(after.posts.draft - before.posts.draft).toBe(2);
    expect(after.posts.total - before.posts.total).toBe(3);
    expect(after.comments.visible - before.comments.visible).toBe(1);
    expect(after.comments.hidden - before.comments.hidden).toBe(1);
    expect(after.comments.total - before.comments.total).toBe(2);
    expect(after.lastBuild).toMatchObject({
      id: last.id,
      reason: 'publish',
      postId: post.id,
      status: 'failed',
      durationMs: 2000,
      error: 'astro exited with 1',
      startedAt: '2026-03-01T10:00:00.000Z',
    });
  });
});

describe('GET /api/admin/audit', () => {
  it('lists actions newest first with the actor, filtered by action, action group and actor', async () => {
    const other = await t.factories.user({ role: 'admin', name: `Second ${unique('a')}` });
    const target = await t.factories.user();
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const comment = await t.factories.comment(post, target);
    await t.request('POST', `/api/admin/comments/${comment.id}/hide`, { as: other });
    await t.request('POST', `/api/admin/users/${target.id}/ban`, { as: other });
    await t.request('POST', `/api/admin/users/${target.id}/unban`, { as: admin });

    const mine = await audit(`actor=${other.id}`);
    expect(mine.items.map((e) => [e.action, e.targetType, e.targetId])).toEqual([
      ['user.ban', 'user', String(target.id)],
      ['comment.hide', 'comment', String(comment.id)],
    ]);
    expect(mine.items[0]).toMatchObject({ actor: { id: other.id, name: other.name }, details: { already: false } });
    expect(mine.total).toBe(2);

    const bans = await audit('action=user.ban');
    expect(bans.items.every((e) => e.action === 'user.ban')).toBe(true);
    expect(bans.items.map((e) => e.targetId)).toContain(String(target.id));
    const userActions = await audit(`action=user&actor=${other.id}`);
    expect(userActions.items.map((e) => e.action)).toEqual(['user.ban']);
    const newest = await audit('limit=1');
    expect(newest.items.map((e) => [e.action, e.actor?.name])).toEqual([['user.unban', 'Root Admin']]);
    expect(newest.totalPages).toBe(newest.total);
  });

  it('keeps the entries of a deleted admin, without an actor', async () => {
    const gone = await t.factories.user({ role: 'admin' });
    const target = await t.factories.user();
    await t.request('POST', `/api/admin/users/${target.id}/ban`, { as: gone });
    expect((await t.request('DELETE', `/api/admin/users/${gone.id}`, { as: admin })).status).toBe(204);
    const entries = await audit(`action=user.ban&limit=100`);
    const entry = entries.items.find((e) => e.targetId === String(target.id));
    expect(entry).toMatchObject({ actor: null, action: 'user.ban' });
  });

  it('answers bad filters with 400', async () => {
    for (const query of ['action=DROP%20TABLE', 'action=user.', 'action=%25', 'actor=0', 'actor=me', 'limit=500']) {
      await expectError(await t.request('GET', `/api/admin/audit?${query}`, { as: admin }), 400, 'invalid_request');
    }
  });
});

describe('POST /api/admin/recount', () => {
  it('repairs drift, reports it and audits it in the same transaction', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    await t.factories.comment(post, author);
    await t.db.sequelize.query('UPDATE posts SET comments_count = 7 WHERE id = ?', { replacements: [post.id] });

    // An audit row that cannot be written takes the repair down with it.
    const hook = unique('no-audit');
    t.db.models.AuditLog.addHook('beforeCreate', hook, () => {
      throw new Error('audit log unavailable');
    });
    try {
      expect((await t.request('POST', '/api/admin/recount', { as: admin })).status).toBe(500);
    } finally {
      t.db.models.AuditLog.removeHook('beforeCreate', hook);
    }
    expect((await post.reload()).commentsCount).toBe(7);

    const { fixed } = await read(
      await t.request('POST', '/api/admin/recount', { as: admin }),
      200,
      RecountResultSchema,
    );
    expect(fixed).toContainEqual({ table: 'posts', field: 'comments_count', id: post.id, stored: 7, actual: 1 });
    expect((await post.reload()).commentsCount).toBe(1);
    expect(await findCountDrift(t.db)).toEqual([]);
    const rows = await auditRowsFor(t, 'counts', null);
    expect(rows.map((row) => [row.action, row.actorId, detailsOf(row)])).toEqual([
      ['recount', admin.id, { fixed: fixed.length }],
    ]);
  });
});

describe('admin actions through the general routes', () => {
  it('audits an admin publishing, editing and deleting a post, category writes and moderating a comment', async () => {
    const t = await createTestContext();
    try {
      const admin = await t.factories.user({ role: 'admin' });
      const author = await t.factories.user({ role: 'author' });
      const reader = await t.factories.user();
      const post = await t.factories.post(author, { status: 'draft' });
      expect((await t.request('POST', `/api/posts/${post.id}/publish`, { as: admin })).status).toBe(200);
      expect((await t.request('PATCH', `/api/posts/${post.id}`, { as: admin, json: { title: 'Edited' } })).status).toBe(
        200,
      );
      const comment = await t.factories.comment(post, reader);
      expect((await t.request('DELETE', `/api/comments/${comment.id}`, { as: admin })).status).toBe(204);
      const created = await t.request('POST', '/api/categories', { as: admin, json: { name: 'Audited' } });
      expect(created.status).toBe(201);
      expect((await t.request('DELETE', '/api/categories/audited', { as: admin })).status).toBe(204);
      expect((await t.request('DELETE', `/api/posts/${post.id}`, { as: admin })).status).toBe(204);
      // An author's own edits are not admin actions.
      const own = await t.factories.post(author, { status: 'draft' });
      expect((await t.request('POST', `/api/posts/${own.id}/publish`, { as: author })).status).toBe(200);

      const rows = await t.db.models.AuditLog.findAll({ order: [['id', 'ASC']] });
      expect(rows.map((row) => [row.actorId, row.action, row.targetType])).toEqual([
        [admin.id, 'post.publish', 'post'],
        [admin.id, 'post.update', 'post'],
        [admin.id, 'comment.delete', 'comment'],
        [admin.id, 'category.create', 'category'],
        [admin.id, 'category.delete', 'category'],
        [admin.id, 'post.delete', 'post'],
      ]);
    } finally {
      await t.destroy();
    }
  });
});

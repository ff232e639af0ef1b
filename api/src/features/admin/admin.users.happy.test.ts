import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRowsFor, detailsOf, read } from '../../../test/admin.js';
import { createTestContext, type TestContext, unique } from '../../../test/app.js';
import type { User } from '../../db/models/index.js';
import { findCountDrift } from '../../db/recount.js';
import { AdminUserDetailSchema, AdminUserListSchema } from './users.schema.js';

let t: TestContext;
let admin: User;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.factories.user({ role: 'admin', name: 'The Admin' });
});
afterAll(async () => {
  await t.destroy();
});

async function list(query: string) {
  return read(await t.request('GET', `/api/admin/users?${query}`, { as: admin }), 200, AdminUserListSchema);
}

/** Users whose names carry a marker unique to one test, so other tests' users never match its searches. */
async function cast(marker: string) {
  const ada = await t.factories.user({ name: `Ada ${marker}`, email: `ada.${marker}@example.com`, role: 'author' });
  const bea = await t.factories.user({ name: `bea ${marker}`, email: `bea.${marker}@example.org`, verified: false });
  const cyd = await t.factories.user({ name: `Cyd ${marker}`, email: `cyd.${marker}@example.com`, banned: true });
  const dee = await t.factories.user({ name: `Dee ${marker}`, email: `dee.${marker}@example.net`, role: 'admin' });
  return { ada, bea, cyd, dee };
}

describe('GET /api/admin/users', () => {
  it('searches email and name case-insensitively and reports the total', async () => {
    const marker = unique('zq');
    const { ada, bea, cyd, dee } = await cast(marker);
    const all = await list(`q=${marker.toUpperCase()}&limit=100`);
    expect(all.total).toBe(4);
    expect(all.items.map((u) => u.id).sort()).toEqual([ada.id, bea.id, cyd.id, dee.id].sort());
    const byEmail = await list(`q=${encodeURIComponent(`bea.${marker}@EXAMPLE.ORG`)}`);
    expect(byEmail.items.map((u) => u.id)).toEqual([bea.id]);
    const byName = await list(`q=${encodeURIComponent(`cyd ${marker}`)}`);
    expect(byName.items.map((u) => u.id)).toEqual([cyd.id]);
    expect(byName.items[0]).toMatchObject({
      email: `cyd.${marker}@example.com`,
      name: `Cyd ${marker}`,
      role: 'user',
      verified: true,
      banned: true,
      postsCount: 0,
      commentsCount: 0,
    });
    expect(byName.items[0]).not.toHaveProperty('passwordHash');
  });

  it('takes %, _ and \\ in a search literally', async () => {
    const marker = unique('lit');
    const percent = await t.factories.user({ name: `100% ${marker}` });
    await t.factories.user({ name: `100x ${marker}` });
    const under = await t.factories.user({ name: `a_b ${marker}` });
    await t.factories.user({ name: `axb ${marker}` });
    expect((await list(`q=${encodeURIComponent(`0% ${marker}`)}`)).items.map((u) => u.id)).toEqual([percent.id]);
    expect((await list(`q=${encodeURIComponent(`a_b ${marker}`)}`)).items.map((u) => u.id)).toEqual([under.id]);
    expect((await list(`q=${encodeURIComponent(`\\ ${marker}`)}`)).total).toBe(0);
  });

  it('filters by role, verified and banned, alone and together', async () => {
    const marker = unique('flt');
    const { ada, bea, cyd, dee } = await cast(marker);
    const ids = async (query: string) => (await list(`q=${marker}&${query}`)).items.map((u) => u.id).sort();
    expect(await ids('role=author')).toEqual([ada.id]);
    expect(await ids('role=admin')).toEqual([dee.id]);
    expect(await ids('role=user')).toEqual([bea.id, cyd.id].sort());
    expect(await ids('verified=false')).toEqual([bea.id]);
    expect(await ids('verified=true')).toEqual([ada.id, cyd.id, dee.id].sort());
    expect(await ids('banned=true')).toEqual([cyd.id]);
    expect(await ids('banned=false&verified=true')).toEqual([ada.id, dee.id].sort());
    expect(await ids('role=user&banned=false')).toEqual([bea.id]);
  });

  it('sorts by created, name, email and the counts, both ways, newest first by default', async () => {
    const marker = unique('srt');
    const { ada, bea, cyd, dee } = await cast(marker);
    const post = await t.factories.post(ada);
    await t.factories.post(ada);
    for (const author of [bea, bea, bea, cyd]) await t.factories.comment(post, author);
    const order = async (query: string) => (await list(`q=${marker}&${query}`)).items.map((u) => u.id);
    expect(await order('')).toEqual([dee.id, cyd.id, bea.id, ada.id]);
    expect(await order('sort=created&order=asc')).toEqual([ada.id, bea.id, cyd.id, dee.id]);
    // Names compare without regard to case ("bea" between "Ada" and "Cyd").
    expect(await order('sort=name')).toEqual([ada.id, bea.id, cyd.id, dee.id]);
    expect(await order('sort=name&order=desc')).toEqual([dee.id, cyd.id, bea.id, ada.id]);
    expect(await order('sort=email')).toEqual([ada.id, bea.id, cyd.id, dee.id]);
    expect((await order('sort=postsCount'))[0]).toBe(ada.id);
    expect(await order('sort=commentsCount')).toEqual([bea.id, cyd.id, dee.id, ada.id]);
    expect(await order('sort=commentsCount&order=asc')).toEqual([ada.id, dee.id, cyd.id, bea.id]);
  });

  it('paginates with a stable order and the total of all pages', async () => {
    const marker = unique('pg');
    const made: number[] = [];
    for (let i = 0; i < 5; i++) made.push((await t.factories.user({ name: `P${i} ${marker}` })).id);
    const pages = [];
    for (const page of [1, 2, 3]) pages.push(await list(`q=${marker}&sort=name&limit=2&page=${page}`));
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((u) => u.id))).toEqual(made);
    for (const [i, page] of pages.entries()) {
      expect(page).toMatchObject({ page: i + 1, limit: 2, total: 5, totalPages: 3 });
    }
    expect(await list(`q=${marker}&page=9&limit=2`)).toMatchObject({ items: [], total: 5, page: 9 });
  });
});

describe('GET /api/admin/users/:id', () => {
  it('shows providers, live sessions, drafts and hidden comments', async () => {
    const user = await t.factories.user({ role: 'author' });
    const { Identity, Session } = t.db.models;
    await Identity.create({ userId: user.id, provider: 'kakao', subject: unique('k') });
    await Identity.create({ userId: user.id, provider: 'google', subject: unique('g') });
    await t.factories.sessionCookie(user);
    await Session.create({ id: unique('s'), userId: user.id, expiresAt: new Date(Date.now() + 60_000) });
    await Session.create({ id: unique('s'), userId: user.id, expiresAt: new Date(Date.now() - 60_000) });
    const post = await t.factories.post(user);
    await t.factories.post(user, { status: 'draft' });
    await t.factories.comment(post, user);
    await t.factories.comment(post, user, { status: 'hidden' });

    const detail = await read(
      await t.request('GET', `/api/admin/users/${user.id}`, { as: admin }),
      200,
      AdminUserDetailSchema,
    );
    expect(detail).toMatchObject({
      id: user.id,
      email: user.email,
      role: 'author',
      hasPassword: false,
      providers: ['google', 'kakao'],
      sessionCount: 2,
      postsCount: 1,
      draftsCount: 1,
      commentsCount: 1,
      hiddenCommentsCount: 1,
    });
  });
});

describe('PATCH /api/admin/users/:id', () => {
  it('changes the role and the verified mark, and audits what changed', async () => {
    const user = await t.factories.user({ verified: false });
    const promoted = await read(
      await t.request('PATCH', `/api/admin/users/${user.id}`, { as: admin, json: { role: 'author', verified: true } }),
      200,
      AdminUserDetailSchema,
    );
    expect(promoted).toMatchObject({ role: 'author', verified: true });
    expect(promoted.emailVerifiedAt).not.toBeNull();
    const unverified = await read(
      await t.request('PATCH', `/api/admin/users/${user.id}`, { as: admin, json: { verified: false } }),
      200,
      AdminUserDetailSchema,
    );
    expect(unverified).toMatchObject({ role: 'author', verified: false, emailVerifiedAt: null });

    const rows = await auditRowsFor(t, 'user', user.id);
    expect(rows.map((row) => [row.action, row.actorId])).toEqual([
      ['user.update', admin.id],
      ['user.update', admin.id],
    ]);
    expect(rows[0] && detailsOf(rows[0])).toEqual({
      changes: { role: { from: 'user', to: 'author' }, verified: { from: false, to: true } },
    });
    expect(rows[1] && detailsOf(rows[1])).toEqual({ changes: { verified: { from: true, to: false } } });
  });

  it('makes a new admin who can then use the admin API', async () => {
    const user = await t.factories.user();
    await read(
      await t.request('PATCH', `/api/admin/users/${user.id}`, { as: admin, json: { role: 'admin' } }),
      200,
      AdminUserDetailSchema,
    );
    expect((await t.request('GET', '/api/admin/stats', { as: user })).status).toBe(200);
  });
});

describe('POST /api/admin/users/:id/ban and /unban', () => {
  it('bans, ends every session of the account, and lifts the ban', async () => {
    const user = await t.factories.user();
    const cookie = await t.factories.sessionCookie(user);
    await t.db.models.Session.create({ id: unique('s'), userId: user.id, expiresAt: new Date(Date.now() + 60_000) });
    expect((await t.request('GET', '/api/auth/me', { as: cookie })).status).toBe(200);

    const banned = await read(
      await t.request('POST', `/api/admin/users/${user.id}/ban`, { as: admin }),
      200,
      AdminUserDetailSchema,
    );
    expect(banned).toMatchObject({ banned: true, sessionCount: 0 });
    expect(await t.db.models.Session.count({ where: { userId: user.id } })).toBe(0);
    expect((await t.request('GET', '/api/auth/me', { as: cookie })).status).toBe(401);

    // Banning again changes nothing and says so.
    await read(await t.request('POST', `/api/admin/users/${user.id}/ban`, { as: admin }), 200, AdminUserDetailSchema);
    const unbanned = await read(
      await t.request('POST', `/api/admin/users/${user.id}/unban`, { as: admin }),
      200,
      AdminUserDetailSchema,
    );
    expect(unbanned).toMatchObject({ banned: false, bannedAt: null });

    const rows = await auditRowsFor(t, 'user', user.id);
    expect(rows.map((row) => [row.action, detailsOf(row)])).toEqual([
      ['user.ban', { already: false, sessionsRevoked: 2 }],
      ['user.ban', { already: true, sessionsRevoked: 0 }],
      ['user.unban', { already: false }],
    ]);
  });

  it('keeps a banned user out of the public profile and their comments counted', async () => {
    const author = await t.factories.user({ role: 'author' });
    const user = await t.factories.user();
    const post = await t.factories.post(author);
    await t.factories.comment(post, user);
    await t.request('POST', `/api/admin/users/${user.id}/ban`, { as: admin });
    expect((await t.request('GET', `/api/users/${user.id}`)).status).toBe(404);
    expect((await user.reload()).commentsCount).toBe(1);
  });
});

describe('DELETE /api/admin/users/:id', () => {
  it('removes the user, their sessions, identities and comments, and replies to them, with counts exact', async () => {
    const author = await t.factories.user({ role: 'author' });
    const doomed = await t.factories.user();
    const bystander = await t.factories.user();
    const post = await t.factories.post(author);
    const other = await t.factories.post(author);
    const top = await t.factories.comment(post, doomed);
    await t.factories.comment(post, bystander, { parent: top });
    await t.factories.comment(post, doomed, { status: 'hidden' });
    await t.factories.comment(other, doomed);
    const kept = await t.factories.comment(other, bystander);
    await t.db.models.Identity.create({ userId: doomed.id, provider: 'google', subject: unique('g') });
    await t.factories.sessionCookie(doomed);

    expect((await t.request('DELETE', `/api/admin/users/${doomed.id}`, { as: admin })).status).toBe(204);

    const { User, Comment, Session, Identity } = t.db.models;
    expect(await User.findByPk(doomed.id)).toBeNull();
    expect(await Session.count({ where: { userId: doomed.id } })).toBe(0);
    expect(await Identity.count({ where: { userId: doomed.id } })).toBe(0);
    expect(await Comment.count({ where: { authorId: doomed.id } })).toBe(0);
    expect((await Comment.findAll({ where: { postId: [post.id, other.id] } })).map((c) => c.id)).toEqual([kept.id]);
    expect((await post.reload()).commentsCount).toBe(0);
    expect((await other.reload()).commentsCount).toBe(1);
    expect((await bystander.reload()).commentsCount).toBe(1);
    expect(await findCountDrift(t.db)).toEqual([]);

    const rows = await auditRowsFor(t, 'user', doomed.id);
    expect(rows.map((row) => [row.action, row.actorId, detailsOf(row)])).toEqual([
      ['user.delete', admin.id, { email: doomed.email, name: doomed.name, role: 'user' }],
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../../test/app.js';
import { RecountResultSchema } from '../features/admin/schema.js';
import type { Category, Post, User } from './models/index.js';
import { type CountDrift, findCountDrift, recount } from './recount.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

const ErrorBodySchema = z.object({ error: z.object({ code: z.string() }) });

/** Overwrites one counter behind the hooks' back. */
async function corrupt(table: CountDrift['table'], field: CountDrift['field'], id: number, value: number) {
  await t.db.sequelize.query(`UPDATE ${table} SET ${field} = ? WHERE id = ?`, { replacements: [value, id] });
}

/** An author with a published post in a category, a draft, and a reader's visible and hidden comments. */
async function buildBlog(): Promise<{ author: User; reader: User; category: Category; post: Post }> {
  const author = await t.factories.user({ role: 'author' });
  const reader = await t.factories.user();
  const category = await t.factories.category();
  const post = await t.factories.post(author, { category });
  await t.factories.post(author, { category, status: 'draft' });
  await t.factories.comment(post, reader);
  await t.factories.comment(post, reader);
  await t.factories.comment(post, reader, { status: 'hidden' });
  return { author, reader, category, post };
}

async function auditRowsBy(user: User) {
  return t.db.models.AuditLog.findAll({ where: { actorId: user.id } });
}

describe('recount', () => {
  it('reports exactly the counters that drifted and repairs them', async () => {
    const { author, reader, category, post } = await buildBlog();
    const other = await buildBlog();
    await corrupt('users', 'posts_count', author.id, 7);
    await corrupt('users', 'posts_count', other.author.id, 0);
    await corrupt('users', 'comments_count', reader.id, 0);
    await corrupt('categories', 'posts_count', category.id, -3);
    await corrupt('posts', 'comments_count', post.id, 5);

    const fixed = await recount(t.db);

    expect(fixed).toEqual([
      { table: 'users', field: 'posts_count', id: author.id, stored: 7, actual: 1 },
      { table: 'users', field: 'posts_count', id: other.author.id, stored: 0, actual: 1 },
      { table: 'users', field: 'comments_count', id: reader.id, stored: 0, actual: 2 },
      { table: 'categories', field: 'posts_count', id: category.id, stored: -3, actual: 1 },
      { table: 'posts', field: 'comments_count', id: post.id, stored: 5, actual: 2 },
    ]);
    expect(await findCountDrift(t.db)).toEqual([]);
    expect(await t.db.models.User.findByPk(author.id, { rejectOnEmpty: true })).toMatchObject({ postsCount: 1 });
    expect(await t.db.models.User.findByPk(reader.id, { rejectOnEmpty: true })).toMatchObject({ commentsCount: 2 });
    expect(await t.db.models.Category.findByPk(category.id, { rejectOnEmpty: true })).toMatchObject({ postsCount: 1 });
    expect(await t.db.models.Post.findByPk(post.id, { rejectOnEmpty: true })).toMatchObject({ commentsCount: 2 });
    expect(await recount(t.db)).toEqual([]);
  });
});

describe('POST /api/admin/recount', () => {
  it('lets an admin repair the counters, answers what was fixed and writes an audit row', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const { reader, post } = await buildBlog();
    await corrupt('users', 'comments_count', reader.id, 9);
    await corrupt('posts', 'comments_count', post.id, 0);

    const res = await t.request('POST', '/api/admin/recount', { as: admin });

    expect(res.status).toBe(200);
    expect(RecountResultSchema.parse(await res.json())).toEqual({
      fixed: [
        { table: 'users', field: 'comments_count', id: reader.id, stored: 9, actual: 2 },
        { table: 'posts', field: 'comments_count', id: post.id, stored: 0, actual: 2 },
      ],
    });
    expect(await findCountDrift(t.db)).toEqual([]);
    const audit = await auditRowsBy(admin);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'recount', targetType: 'counts', targetId: null });
    expect(JSON.parse(audit[0]?.details ?? '')).toEqual({ fixed: 2 });
  });

  it('refuses a signed-in user who is not an admin with 403 and repairs nothing', async () => {
    const user = await t.factories.user({ role: 'author' });
    const { author } = await buildBlog();
    await corrupt('users', 'posts_count', author.id, 4);

    const res = await t.request('POST', '/api/admin/recount', { as: user });

    expect(res.status).toBe(403);
    expect(ErrorBodySchema.parse(await res.json()).error.code).toBe('forbidden');
    expect(await auditRowsBy(user)).toHaveLength(0);
    expect(await recount(t.db)).toEqual([
      { table: 'users', field: 'posts_count', id: author.id, stored: 4, actual: 1 },
    ]);
  });

  it('refuses a request without a session with 401 and repairs nothing', async () => {
    const { category } = await buildBlog();
    await corrupt('categories', 'posts_count', category.id, 2);
    const auditRows = await t.db.models.AuditLog.count();

    const res = await t.request('POST', '/api/admin/recount');

    expect(res.status).toBe(401);
    expect(ErrorBodySchema.parse(await res.json()).error.code).toBe('unauthorized');
    expect(await t.db.models.AuditLog.count()).toBe(auditRows);
    expect(await recount(t.db)).toEqual([
      { table: 'categories', field: 'posts_count', id: category.id, stored: 2, actual: 1 },
    ]);
  });
});

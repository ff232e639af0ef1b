import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRowsFor, expectError } from '../../../test/admin.js';
import { createTestContext, type TestContext } from '../../../test/app.js';
import type { User } from '../../db/models/index.js';
import { findCountDrift } from '../../db/recount.js';

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

describe('unknown users', () => {
  it('answers every user route with 404 for an id that does not exist, writing no audit row', async () => {
    const path = `/api/admin/users/${MISSING}`;
    for (const [method, suffix, json] of [
      ['GET', '', undefined],
      ['PATCH', '', { role: 'author' }],
      ['POST', '/ban', undefined],
      ['POST', '/unban', undefined],
      ['DELETE', '', undefined],
    ] as const) {
      await expectError(
        await t.request(method, `${path}${suffix}`, { as: admin, ...(json ? { json } : {}) }),
        404,
        'not_found',
      );
    }
    expect(await auditRowsFor(t, 'user', MISSING)).toEqual([]);
  });

  it('answers ids that are not canonical positive integers with 400', async () => {
    for (const id of ['0', '-1', '1.5', '01', '1e3', 'abc', '99999999999']) {
      await expectError(await t.request('GET', `/api/admin/users/${id}`, { as: admin }), 400, 'invalid_request');
    }
  });
});

describe('deleting an author who owns posts', () => {
  it('answers 409 author_has_posts and changes nothing, drafts counting as posts', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { status: 'draft' });
    const other = await t.factories.post(admin);
    await t.factories.comment(other, author);
    await t.factories.sessionCookie(author);

    await expectError(
      await t.request('DELETE', `/api/admin/users/${author.id}`, { as: admin }),
      409,
      'author_has_posts',
    );
    expect(await t.db.models.User.findByPk(author.id)).not.toBeNull();
    expect(await t.db.models.Post.findByPk(post.id)).not.toBeNull();
    expect(await t.db.models.Comment.count({ where: { authorId: author.id } })).toBe(1);
    expect(await t.db.models.Session.count({ where: { userId: author.id } })).toBe(1);
    expect((await other.reload()).commentsCount).toBe(1);
    expect(await auditRowsFor(t, 'user', author.id)).toEqual([]);
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});

describe('bad input', () => {
  it('refuses a PATCH without role or verified, with unknown fields, or with wrong values (422)', async () => {
    const user = await t.factories.user();
    const path = `/api/admin/users/${user.id}`;
    for (const json of [
      {},
      { role: 'owner' },
      { role: 'ADMIN' },
      { verified: 'yes' },
      { verified: null },
      { role: 'author', bannedAt: null },
      { email: 'x@example.com' },
    ]) {
      await expectError(await t.request('PATCH', path, { as: admin, json }), 422, 'validation_failed');
    }
    expect(await t.db.models.User.findByPk(user.id)).toMatchObject({ role: 'user', email: user.email });
    expect(await auditRowsFor(t, 'user', user.id)).toEqual([]);
  });

  it('answers bad list queries with 400', async () => {
    for (const query of [
      'sort=password',
      'order=up',
      'role=owner',
      'verified=yes',
      'banned=1',
      'limit=0',
      'limit=101',
      'page=0',
      `q=${'x'.repeat(201)}`,
      'q=%00',
    ]) {
      await expectError(await t.request('GET', `/api/admin/users?${query}`, { as: admin }), 400, 'invalid_request');
    }
  });

  it('ignores an empty search', async () => {
    const res = await t.request('GET', '/api/admin/users?q=&limit=1', { as: admin });
    expect(res.status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRowsFor, expectError } from '../../../test/admin.js';
import { createTestContext, type TestContext } from '../../../test/app.js';
import type { User } from '../../db/models/index.js';

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

describe('unknown comments', () => {
  it('answers hide, unhide and delete with 404, writing no audit row', async () => {
    for (const [method, suffix] of [
      ['POST', '/hide'],
      ['POST', '/unhide'],
      ['DELETE', ''],
    ] as const) {
      await expectError(
        await t.request(method, `/api/admin/comments/${MISSING}${suffix}`, { as: admin }),
        404,
        'not_found',
      );
    }
    expect(await auditRowsFor(t, 'comment', MISSING)).toEqual([]);
  });

  it('answers a second delete of the same comment with 404', async () => {
    const post = await t.factories.post(admin);
    const comment = await t.factories.comment(post, admin);
    expect((await t.request('DELETE', `/api/admin/comments/${comment.id}`, { as: admin })).status).toBe(204);
    await expectError(await t.request('DELETE', `/api/admin/comments/${comment.id}`, { as: admin }), 404, 'not_found');
    expect((await post.reload()).commentsCount).toBe(0);
  });
});

describe('bad list queries', () => {
  it('answers them with 400', async () => {
    const cases: Array<[string, string]> = [
      ['posts', 'status=hidden'],
      ['posts', 'status=DRAFT'],
      ['posts', 'author=0'],
      ['posts', 'author=abc'],
      ['posts', 'category=news'],
      ['posts', 'category=-1'],
      ['posts', 'sort=author'],
      ['posts', 'order=sideways'],
      ['posts', 'limit=1000'],
      ['comments', 'status=published'],
      ['comments', 'post=1.5'],
      ['comments', 'author=99999999999'],
      ['comments', 'page=-1'],
      ['comments', `q=${'y'.repeat(201)}`],
      ['comments', 'q=%00'],
    ];
    for (const [list, query] of cases) {
      await expectError(await t.request('GET', `/api/admin/${list}?${query}`, { as: admin }), 400, 'invalid_request');
    }
  });
});

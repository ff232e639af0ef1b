import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/app.js';
import { findCountDrift } from '../../db/recount.js';

// A comment posted while what it hangs off is being deleted: never a 500 (the foreign key
// fails inside the database), always the answer for the state it lost to.
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ TRUST_PROXY: 'true' });
});
afterAll(async () => {
  await t.destroy();
});

const ROUNDS = 12;
let ip = 0;
/** Another client address per request, so the per-address comment limit stays out of the way. */
const fromAnywhere = () => ({ 'x-real-ip': `10.9.${(++ip >> 8) & 255}.${ip & 255}` });

async function statusesOf(responses: Response[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const response of responses) {
    if (response.status >= 500) throw new Error(`${response.status}: ${await response.text()}`);
    statuses.push(response.status);
  }
  return statuses;
}

describe('a comment racing a deletion', () => {
  it('while its post is deleted: 201 or 404', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    for (let round = 0; round < ROUNDS; round++) {
      const readers = await Promise.all(Array.from({ length: 4 }, () => t.factories.user()));
      const post = await t.factories.post(admin);
      const [deleted, ...comments] = await Promise.all([
        t.request('DELETE', `/api/posts/${post.id}`, { as: admin }),
        ...readers.map((reader) =>
          t.request('POST', `/api/posts/${post.id}/comments`, {
            as: reader,
            json: { body: 'Racing.' },
            headers: fromAnywhere(),
          }),
        ),
      ]);
      expect(deleted?.status).toBe(204);
      for (const status of await statusesOf(comments)) {
        expect([201, 404]).toContain(status);
      }
    }
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('while its parent is deleted: 201 or 422 invalid_parent', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    for (let round = 0; round < ROUNDS; round++) {
      const repliers = await Promise.all(Array.from({ length: 4 }, () => t.factories.user()));
      const parentAuthor = await t.factories.user();
      const parent = await t.factories.comment(post, parentAuthor);
      const [deleted, ...replies] = await Promise.all([
        t.request('DELETE', `/api/comments/${parent.id}`, { as: parentAuthor }),
        ...repliers.map((replier) =>
          t.request('POST', `/api/posts/${post.id}/comments`, {
            as: replier,
            json: { body: 'A racing reply.', parentId: parent.id },
            headers: fromAnywhere(),
          }),
        ),
      ]);
      expect(deleted?.status).toBe(204);
      for (const [index, status] of (await statusesOf(replies)).entries()) {
        expect([201, 422]).toContain(status);
        if (status === 422) {
          const body: unknown = await replies[index]?.clone().json();
          expect(body).toMatchObject({ error: { code: 'invalid_parent' } });
        }
      }
    }
    expect(await t.db.models.Comment.count({ where: { postId: post.id } })).toBe(0);
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('while its author deletes their account: 201 or 401', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const admin = await t.factories.user({ role: 'admin' });
    for (let round = 0; round < ROUNDS; round++) {
      const doomed = await t.factories.user();
      const cookie = await t.factories.sessionCookie(doomed);
      const [deleted, ...comments] = await Promise.all([
        t.request('DELETE', `/api/admin/users/${doomed.id}`, { as: admin }),
        ...Array.from({ length: 4 }, (_, i) =>
          t.request('POST', `/api/posts/${post.id}/comments`, {
            as: cookie,
            // Four different comments: the same body twice would be a duplicate (409).
            json: { body: `Last words, take ${i}.` },
            headers: fromAnywhere(),
          }),
        ),
      ]);
      expect(deleted?.status).toBe(204);
      for (const status of await statusesOf(comments)) expect([201, 401]).toContain(status);
      expect(await t.db.models.Comment.count({ where: { authorId: doomed.id } })).toBe(0);
    }
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});

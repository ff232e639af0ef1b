import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

describe('Cache-Control of API answers', () => {
  it('keeps everything personal out of every cache: private, no-store', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const reader = await t.factories.user();
    const author = await t.factories.user({ role: 'author' });
    const draft = await t.factories.post(author, { status: 'draft' });
    for (const [path, as] of [
      ['/api/auth/me', reader],
      ['/api/auth/session', reader],
      ['/api/admin/users', admin],
      ['/api/admin/stats', admin],
      [`/api/posts/${draft.id}`, author],
      ['/api/posts', author],
    ] as const) {
      const res = await t.request('GET', path, { as });
      expect({ path, status: res.status, cache: res.headers.get('cache-control') }).toEqual({
        path,
        status: 200,
        cache: 'private, no-store',
      });
    }
    // Error answers to personal requests too.
    const denied = await t.request('GET', '/api/admin/users', { as: reader });
    expect([denied.status, denied.headers.get('cache-control')]).toEqual([403, 'private, no-store']);
    expect((await t.request('GET', '/api/auth/me')).headers.get('cache-control')).toBe('private, no-store');
    const write = await t.request('POST', '/api/auth/logout', { as: reader });
    expect(write.headers.get('cache-control')).toBe('private, no-store');
  });

  it('lets anonymous public reads be stored only until revalidated, never across cookies', async () => {
    const res = await t.request('GET', '/api/posts');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('vary')).toMatch(/Cookie/);
  });
});

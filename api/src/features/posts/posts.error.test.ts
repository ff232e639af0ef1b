import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, unique } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import { PostSchema } from './schema.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

/** Every row count a failed post write could disturb, and the counters it could move. */
async function snapshot(...rows: Array<{ reload(): Promise<{ postsCount: number }> }>) {
  const { Post, Comment, Category } = t.db.models;
  return {
    posts: await Post.count(),
    comments: await Comment.count(),
    categories: await Category.count(),
    counters: await Promise.all(rows.map(async (row) => (await row.reload()).postsCount)),
  };
}

const validPost = () => ({ title: 'A valid title', bodyMarkdown: 'A valid body.' });

describe('404', () => {
  it('answers unknown ids and slugs with not_found on every post route', async () => {
    const author = await t.factories.user({ role: 'author' });
    for (const target of ['2147483000', unique('no-such-post-'), '99999999999', '9'.repeat(200)]) {
      await expectError(await t.request('GET', `/api/posts/${target}`), 404, 'not_found');
      await expectError(
        await t.request('PATCH', `/api/posts/${target}`, { as: author, json: { title: 'x' } }),
        404,
        'not_found',
      );
      await expectError(await t.request('DELETE', `/api/posts/${target}`, { as: author }), 404, 'not_found');
      await expectError(await t.request('POST', `/api/posts/${target}/publish`, { as: author }), 404, 'not_found');
      await expectError(await t.request('POST', `/api/posts/${target}/unpublish`, { as: author }), 404, 'not_found');
    }
  });

  it("hides others' drafts behind 404, by id and by slug", async () => {
    const author = await t.factories.user({ role: 'author' });
    const otherAuthor = await t.factories.user({ role: 'author' });
    const reader = await t.factories.user();
    const draft = await t.factories.post(author, { status: 'draft' });
    for (const as of [undefined, reader, otherAuthor]) {
      for (const target of [String(draft.id), draft.slug]) {
        const error = await expectError(
          await t.request('GET', `/api/posts/${target}`, as ? { as } : {}),
          404,
          'not_found',
        );
        // The same answer as for a post that never existed.
        expect(error.message).toBe('Post not found.');
      }
    }
  });

  it('answers an unknown category filter with 404', async () => {
    await expectError(await t.request('GET', `/api/posts?category=${unique('no-such-cat-')}`), 404, 'not_found');
  });

  it('answers unknown paths with 404 and other methods with 405 and Allow', async () => {
    await expectError(await t.request('GET', '/api/postz'), 404, 'not_found');
    const res = await t.request('PUT', '/api/posts/1', { json: validPost() });
    await expectError(res, 405, 'method_not_allowed');
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH']);
  });
});

describe('400 for bad query and path values', () => {
  it.each([
    'page=0',
    'page=-1',
    'page=abc',
    'page=1.5',
    'page=100001',
    'limit=0',
    'limit=101',
    'limit=1000',
    'limit=ten',
    'category=Not%20A%20Slug',
    'category=UPPER',
    'category=123',
  ])('GET /api/posts?%s → 400 invalid_request', async (query) => {
    const error = await expectError(await t.request('GET', `/api/posts?${query}`), 400, 'invalid_request');
    const name = query.split('=')[0];
    expect(error.details?.map((d) => d.path)).toEqual([name]);
  });

  it.each(['has%20space', 'dot.ted', 'under_score', 'a'.repeat(221)])(
    'GET /api/posts/%s → 400 invalid_request',
    async (target) => {
      await expectError(await t.request('GET', `/api/posts/${target}`), 400, 'invalid_request');
    },
  );
});

describe('422 for invalid post bodies', () => {
  const long = (n: number) => 'x'.repeat(n);
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['missing title', { bodyMarkdown: 'x' }, 'title'],
    ['missing body', { title: 'x' }, 'bodyMarkdown'],
    ['blank title', { title: '   ', bodyMarkdown: 'x' }, 'title'],
    ['empty body', { title: 'x', bodyMarkdown: '' }, 'bodyMarkdown'],
    ['unknown field', { ...validPost(), colour: 'red' }, ''],
    ['author on create', { ...validPost(), authorId: 1 }, ''],
    ['client-written HTML', { ...validPost(), bodyHtml: '<script>alert(1)</script>' }, ''],
    ['client-written date', { ...validPost(), publishedAt: '2020-01-01T00:00:00Z' }, ''],
    ['numeric title', { title: 123, bodyMarkdown: 'x' }, 'title'],
    ['array body', { title: 'x', bodyMarkdown: ['x'] }, 'bodyMarkdown'],
    ['string categoryId', { ...validPost(), categoryId: '1' }, 'categoryId'],
    ['fractional categoryId', { ...validPost(), categoryId: 1.5 }, 'categoryId'],
    ['negative categoryId', { ...validPost(), categoryId: -1 }, 'categoryId'],
    ['huge categoryId', { ...validPost(), categoryId: 2 ** 31 }, 'categoryId'],
    ['unknown status', { ...validPost(), status: 'archived' }, 'status'],
    ['null subtitle', { ...validPost(), subtitle: null }, 'subtitle'],
    ['too-long title', { title: long(201), bodyMarkdown: 'x' }, 'title'],
    ['too-long subtitle', { ...validPost(), subtitle: long(301) }, 'subtitle'],
    ['too-long body', { title: 'x', bodyMarkdown: long(200_001) }, 'bodyMarkdown'],
    ['slug with capitals', { ...validPost(), slug: 'Has-Caps' }, 'slug'],
    ['all-digit slug', { ...validPost(), slug: '12345' }, 'slug'],
    ['slug with a double hyphen', { ...validPost(), slug: 'a--b' }, 'slug'],
    ['slug with a leading hyphen', { ...validPost(), slug: '-a' }, 'slug'],
    ['slug with a trailing hyphen', { ...validPost(), slug: 'a-' }, 'slug'],
    ['slug with a space', { ...validPost(), slug: 'a b' }, 'slug'],
    ['slug with an underscore', { ...validPost(), slug: 'a_b' }, 'slug'],
    ['slug with a slash', { ...validPost(), slug: 'a/b' }, 'slug'],
    ['empty slug', { ...validPost(), slug: '' }, 'slug'],
    ['too-long slug', { ...validPost(), slug: long(101) }, 'slug'],
  ];

  it.each(cases)('POST /api/posts with %s → 422, nothing written', async (_name, json, path) => {
    const author = await t.factories.user({ role: 'author' });
    const before = await snapshot(author);
    const error = await expectError(
      await t.request('POST', '/api/posts', { as: author, json }),
      422,
      'validation_failed',
    );
    expect(error.details?.map((d) => d.path)).toContain(path);
    expect(await snapshot(author)).toEqual(before);
  });

  it('accepts the longest allowed title', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await read(
      await t.request('POST', '/api/posts', { as: author, json: { title: 'x'.repeat(200), bodyMarkdown: 'x' } }),
      201,
      PostSchema,
    );
    expect(post.title).toHaveLength(200);
  });

  it.each([
    ['unknown field', { title: 'x', colour: 'red' }],
    ['status (use publish)', { status: 'published' }],
    ['blank title', { title: ' ' }],
    ['empty body', { bodyMarkdown: '' }],
    ['invalid slug', { slug: 'Not Valid' }],
    ['all-digit slug', { slug: '42' }],
    ['string authorId', { authorId: 'me' }],
    ['string categoryId', { categoryId: 'food' }],
  ])('PATCH with %s → 422, post unchanged', async (_name, json) => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { status: 'draft', title: 'Kept' });
    await expectError(
      await t.request('PATCH', `/api/posts/${post.id}`, { as: author, json }),
      422,
      'validation_failed',
    );
    const row = await post.reload();
    expect({ title: row.title, slug: row.slug, status: row.status }).toEqual({
      title: 'Kept',
      slug: post.slug,
      status: 'draft',
    });
  });

  it('answers an unknown categoryId with 422 unknown_category, on create and on edit', async () => {
    const author = await t.factories.user({ role: 'author' });
    const category = await t.factories.category();
    const before = await snapshot(author, category);
    const created = await expectError(
      await t.request('POST', '/api/posts', {
        as: author,
        json: { ...validPost(), categoryId: 2_147_483_000, status: 'published' },
      }),
      422,
      'unknown_category',
    );
    expect(created.details).toEqual([{ path: 'categoryId', message: expect.any(String) }]);
    expect(await snapshot(author, category)).toEqual(before);

    const post = await t.factories.post(author, { category, title: 'Stays' });
    const mid = await snapshot(author, category);
    const edited = await expectError(
      await t.request('PATCH', `/api/posts/${post.id}`, {
        as: author,
        json: { title: 'Changed', categoryId: 2_147_483_000 },
      }),
      422,
      'unknown_category',
    );
    expect(edited.details?.[0]?.path).toBe('categoryId');
    expect(await snapshot(author, category)).toEqual(mid);
    const row = await post.reload();
    expect({ title: row.title, categoryId: row.categoryId }).toEqual({ title: 'Stays', categoryId: category.id });
  });

  it('answers reassignment to a reader or a missing user with 422 invalid_author', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const author = await t.factories.user({ role: 'author' });
    const reader = await t.factories.user();
    const post = await t.factories.post(author);
    for (const authorId of [reader.id, 2_147_483_000]) {
      await expectError(
        await t.request('PATCH', `/api/posts/${post.id}`, { as: admin, json: { authorId, title: 'Nope' } }),
        422,
        'invalid_author',
      );
    }
    const row = await post.reload();
    expect({ authorId: row.authorId, title: row.title }).toEqual({ authorId: author.id, title: post.title });
    expect((await author.reload()).postsCount).toBe(1);
    expect((await reader.reload()).postsCount).toBe(0);
  });
});

describe('409 slug_taken', () => {
  it('refuses an explicit slug another post has, on create, without writing', async () => {
    const author = await t.factories.user({ role: 'author' });
    const other = await t.factories.user({ role: 'author' });
    const category = await t.factories.category();
    for (const existing of [await t.factories.post(other), await t.factories.post(other, { status: 'draft' })]) {
      const before = await snapshot(author, category);
      await expectError(
        await t.request('POST', '/api/posts', {
          as: author,
          json: { ...validPost(), slug: existing.slug, categoryId: category.id, status: 'published' },
        }),
        409,
        'slug_taken',
      );
      expect(await snapshot(author, category)).toEqual(before);
    }
  });

  it('lets exactly one of several concurrent creates with one explicit slug through', async () => {
    const author = await t.factories.user({ role: 'author' });
    await t.factories.sessionCookie(author);
    const slug = unique('contested-');
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => t.request('POST', '/api/posts', { as: author, json: { ...validPost(), slug } })),
    );
    const statuses = responses.map((res) => res.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    for (const res of responses.filter((r) => r.status === 409)) await expectError(res, 409, 'slug_taken');
    expect(await t.db.models.Post.count({ where: { slug } })).toBe(1);
  });

  it('lets exactly one of several concurrent renames to one slug through', async () => {
    const author = await t.factories.user({ role: 'author' });
    await t.factories.sessionCookie(author);
    const posts = await Promise.all(Array.from({ length: 4 }, () => t.factories.post(author, { status: 'draft' })));
    const slug = unique('wanted-');
    const responses = await Promise.all(
      posts.map((post) => t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { slug } })),
    );
    expect(responses.map((res) => res.status).sort()).toEqual([200, 409, 409, 409]);
    expect(await t.db.models.Post.count({ where: { slug } })).toBe(1);
  });

  it("refuses renaming a post to another post's slug, leaving it as it was", async () => {
    const author = await t.factories.user({ role: 'author' });
    const from = await t.factories.category();
    const to = await t.factories.category();
    const post = await t.factories.post(author, { category: from, title: 'Original' });
    const taken = await t.factories.post(author);
    const before = await snapshot(author, from, to);
    const changes = (await t.publishEvents()).length;

    await expectError(
      await t.request('PATCH', `/api/posts/${post.id}`, {
        as: author,
        json: { title: 'Renamed', categoryId: to.id, slug: taken.slug },
      }),
      409,
      'slug_taken',
    );
    expect(await snapshot(author, from, to)).toEqual(before);
    const row = await post.reload();
    expect({ title: row.title, slug: row.slug, categoryId: row.categoryId }).toEqual({
      title: 'Original',
      slug: post.slug,
      categoryId: from.id,
    });
    expect((await t.publishEvents()).length).toBe(changes);
  });
});

describe('malformed requests', () => {
  it('answers invalid JSON with 400 on create and edit', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { status: 'draft' });
    const before = await snapshot(author);
    for (const body of ['{"title":', 'not json', '{"title": "x",}', '']) {
      const headers = { 'content-type': 'application/json' };
      await expectError(await t.request('POST', '/api/posts', { as: author, body, headers }), 400, 'bad_request');
      await expectError(
        await t.request('PATCH', `/api/posts/${post.id}`, { as: author, body, headers }),
        400,
        'bad_request',
      );
    }
    expect(await snapshot(author)).toEqual(before);
  });

  it('answers bodies that are not JSON with 415', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { status: 'draft', title: 'Kept' });
    const before = await snapshot(author);
    const json = JSON.stringify(validPost());
    const variants: Array<Record<string, string>> = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      { 'content-type': 'text/plain', 'content-length': String(json.length) },
      {},
    ];
    for (const headers of variants) {
      await expectError(
        await t.request('POST', '/api/posts', { as: author, body: json, headers }),
        415,
        'unsupported_media_type',
      );
      await expectError(
        await t.request('PATCH', `/api/posts/${post.id}`, { as: author, body: '{"title":"Changed"}', headers }),
        415,
        'unsupported_media_type',
      );
    }
    expect(await snapshot(author)).toEqual(before);
    expect((await post.reload()).title).toBe('Kept');
  });

  it('accepts JSON with a charset and the +json suffix', async () => {
    const author = await t.factories.user({ role: 'author' });
    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
      await read(
        await t.request('POST', '/api/posts', {
          as: author,
          body: JSON.stringify(validPost()),
          headers: { 'content-type': type },
        }),
        201,
        PostSchema,
      );
    }
  });
});

describe('413 for bodies over the limit', () => {
  let small: TestContext;
  beforeAll(async () => {
    small = await createTestContext({ MAX_BODY_BYTES: '2048' });
  });
  afterAll(async () => {
    await small.destroy();
  });

  it('refuses a post body over MAX_BODY_BYTES and writes nothing', async () => {
    const author = await small.factories.user({ role: 'author' });
    const post = await small.factories.post(author, { status: 'draft', body: 'Kept' });
    const big = { title: 'Big', bodyMarkdown: 'x'.repeat(3000) };

    const variants: Array<Record<string, string>> = [{}, { 'content-length': String(JSON.stringify(big).length) }];
    for (const headers of variants) {
      await expectError(
        await small.request('POST', '/api/posts', { as: author, json: big, headers }),
        413,
        'payload_too_large',
      );
      await expectError(
        await small.request('PATCH', `/api/posts/${post.id}`, {
          as: author,
          json: { bodyMarkdown: big.bodyMarkdown },
          headers,
        }),
        413,
        'payload_too_large',
      );
    }
    expect(await small.db.models.Post.count()).toBe(1);
    expect((await post.reload()).bodyMarkdown).toBe('Kept');

    // Just under the limit is fine.
    await read(
      await small.request('POST', '/api/posts', {
        as: author,
        json: { title: 'Fits', bodyMarkdown: 'x'.repeat(1900) },
      }),
      201,
      PostSchema,
    );
  });
});

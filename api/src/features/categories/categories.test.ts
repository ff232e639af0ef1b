import { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, unique } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import type { User } from '../../db/models/index.js';
import { SlugSchema } from '../../lib/openapi.js';
import { PostSchema } from '../posts/schema.js';
import { CategoryListSchema, CategorySchema } from './schema.js';

const StrictCategory = CategorySchema.strict();
const StrictCategoryList = CategoryListSchema.extend({ items: z.array(StrictCategory) }).strict();

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

const admin = () => t.factories.user({ role: 'admin' });

async function createCategory(as: User, json: Record<string, unknown>) {
  return read(await t.request('POST', '/api/categories', { as, json }), 201, StrictCategory);
}

describe('reading categories', () => {
  it('lists every category by name with its published post count', async () => {
    // A database of its own, so the list is exactly this test's categories.
    const own = await createTestContext();
    try {
      const author = await own.factories.user({ role: 'author' });
      const zebra = await own.factories.category({ name: 'Zebra', slug: 'zebra' });
      const apple = await own.factories.category({ name: 'Apple', slug: 'apple' });
      const mango = await own.factories.category({ name: 'Mango', slug: 'mango' });
      await own.factories.post(author, { category: apple });
      await own.factories.post(author, { category: apple });
      await own.factories.post(author, { category: apple, status: 'draft' });
      await own.factories.post(author, { category: zebra });
      await own.factories.post(author, { category: null });

      const body = await read(await own.request('GET', '/api/categories'), 200, StrictCategoryList);
      expect(body.items.map((c) => [c.id, c.name, c.slug, c.postsCount])).toEqual([
        [apple.id, 'Apple', 'apple', 2],
        [mango.id, 'Mango', 'mango', 0],
        [zebra.id, 'Zebra', 'zebra', 1],
      ]);
      expect(body.items[0]).toMatchObject({ description: '', createdAt: apple.createdAt.toISOString() });
    } finally {
      await own.destroy();
    }
  });

  it('lists an empty array when there are no categories', async () => {
    const own = await createTestContext();
    try {
      expect(await read(await own.request('GET', '/api/categories'), 200, StrictCategoryList)).toEqual({ items: [] });
    } finally {
      await own.destroy();
    }
  });

  it('gets one category by id and by slug', async () => {
    const author = await t.factories.user({ role: 'author' });
    const category = await t.factories.category({ name: 'Gettable' });
    await t.factories.post(author, { category });
    const byId = await read(await t.request('GET', `/api/categories/${category.id}`), 200, StrictCategory);
    const bySlug = await read(await t.request('GET', `/api/categories/${category.slug}`), 200, StrictCategory);
    expect(bySlug).toEqual(byId);
    expect(byId).toMatchObject({ id: category.id, name: 'Gettable', slug: category.slug, postsCount: 1 });
  });

  it('answers unknown categories with 404 and malformed ones with 400', async () => {
    await expectError(await t.request('GET', '/api/categories/2147483000'), 404, 'not_found');
    await expectError(await t.request('GET', `/api/categories/${unique('nope-')}`), 404, 'not_found');
    await expectError(await t.request('GET', '/api/categories/has%20space'), 400, 'invalid_request');
    await expectError(await t.request('GET', '/api/categories/a.b'), 400, 'invalid_request');
  });
});

describe('POST /api/categories (admins)', () => {
  it('creates a category with a slug from its name', async () => {
    const tag = unique('');
    const category = await createCategory(await admin(), { name: `  Travel & Food ${tag} `, description: ' Trips. ' });
    expect(category).toMatchObject({
      name: `Travel & Food ${tag}`,
      slug: `travel-food-${tag}`,
      description: 'Trips.',
      postsCount: 0,
    });
    const row = await t.db.models.Category.findByPk(category.id);
    expect(row?.slug).toBe(category.slug);
  });

  it('makes generated slugs unique, keeps Hangul, and never makes them all digits', async () => {
    const as = await admin();
    const name = `Same Name ${unique('')}`;
    const first = await createCategory(as, { name });
    const second = await createCategory(as, { name });
    expect(second.slug).toBe(`${first.slug}-2`);

    const tag = unique('');
    expect((await createCategory(as, { name: `여행 ${tag}` })).slug).toBe(`여행-${tag}`);

    const digits = await createCategory(as, { name: String(Date.now()) });
    expect(digits.slug).not.toMatch(/^\d+$/);
    expect(SlugSchema.safeParse(digits.slug).success).toBe(true);
    const found = await read(await t.request('GET', `/api/categories/${digits.slug}`), 200, StrictCategory);
    expect(found.id).toBe(digits.id);
  });

  it('gives concurrent creates of one name distinct slugs, and one explicit slug to only one of them', async () => {
    const as = await admin();
    await t.factories.sessionCookie(as);
    const name = `Rush ${unique('')}`;
    const generated = await Promise.all(
      Array.from({ length: 5 }, () => t.request('POST', '/api/categories', { as, json: { name } })),
    );
    const slugs: string[] = [];
    for (const res of generated) slugs.push((await read(res, 201, StrictCategory)).slug);
    const base = name.toLowerCase().replace(/ /g, '-');
    expect(slugs.sort()).toEqual([base, `${base}-2`, `${base}-3`, `${base}-4`, `${base}-5`]);

    const slug = unique('contested-');
    const explicit = await Promise.all(
      Array.from({ length: 4 }, () => t.request('POST', '/api/categories', { as, json: { name: 'Contested', slug } })),
    );
    expect(explicit.map((res) => res.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await t.db.models.Category.count({ where: { slug } })).toBe(1);
  });

  it('uses an explicit slug, and refuses one that is taken with 409 slug_taken', async () => {
    const as = await admin();
    const slug = unique('explicit-');
    const category = await createCategory(as, { name: 'Explicit', slug });
    expect(category.slug).toBe(slug);

    const before = await t.db.models.Category.count();
    await expectError(
      await t.request('POST', '/api/categories', { as, json: { name: 'Another', slug } }),
      409,
      'slug_taken',
    );
    expect(await t.db.models.Category.count()).toBe(before);
  });
});

describe('PATCH /api/categories/:idOrSlug (admins)', () => {
  it('edits name and description; the slug stays unless given', async () => {
    const as = await admin();
    const category = await t.factories.category({ name: 'Before' });
    const edited = await read(
      await t.request('PATCH', `/api/categories/${category.id}`, {
        as,
        json: { name: 'After', description: 'Now described' },
      }),
      200,
      StrictCategory,
    );
    expect(edited).toMatchObject({ id: category.id, name: 'After', description: 'Now described', slug: category.slug });
    const row = await category.reload();
    expect({ name: row.name, description: row.description }).toEqual({ name: 'After', description: 'Now described' });
  });

  it('changes the slug (found by its old slug), and accepts its own slug again', async () => {
    const as = await admin();
    const category = await t.factories.category();
    const slug = unique('new-');
    const edited = await read(
      await t.request('PATCH', `/api/categories/${category.slug}`, { as, json: { slug } }),
      200,
      StrictCategory,
    );
    expect(edited.slug).toBe(slug);
    await expectError(await t.request('GET', `/api/categories/${category.slug}`), 404, 'not_found');
    await read(await t.request('GET', `/api/categories/${slug}`), 200, StrictCategory);
    await read(await t.request('PATCH', `/api/categories/${slug}`, { as, json: { slug } }), 200, StrictCategory);
  });

  it("refuses another category's slug with 409 slug_taken, leaving the category as it was", async () => {
    const as = await admin();
    const category = await t.factories.category({ name: 'Unchanged' });
    const other = await t.factories.category();
    await expectError(
      await t.request('PATCH', `/api/categories/${category.id}`, { as, json: { name: 'Changed', slug: other.slug } }),
      409,
      'slug_taken',
    );
    const row = await category.reload();
    expect({ name: row.name, slug: row.slug }).toEqual({ name: 'Unchanged', slug: category.slug });
  });

  it('answers unknown categories with 404', async () => {
    const as = await admin();
    await expectError(
      await t.request('PATCH', '/api/categories/2147483000', { as, json: { name: 'x' } }),
      404,
      'not_found',
    );
    await expectError(
      await t.request('PATCH', `/api/categories/${unique('nope-')}`, { as, json: { name: 'x' } }),
      404,
      'not_found',
    );
  });
});

describe('DELETE /api/categories/:idOrSlug (admins)', () => {
  it('deletes the category and leaves its posts uncategorised', async () => {
    const as = await admin();
    const author = await t.factories.user({ role: 'author' });
    const category = await t.factories.category();
    const published = await t.factories.post(author, { category });
    const draft = await t.factories.post(author, { category, status: 'draft' });

    const res = await t.request('DELETE', `/api/categories/${category.slug}`, { as });
    expect(res.status).toBe(204);
    expect(await t.db.models.Category.findByPk(category.id)).toBeNull();

    for (const post of [published, draft]) {
      const row = await post.reload();
      expect(row.categoryId).toBeNull();
    }
    const served = await read(await t.request('GET', `/api/posts/${published.id}`), 200, PostSchema);
    expect(served.category).toBeNull();
    expect((await author.reload()).postsCount).toBe(1);
    await expectError(await t.request('GET', `/api/posts?category=${category.slug}`), 404, 'not_found');
    await expectError(await t.request('DELETE', `/api/categories/${category.id}`, { as }), 404, 'not_found');

    // The posts live on and can be filed again.
    const other = await t.factories.category();
    await read(
      await t.request('PATCH', `/api/posts/${published.id}`, { as: author, json: { categoryId: other.id } }),
      200,
      PostSchema,
    );
    expect((await other.reload()).postsCount).toBe(1);
  });
});

describe('who may change categories', () => {
  const writes = (id: number) => [
    { method: 'POST', path: '/api/categories', json: { name: 'Intruder' } },
    { method: 'PATCH', path: `/api/categories/${id}`, json: { name: 'Defaced' } },
    { method: 'DELETE', path: `/api/categories/${id}` },
  ];

  async function expectRefused(
    as: User | undefined,
    status: number,
    code: string,
    headers: Record<string, string> = {},
  ) {
    const category = await t.factories.category({ name: 'Guarded' });
    for (const write of writes(category.id)) {
      const before = await t.db.models.Category.count();
      await expectError(
        await t.request(write.method, write.path, {
          ...(as ? { as } : {}),
          ...(write.json ? { json: write.json } : {}),
          headers,
        }),
        status,
        code,
      );
      expect(await t.db.models.Category.count()).toBe(before);
      expect((await category.reload()).name).toBe('Guarded');
    }
  }

  it('answers 401 without a session', async () => {
    await expectRefused(undefined, 401, 'unauthorized');
  });

  it('answers 403 to readers and authors', async () => {
    await expectRefused(await t.factories.user(), 403, 'forbidden');
    await expectRefused(await t.factories.user({ role: 'author' }), 403, 'forbidden');
  });

  it('answers 403 to unverified and banned admins', async () => {
    await expectRefused(await t.factories.user({ role: 'admin', verified: false }), 403, 'email_not_verified');
    await expectRefused(await t.factories.user({ role: 'admin', banned: true }), 403, 'banned');
  });

  it('answers 403 csrf_rejected to an admin cookie sent cross-site', async () => {
    await expectRefused(await admin(), 403, 'csrf_rejected', { origin: 'https://evil.example' });
    await expectRefused(await admin(), 403, 'csrf_rejected', { 'sec-fetch-site': 'cross-site' });
  });
});

describe('invalid category requests', () => {
  it.each([
    ['missing name', {}, 'name'],
    ['blank name', { name: '   ' }, 'name'],
    ['numeric name', { name: 7 }, 'name'],
    ['too-long name', { name: 'x'.repeat(81) }, 'name'],
    ['too-long description', { name: 'x', description: 'x'.repeat(2001) }, 'description'],
    ['null description', { name: 'x', description: null }, 'description'],
    ['invalid slug', { name: 'x', slug: 'Not A Slug' }, 'slug'],
    ['all-digit slug', { name: 'x', slug: '2024' }, 'slug'],
    ['unknown field', { name: 'x', colour: 'red' }, ''],
    ['client-set count', { name: 'x', postsCount: 99 }, ''],
  ])('POST with %s → 422, nothing written', async (_name, json, path) => {
    const as = await admin();
    const before = await t.db.models.Category.count();
    const error = await expectError(await t.request('POST', '/api/categories', { as, json }), 422, 'validation_failed');
    expect(error.details?.map((d) => d.path)).toContain(path);
    expect(await t.db.models.Category.count()).toBe(before);
  });

  it('accepts the longest allowed name', async () => {
    const category = await createCategory(await admin(), { name: 'y'.repeat(80) });
    expect(category.name).toHaveLength(80);
  });

  it.each([
    ['blank name', { name: '' }],
    ['invalid slug', { slug: 'Bad_Slug' }],
    ['unknown field', { postsCount: 5 }],
  ])('PATCH with %s → 422, category unchanged', async (_name, json) => {
    const as = await admin();
    const category = await t.factories.category({ name: 'Stable' });
    await expectError(
      await t.request('PATCH', `/api/categories/${category.id}`, { as, json }),
      422,
      'validation_failed',
    );
    const row = await category.reload();
    expect({ name: row.name, slug: row.slug, postsCount: row.postsCount }).toEqual({
      name: 'Stable',
      slug: category.slug,
      postsCount: 0,
    });
  });

  it('answers invalid JSON with 400 and other content types with 415', async () => {
    const as = await admin();
    const before = await t.db.models.Category.count();
    await expectError(
      await t.request('POST', '/api/categories', {
        as,
        body: '{"name":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'bad_request',
    );
    await expectError(
      await t.request('POST', '/api/categories', {
        as,
        body: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'unsupported_media_type',
    );
    expect(await t.db.models.Category.count()).toBe(before);
  });

  it('answers a bad path value with 400', async () => {
    const as = await admin();
    await expectError(
      await t.request('PATCH', '/api/categories/a_b', { as, json: { name: 'x' } }),
      400,
      'invalid_request',
    );
    await expectError(await t.request('DELETE', '/api/categories/a.b', { as }), 400, 'invalid_request');
  });
});

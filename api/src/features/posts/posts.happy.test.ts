import { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, unique } from '../../../test/app.js';
import { read } from '../../../test/http.js';
import { SlugSchema } from '../../lib/openapi.js';
import { PostListSchema, PostSchema, PostSummarySchema } from './schema.js';

// List items must not carry the body: parse them strictly.
const StrictPostList = PostListSchema.extend({ items: z.array(PostSummarySchema.strict()) });

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

/** The publish events `action` put in the outbox. */
async function changesDuring(action: () => Promise<unknown>) {
  const before = (await t.publishEvents()).length;
  await action();
  return (await t.publishEvents()).slice(before);
}

describe('GET /api/posts', () => {
  it('lists published posts with author, category and comment count, without bodies', async () => {
    const author = await t.factories.user({ role: 'author', name: 'Writer' });
    const category = await t.factories.category();
    const post = await t.factories.post(author, { category, title: 'Listed' });
    await t.factories.post(author, { status: 'draft', category });
    const reader = await t.factories.user();
    await t.factories.comment(post, reader);
    await t.factories.comment(post, reader, { status: 'hidden' });

    const body = await read(await t.request('GET', `/api/posts?category=${category.slug}`), 200, StrictPostList);
    expect(body.total).toBe(1);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      id: post.id,
      slug: post.slug,
      title: 'Listed',
      excerpt: 'Hello world.',
      author: { id: author.id, name: 'Writer' },
      category: { id: category.id, name: category.name, slug: category.slug },
      commentsCount: 1,
      status: 'published',
    });
  });

  it('pages newest first with page, limit, total and totalPages', async () => {
    // A database of its own, so the totals are exactly this test's posts.
    const own = await createTestContext();
    try {
      const author = await own.factories.user({ role: 'author' });
      const start = Date.now();
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        own.setNow(new Date(start + i * 60_000));
        ids.push((await own.factories.post(author, { title: `Post ${i}` })).id);
      }
      await own.factories.post(author, { status: 'draft' });
      const newestFirst = [...ids].reverse();

      const first = await read(await own.request('GET', '/api/posts?limit=2'), 200, StrictPostList);
      expect(first).toMatchObject({ page: 1, limit: 2, total: 5, totalPages: 3 });
      expect(first.items.map((p) => p.id)).toEqual(newestFirst.slice(0, 2));

      const second = await read(await own.request('GET', '/api/posts?limit=2&page=2'), 200, StrictPostList);
      expect(second).toMatchObject({ page: 2, limit: 2, total: 5, totalPages: 3 });
      expect(second.items.map((p) => p.id)).toEqual(newestFirst.slice(2, 4));

      const last = await read(await own.request('GET', '/api/posts?limit=2&page=3'), 200, StrictPostList);
      expect(last.items.map((p) => p.id)).toEqual(newestFirst.slice(4));

      const past = await read(await own.request('GET', '/api/posts?limit=2&page=4'), 200, StrictPostList);
      expect(past).toMatchObject({ page: 4, total: 5, totalPages: 3, items: [] });

      const defaults = await read(await own.request('GET', '/api/posts'), 200, StrictPostList);
      expect(defaults).toMatchObject({ page: 1, limit: 10, total: 5, totalPages: 1 });
      expect(defaults.items.map((p) => p.id)).toEqual(newestFirst);
      const dates = defaults.items.map((p) => Date.parse(p.publishedAt ?? ''));
      expect(dates).toEqual([...dates].sort((a, b) => b - a));
    } finally {
      await own.destroy();
    }
  });

  it('answers an empty page with totalPages 0 when nothing is published', async () => {
    const own = await createTestContext();
    try {
      const author = await own.factories.user({ role: 'author' });
      await own.factories.post(author, { status: 'draft' });
      const body = await read(await own.request('GET', '/api/posts'), 200, StrictPostList);
      expect(body).toEqual({ items: [], page: 1, limit: 10, total: 0, totalPages: 0 });
    } finally {
      await own.destroy();
    }
  });

  it('filters by category slug', async () => {
    const author = await t.factories.user({ role: 'author' });
    const travel = await t.factories.category();
    const food = await t.factories.category();
    const inTravel = [
      await t.factories.post(author, { category: travel }),
      await t.factories.post(author, { category: travel }),
    ];
    const inFood = await t.factories.post(author, { category: food });
    await t.factories.post(author, { category: null });

    const travelPage = await read(await t.request('GET', `/api/posts?category=${travel.slug}`), 200, StrictPostList);
    expect(travelPage.total).toBe(2);
    expect(travelPage.items.map((p) => p.id).sort((a, b) => a - b)).toEqual(inTravel.map((p) => p.id));
    expect(travelPage.items.every((p) => p.category?.id === travel.id)).toBe(true);

    const foodPage = await read(await t.request('GET', `/api/posts?category=${food.slug}`), 200, StrictPostList);
    expect(foodPage.items.map((p) => p.id)).toEqual([inFood.id]);

    const empty = await t.factories.category();
    const none = await read(await t.request('GET', `/api/posts?category=${empty.slug}`), 200, StrictPostList);
    expect(none).toMatchObject({ items: [], total: 0, totalPages: 0 });
  });

  it('never lists drafts, not even to their author or an admin', async () => {
    const author = await t.factories.user({ role: 'author' });
    const admin = await t.factories.user({ role: 'admin' });
    const category = await t.factories.category();
    const draft = await t.factories.post(author, { status: 'draft', category });
    const published = await t.factories.post(author, { category });

    for (const as of [undefined, author, admin]) {
      const body = await read(
        await t.request('GET', `/api/posts?category=${category.slug}`, as ? { as } : {}),
        200,
        StrictPostList,
      );
      expect(body.items.map((p) => p.id)).toEqual([published.id]);
      expect(body.items.map((p) => p.id)).not.toContain(draft.id);
    }
  });
});

describe('GET /api/posts/:idOrSlug', () => {
  it('finds a published post by id and by slug, with rendered HTML', async () => {
    const author = await t.factories.user({ role: 'author', name: 'Ann' });
    const category = await t.factories.category();
    const post = await t.factories.post(author, { category, title: 'By id', body: '# Head\n\nHello **world**.' });

    const byId = await read(await t.request('GET', `/api/posts/${post.id}`), 200, PostSchema);
    const bySlug = await read(await t.request('GET', `/api/posts/${post.slug}`), 200, PostSchema);
    expect(bySlug).toEqual(byId);
    expect(byId).toMatchObject({
      id: post.id,
      slug: post.slug,
      title: 'By id',
      status: 'published',
      author: { id: author.id, name: 'Ann' },
      category: { id: category.id, slug: category.slug },
      // h1 in a body is demoted under the page's own title.
      bodyHtml: '<h2>Head</h2>\n<p>Hello <strong>world</strong>.</p>\n',
    });
    expect(byId.publishedAt).not.toBeNull();
  });

  it('shows bodyMarkdown only to the author and admins', async () => {
    const author = await t.factories.user({ role: 'author' });
    const otherAuthor = await t.factories.user({ role: 'author' });
    const reader = await t.factories.user();
    const admin = await t.factories.user({ role: 'admin' });
    const post = await t.factories.post(author, { body: 'Source *text*' });

    for (const as of [undefined, reader, otherAuthor]) {
      const body = await read(await t.request('GET', `/api/posts/${post.id}`, as ? { as } : {}), 200, PostSchema);
      expect(body.bodyMarkdown).toBeUndefined();
      expect(body.bodyHtml).toBe('<p>Source <em>text</em></p>\n');
    }
    for (const as of [author, admin]) {
      const body = await read(await t.request('GET', `/api/posts/${post.slug}`, { as }), 200, PostSchema);
      expect(body.bodyMarkdown).toBe('Source *text*');
    }
  });

  it('shows a draft to its author and to admins', async () => {
    const author = await t.factories.user({ role: 'author' });
    const admin = await t.factories.user({ role: 'admin' });
    const draft = await t.factories.post(author, { status: 'draft', body: 'Draft body' });

    for (const as of [author, admin]) {
      const body = await read(await t.request('GET', `/api/posts/${draft.id}`, { as }), 200, PostSchema);
      expect(body).toMatchObject({ id: draft.id, status: 'draft', publishedAt: null, bodyMarkdown: 'Draft body' });
    }
  });
});

describe('POST /api/posts', () => {
  it('creates a draft with a slug from the title and the full post in the answer', async () => {
    const author = await t.factories.user({ role: 'author', name: 'Creator' });
    const tag = unique('');
    const res = await t.request('POST', '/api/posts', {
      as: author,
      json: { title: `  Hello, World! ${tag}  `, bodyMarkdown: 'Some *body* text.' },
    });
    const post = await read(res, 201, PostSchema);
    expect(post).toMatchObject({
      title: `Hello, World! ${tag}`,
      slug: `hello-world-${tag}`,
      subtitle: '',
      status: 'draft',
      publishedAt: null,
      author: { id: author.id, name: 'Creator' },
      category: null,
      commentsCount: 0,
      bodyMarkdown: 'Some *body* text.',
      bodyHtml: '<p>Some <em>body</em> text.</p>\n',
      excerpt: 'Some body text.',
    });

    const row = await t.db.models.Post.findByPk(post.id);
    expect(row?.authorId).toBe(author.id);
    expect(row?.slug).toBe(post.slug);
    // A draft counts nowhere.
    expect((await author.reload()).postsCount).toBe(0);
  });

  it('makes generated slugs unique: slug, slug-2, slug-3', async () => {
    const author = await t.factories.user({ role: 'author' });
    const title = `Same Title ${unique('')}`;
    const slugs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const post = await read(
        await t.request('POST', '/api/posts', { as: author, json: { title, bodyMarkdown: 'x' } }),
        201,
        PostSchema,
      );
      slugs.push(post.slug);
    }
    const base = title.toLowerCase().replace(/ /g, '-');
    expect(slugs).toEqual([base, `${base}-2`, `${base}-3`]);
  });

  it('gives concurrent creates of one title distinct slugs', async () => {
    const author = await t.factories.user({ role: 'author' });
    await t.factories.sessionCookie(author);
    const title = `Rush ${unique('')}`;
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.request('POST', '/api/posts', { as: author, json: { title, bodyMarkdown: 'x' } }),
      ),
    );
    const slugs: string[] = [];
    for (const res of responses) slugs.push((await read(res, 201, PostSchema)).slug);
    const base = title.toLowerCase().replace(/ /g, '-');
    expect(slugs.sort()).toEqual([base, `${base}-2`, `${base}-3`, `${base}-4`, `${base}-5`, `${base}-6`]);
  });

  it('keeps Hangul in slugs of Korean titles, and the slug finds the post', async () => {
    const author = await t.factories.user({ role: 'author' });
    const tag = unique('');
    const post = await read(
      await t.request('POST', '/api/posts', {
        as: author,
        json: { title: `안녕하세요, 세계! ${tag}`, bodyMarkdown: '본문', status: 'published' },
      }),
      201,
      PostSchema,
    );
    expect(post.slug).toBe(`안녕하세요-세계-${tag}`);
    expect(SlugSchema.safeParse(post.slug).success).toBe(true);

    const found = await read(await t.request('GET', `/api/posts/${encodeURIComponent(post.slug)}`), 200, PostSchema);
    expect(found.id).toBe(post.id);
  });

  it('never generates an all-digit slug, which would read as an id', async () => {
    const author = await t.factories.user({ role: 'author' });
    const digits = String(Date.now());
    // Full-width digits fold to ASCII ones.
    const fullWidth = [...digits].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
    const created: Array<z.output<typeof PostSchema>> = [];
    for (const title of [digits, `${digits}!`, fullWidth]) {
      created.push(
        await read(
          await t.request('POST', '/api/posts', {
            as: author,
            json: { title, bodyMarkdown: 'x', status: 'published' },
          }),
          201,
          PostSchema,
        ),
      );
    }
    for (const post of created) {
      expect(post.slug).not.toMatch(/^\d+$/);
      expect(SlugSchema.safeParse(post.slug).success).toBe(true);
      const found = await read(await t.request('GET', `/api/posts/${post.slug}`), 200, PostSchema);
      expect(found.id).toBe(post.id);
    }
    expect(new Set(created.map((p) => p.slug)).size).toBe(3);
  });

  it('falls back to a word slug when the title has no letters or digits', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await read(
      await t.request('POST', '/api/posts', { as: author, json: { title: '!!! ???', bodyMarkdown: 'x' } }),
      201,
      PostSchema,
    );
    expect(SlugSchema.safeParse(post.slug).success).toBe(true);
    expect(post.slug).toMatch(/^post(-\d+)?$/);
  });

  it('uses an explicit slug as given', async () => {
    const author = await t.factories.user({ role: 'author' });
    const slug = `my-${unique('')}-slug`;
    const post = await read(
      await t.request('POST', '/api/posts', { as: author, json: { title: 'Whatever', slug, bodyMarkdown: 'x' } }),
      201,
      PostSchema,
    );
    expect(post.slug).toBe(slug);
    expect((await read(await t.request('GET', `/api/posts/${slug}`, { as: author }), 200, PostSchema)).id).toBe(
      post.id,
    );
  });

  it('creates a published post in a category: publishedAt set, counts and announcement follow', async () => {
    const author = await t.factories.user({ role: 'author' });
    const category = await t.factories.category();
    const at = new Date(Date.now() + 1000);
    t.setNow(at);
    const changes = await changesDuring(async () => {
      const post = await read(
        await t.request('POST', '/api/posts', {
          as: author,
          json: {
            title: 'Out now',
            subtitle: 'A subtitle',
            bodyMarkdown: 'x',
            categoryId: category.id,
            status: 'published',
          },
        }),
        201,
        PostSchema,
      );
      expect(post).toMatchObject({
        status: 'published',
        publishedAt: at.toISOString(),
        subtitle: 'A subtitle',
        category: { id: category.id, name: category.name, slug: category.slug },
      });
      const listed = await read(await t.request('GET', `/api/posts?category=${category.slug}`), 200, StrictPostList);
      expect(listed.items.map((p) => p.id)).toEqual([post.id]);
    });
    expect(changes).toEqual([
      { event: 'published', postId: expect.any(Number), slug: expect.stringMatching(/^out-now/), at: at.toISOString() },
    ]);
    expect((await author.reload()).postsCount).toBe(1);
    expect((await category.reload()).postsCount).toBe(1);
  });

  it('lets an admin write posts too', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const post = await read(
      await t.request('POST', '/api/posts', { as: admin, json: { title: 'Admin post', bodyMarkdown: 'x' } }),
      201,
      PostSchema,
    );
    expect(post.author.id).toBe(admin.id);
  });
});

describe('PATCH /api/posts/:idOrSlug', () => {
  it('edits title, subtitle and body; HTML and excerpt are re-rendered, the slug stays', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { status: 'draft', title: 'Old', body: 'Old body' });

    const edited = await read(
      await t.request('PATCH', `/api/posts/${post.id}`, {
        as: author,
        json: { title: 'New title', subtitle: 'Sub', bodyMarkdown: 'New **body** with [a link](https://example.com)' },
      }),
      200,
      PostSchema,
    );
    expect(edited).toMatchObject({
      id: post.id,
      slug: post.slug,
      title: 'New title',
      subtitle: 'Sub',
      bodyMarkdown: 'New **body** with [a link](https://example.com)',
      bodyHtml: '<p>New <strong>body</strong> with <a href="https://example.com" rel="noopener">a link</a></p>\n',
      excerpt: 'New body with a link',
    });
    const row = await post.reload();
    expect(row.bodyHtml).toBe(edited.bodyHtml);
    expect(row.title).toBe('New title');
  });

  it('finds the post by slug and changes the slug', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { status: 'draft' });
    const slug = unique('renamed-');
    const edited = await read(
      await t.request('PATCH', `/api/posts/${post.slug}`, { as: author, json: { slug } }),
      200,
      PostSchema,
    );
    expect(edited.slug).toBe(slug);
    expect((await t.request('GET', `/api/posts/${post.slug}`, { as: author })).status).toBe(404);
    expect((await t.request('GET', `/api/posts/${slug}`, { as: author })).status).toBe(200);
    // Setting the slug it already has is no conflict.
    await read(await t.request('PATCH', `/api/posts/${slug}`, { as: author, json: { slug } }), 200, PostSchema);
  });

  it('moves a published post between categories, and the category counts follow', async () => {
    const author = await t.factories.user({ role: 'author' });
    const from = await t.factories.category();
    const to = await t.factories.category();
    const post = await t.factories.post(author, { category: from });
    expect((await from.reload()).postsCount).toBe(1);

    const moved = await read(
      await t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { categoryId: to.id } }),
      200,
      PostSchema,
    );
    expect(moved.category).toEqual({ id: to.id, name: to.name, slug: to.slug });
    expect((await from.reload()).postsCount).toBe(0);
    expect((await to.reload()).postsCount).toBe(1);
    expect((await author.reload()).postsCount).toBe(1);

    const uncategorised = await read(
      await t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { categoryId: null } }),
      200,
      PostSchema,
    );
    expect(uncategorised.category).toBeNull();
    expect((await to.reload()).postsCount).toBe(0);
    expect((await author.reload()).postsCount).toBe(1);
  });

  it('moves a draft without touching any count', async () => {
    const author = await t.factories.user({ role: 'author' });
    const from = await t.factories.category();
    const to = await t.factories.category();
    const draft = await t.factories.post(author, { status: 'draft', category: from });
    await read(
      await t.request('PATCH', `/api/posts/${draft.id}`, { as: author, json: { categoryId: to.id } }),
      200,
      PostSchema,
    );
    expect((await from.reload()).postsCount).toBe(0);
    expect((await to.reload()).postsCount).toBe(0);
    expect((await author.reload()).postsCount).toBe(0);
  });

  it('lets an admin reassign a post to another author, and the user counts follow', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const first = await t.factories.user({ role: 'author' });
    const second = await t.factories.user({ role: 'author', name: 'Second' });
    const post = await t.factories.post(first);
    expect((await first.reload()).postsCount).toBe(1);

    const moved = await read(
      await t.request('PATCH', `/api/posts/${post.id}`, { as: admin, json: { authorId: second.id } }),
      200,
      PostSchema,
    );
    expect(moved.author).toEqual({ id: second.id, name: 'Second', slug: 'second' });
    expect((await first.reload()).postsCount).toBe(0);
    expect((await second.reload()).postsCount).toBe(1);
    expect((await post.reload()).authorId).toBe(second.id);

    // Posts may also go to an admin.
    const toAdmin = await read(
      await t.request('PATCH', `/api/posts/${post.id}`, { as: admin, json: { authorId: admin.id } }),
      200,
      PostSchema,
    );
    expect(toAdmin.author.id).toBe(admin.id);
    expect((await second.reload()).postsCount).toBe(0);
    expect((await admin.reload()).postsCount).toBe(1);
  });

  it('lets an author name themselves as author (no reassignment)', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { status: 'draft' });
    const same = await read(
      await t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { authorId: author.id, title: 'Mine' } }),
      200,
      PostSchema,
    );
    expect(same).toMatchObject({ title: 'Mine', author: { id: author.id } });
  });
});

describe('publish and unpublish', () => {
  it('publishes a draft, unpublishes it and re-publishes it keeping the first publication date', async () => {
    const author = await t.factories.user({ role: 'author' });
    const category = await t.factories.category();
    const draft = await t.factories.post(author, { status: 'draft', category });

    const firstAt = new Date(Date.now() + 10_000);
    t.setNow(firstAt);
    const published = await read(
      await t.request('POST', `/api/posts/${draft.id}/publish`, { as: author }),
      200,
      PostSchema,
    );
    expect(published).toMatchObject({
      status: 'published',
      publishedAt: firstAt.toISOString(),
      bodyMarkdown: expect.any(String),
    });
    expect((await author.reload()).postsCount).toBe(1);
    expect((await category.reload()).postsCount).toBe(1);
    const listed = await read(await t.request('GET', `/api/posts?category=${category.slug}`), 200, StrictPostList);
    expect(listed.items.map((p) => p.id)).toEqual([draft.id]);

    t.setNow(new Date(firstAt.getTime() + 60_000));
    const unpublished = await read(
      await t.request('POST', `/api/posts/${draft.slug}/unpublish`, { as: author }),
      200,
      PostSchema,
    );
    expect(unpublished.status).toBe('draft');
    expect((await author.reload()).postsCount).toBe(0);
    expect((await category.reload()).postsCount).toBe(0);
    expect((await t.request('GET', `/api/posts/${draft.id}`)).status).toBe(404);
    const unlisted = await read(await t.request('GET', `/api/posts?category=${category.slug}`), 200, StrictPostList);
    expect(unlisted.total).toBe(0);

    t.setNow(new Date(firstAt.getTime() + 120_000));
    const republished = await read(
      await t.request('POST', `/api/posts/${draft.id}/publish`, { as: author }),
      200,
      PostSchema,
    );
    expect(republished).toMatchObject({ status: 'published', publishedAt: firstAt.toISOString() });
    expect((await author.reload()).postsCount).toBe(1);
    expect((await category.reload()).postsCount).toBe(1);
  });

  it('is idempotent: publishing a published post or unpublishing a draft changes nothing', async () => {
    const author = await t.factories.user({ role: 'author' });
    const category = await t.factories.category();
    const post = await t.factories.post(author, { category });
    const draft = await t.factories.post(author, { status: 'draft', category });

    const changes = await changesDuring(async () => {
      const again = await read(
        await t.request('POST', `/api/posts/${post.id}/publish`, { as: author }),
        200,
        PostSchema,
      );
      expect(again.publishedAt).toBe(post.publishedAt?.toISOString());
      const still = await read(
        await t.request('POST', `/api/posts/${draft.id}/unpublish`, { as: author }),
        200,
        PostSchema,
      );
      expect(still.status).toBe('draft');
    });
    expect(changes).toEqual([]);
    expect((await author.reload()).postsCount).toBe(1);
    expect((await category.reload()).postsCount).toBe(1);
  });

  it('lets an admin publish and unpublish any post', async () => {
    const author = await t.factories.user({ role: 'author' });
    const admin = await t.factories.user({ role: 'admin' });
    const draft = await t.factories.post(author, { status: 'draft' });
    await read(await t.request('POST', `/api/posts/${draft.id}/publish`, { as: admin }), 200, PostSchema);
    expect((await author.reload()).postsCount).toBe(1);
    expect((await admin.reload()).postsCount).toBe(0);
    await read(await t.request('POST', `/api/posts/${draft.id}/unpublish`, { as: admin }), 200, PostSchema);
    expect((await author.reload()).postsCount).toBe(0);
  });
});

describe('DELETE /api/posts/:idOrSlug', () => {
  it('deletes a published post with its comments and replies; every count follows', async () => {
    const author = await t.factories.user({ role: 'author' });
    const category = await t.factories.category();
    const reader = await t.factories.user();
    const post = await t.factories.post(author, { category });
    const other = await t.factories.post(author, { category });
    const top = await t.factories.comment(post, reader);
    await t.factories.comment(post, reader, { parent: top });
    await t.factories.comment(post, reader, { status: 'hidden' });
    await t.factories.comment(other, reader);
    expect((await reader.reload()).commentsCount).toBe(3);

    const res = await t.request('DELETE', `/api/posts/${post.id}`, { as: author });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');

    expect(await t.db.models.Post.findByPk(post.id)).toBeNull();
    expect(await t.db.models.Comment.count({ where: { postId: post.id } })).toBe(0);
    expect(await t.db.models.Comment.count({ where: { postId: other.id } })).toBe(1);
    expect((await reader.reload()).commentsCount).toBe(1);
    expect((await author.reload()).postsCount).toBe(1);
    expect((await category.reload()).postsCount).toBe(1);
    expect((await t.request('GET', `/api/posts/${post.id}`, { as: author })).status).toBe(404);
  });

  it('deletes a draft by slug', async () => {
    const author = await t.factories.user({ role: 'author' });
    const draft = await t.factories.post(author, { status: 'draft' });
    expect((await t.request('DELETE', `/api/posts/${draft.slug}`, { as: author })).status).toBe(204);
    expect(await t.db.models.Post.findByPk(draft.id)).toBeNull();
    expect((await author.reload()).postsCount).toBe(0);
  });
});

describe('post change announcements', () => {
  it("announces 'published' on publish", async () => {
    const author = await t.factories.user({ role: 'author' });
    const draft = await t.factories.post(author, { status: 'draft' });
    const at = new Date(Date.now() + 20_000);
    t.setNow(at);
    const changes = await changesDuring(() => t.request('POST', `/api/posts/${draft.id}/publish`, { as: author }));
    expect(changes).toEqual([{ event: 'published', postId: draft.id, slug: draft.slug, at: at.toISOString() }]);
  });

  it("announces 'updated' when a published post is edited, with previousSlug only when the slug changed", async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);

    const titleOnly = await changesDuring(() =>
      t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { title: 'Retitled' } }),
    );
    expect(titleOnly).toHaveLength(1);
    expect(titleOnly[0]).toMatchObject({ event: 'updated', postId: post.id, slug: post.slug });
    expect(titleOnly[0]).not.toHaveProperty('previousSlug');

    const slug = unique('moved-');
    const renamed = await changesDuring(() =>
      t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { slug } }),
    );
    expect(renamed).toEqual([
      { event: 'updated', postId: post.id, slug, previousSlug: post.slug, at: expect.any(String) },
    ]);
  });

  it('announces nothing for edits of a draft, nor for edits that change nothing', async () => {
    const author = await t.factories.user({ role: 'author' });
    const draft = await t.factories.post(author, { status: 'draft' });
    const post = await t.factories.post(author, { title: 'Same' });
    const changes = await changesDuring(async () => {
      await t.request('PATCH', `/api/posts/${draft.id}`, {
        as: author,
        json: { title: 'Draft edit', slug: unique('d-') },
      });
      await t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { title: 'Same' } });
      await t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: {} });
    });
    expect(changes).toEqual([]);
  });

  it("announces 'unpublished' and then 'deleted' for a published post, nothing for deleting a draft", async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const draft = await t.factories.post(author, { status: 'draft' });

    const unpublished = await changesDuring(() => t.request('POST', `/api/posts/${post.id}/unpublish`, { as: author }));
    expect(unpublished).toEqual([{ event: 'unpublished', postId: post.id, slug: post.slug, at: expect.any(String) }]);

    await t.request('POST', `/api/posts/${post.id}/publish`, { as: author });
    const deleted = await changesDuring(() => t.request('DELETE', `/api/posts/${post.id}`, { as: author }));
    expect(deleted).toEqual([{ event: 'deleted', postId: post.id, slug: post.slug, at: expect.any(String) }]);

    expect(await changesDuring(() => t.request('DELETE', `/api/posts/${draft.id}`, { as: author }))).toEqual([]);
  });
});

describe('POST /api/preview', () => {
  it("renders a body exactly as the post page's HTML: tables, headings under the page's h1, raw HTML inert", async () => {
    const author = await t.factories.user({ role: 'author' });
    const bodyMarkdown =
      '# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script> [x](javascript:alert(1))';
    const res = await t.request('POST', '/api/preview', { as: author, json: { bodyMarkdown } });
    const { html } = await read(res, 200, z.object({ html: z.string() }));
    const post = await t.factories.post(author, { body: bodyMarkdown });
    expect(html).toBe(post.bodyHtml);
    expect(html).toContain('<table>');
    expect(html).toContain('<h2>Title</h2>');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/href="javascript:/);
  });
});

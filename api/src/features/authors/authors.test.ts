import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import { PostListSchema, PostSchema } from '../posts/schema.js';
import { SitePostPageSchema } from '../site/schema.js';
import { AuthorListSchema, AuthorProfileSchema } from './schema.js';

// Author pages and the SEO fields through the API, on SQLite or PostgreSQL (TEST_DATABASE_URL).

const StrictPost = PostSchema.strict();
const StrictProfile = AuthorProfileSchema.strict();

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

type Author = Awaited<ReturnType<TestContext['factories']['user']>>;
const author = (name = 'Ada Writer') => t.factories.user({ role: 'author', name });

async function publish(as: Author, json: Record<string, unknown> = {}) {
  return read(
    await t.request('POST', '/api/posts', {
      as,
      json: { title: 'A post', bodyMarkdown: 'Body.', status: 'published', ...json },
    }),
    201,
    StrictPost,
  );
}

const webhookEvents = async () =>
  (await t.db.models.Job.findAll({ where: { kind: 'webhook' }, order: [['id', 'ASC']] })).map(
    (job) => JSON.parse(job.payload) as { event: string; reason?: string },
  );

describe('author pages', () => {
  it('gives an author a unique slug with their first post, and lists them once they have a published one', async () => {
    const first = await author('Jane Doe');
    const second = await author('Jane Doe');
    expect((await t.request('GET', '/api/authors/jane-doe')).status).toBe(404);
    const draft = await read(
      await t.request('POST', '/api/posts', { as: first, json: { title: 'Draft', bodyMarkdown: 'Body.' } }),
      201,
      StrictPost,
    );
    expect(draft.author.slug).toBe('jane-doe');
    // A draft gives a slug but no page yet.
    await expectError(await t.request('GET', '/api/authors/jane-doe'), 404, 'not_found');

    const post = await publish(first);
    const other = await publish(second);
    expect(post.author).toEqual({ id: first.id, name: 'Jane Doe', slug: 'jane-doe' });
    expect(other.author.slug).not.toBe('jane-doe');
    expect(other.author.slug).toMatch(/^jane-doe-/);

    const page = await read(await t.request('GET', '/api/authors/jane-doe'), 200, StrictProfile);
    expect(page).toEqual({ id: first.id, name: 'Jane Doe', slug: 'jane-doe', bio: '', postsCount: 1 });
    const list = await read(await t.request('GET', '/api/authors'), 200, AuthorListSchema);
    expect(list.items.map((a) => a.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    expect(list.items.every((a) => a.postsCount > 0)).toBe(true);

    // The site build and the public list carry the byline's slug.
    const site = await read(await t.request('GET', '/api/site/posts?limit=500'), 200, SitePostPageSchema);
    expect(site.items.find((p) => p.id === post.id)?.author.slug).toBe('jane-doe');
    const listed = await read(await t.request('GET', '/api/posts?limit=100'), 200, PostListSchema);
    expect(listed.items.find((p) => p.id === post.id)?.author.slug).toBe('jane-doe');
  });

  it('lets an author edit their own bio and address, and asks for a full rebuild', async () => {
    const me = await author('Bio Writer');
    await publish(me);
    const own = await read(await t.request('GET', '/api/authors/me', { as: me }), 200, StrictProfile);
    expect(own.slug).toBe('bio-writer');
    const before = (await webhookEvents()).length;

    const saved = await read(
      await t.request('PATCH', '/api/authors/me', {
        as: me,
        json: { bio: '  Writes about bread and databases.  ', slug: 'bread-and-db' },
      }),
      200,
      StrictProfile,
    );
    expect(saved).toMatchObject({ slug: 'bread-and-db', bio: 'Writes about bread and databases.' });
    expect((await read(await t.request('GET', '/api/authors/bread-and-db'), 200, StrictProfile)).bio).toBe(
      'Writes about bread and databases.',
    );
    await expectError(await t.request('GET', '/api/authors/bio-writer'), 404, 'not_found');
    const events = (await webhookEvents()).slice(before);
    expect(events).toEqual([
      expect.objectContaining({ event: 'rebuild', reason: 'author page of bread-and-db changed' }),
    ]);

    // Saving the same again changes nothing and asks for nothing.
    await read(
      await t.request('PATCH', '/api/authors/me', { as: me, json: { bio: 'Writes about bread and databases.' } }),
      200,
      StrictProfile,
    );
    expect((await webhookEvents()).length).toBe(before + 1);
  });

  it("refuses another author's address, the reserved 'me', a bad slug, a long bio and readers", async () => {
    const taken = await author('Taken Name');
    await publish(taken);
    const me = await author('Someone Else');
    await publish(me);
    await expectError(
      await t.request('PATCH', '/api/authors/me', { as: me, json: { slug: 'taken-name' } }),
      409,
      'slug_taken',
    );
    await expectError(
      await t.request('PATCH', '/api/authors/me', { as: me, json: { slug: 'me' } }),
      422,
      'validation_failed',
    );
    await expectError(
      await t.request('PATCH', '/api/authors/me', { as: me, json: { slug: 'Not A Slug' } }),
      422,
      'validation_failed',
    );
    await expectError(
      await t.request('PATCH', '/api/authors/me', { as: me, json: { bio: 'x'.repeat(501) } }),
      422,
      'validation_failed',
    );
    await expectError(
      await t.request('PATCH', '/api/authors/me', { as: me, json: { bio: 'ok', extra: 1 } }),
      422,
      'validation_failed',
    );
    const reader = await t.factories.user();
    await expectError(
      await t.request('PATCH', '/api/authors/me', { as: reader, json: { bio: 'hi' } }),
      403,
      'forbidden',
    );
    await expectError(await t.request('GET', '/api/authors/me'), 401, 'unauthorized');
    expect((await t.db.models.User.findByPk(me.id))?.slug).toBe('someone-else');
  });
});

describe('SEO and sharing fields', () => {
  it('stores the meta description, custom excerpt and overrides, and the excerpt falls back to the body', async () => {
    const me = await author();
    const words = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');
    const post = await publish(me, {
      bodyMarkdown: words,
      metaDescription: ' For search engines. ',
      customExcerpt: 'My own excerpt.',
      canonicalUrl: 'https://elsewhere.example/original',
      ogImageUrl: '/media/cover.jpg',
    });
    expect(post).toMatchObject({
      metaDescription: 'For search engines.',
      customExcerpt: 'My own excerpt.',
      excerpt: 'My own excerpt.',
      canonicalUrl: 'https://elsewhere.example/original',
      ogImageUrl: '/media/cover.jpg',
      readingMinutes: 3,
    });

    const cleared = await read(
      await t.request('PATCH', `/api/posts/${post.id}`, {
        as: me,
        json: { customExcerpt: '', canonicalUrl: null, ogImageUrl: 'https://cdn.example/a.png' },
      }),
      200,
      StrictPost,
    );
    expect(cleared.excerpt.startsWith('word0 word1')).toBe(true);
    expect(cleared).toMatchObject({ customExcerpt: '', canonicalUrl: null, ogImageUrl: 'https://cdn.example/a.png' });

    const site = await read(await t.request('GET', '/api/site/posts?limit=500'), 200, SitePostPageSchema);
    expect(site.items.find((p) => p.id === post.id)).toMatchObject({
      metaDescription: 'For search engines.',
      canonicalUrl: null,
      ogImageUrl: 'https://cdn.example/a.png',
      readingMinutes: 3,
    });
  });

  it('refuses a script URL, a protocol-relative image, a quote in a URL and an overlong description', async () => {
    const me = await author();
    for (const json of [
      { canonicalUrl: 'javascript:alert(1)' },
      { canonicalUrl: 'ftp://example.com/x' },
      { ogImageUrl: '//evil.example/x.png' },
      { ogImageUrl: 'https://example.com/"onload="x' },
      { metaDescription: 'x'.repeat(301) },
      { customExcerpt: 'x'.repeat(301) },
    ]) {
      await expectError(
        await t.request('POST', '/api/posts', { as: me, json: { title: 'Bad', bodyMarkdown: 'Body.', ...json } }),
        422,
        'validation_failed',
      );
    }
  });
});

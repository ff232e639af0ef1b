import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/app.js';
import { ErrorSchema } from '../../lib/openapi.js';
import { SiteCommentListSchema } from '../comments/schema.js';
import { type SitePost, SitePostPageSchema } from './schema.js';

const StrictPage = SitePostPageSchema.strict();

let t: TestContext;
beforeEach(async () => {
  // A database per test, so the feed holds exactly the posts the test made.
  t = await createTestContext();
});
afterEach(async () => {
  await t.destroy();
});

async function page(query: string) {
  const res = await t.request('GET', `/api/site/posts${query}`);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return StrictPage.parse(JSON.parse(text));
}

/** Every post the feed serves, following nextCursor from the start. */
async function all(limit: number): Promise<{ posts: SitePost[]; pages: number }> {
  const posts: SitePost[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const body = await page(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    posts.push(...body.items);
    cursor = body.nextCursor;
    pages++;
  } while (cursor !== null && pages < 100);
  return { posts, pages };
}

describe('GET /api/site/posts', () => {
  it('pages through every published post in id order, with body, author, category and comment count', async () => {
    const author = await t.factories.user({ role: 'author', name: 'Writer' });
    const reader = await t.factories.user();
    const category = await t.factories.category({ name: 'Things', slug: 'things' });
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await t.factories.post(author, {
          category: i % 2 ? category : null,
          title: `Post ${i}`,
          body: `Body **${i}**`,
        }),
      );
    }
    const first = made[0];
    if (!first) throw new Error('no post');
    await t.factories.comment(first, reader);
    await t.factories.comment(first, reader);
    await t.factories.comment(first, reader, { status: 'hidden' });

    const { posts, pages } = await all(3);
    expect(pages).toBe(3);
    expect(posts.map((p) => p.id)).toEqual(made.map((p) => p.id));
    expect(posts[0]).toMatchObject({
      slug: first.slug,
      title: 'Post 0',
      author: { id: author.id, name: 'Writer' },
      category: null,
      commentsCount: 2,
      bodyHtml: '<p>Body <strong>0</strong></p>\n',
    });
    expect(posts[1]?.category).toEqual({ id: category.id, name: 'Things', slug: 'things' });
    expect(posts.every((p) => !Number.isNaN(Date.parse(p.publishedAt)))).toBe(true);
    // The Markdown source and the status stay inside the API.
    expect(Object.keys(posts[0] ?? {})).not.toContain('bodyMarkdown');
    expect(Object.keys(posts[0] ?? {})).not.toContain('status');
  });

  it('answers an empty list on an empty database, and no next page past the end', async () => {
    expect(await page('')).toEqual({ items: [], nextCursor: null });
    expect(await page('?cursor=2147483000')).toEqual({ items: [], nextCursor: null });
  });

  it('never includes drafts, and drops posts once they are unpublished', async () => {
    const author = await t.factories.user({ role: 'author' });
    const published = await t.factories.post(author);
    const draft = await t.factories.post(author, { status: 'draft', title: 'Secret draft' });
    const later = await t.factories.post(author);
    let { posts } = await all(500);
    expect(posts.map((p) => p.id)).toEqual([published.id, later.id]);
    expect(JSON.stringify(posts)).not.toContain('Secret draft');
    expect(posts.some((p) => p.id === draft.id)).toBe(false);

    const res = await t.request('POST', `/api/posts/${later.id}/unpublish`, { as: author });
    expect(res.status).toBe(200);
    ({ posts } = await all(500));
    expect(posts.map((p) => p.id)).toEqual([published.id]);
  });

  it('refuses malformed cursors and limits with 400', async () => {
    for (const query of [
      '?limit=0',
      '?limit=501',
      '?limit=-1',
      '?limit=abc',
      '?limit=1.5',
      '?cursor=abc',
      '?cursor=-1',
      '?cursor=1e3',
      '?cursor=12345678901',
      '?cursor=',
    ]) {
      const res = await t.request('GET', `/api/site/posts${query}`);
      expect(res.status, query).toBe(400);
      expect(ErrorSchema.parse(await res.json()).error.code, query).toBe('invalid_request');
    }
    expect((await page('?limit=500')).items).toEqual([]);
  });

  it('sends one fixed set of queries per page, whatever its size', async () => {
    const author = await t.factories.user({ role: 'author' });
    const categories = [await t.factories.category(), await t.factories.category()];
    const counts: number[] = [];
    for (const size of [3, 30]) {
      while ((await t.db.models.Post.count()) < size) {
        await t.factories.post(author, { category: categories[(await t.db.models.Post.count()) % 2] ?? null });
      }
      const statements: string[] = [];
      t.db.sequelize.addHook('afterQuery', 'site-count', () => {
        statements.push('q');
      });
      try {
        expect((await page('?limit=500')).items).toHaveLength(size);
      } finally {
        t.db.sequelize.removeHook('afterQuery', 'site-count');
      }
      counts.push(statements.length);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0]).toBeLessThanOrEqual(2);
    expect(counts[1]).toBe(counts[0]);
  });
});

describe('GET /api/site/comments and /api/site/posts/:id/comments', () => {
  it("lists every shown comment of published posts by id, hidden threads' tops bodiless, one post's all at once", async () => {
    const author = await t.factories.user({ role: 'author' });
    const reader = await t.factories.user();
    const post = await t.factories.post(author);
    const draft = await t.factories.post(author, { status: 'draft' });
    const top = await t.factories.comment(post, reader, { body: 'Top' });
    const reply = await t.factories.comment(post, reader, { parent: top });
    const hiddenTop = await t.factories.comment(post, reader, { status: 'hidden' });
    const underHidden = await t.factories.comment(post, reader, { parent: hiddenTop });
    await t.factories.comment(post, reader, { status: 'hidden' });
    await t.factories.comment(post, reader, { parent: top, status: 'hidden' });
    await t.factories.comment(draft, reader);
    const expected = [top.id, reply.id, hiddenTop.id, underHidden.id];

    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.request('GET', `/api/site/comments?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      const body = SiteCommentListSchema.parse(await res.json());
      expect(res.status).toBe(200);
      for (const item of body.items) {
        ids.push(item.id);
        expect(item.bodyMarkdown).toBeUndefined();
        if (item.id === hiddenTop.id) expect(item).toMatchObject({ status: 'hidden', bodyHtml: '' });
      }
      cursor = body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(ids).toEqual(expected);

    const one = await t.request('GET', `/api/site/posts/${post.id}/comments`);
    const list = SiteCommentListSchema.parse(await one.json());
    expect(list.items.map((c) => c.id)).toEqual(expected);
    expect(list.nextCursor).toBeNull();
    expect((await t.request('GET', `/api/site/posts/${draft.id}/comments`)).status).toBe(404);
    expect((await t.request('GET', '/api/site/posts/99999999999/comments')).status).toBe(400);
    expect((await t.request('GET', '/api/site/comments?limit=0')).status).toBe(400);
    expect((await t.request('GET', '/api/site/comments?cursor=1.5')).status).toBe(400);
  });
});

describe('GET /api/site/info', () => {
  it("answers the blog's name, description and profile links from the configuration", async () => {
    const configured = await createTestContext({
      SITE_NAME: '밤의 노트',
      SITE_LOCALE: 'ko',
      SITE_DESCRIPTION: 'Notes written at night.',
      SITE_SOCIAL_LINKS:
        'https://github.com/night, https://mastodon.social/@night ,https://www.youtube.com/@night,https://example.org/me',
    });
    try {
      const res = await configured.request('GET', '/api/site/info');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        name: '밤의 노트',
        description: 'Notes written at night.',
        socialLinks: [
          { url: 'https://github.com/night', label: 'GitHub' },
          { url: 'https://mastodon.social/@night', label: 'Mastodon' },
          { url: 'https://www.youtube.com/@night', label: 'YouTube' },
          { url: 'https://example.org/me', label: 'example.org' },
        ],
        locale: 'ko',
      });
    } finally {
      await configured.destroy();
    }
  });

  it('has defaults, and no links unless configured', async () => {
    const res = await t.request('GET', '/api/site/info');
    expect(await res.json()).toEqual({
      name: t.config.siteName,
      description: t.config.siteDescription,
      socialLinks: [],
      locale: 'en',
    });
  });

  it('refuses a profile link that is not an https URL, or a language it does not speak, at start', async () => {
    for (const links of ['http://github.com/x', 'javascript:alert(1)', 'not a url']) {
      await expect(createTestContext({ SITE_SOCIAL_LINKS: links }), links).rejects.toThrow(/SITE_SOCIAL_LINKS/);
    }
    await expect(createTestContext({ SITE_LOCALE: 'fr' })).rejects.toThrow(/SITE_LOCALE/);
  });
});

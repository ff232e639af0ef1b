import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Comment } from '../../../api/src/db/models/index.js';
import { seedDemo } from '../../../api/src/db/seed.js';
import { createTestContext, type TestContext } from '../../../api/test/app.js';
import { type Builder, type BuildOutcome, createBuilder } from '../../builder/src/builder.js';
import { consoleLogger } from '../../builder/src/reporter.js';
import { type RunningApi, serveApi } from '../api-server.js';
import { searchSite } from '../search.js';

// The fast path against the real site: a real API over HTTP with the demo blog, a real
// `astro build` in the render worker, then single-post changes rendered into the live release.

const SECRET = 'fast-path-test-secret-0123456789abcdefgh';
const quiet = { ...consoleLogger, info() {} };

let t: TestContext;
let api: RunningApi;
let builder: Builder;
let siteDist: string;
const outcomes: BuildOutcome[] = [];

beforeAll(async () => {
  t = await createTestContext({ WEBHOOK_SECRET: SECRET });
  await seedDemo(t.db, () => new Date(Date.now() - 60_000));
  api = await serveApi(t);
  siteDist = join(await mkdtemp(join(tmpdir(), 'fast-path-')), 'dist');
  builder = createBuilder({
    secret: SECRET,
    siteDist,
    apiUrl: api.apiUrl,
    publicUrl: 'https://blog.example',
    followUpDelayMs: null,
    logger: quiet,
    quietBuilds: true,
  });
  builder.onBuild((outcome) => outcomes.push(outcome));
  builder.rebuild('initial');
  await builder.idle();
  expect(outcomes.at(-1)).toMatchObject({ kind: 'full', ok: true });
}, 180_000);

afterAll(async () => {
  await builder?.stop();
  await api?.close();
  await t?.destroy();
});

async function files(dir: string): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    result.set(relative(dir, path), (await stat(path)).mtimeMs);
  }
  return result;
}

const html = (path: string) => readFile(join(siteDist, path), 'utf8');
const Created = z.object({ id: z.number(), slug: z.string() });

describe('fast path', () => {
  let post: z.infer<typeof Created>;
  let categorySlug: string;
  let fastHtml: string;

  it('renders a newly published post, its neighbours, home, category, feed and sitemap, and nothing else', async () => {
    const author = await t.db.models.User.findOne({ where: { email: 'grace@example.com' } });
    const category = await t.db.models.Category.findOne({ order: [['id', 'ASC']] });
    if (!author || !category) throw new Error('seed missing');
    categorySlug = category.slug;
    const previousNewest = await t.db.models.Post.findOne({
      where: { status: 'published' },
      order: [
        ['publishedAt', 'DESC'],
        ['id', 'DESC'],
      ],
    });
    const before = await files(siteDist);
    const res = await t.request('POST', '/api/posts', {
      as: author,
      json: {
        title: 'Fresh off the press',
        // A word no demo post has, to find it by in the search index.
        bodyMarkdown: 'Brand **new**, with a quokka.',
        categoryId: category.id,
        status: 'published',
      },
    });
    expect(res.status).toBe(201);
    post = Created.parse(await res.json());

    const started = performance.now();
    expect(builder.accept({ event: 'published', postId: post.id, slug: post.slug, at: new Date().toISOString() })).toBe(
      'fast',
    );
    await builder.idle();
    const elapsed = performance.now() - started;
    const outcome = outcomes.at(-1);
    expect(outcome).toMatchObject({ kind: 'fast', ok: true });
    expect(elapsed).toBeLessThan(3000);

    const page = await html(`posts/${post.slug}/index.html`);
    fastHtml = page;
    expect(page).toContain('Fresh off the press');
    expect(page).toContain('<strong>new</strong>');
    expect(gunzipSync(await readFile(join(siteDist, `posts/${post.slug}/index.html.gz`))).toString()).toBe(page);
    expect(brotliDecompressSync(await readFile(join(siteDist, `posts/${post.slug}/index.html.br`))).toString()).toBe(
      page,
    );
    expect(await html('index.html')).toContain('Fresh off the press');
    expect(await html(`categories/${categorySlug}/index.html`)).toContain('Fresh off the press');
    expect(await html('rss.xml')).toContain('Fresh off the press');
    expect(await html('sitemap.xml')).toContain(`https://blog.example/posts/${post.slug}/`);
    // The post that was newest now links to the new one.
    expect(await html(`posts/${previousNewest?.slug}/index.html`)).toContain(`/posts/${post.slug}/`);

    // The search index finds it, through a delta beside the full build's index; the rest are still found.
    expect(outcome?.search).toMatchObject({ changed: 1, hidden: 0 });
    expect((await searchSite(siteDist, 'quokka')).map((hit) => hit.url)).toEqual([`/posts/${post.slug}/`]);
    expect(await searchSite(siteDist, 'kimchi')).not.toEqual([]);

    // Exactly the pages it reported, each with its compressed siblings where they apply (and the search index).
    const after = await files(siteDist);
    const changed = [...after]
      .filter(([path, mtime]) => before.get(path) !== mtime && !path.startsWith('pagefind/'))
      .map(([path]) => path);
    const reported = new Set(
      (outcome?.written ?? []).map((path) => {
        const decoded = decodeURIComponent(path).slice(1);
        return decoded === '' || decoded.endsWith('/') ? `${decoded}index.html` : decoded;
      }),
    );
    expect(new Set(changed.filter((path) => !/\.(gz|br)$/.test(path)))).toEqual(reported);
    expect(changed.length).toBeLessThan(after.size / 3);
    expect(outcome?.written).toEqual(
      expect.arrayContaining(['/', `/categories/${categorySlug}/`, '/rss.xml', '/sitemap.xml', `/posts/${post.slug}/`]),
    );
  });

  it('renders the same HTML as the full build of the same data', async () => {
    builder.rebuild('compare');
    await builder.idle();
    expect(await html(`posts/${post.slug}/index.html`)).toBe(fastHtml);
  }, 120_000);

  it('moves the page on a slug change and removes it on unpublish', async () => {
    const author = await t.db.models.User.findOne({ where: { email: 'grace@example.com' } });
    if (!author) throw new Error('seed missing');
    const renamed = await t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { slug: 'fresh-renamed' } });
    expect(renamed.status).toBe(200);
    builder.accept({
      event: 'updated',
      postId: post.id,
      slug: 'fresh-renamed',
      previousSlug: post.slug,
      at: new Date().toISOString(),
    });
    await builder.idle();
    expect(await html('posts/fresh-renamed/index.html')).toContain('Fresh off the press');
    await expect(stat(join(siteDist, `posts/${post.slug}/index.html`))).rejects.toThrow();
    await expect(stat(join(siteDist, `posts/${post.slug}/index.html.br`))).rejects.toThrow();
    // The full build's index had the old address: hidden, the delta has the new one.
    expect(outcomes.at(-1)?.search).toMatchObject({ changed: 1, hidden: 1 });
    expect((await searchSite(siteDist, 'quokka')).map((hit) => hit.url)).toEqual(['/posts/fresh-renamed/']);

    expect((await t.request('POST', `/api/posts/${post.id}/unpublish`, { as: author })).status).toBe(200);
    builder.accept({ event: 'unpublished', postId: post.id, slug: 'fresh-renamed', at: new Date().toISOString() });
    await builder.idle();
    // The home listing shrank back by one post: its last page went too (20 published posts, 10 a page).
    expect(outcomes.at(-1)).toMatchObject({
      kind: 'fast',
      ok: true,
      removed: ['/posts/fresh-renamed/', '/page/3/'],
    });
    await expect(stat(join(siteDist, 'page/3/index.html'))).rejects.toThrow();
    await expect(stat(join(siteDist, 'posts/fresh-renamed'))).rejects.toThrow();
    expect(await html('index.html')).not.toContain('Fresh off the press');
    expect(await html(`categories/${categorySlug}/index.html`)).not.toContain('Fresh off the press');
    expect(await html('sitemap.xml')).not.toContain('fresh-renamed');
    // Gone from search too; the delta folders before the previous one are gone from the release.
    expect(outcomes.at(-1)?.search).toMatchObject({ pages: 0, changed: 0, hidden: 1 });
    expect(await searchSite(siteDist, 'quokka')).toEqual([]);
    expect(await searchSite(siteDist, 'kimchi')).not.toEqual([]);
    const deltas = (await readdir(join(siteDist, 'pagefind'))).filter((name) => name.startsWith('delta-'));
    expect(deltas).toHaveLength(1);
  });

  it('recorded every build through the API', async () => {
    const builds = await t.db.models.BuildEvent.findAll({ order: [['id', 'ASC']] });
    expect(builds.map((b) => [b.reason.replace(/\d+/g, 'N'), b.status])).toEqual([
      ['initial', 'done'],
      ['fast path: post N published', 'done'],
      ['compare', 'done'],
      ['fast path: post N updated', 'done'],
      ['fast path: post N unpublished', 'done'],
    ]);
    for (const build of builds) {
      expect(build.durationMs).toBeGreaterThan(0);
      expect(build.pages).toBeGreaterThan(0);
      expect(build.finishedAt).not.toBeNull();
    }
  });
});

// A post's comments as the static site holds them: in the post's HTML (first page) and in its
// JSON pages, re-rendered from one 'comments' event per change, coalesced, without a full build.
describe('comments, static', () => {
  const PageJson = z.object({
    postId: z.number(),
    sort: z.string(),
    page: z.number(),
    pages: z.number(),
    total: z.number(),
    next: z.string().nullable(),
    items: z.array(
      z.object({ id: z.number(), likesCount: z.number(), replies: z.array(z.object({ id: z.number() })) }),
    ),
  });
  const json = async (path: string) => PageJson.parse(JSON.parse(await html(path)));
  const commentsEvent = (target: { id: number; slug: string }) =>
    builder.accept({ event: 'comments', postId: target.id, slug: target.slug, at: new Date().toISOString() });

  let target: { id: number; slug: string };

  it('puts new comments into the post page and its JSON pages after a coalesced re-render, touching nothing else', async () => {
    const post = await t.db.models.Post.findOne({ where: { status: 'published' }, order: [['id', 'ASC']] });
    const reader = await t.factories.user({ name: 'Static Reader' });
    if (!post) throw new Error('seed missing');
    target = { id: post.id, slug: post.slug };
    const before = await files(siteDist);
    const fastBefore = outcomes.filter((o) => o.kind === 'fast').length;
    const made: Comment[] = [];
    for (let i = 1; i <= 5; i++) {
      made.push(await t.factories.comment(post, reader, { body: `Burst comment number ${i}.` }));
      expect(commentsEvent(target)).toBe('fast');
    }
    await builder.idle();
    const renders = outcomes.slice(-(outcomes.filter((o) => o.kind === 'fast').length - fastBefore));
    // Five events, one after the other: the first render, and one for everything that came meanwhile.
    expect(renders.length).toBeLessThanOrEqual(2);
    expect(renders.every((o) => o.kind === 'fast' && o.ok)).toBe(true);

    const page = await html(`posts/${post.slug}/index.html`);
    for (const comment of made) {
      expect(page).toContain(`id="comment-${comment.id}"`);
      expect(page).toContain(`Burst comment number ${made.indexOf(comment) + 1}.`);
    }
    const first = await json(`posts/${post.slug}/comments/oldest/1.json`);
    expect(first.postId).toBe(post.id);
    expect(first.items.map((item) => item.id)).toEqual(expect.arrayContaining(made.map((c) => c.id)));
    expect(first.total).toBe((await post.reload()).commentsCount);
    const newest = await json(`posts/${post.slug}/comments/newest/1.json`);
    expect(newest.items[0]?.id).toBe(made.at(-1)?.id);
    expect(gunzipSync(await readFile(join(siteDist, `posts/${post.slug}/comments/oldest/1.json.gz`))).toString()).toBe(
      await html(`posts/${post.slug}/comments/oldest/1.json`),
    );
    expect(await html(`posts/${post.slug}/comments.xml`)).toContain('Burst comment number 5.');
    expect(await html('comments.xml')).toContain('Burst comment number 5.');

    // The post's page, its comment pages and feeds, and the site's comment feed: nothing else.
    const after = await files(siteDist);
    const changed = [...after]
      .filter(([path, mtime]) => before.get(path) !== mtime)
      .map(([path]) => path)
      .filter((path) => !/\.(gz|br)$/.test(path));
    for (const path of changed) {
      expect(path.startsWith(`posts/${post.slug}/`) || path === 'comments.xml', path).toBe(true);
    }
    expect(changed).toContain(`posts/${post.slug}/index.html`);
  });

  it('drops a hidden comment and a deleted one from the page and the JSON', async () => {
    const [hide, remove] = await t.db.models.Comment.findAll({
      where: { postId: target.id, parentId: null },
      order: [['id', 'DESC']],
      limit: 2,
    });
    if (!hide || !remove) throw new Error('no comments');
    await t.db.transaction(async (transaction) => {
      hide.status = 'hidden';
      await hide.save({ transaction });
      await remove.destroy({ transaction });
    });
    commentsEvent(target);
    await builder.idle();
    const page = await html(`posts/${target.slug}/index.html`);
    expect(page).not.toContain(`id="comment-${hide.id}"`);
    expect(page).not.toContain(`id="comment-${remove.id}"`);
    expect(page).not.toContain(hide.bodyMarkdown);
    const ids = (await json(`posts/${target.slug}/comments/oldest/1.json`)).items.map((item) => item.id);
    expect(ids).not.toContain(hide.id);
    expect(ids).not.toContain(remove.id);
    expect(await html('comments.xml')).not.toContain(hide.bodyMarkdown);
  });

  it('writes every page of a long thread and removes the pages it no longer has', async () => {
    const post = await t.db.models.Post.findByPk(target.id);
    const reader = await t.factories.user({ name: 'Long Thread' });
    if (!post) throw new Error('post missing');
    const extra: Comment[] = [];
    for (let i = 0; i < 45; i++) extra.push(await t.factories.comment(post, reader, { body: `Long thread ${i}.` }));
    commentsEvent(target);
    await builder.idle();
    const first = await json(`posts/${target.slug}/comments/oldest/1.json`);
    expect(first.pages).toBeGreaterThanOrEqual(3);
    expect(first.next).toBe(`/posts/${target.slug}/comments/oldest/2.json`);
    const last = await json(`posts/${target.slug}/comments/oldest/${first.pages}.json`);
    expect(last.next).toBeNull();
    const pagesBefore = first.pages;

    await t.db.transaction(async (transaction) => {
      for (const comment of extra) await comment.destroy({ transaction });
    });
    commentsEvent(target);
    await builder.idle();
    const shrunk = await json(`posts/${target.slug}/comments/oldest/1.json`);
    expect(shrunk.pages).toBeLessThan(pagesBefore);
    await expect(stat(join(siteDist, `posts/${target.slug}/comments/oldest/${pagesBefore}.json`))).rejects.toThrow();
    await expect(stat(join(siteDist, `posts/${target.slug}/comments/top/${pagesBefore}.json.gz`))).rejects.toThrow();
  });

  it("removes a post's comment pages and feed when its last shown comment goes", async () => {
    const shown = await t.db.models.Comment.findAll({ where: { postId: target.id, status: 'visible' } });
    expect(shown.length).toBeGreaterThan(0);
    await t.db.transaction(async (transaction) => {
      for (const comment of shown) {
        comment.status = 'hidden';
        await comment.save({ transaction });
      }
    });
    commentsEvent(target);
    await builder.idle();
    expect(outcomes.at(-1)?.removed).toContain(`/posts/${target.slug}/comments.xml`);
    await expect(stat(join(siteDist, `posts/${target.slug}/comments.xml`))).rejects.toThrow();
    await expect(stat(join(siteDist, `posts/${target.slug}/comments`))).rejects.toThrow();
    const page = await html(`posts/${target.slug}/index.html`);
    expect(page).toContain('No comments');
    expect(page).not.toContain(`/posts/${target.slug}/comments.xml`);
  });

  it('takes the comment pages and feed away with an unpublished post', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const post = await t.db.models.Post.findByPk(target.id);
    if (!post) throw new Error('post missing');
    expect((await t.request('POST', `/api/posts/${post.id}/unpublish`, { as: admin })).status).toBe(200);
    builder.accept({ event: 'unpublished', postId: post.id, slug: post.slug, at: new Date().toISOString() });
    await builder.idle();
    await expect(stat(join(siteDist, `posts/${post.slug}`))).rejects.toThrow();
  });
});

// Tag pages come with the posts that carry them: the fast path renders and removes them.
describe('tags, fast path', () => {
  const Tagged = Created.extend({ tags: z.array(z.object({ name: z.string(), slug: z.string() })) });
  let tagged: z.infer<typeof Tagged>;

  it('renders the tag pages of a newly published post and lists the tags on its page, in the feed and the sitemap', async () => {
    const author = await t.db.models.User.findOne({ where: { email: 'grace@example.com' } });
    if (!author) throw new Error('seed missing');
    const res = await t.request('POST', '/api/posts', {
      as: author,
      json: {
        title: 'Tagged off the press',
        bodyMarkdown: 'Tags *everywhere*.',
        status: 'published',
        tags: ['Fast Tag', 'Slow & Steady'],
      },
    });
    expect(res.status).toBe(201);
    tagged = Tagged.parse(await res.json());
    const slugs = tagged.tags.map((tag) => tag.slug);
    expect(slugs).toEqual(['fast-tag', 'slow-steady']);

    expect(
      builder.accept({ event: 'published', postId: tagged.id, slug: tagged.slug, at: new Date().toISOString() }),
    ).toBe('fast');
    await builder.idle();
    const outcome = outcomes.at(-1);
    expect(outcome).toMatchObject({ kind: 'fast', ok: true });
    expect(outcome?.written).toEqual(expect.arrayContaining(['/tags/fast-tag/', '/tags/slow-steady/']));

    const tagPage = await html('tags/fast-tag/index.html');
    expect(tagPage).toContain('Tagged off the press');
    expect(tagPage).toContain('<h1>#Fast Tag</h1>');
    expect(tagPage).toContain('<link rel="canonical" href="https://blog.example/tags/fast-tag/"');
    const page = await html(`posts/${tagged.slug}/index.html`);
    expect(page).toContain(
      '<a href="/tags/slow-steady/" rel="tag">#<span data-pagefind-filter="tag">Slow &amp; Steady</span></a>',
    );
    expect(page).toContain('<meta property="article:tag" content="Fast Tag">');
    expect(await html('index.html')).toContain('href="/tags/fast-tag/"');
    expect(await html('rss.xml')).toContain('<category>Slow &amp; Steady</category>');
    expect(await html('sitemap.xml')).toContain('https://blog.example/tags/fast-tag/');
  });

  it('renders the same tag page as the full build', async () => {
    const fast = await html('tags/slow-steady/index.html');
    builder.rebuild('compare tags');
    await builder.idle();
    expect(await html('tags/slow-steady/index.html')).toBe(fast);
  }, 120_000);

  it("removes a tag's pages when its last post drops it, and keeps the other tag's", async () => {
    const author = await t.db.models.User.findOne({ where: { email: 'grace@example.com' } });
    if (!author) throw new Error('seed missing');
    const res = await t.request('PATCH', `/api/posts/${tagged.id}`, { as: author, json: { tags: ['Slow & Steady'] } });
    expect(res.status).toBe(200);
    builder.accept({ event: 'updated', postId: tagged.id, slug: tagged.slug, at: new Date().toISOString() });
    await builder.idle();
    expect(outcomes.at(-1)).toMatchObject({ kind: 'fast', ok: true });
    expect(outcomes.at(-1)?.removed).toContain('/tags/fast-tag/');
    await expect(stat(join(siteDist, 'tags/fast-tag/index.html'))).rejects.toThrow();
    await expect(stat(join(siteDist, 'tags/fast-tag/index.html.br'))).rejects.toThrow();
    expect(await html('tags/slow-steady/index.html')).toContain('Tagged off the press');
    expect(await html(`posts/${tagged.slug}/index.html`)).not.toContain('/tags/fast-tag/');
    expect(await html('sitemap.xml')).not.toContain('/tags/fast-tag/');
  });
});

// An author's page comes with their first published post, as a tag's does.
describe('author pages, fast path', () => {
  it("makes a new author's page with their first post, linked from its byline", async () => {
    const newcomer = await t.factories.user({ role: 'author', name: 'Nova Newcomer' });
    const res = await t.request('POST', '/api/posts', {
      as: newcomer,
      json: { title: 'My first post here', bodyMarkdown: 'Hello.', status: 'published' },
    });
    expect(res.status).toBe(201);
    const post = Created.parse(await res.json());
    builder.accept({ event: 'published', postId: post.id, slug: post.slug, at: new Date().toISOString() });
    await builder.idle();
    expect(outcomes.at(-1)).toMatchObject({ kind: 'fast', ok: true });
    expect(outcomes.at(-1)?.written).toContain('/authors/nova-newcomer/');
    const page = await html('authors/nova-newcomer/index.html');
    expect(page).toContain('<h1>Nova Newcomer</h1>');
    expect(page).toContain('My first post here');
    expect(await html(`posts/${post.slug}/index.html`)).toContain(
      '<a href="/authors/nova-newcomer/" rel="author">Nova Newcomer</a>',
    );
  });
});

// A post's cover: behind its masthead, in the previews, as og:image and as the feed's enclosure.
describe('covers, fast path', () => {
  it('puts the cover behind the masthead with every width and format, and shares it', async () => {
    const author = await t.db.models.User.findOne({ where: { email: 'grace@example.com' } });
    if (!author) throw new Error('seed missing');
    const form = new FormData();
    const jpeg = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#884422' } })
      .jpeg()
      .toBuffer();
    form.append('file', new Blob([jpeg]), 'cover.jpg');
    form.append('alt', 'A brown field at dusk');
    const uploaded = await t.app.request('/api/media', {
      method: 'POST',
      body: form,
      headers: { cookie: await t.factories.sessionCookie(author) },
    });
    expect(uploaded.status).toBe(201);
    const media = z.object({ id: z.number(), key: z.string() }).parse(await uploaded.json());
    const res = await t.request('POST', '/api/posts', {
      as: author,
      json: { title: 'Under a cover', bodyMarkdown: 'Covered.', status: 'published', coverMediaId: media.id },
    });
    expect(res.status).toBe(201);
    const post = Created.parse(await res.json());
    builder.accept({ event: 'published', postId: post.id, slug: post.slug, at: new Date().toISOString() });
    await builder.idle();
    expect(outcomes.at(-1)).toMatchObject({ kind: 'fast', ok: true });

    const page = await html(`posts/${post.slug}/index.html`);
    expect(page).toContain('<header class="masthead has-cover">');
    expect(page).toContain(
      `<source type="image/avif" srcset="/media/${media.key}/480.avif 480w, /media/${media.key}/960.avif 960w, /media/${media.key}/1200.avif 1200w, /media/${media.key}/1600.avif 1600w" sizes="100vw">`,
    );
    expect(page).toMatch(
      new RegExp(
        `<img src="/media/${media.key}/1600.jpg" srcset="[^"]+" sizes="100vw" width="1600" height="900" alt="A brown field at dusk" loading="eager" fetchpriority="high" decoding="async">`,
      ),
    );
    expect(page).toContain(`<meta property="og:image" content="https://blog.example/media/${media.key}/1600.jpg">`);
    expect(page).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(await html('index.html')).toContain(`<picture class="preview-cover">`);
    expect(await html('index.html')).toMatch(
      new RegExp(`/media/${media.key}/480.webp 480w[^"]*" sizes="\\(min-width: 40rem\\) 12rem, 100vw"`),
    );
    expect(await html('rss.xml')).toContain(
      `<enclosure url="https://blog.example/media/${media.key}/1600.jpg" length="`,
    );
  });
});

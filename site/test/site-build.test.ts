import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative, sep } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parseDocument } from 'htmlparser2';
import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../api/src/db/seed.js';
import { createTestContext, type TestContext } from '../../api/test/app.js';
import { runAstroBuild } from '../scripts/build-site.js';
import { MIN_BYTES } from '../scripts/precompress.js';
import { PAGE_SIZE } from '../src/consts.js';
import { NEWSLETTER_SUBSCRIBE_ACTION, SEARCH_PATH } from '../src/lib/routes.js';
import { type RunningApi, serveApi } from './api-server.js';
import { searchSite } from './search.js';
import { childText, parseXml, path } from './xml.js';

// The whole site built by the real `astro build` from the real API over HTTP, seeded with the
// demo blog plus a few posts that exercise pagination, Unicode slugs and hostile content.

const PUBLIC_URL = 'https://blog.example';
const XSS_TITLE = '<script>alert("title")</script> & <img src=x onerror=alert(1)>';
const XSS_BODY = [
  'Before.',
  '<script>alert("body")</script>',
  '<img src="x" onerror="alert(2)">',
  '[click me](javascript:alert(3))',
  '<a href="javascript:alert(4)">raw link</a>',
  '<iframe src="https://evil.example"></iframe>',
  'After.',
].join('\n\n');

let t: TestContext;
let api: RunningApi;
let out: string;
let buildMs = 0;

interface Page {
  /** URL path, e.g. /posts/hello/ */
  path: string;
  file: string;
  html: string;
}
const pages = new Map<string, Page>();

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** The file a same-origin URL path is served from, as nginx's `try_files $uri $uri/index.html` finds it. */
function fileFor(urlPath: string): string {
  const decoded = decodeURIComponent(urlPath);
  return join(out, decoded.endsWith('/') ? `${decoded}index.html` : decoded);
}

interface Element {
  tag: string;
  attribs: Record<string, string>;
  /** The element's own text, for scripts. */
  text: string;
}

/** Every element of a page, parsed as a browser would tokenise it. */
function elements(html: string): Element[] {
  const found: Element[] = [];
  const visit = (node: ReturnType<typeof parseDocument>['children'][number]) => {
    if ('attribs' in node) {
      const text = node.children.map((child) => ('data' in child ? child.data : '')).join('');
      found.push({ tag: node.name, attribs: node.attribs, text });
    }
    if ('children' in node) for (const child of node.children) visit(child);
  };
  for (const child of parseDocument(html).children) visit(child);
  return found;
}

/** Every value of the attributes `names` on a page. */
const attributes = (html: string, names: string[]) =>
  elements(html).flatMap((element) =>
    names.flatMap((name) => {
      const value = element.attribs[name];
      return value === undefined ? [] : [{ tag: element.tag, name, value }];
    }),
  );

const published = () =>
  t.db.models.Post.findAll({
    where: { status: 'published' },
    include: [{ model: t.db.models.Category, as: 'category' }],
  });

/** Markup in the name: escaped everywhere it shows. */
const SITE_NAME = 'Notes & <Night>';
const SITE_DESCRIPTION = 'Notes on building & travelling, as plain pages.';

beforeAll(async () => {
  t = await createTestContext({
    PUBLIC_URL,
    SITE_NAME: SITE_NAME,
    SITE_DESCRIPTION,
    SITE_SOCIAL_LINKS: 'https://github.com/notes-night,https://mastodon.social/@notes',
  });
  await seedDemo(t.db, () => new Date());
  const { User, Category } = t.db.models;
  const author = await User.findOne({ where: { email: 'grace@example.com' } });
  const notes = await Category.findOne({ where: { slug: 'notes' } });
  if (!author || !notes) throw new Error('the demo seed changed: no grace@example.com or notes category');
  // Enough Notes posts for a second category page, one with a Hangul slug, one hostile.
  for (let i = 0; i < PAGE_SIZE; i++) {
    await t.factories.post(author, { category: notes, title: `Filler note ${i}`, body: `Note number ${i}.` });
  }
  await t.factories.post(author, { category: notes, title: '서울의 밤', slug: '서울의-밤', body: '한국어 본문.' });
  await t.factories.post(author, { category: notes, title: XSS_TITLE, slug: 'xss-probe', body: XSS_BODY });
  await t.factories.post(author, {
    status: 'draft',
    title: 'A draft nobody sees',
    slug: 'secret-draft',
    body: 'Xylophone practice, unpublished.',
  });
  const zyzzyva = await t.factories.post(author, {
    title: 'Zyzzyva sightings',
    slug: 'zyzzyva-sightings',
    body: 'A beetle by the river.',
  });
  // A comment's words are on its post's page, never in the search index.
  await t.factories.comment(zyzzyva, author, { body: 'Wombats were seen here too.' });
  // A category with only a draft: its page is built, says noindex and is not in the sitemap.
  const empty = await t.factories.category({ name: 'Coming soon', slug: 'coming-soon' });
  await t.factories.post(author, { status: 'draft', category: empty, title: 'Not yet', slug: 'not-yet' });

  api = await serveApi(t);
  out = await mkdtemp(join(tmpdir(), 'blog-site-'));
  const result = await runAstroBuild({ apiUrl: api.apiUrl, publicUrl: PUBLIC_URL, outDir: out });
  buildMs = result.durationMs;

  for await (const file of walk(out)) {
    if (extname(file) !== '.html') continue;
    // Keys are URL paths as links spell them: each segment percent-encoded.
    const rel = relative(out, file).split(sep).map(encodeURIComponent).join('/');
    const path =
      rel === 'index.html' ? '/' : rel.endsWith('/index.html') ? `/${rel.slice(0, -'index.html'.length)}` : `/${rel}`;
    pages.set(path, { path, file, html: await readFile(file, 'utf8') });
  }
}, 180_000);

afterAll(async () => {
  await api?.close();
  await t?.destroy();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('the built site', () => {
  it('builds in reasonable time', () => {
    expect(buildMs).toBeGreaterThan(0);
    expect(buildMs).toBeLessThan(90_000);
  });

  it('has a page for every published post, with its title escaped and its body', async () => {
    const posts = await published();
    expect(posts.length).toBeGreaterThan(30);
    for (const post of posts) {
      const page = pages.get(`/posts/${encodeURIComponent(post.slug)}/`);
      expect(page, post.slug).toBeDefined();
      expect(existsSync(fileFor(`/posts/${encodeURIComponent(post.slug)}/`))).toBe(true);
      // The title is the heading's text, whatever characters it holds.
      const h1 = elements(page?.html ?? '').filter((element) => element.tag === 'h1');
      expect(
        h1.map((element) => element.text),
        post.slug,
      ).toEqual([post.title]);
      expect(page?.html).toContain(post.bodyHtml.trim().split('\n')[0]);
      expect(page?.html).toContain(`<blog-comments post-id="${post.id}" post-slug="${post.slug}">`);
    }
    expect(pages.has('/posts/%EC%84%9C%EC%9A%B8%EC%9D%98-%EB%B0%A4/')).toBe(true);
  });

  it('has no page and no trace of drafts', async () => {
    const drafts = await t.db.models.Post.findAll({ where: { status: 'draft' } });
    expect(drafts.length).toBeGreaterThanOrEqual(2);
    for (const draft of drafts) {
      expect(existsSync(fileFor(`/posts/${encodeURIComponent(draft.slug)}/`)), draft.slug).toBe(false);
      for (const page of pages.values()) expect(page.html, page.path).not.toContain(draft.title);
    }
    const feed = await readFile(join(out, 'rss.xml'), 'utf8');
    for (const draft of drafts) expect(feed).not.toContain(draft.slug);
  });

  it('paginates the home page and every category, ten posts a page, newest first', async () => {
    const posts = await published();
    const homePages = Math.ceil(posts.length / PAGE_SIZE);
    expect(homePages).toBeGreaterThanOrEqual(3);
    expect(pages.has('/')).toBe(true);
    for (let n = 2; n <= homePages; n++) expect(pages.has(`/page/${n}/`), `/page/${n}/`).toBe(true);
    expect(pages.has(`/page/${homePages + 1}/`)).toBe(false);
    expect(pages.has('/page/1/')).toBe(false);
    const newest = [...posts].sort(
      (a, b) => (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0) || b.id - a.id,
    );
    const home = pages.get('/')?.html ?? '';
    const listed = [...home.matchAll(/<comment-count post-id="(\d+)">/g)].map((m) => Number(m[1]));
    expect(listed).toEqual(newest.slice(0, PAGE_SIZE).map((p) => p.id));
    expect(home).toContain('href="/page/2/"');

    const categories = await t.db.models.Category.findAll();
    let categoryWithPages = 0;
    for (const category of categories) {
      const count = posts.filter((p) => p.categoryId === category.id).length;
      const expected = Math.max(1, Math.ceil(count / PAGE_SIZE));
      const base = `/categories/${encodeURIComponent(category.slug)}/`;
      expect(pages.has(base), base).toBe(true);
      for (let n = 2; n <= expected; n++) expect(pages.has(`${base}page/${n}/`), `${base}page/${n}/`).toBe(true);
      expect(pages.has(`${base}page/${expected + 1}/`)).toBe(false);
      if (expected > 1) categoryWithPages++;
    }
    expect(categoryWithPages).toBeGreaterThan(0);
  });

  it('links only to files that exist', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages.values()) {
      for (const { tag, name, value } of attributes(page.html, ['href', 'src'])) {
        const url = new URL(value, new URL(page.path, PUBLIC_URL));
        if (url.origin !== PUBLIC_URL) continue;
        checked++;
        if (!existsSync(fileFor(url.pathname))) broken.push(`${page.path}: <${tag} ${name}="${value}">`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it('has a valid RSS feed of the posts, newest first', async () => {
    const feed = parseXml(await readFile(join(out, 'rss.xml'), 'utf8'));
    expect(path(feed, 'rss')[0]?.attributes.version).toBe('2.0');
    const items = path(feed, 'rss', 'channel', 'item').map((item) => ({
      title: childText(item, 'title'),
      link: childText(item, 'link'),
      pubDate: childText(item, 'pubDate'),
    }));
    const posts = await published();
    expect(items).toHaveLength(Math.min(posts.length, 50));
    for (const item of items) {
      expect(item.link.startsWith(`${PUBLIC_URL}/posts/`), item.link).toBe(true);
      expect(existsSync(fileFor(new URL(item.link).pathname)), item.link).toBe(true);
    }
    const dates = items.map((item) => Date.parse(item.pubDate));
    expect(dates.every((date) => !Number.isNaN(date))).toBe(true);
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(items.some((item) => item.title === XSS_TITLE)).toBe(true);
  });

  it('has a sitemap listing every page that may be indexed: not the 404 page, the account page or an empty category', async () => {
    const sitemap = parseXml(await readFile(join(out, 'sitemap.xml'), 'utf8'));
    const locs = path(sitemap, 'urlset', 'url').map((url) => childText(url, 'loc'));
    const listed = locs.map((loc) => new URL(loc).pathname).sort();
    const noindex = (html: string) => html.includes('<meta name="robots" content="noindex">');
    const expected = [...pages.values()]
      .filter((page) => !noindex(page.html))
      .map((page) => page.path)
      .sort();
    expect(listed).toEqual(expected);
    for (const hidden of ['/404.html', '/account/', '/categories/coming-soon/']) {
      expect(pages.has(hidden), hidden).toBe(true);
      expect(listed).not.toContain(hidden);
    }
    expect(locs.every((loc) => loc.startsWith(`${PUBLIC_URL}/`))).toBe(true);
    expect(await readFile(join(out, 'robots.txt'), 'utf8')).toContain(`Sitemap: ${PUBLIC_URL}/sitemap.xml`);
  });

  it("takes the blog's name, description and profile links from the API's configuration (one source)", async () => {
    const on = (page: string) => elements(pages.get(page)?.html ?? '');
    const text = (page: string, tag: string, attribs: Record<string, string> = {}) =>
      on(page)
        .filter((e) => e.tag === tag && Object.entries(attribs).every(([name, value]) => e.attribs[name] === value))
        .map((e) => e.text);
    const attr = (page: string, tag: string, key: string, value: string, name: string) =>
      on(page)
        .filter((e) => e.tag === tag && e.attribs[key] === value)
        .map((e) => e.attribs[name]);
    const post = '/posts/why-our-pages-are-static/';
    expect(text('/', 'title')).toEqual([SITE_NAME]);
    expect(text(post, 'title')).toEqual([`Why our pages are static · ${SITE_NAME}`]);
    expect(text('/', 'a', { class: 'brand' })).toEqual([SITE_NAME]);
    expect(attr('/', 'meta', 'name', 'description', 'content')).toEqual([SITE_DESCRIPTION]);
    expect(attr(post, 'meta', 'property', 'og:site_name', 'content')).toEqual([SITE_NAME]);
    for (const page of ['/', post]) {
      const social = on(page).filter((e) => e.tag === 'a' && e.attribs.rel === 'me noopener');
      expect(social.map((e) => [e.attribs.href, e.text.trim()])).toEqual([
        ['https://github.com/notes-night', 'GitHub'],
        ['https://mastodon.social/@notes', 'Mastodon'],
      ]);
    }
    // Text and attribute values, never markup.
    expect(on('/').filter((e) => e.tag === 'night')).toEqual([]);
    const feed = parseXml(await readFile(join(out, 'rss.xml'), 'utf8'));
    expect(path(feed, 'rss', 'channel', 'title').map((title) => title.text)).toEqual([SITE_NAME]);
  });

  it('self-hosts its two typefaces: five Latin WOFF2 faces in the build, font-display optional, none preloaded', async () => {
    const home = pages.get('/')?.html ?? '';
    const sheets = attributes(home, ['href'])
      .filter(({ tag, value }) => tag === 'link' && value.endsWith('.css'))
      .map(({ value }) => value);
    const css = (await Promise.all(sheets.map((href) => readFile(fileFor(href), 'utf8')))).join('\n');
    const faces = css.match(/@font-face\s*{[^}]*}/g) ?? [];
    const described = faces.map((face) => {
      const value = (name: string) => new RegExp(`${name}:\\s*([^;]+)`).exec(face)?.[1]?.trim();
      return `${value('font-family')?.replace(/["']/g, '')} ${value('font-weight')} ${value('font-style')} ${value('font-display')}`;
    });
    expect(described.sort()).toEqual([
      'Lora 400 italic optional',
      'Lora 400 normal optional',
      'Lora 700 normal optional',
      'Open Sans 400 normal optional',
      'Open Sans 700 normal optional',
    ]);
    let bytes = 0;
    for (const face of faces) {
      const url = /url\(([^)]+)\)/.exec(face)?.[1]?.replace(/["']/g, '') ?? '';
      expect(url, face).toMatch(/^\/_astro\/.+\.woff2$/);
      bytes += (await readFile(fileFor(url))).length;
    }
    console.info(`fonts: ${faces.length} faces, ${bytes} bytes of WOFF2`);
    expect(home).not.toMatch(/rel="preload"[^>]*as="font"/);
  });

  it('has canonical URLs and Open Graph and Twitter meta', () => {
    const post = pages.get('/posts/why-our-pages-are-static/')?.html ?? '';
    expect(post).toContain(`<link rel="canonical" href="${PUBLIC_URL}/posts/why-our-pages-are-static/">`);
    expect(post).toContain('<meta property="og:type" content="article">');
    expect(post).toContain('<meta property="og:title" content="Why our pages are static">');
    expect(post).toContain(`<meta property="og:url" content="${PUBLIC_URL}/posts/why-our-pages-are-static/">`);
    expect(post).toContain('<meta name="twitter:card" content="summary">');
    expect(pages.get('/page/2/')?.html).toContain(`<link rel="canonical" href="${PUBLIC_URL}/page/2/">`);
    expect(pages.get('/404.html')?.html).toContain('<meta name="robots" content="noindex">');
  });

  it('has a page per tag and per author, linked from every post that has them', async () => {
    const { Tag, User } = t.db.models;
    const tags = await Tag.findAll({ where: { postsCount: { [Op.gt]: 0 } } });
    expect(tags.length).toBeGreaterThan(5);
    for (const tag of tags) {
      const html = pages.get(`/tags/${encodeURIComponent(tag.slug)}/`)?.html;
      expect(html, tag.slug).toBeDefined();
      expect(html).toContain(`<h1>#${tag.name}</h1>`);
      // Every post carrying it, on its pages (fewer than ten each here).
      expect((html?.match(/<article class="preview">/g) ?? []).length).toBe(tag.postsCount);
    }
    const grace = await User.findOne({ where: { email: 'grace@example.com' } });
    const gracePage = pages.get(`/authors/${grace?.slug}/`)?.html ?? '';
    expect(gracePage).toContain('<h1>Grace Hopper</h1>');
    expect(gracePage).toContain(`<link rel="canonical" href="${PUBLIC_URL}/authors/${grace?.slug}/">`);
    // More than ten posts by Grace (the fillers): a second page.
    expect(pages.get(`/authors/${grace?.slug}/page/2/`)).toBeDefined();
    const post = pages.get('/posts/why-our-pages-are-static/')?.html ?? '';
    expect(post).toMatch(/Posted by <a href="\/authors\/[a-z-]+\/" rel="author">/);
    expect(post).toContain(
      '<a href="/tags/performance/" rel="tag">#<span data-pagefind-filter="tag">Performance</span></a>',
    );
    expect(post).toMatch(/· \d+ min read/);
    // Previews on the home listing name their tags.
    const home = [...pages.values()].filter((page) => /^\/(page\/\d+\/)?$/.test(page.path));
    expect(home.some((page) => /Tagged <a href="\/tags\/[^"]+\/">#/.test(page.html))).toBe(true);
    // No page for a tag or an author with no published post.
    const readers = await User.findAll({ where: { postsCount: 0 } });
    for (const reader of readers) if (reader.slug) expect(pages.has(`/authors/${reader.slug}/`)).toBe(false);
  });

  it('describes a post as JSON-LD BlogPosting with its author page, dates and reading time', async () => {
    const html = pages.get('/posts/why-our-pages-are-static/')?.html ?? '';
    const script = elements(html).find((element) => element.attribs.type === 'application/ld+json');
    const data = JSON.parse(script?.text ?? '{}');
    const [post] = await t.db.models.Post.findAll({ where: { slug: 'why-our-pages-are-static' } });
    expect(data).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'BlogPosting',
      headline: 'Why our pages are static',
      datePublished: post?.publishedAt?.toISOString(),
      mainEntityOfPage: `${PUBLIC_URL}/posts/why-our-pages-are-static/`,
      author: { '@type': 'Person', name: expect.any(String), url: expect.stringMatching(/\/authors\/[a-z-]+\/$/) },
      keywords: 'Astro, Performance',
      timeRequired: `PT${post?.readingMinutes}M`,
    });
    // The hostile title stays a string inside the JSON, never markup.
    const probe = elements(pages.get('/posts/xss-probe/')?.html ?? '').find(
      (element) => element.attribs.type === 'application/ld+json',
    );
    expect(JSON.parse(probe?.text ?? '{}').headline).toBe(XSS_TITLE);
  });

  it('ships no script on island-free pages, and island scripts only as bundled modules', () => {
    for (const path of ['/about/', '/404.html']) {
      const html = pages.get(path)?.html ?? '';
      expect(html, path).not.toMatch(/<script/i);
      // The account link is there even without its island.
      expect(html).toContain('<blog-account><a href="/account/">Sign in</a></blog-account>');
    }
    for (const path of ['/', '/page/2/', '/posts/why-our-pages-are-static/', '/categories/notes/page/2/']) {
      expect(pages.get(path)?.html, path).toMatch(/<script type="module" src="\/_astro\/[^"]+\.js"><\/script>/);
    }
    for (const page of pages.values()) {
      for (const script of elements(page.html).filter((element) => element.tag === 'script')) {
        // A post page's first page of comments, as data for its island: JSON the browser never runs.
        if (script.attribs.type === 'application/json') {
          expect(script.attribs, page.path).toEqual({ type: 'application/json', 'data-comments': '' });
          expect(page.path, page.path).toMatch(/^\/posts\/[^/]+\/$/);
          expect(JSON.parse(script.text), page.path).toMatchObject({ sort: 'oldest', page: 1 });
          continue;
        }
        // A post page's structured data (JSON-LD): data too, and "<" escaped inside it.
        if (script.attribs.type === 'application/ld+json') {
          expect(script.attribs, page.path).toEqual({ type: 'application/ld+json' });
          expect(page.path, page.path).toMatch(/^\/posts\/[^/]+\/$/);
          expect(script.text).not.toContain('<');
          expect(JSON.parse(script.text), page.path).toMatchObject({ '@type': 'BlogPosting' });
          continue;
        }
        expect(script.attribs, page.path).toEqual({
          type: 'module',
          src: expect.stringMatching(/^\/_astro\/[^/]+\.js$/),
        });
        expect(script.text, page.path).toBe('');
      }
    }
  });

  it('marks the island mount points with their build-time fallbacks', async () => {
    const home = pages.get('/')?.html ?? '';
    expect(home).toMatch(/<comment-count post-id="\d+">(No comments|1 comment|\d+ comments)<\/comment-count>/);
    const [post] = await t.db.models.Post.findAll({ where: { slug: 'why-our-pages-are-static' } });
    const html = pages.get('/posts/why-our-pages-are-static/')?.html ?? '';
    expect(html).toContain(`<blog-comments post-id="${post?.id}" post-slug="why-our-pages-are-static">`);
    expect(html).toContain('Writing comments, liking them and reading further pages needs JavaScript.');
  });

  it("renders a post's first page of comments into its HTML, each at its permalink, with its JSON pages beside it", async () => {
    const post = await t.db.models.Post.findOne({
      where: { status: 'published' },
      order: [
        ['commentsCount', 'DESC'],
        ['id', 'ASC'],
      ],
    });
    if (!post || post.commentsCount === 0) throw new Error('the demo has no comments');
    const html = pages.get(`/posts/${post.slug}/`)?.html ?? '';
    const shown = await t.db.models.Comment.findAll({ where: { postId: post.id, status: 'visible' } });
    for (const comment of shown.slice(0, 5)) {
      expect(html).toContain(`id="comment-${comment.id}"`);
      expect(html).toContain(`href="#comment-${comment.id}"`);
    }
    const first = JSON.parse(await readFile(join(out, 'posts', post.slug, 'comments', 'oldest', '1.json'), 'utf8'));
    expect(first).toMatchObject({ postId: post.id, sort: 'oldest', page: 1, total: post.commentsCount });
    for (const sort of ['newest', 'top']) {
      expect(JSON.parse(await readFile(join(out, 'posts', post.slug, 'comments', sort, '1.json'), 'utf8')).total).toBe(
        post.commentsCount,
      );
    }
    // Feeds: the post's comments and the site's.
    expect(await readFile(join(out, 'posts', post.slug, 'comments.xml'), 'utf8')).toContain(
      `/posts/${post.slug}/#comment-`,
    );
    expect(await readFile(join(out, 'comments.xml'), 'utf8')).toContain('<rss');
    expect(html).toContain(`href="https://blog.example/posts/${post.slug}/comments.xml"`);
    // A post without comments has neither JSON pages nor a feed (nor a link to one).
    const quiet = await t.db.models.Post.findOne({ where: { status: 'published', commentsCount: 0 } });
    if (quiet) {
      expect(existsSync(join(out, 'posts', quiet.slug, 'comments'))).toBe(false);
      expect(existsSync(join(out, 'posts', quiet.slug, 'comments.xml'))).toBe(false);
      expect(pages.get(`/posts/${quiet.slug}/`)?.html).not.toContain(`/posts/${quiet.slug}/comments.xml`);
    }
  });

  it('renders hostile titles and bodies inert', () => {
    const html = pages.get('/posts/xss-probe/')?.html ?? '';
    expect(html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
    expect(html).toContain('Before.');
    expect(html).toContain('After.');
    // Parsed as a browser would: hostile text may sit inside attribute values and text, never as markup.
    for (const page of pages.values()) {
      for (const element of elements(page.html)) {
        const where = `${page.path} <${element.tag}>`;
        // The forms of ours: the newsletter sign-up (a plain form posting to the API) and the
        // search dialog's field (which the search island handles in the page).
        const ours =
          element.tag === 'form' &&
          ((element.attribs.action === NEWSLETTER_SUBSCRIBE_ACTION && element.attribs.class === 'newsletter-form') ||
            (element.attribs.action === SEARCH_PATH && element.attribs.class === 'search-form'));
        if (!ours) expect(['iframe', 'object', 'embed', 'form'], where).not.toContain(element.tag);
        if (
          element.tag === 'script' &&
          !['application/json', 'application/ld+json'].includes(element.attribs.type ?? '')
        )
          expect(element.attribs.src, where).toMatch(/^\/_astro\//);
        for (const [name, value] of Object.entries(element.attribs)) {
          expect(name.startsWith('on'), `${where} ${name}`).toBe(false);
          if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)) {
            expect(value.replace(/\s/g, '').toLowerCase().startsWith('javascript:'), `${where} ${name}=${value}`).toBe(
              false,
            );
          }
        }
      }
    }
  });

  it('indexes every post for search: title, subtitle, body and tags, with category and tags as filters', async () => {
    const [kimchi] = await searchSite(out, 'jjigae');
    expect(kimchi).toMatchObject({
      url: '/posts/the-perfect-kimchi-jjigae/',
      title: 'The perfect kimchi jjigae',
      meta: { subtitle: 'Old kimchi, good stock and patience', category: 'Food' },
      filters: { category: ['Food'], tag: expect.arrayContaining(['Korean food', 'Soup']) },
    });
    // A word only in the title: the title is searched (as meta), and the excerpt is the body's.
    const [titled] = await searchSite(out, 'zyzzyva');
    expect(titled).toMatchObject({ url: '/posts/zyzzyva-sightings/', title: 'Zyzzyva sightings' });
    expect(titled?.excerpt).not.toContain('zyzzyva');
    expect((await searchSite(out, 'routes')).map((hit) => hit.url)).toContain('/posts/hiking-the-jeju-olle-trails/');
    const [body] = await searchSite(out, 'gochugaru');
    expect(body?.url).toBe('/posts/the-perfect-kimchi-jjigae/');
    expect(body?.excerpt).toMatch(/<mark>gochugaru\W*<\/mark>/i);
    // Tags are words of the post too; a Hangul slug keeps its URL as the site links it.
    expect((await searchSite(out, 'Dumplings')).map((hit) => hit.url)).toContain('/posts/weeknight-dumplings/');
    expect((await searchSite(out, '본문')).map((hit) => hit.url)).toEqual([
      `/posts/${encodeURIComponent('서울의-밤')}/`,
    ]);
    const published = await t.db.models.Post.count({ where: { status: 'published' } });
    expect(await readdir(join(out, 'pagefind', 'fragment'))).toHaveLength(published);
  });

  it('indexes no navigation, byline, comment or draft, and keeps hostile text escaped in excerpts', async () => {
    // Comment words are on the post pages, but not in the index.
    expect([...pages.values()].some((page) => page.html.includes('Wombats'))).toBe(true);
    expect(await searchSite(out, 'Wombats')).toEqual([]);
    // The footer's words (the newsletter form) are on every page.
    expect(await searchSite(out, 'Subscribe')).toEqual([]);
    expect(await searchSite(out, 'Hopper')).toEqual([]);
    expect(await searchSite(out, 'Xylophone')).toEqual([]);
    const [hostile] = await searchSite(out, 'onerror');
    expect(hostile?.url).toBe('/posts/xss-probe/');
    expect(hostile?.excerpt).not.toMatch(/<(?!\/?mark>)/);
    expect(hostile?.excerpt).toContain('&lt;img');
  });

  it('precompresses every text file with gzip and brotli that decompress to the original', async () => {
    let compressed = 0;
    for await (const file of walk(out)) {
      const ext = extname(file);
      if (!['.html', '.css', '.js', '.xml', '.json', '.svg', '.txt'].includes(ext)) continue;
      const original = await readFile(file);
      if (original.length < MIN_BYTES) {
        expect(existsSync(`${file}.gz`), file).toBe(false);
        continue;
      }
      expect(gunzipSync(await readFile(`${file}.gz`)).equals(original), `${file}.gz`).toBe(true);
      expect(brotliDecompressSync(await readFile(`${file}.br`)).equals(original), `${file}.br`).toBe(true);
      compressed++;
    }
    expect(compressed).toBeGreaterThan(pages.size);
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parseDocument } from 'htmlparser2';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../api/src/auth/sessions.js';
import { POST_TAGS } from '../../api/src/lib/markdown.js';
import { createTestContext, type TestContext } from '../../api/test/app.js';
import { CHROMIUM, launchChromium } from '../../e2e/support/chromium.js';
import { runAstroBuild } from '../scripts/build-site.js';
import { PAGE_SIZE } from '../src/consts.js';
import { settleAndScan, watchContext, XSS_CONTEXT_OPTIONS, type XssWatch } from './fixtures/xss-browser.js';
import { markerOf, markerPattern, markersIn, OFFSITE, XSS_PAYLOADS } from './fixtures/xss-payloads.js';
import { describePlaces, markdownOf, type Planted, plantXss } from './fixtures/xss-plant.js';
import { type OneOrigin, serveStatic, startOneOrigin } from './one-origin.js';
import { childText, parseXml, path } from './xml.js';

// The XSS corpus (fixtures/xss-payloads.ts) planted through the real API in everything a
// reader, author or admin can write, the site built from that API by the real `astro build`,
// and every page of it visited in Chromium (the islands live, signed in and out) with the CSP
// bypassed: nothing may run, open a dialog, or reach off the origin.

const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`xss.e2e: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

const SCRIPTS = ['/_astro/'];

let server: OneOrigin;
let t: TestContext;
let out: string;
let origin: string;
let browser: Browser;
let planted: Planted;
let adminCookie: string;
const timings: string[] = [];
/** The pages visited in Chromium, by kind: how many visits, and which URLs. */
const visited = new Map<string, { visits: number; urls: Set<string> }>();
/** Everything the pages did that they should not have: each failure names its page. */
const failures: string[] = [];
const watches: XssWatch[] = [];

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
const textOf = async (locator: Locator) =>
  collapse((await locator.textContent({ timeout: 1000 }).catch(() => '')) ?? '');

function visit(kind: string, url: string) {
  const seen = visited.get(kind) ?? { visits: 0, urls: new Set<string>() };
  seen.visits++;
  seen.urls.add(url);
  visited.set(kind, seen);
}

async function newContext(user?: { cookie: string }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(XSS_CONTEXT_OPTIONS);
  watches.push(await watchContext(context, origin));
  if (user) await signIn(context, user.cookie);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => failures.push(`pageerror on ${page.url()}: ${error.message}`));
  return { context, page };
}

async function signIn(context: BrowserContext, cookie: string) {
  const value = cookie.slice(`${SESSION_COOKIE}=`.length);
  await context.addCookies([{ name: SESSION_COOKIE, value, url: origin, httpOnly: true, sameSite: 'Lax' }]);
}

/** Scans the page and records what it found; checks that the payloads meant for it are on it. */
async function check(page: Page, kind: string, expected: Iterable<number>): Promise<Set<number>> {
  const { findings, text } = await settleAndScan(page, SCRIPTS);
  failures.push(...findings);
  const shown = markersIn(text);
  const missing = [...expected].filter((n) => !shown.has(n));
  if (missing.length > 0) failures.push(`${page.url()}: payloads not rendered: ${missing.join(', ')}`);
  visit(kind, page.url());
  return shown;
}

/** The URL path of every HTML file the build wrote. */
async function builtPages(dir: string): Promise<string[]> {
  const paths: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const rel = relative(dir, join(entry.parentPath, entry.name)).split(sep).map(encodeURIComponent).join('/');
    paths.push(
      rel === 'index.html' ? '/' : rel.endsWith('/index.html') ? `/${rel.slice(0, -'index.html'.length)}` : `/${rel}`,
    );
  }
  return paths.sort();
}

const userById = (id: number) => planted.users.find((user) => user.id === id);

/** The payloads a post's own page shows: title, subtitle, body, author and category names. */
function postPayloads(slug: string): number[] {
  const post = planted.posts.find((p) => p.slug === slug);
  if (!post) return [];
  const category = planted.categories.find((c) => c.id === post.categoryId);
  return [
    ...post.titlePayloads,
    ...post.subtitlePayloads,
    ...post.bodyPayloads,
    ...(userById(post.authorId)?.payloads ?? []),
    ...(category?.namePayloads ?? []),
  ];
}

beforeAll(async () => {
  if (skip) return;
  let started = performance.now();
  server = await startOneOrigin();
  origin = server.origin;
  // Behind nginx the API trusts X-Real-IP; the planting uses it to come from many addresses.
  t = await createTestContext({ PUBLIC_URL: origin, TRUST_PROXY: 'true' });
  const admin = await t.factories.user({ role: 'admin', name: 'Site Admin' });
  adminCookie = await t.factories.sessionCookie(admin);
  out = await mkdtemp(join(tmpdir(), 'blog-xss-'));
  server.use((request, env) =>
    new URL(request.url).pathname.startsWith('/api/') ? t.app.fetch(request, env) : serveStatic(out, request),
  );
  planted = await plantXss({ origin, adminCookie });
  timings.push(`planted in ${Math.round(performance.now() - started)} ms`);
  started = performance.now();
  const [build, launched] = await Promise.all([
    runAstroBuild({ apiUrl: `${origin}/api`, publicUrl: origin, outDir: out }),
    launchChromium(),
  ]);
  browser = launched;
  timings.push(`built in ${Math.round(build.durationMs)} ms`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.destroy();
  if (out) await rm(out, { recursive: true, force: true });
  if (planted) {
    const pages = [...visited].map(([kind, seen]) => `${kind} ${seen.visits}`).join(', ');
    const total = [...visited.values()].reduce((sum, seen) => sum + seen.visits, 0);
    const distinct = new Set([...visited.values()].flatMap((seen) => [...seen.urls])).size;
    const places = [...planted.places.values()].reduce((sum, set) => sum + set.size, 0);
    console.log(
      `XSS corpus on the site: ${XSS_PAYLOADS.length} payloads × ${planted.places.size} places ` +
        `(${describePlaces(planted.places)}; ${places} plantings); ${total} page visits of ${distinct} URLs (${pages}); ` +
        `${watches.reduce((n, w) => n + w.hits.length, 0)} executed, ${watches.reduce((n, w) => n + w.dialogs.length, 0)} dialogs, ` +
        `${watches.reduce((n, w) => n + w.offsite.length, 0)} off-site requests; ${timings.join(', ')}`,
    );
  }
});

describe.skipIf(skip)('the XSS corpus on the built site', () => {
  it('notices a payload that runs: a call, a dialog, a request off the origin, a handler in the DOM', async () => {
    // The watch itself, against markup this test puts in the page on purpose.
    const context = await browser.newContext(XSS_CONTEXT_OPTIONS);
    const watch = await watchContext(context, origin);
    const page = await context.newPage();
    await page.goto(`${origin}/about/`);
    await page.evaluate((offsite) => {
      document.body.insertAdjacentHTML(
        'beforeend',
        `<img src=x onerror="__xss(0)"><img src="${offsite}/canary.png"><a href="javascript:__xss(0)">x</a>`,
      );
      setTimeout(() => alert('0'));
    }, OFFSITE);
    const { findings } = await settleAndScan(page, SCRIPTS);
    await expect.poll(() => watch.dialogs.length).toBe(1);
    expect(watch.hits).toEqual([`__xss(0) in ${origin}/about/`]);
    expect(watch.offsite).toEqual([`image ${OFFSITE}/canary.png`]);
    expect(findings.join('\n')).toMatch(/handler onerror/);
    expect(findings.join('\n')).toMatch(/URL href on <a href="javascript:__xss\(0\)">/);
    expect(findings.join('\n')).toMatch(/URL src on <img src="https:\/\/evil\.example\/canary\.png">/);
    await context.close();
  });

  it('planted every payload in every place', () => {
    for (const place of ['comment bodies', 'comment replies', 'post bodies', 'category descriptions'] as const) {
      expect(planted.places.get(place)?.size ?? 0, place).toBeGreaterThan(0);
    }
    const comments = new Set([
      ...(planted.places.get('comment bodies') ?? []),
      ...(planted.places.get('comment replies') ?? []),
    ]);
    expect(comments.size).toBe(XSS_PAYLOADS.length);
    expect(planted.places.get('post bodies')?.size).toBe(XSS_PAYLOADS.length);
    expect(planted.places.get('category descriptions')?.size).toBe(XSS_PAYLOADS.length);
    expect(planted.places.get('post titles')?.size).toBeGreaterThan(100);
    expect(planted.places.get('user names')?.size).toBeGreaterThan(50);
  });

  it('runs nothing on any page, signed in as each hostile reader in turn', async () => {
    const pages = await builtPages(out);
    expect(pages.length).toBeGreaterThan(planted.posts.length + planted.categories.length);
    const { context, page } = await newContext();
    const homeTitles = new Set<number>();
    for (const [i, path] of pages.entries()) {
      // Each page as another reader: their name is in the header's account island.
      const user = planted.users[i % planted.users.length];
      if (!user) throw new Error('no users');
      await signIn(context, user.cookie);
      await page.goto(`${origin}${path}`);
      const account = page.locator('blog-account').first();
      const interactive = (await page.locator('script[src^="/_astro/"]').count()) > 0;
      if (interactive)
        await expect.poll(() => textOf(account.locator('.trigger')), { timeout: 15_000 }).toBe(collapse(user.name));
      const post = /^\/posts\/([^/]+)\/$/.exec(path)?.[1];
      const category = /^\/categories\/([^/]+)\//.exec(path)?.[1];
      if (post) {
        await page.locator('blog-comments .count').waitFor();
        await check(page, 'post', [...postPayloads(decodeURIComponent(post)), ...user.payloads]);
      } else if (category) {
        const shown = planted.categories.find((c) => c.slug === category);
        await check(page, 'category', [...(shown?.namePayloads ?? []), ...(shown?.descriptionPayloads ?? [])]);
      } else if (path === '/' || path.startsWith('/page/')) {
        for (const n of await check(page, 'home', interactive ? user.payloads : [])) homeTitles.add(n);
      } else {
        await check(page, 'other', interactive ? user.payloads : []);
      }
    }
    // Every title is on some home page, with every category's name beside it.
    const titles = planted.posts.flatMap((post) => post.titlePayloads);
    expect(titles.filter((n) => !homeTitles.has(n))).toEqual([]);
    expect(visited.get('home')?.urls.size).toBe(Math.ceil(planted.posts.length / PAGE_SIZE));
    expect(visited.get('post')?.urls.size).toBe(planted.posts.length);
    expect([...(visited.get('category')?.urls ?? [])].some((url) => url.includes('/page/2/'))).toBe(true);
    await context.close();
    expect(failures.splice(0)).toEqual([]);
  }, 120_000);

  it('runs nothing in the comments island: every comment and reply, page by page, read and written', async () => {
    const expected = planted.comments.map((comment) => comment.n);
    const threads = planted.comments.filter((comment) => comment.parentId === null).length;
    const url = `${origin}/posts/${planted.commentsPost.slug}/`;

    // Signed out, then as a reader whose comments are among them (their edit buttons show).
    const reader = planted.users.find((user) =>
      planted.comments.some((c) => c.authorId === user.id && c.parentId === null),
    );
    if (!reader) throw new Error('no reader with a top-level comment');
    for (const user of [undefined, reader]) {
      const { context, page } = await newContext(user);
      await page.goto(url);
      const comments = page.locator('blog-comments');
      await expect.poll(() => textOf(comments.locator('.count'))).toBe(`${planted.comments.length} comments`);
      const more = comments.getByRole('button', { name: 'Load more comments' });
      while ((await comments.locator('.threads > li').count()) < threads) {
        const before = await comments.locator('.threads > li').count();
        await more.click();
        await expect.poll(() => comments.locator('.threads > li').count()).toBeGreaterThan(before);
      }
      await expect.poll(() => more.count(), { timeout: 10_000 }).toBe(0);
      await check(page, 'comments island', [...expected, ...(user?.payloads ?? [])]);

      if (user) {
        // Edit one's own comment: the Markdown goes back into the box, its preview is the server's sanitised HTML.
        const own = planted.comments.find((c) => c.authorId === user.id && c.parentId === null);
        const article = comments
          .locator('article.comment')
          .filter({ hasText: markerPattern(own?.n ?? 0) })
          .first();
        await article.getByRole('button', { name: 'Edit' }).click();
        const box = comments.getByLabel('Edit your comment');
        await expect.poll(() => box.inputValue()).toContain(markerOf(own?.n ?? 0));
        await comments.locator('comment-composer[data-key^="e"]').getByRole('button', { name: 'Preview' }).click();
        await comments.locator('.preview').waitFor();
        await check(page, 'comments island', [own?.n ?? 0]);
        await comments.locator('comment-composer[data-key^="e"]').getByRole('button', { name: 'Cancel' }).click();
      }
      await context.close();
    }

    // The admin writes hostile comments through the form: preview, pending and saved states.
    const { context, page } = await newContext({ cookie: adminCookie });
    await page.goto(url);
    const comments = page.locator('blog-comments');
    await expect.poll(() => textOf(comments.locator('.count'))).toBe(`${planted.comments.length} comments`);
    while ((await comments.getByRole('button', { name: 'Load more comments' }).count()) > 0) {
      const before = await comments.locator('.threads > li').count();
      await comments.getByRole('button', { name: 'Load more comments' }).click();
      await expect.poll(() => comments.locator('.threads > li').count()).toBeGreaterThan(before);
    }
    const typed = XSS_PAYLOADS.filter((p) => p.family === 'markdown' || p.family === 'mutation').slice(0, 60);
    const body = markdownOf(typed);
    expect(body.length).toBeLessThanOrEqual(10_000);
    await comments.getByLabel('Add a comment').fill(body);
    await comments.getByRole('button', { name: 'Preview' }).click();
    // The preview is the server's sanitised rendering (POST /api/comments/preview): it must run nothing either.
    await expect
      .poll(async () => (await comments.locator('.preview').textContent()) ?? '')
      .toContain(markerOf(typed.at(-1)?.n ?? 0));
    await check(
      page,
      'comment preview',
      typed.map((p) => p.n),
    );
    await comments.getByRole('button', { name: 'Preview' }).click();
    await comments.getByRole('button', { name: 'Post comment' }).click();
    await expect.poll(() => textOf(comments.locator('.count'))).toBe(`${planted.comments.length + 1} comments`);
    await comments
      .locator('article.comment:not(:has(.plain))')
      .filter({ hasText: markerPattern(typed.at(-1)?.n ?? 0) })
      .last()
      .waitFor();
    await check(
      page,
      'comments island',
      typed.map((p) => p.n),
    );
    await context.close();
    expect(failures.splice(0)).toEqual([]);
  }, 120_000);

  it('runs nothing on the account page: each reader signed in, and a hostile name signing up there', async () => {
    const { context, page } = await newContext();
    const form = page.locator('blog-account[view="page"]');
    for (const user of planted.users) {
      await signIn(context, user.cookie);
      await page.goto(`${origin}/account/`);
      await form.getByRole('heading', { name: user.verified ? 'Your account' : 'Verify your email' }).waitFor();
      await check(page, 'account', user.payloads);
    }

    // Sign up through the form under a hostile name.
    await context.clearCookies();
    const name = XSS_PAYLOADS.find((p) => p.family === 'breakout');
    if (!name) throw new Error('no breakout payload');
    await page.goto(`${origin}/account/`);
    await form.getByRole('button', { name: 'Create an account' }).click();
    // Not a staff member's name (a planted author may carry this payload): "form" sets it apart.
    const formName = `${markerOf(name.n)} form ${name.text}`;
    await form.getByLabel('Name').fill(formName);
    await form.getByLabel('Email').fill('xss-form-signup@example.com');
    await form.getByLabel('Password').fill('a long enough passphrase');
    await form.getByRole('button', { name: 'Create account' }).click();
    await form.getByRole('heading', { name: 'Verify your email' }).waitFor();
    await page.goto(`${origin}/posts/${planted.commentsPost.slug}/`);
    await expect.poll(() => textOf(page.locator('blog-account .trigger'))).toBe(collapse(formName));
    await check(page, 'account', [name.n]);
    await context.close();
    expect(failures.splice(0)).toEqual([]);
  }, 90_000);

  it('serves well-formed RSS and sitemap with every payload escaped, and Chromium runs nothing in them', async () => {
    const feed = parseXml(await (await fetch(`${origin}/rss.xml`)).text());
    const items = path(feed, 'rss', 'channel', 'item');
    expect(items.length).toBe(planted.posts.length);
    for (const item of items) {
      const post = planted.posts.find((p) => childText(item, 'link').endsWith(`/posts/${p.slug}/`));
      expect(post, childText(item, 'link')).toBeDefined();
      // Titles come back exactly, escaped, less the controls XML cannot carry (form feeds in the corpus).
      // biome-ignore lint/suspicious/noControlCharactersInRegex: they are the point.
      expect(childText(item, 'title')).toBe(post?.title.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ''));
      // The body is HTML inside XML: parsed as HTML, it holds nothing that runs.
      const html = childText(item, 'content:encoded');
      expect(markersIn(html).size).toBeGreaterThan(0);
      expect(activeHtml(html), post?.slug).toEqual([]);
      // No element of the item comes from a payload.
      for (const child of item.children) {
        expect(['title', 'link', 'guid', 'description', 'pubDate', 'content:encoded', 'author', 'category']).toContain(
          child.name,
        );
      }
    }
    const sitemap = parseXml(await (await fetch(`${origin}/sitemap.xml`)).text());
    const locs = path(sitemap, 'urlset', 'url', 'loc').map((loc) => loc.text);
    for (const post of planted.posts) expect(locs).toContain(`${origin}/posts/${post.slug}/`);

    const { context, page } = await newContext();
    for (const file of ['/rss.xml', '/sitemap.xml']) {
      await page.goto(`${origin}${file}`);
      await settleAndScan(page, SCRIPTS);
      visit('feed', page.url());
    }
    await context.close();
    expect(failures.splice(0)).toEqual([]);
  });

  it('saw nothing run, no dialog, no request off the origin, no navigation away', () => {
    expect(watches.length).toBeGreaterThan(0);
    expect(watches.flatMap((w) => w.hits)).toEqual([]);
    expect(watches.flatMap((w) => w.dialogs)).toEqual([]);
    expect(watches.flatMap((w) => w.offsite)).toEqual([]);
    expect(watches.flatMap((w) => w.navigations)).toEqual([]);
  });
});

/** A URL's scheme as a browser resolves it against a page of the site ('invalid' if it cannot). */
function schemeOf(url: string): string {
  try {
    return new URL(url, 'https://blog.example/posts/x/').protocol;
  } catch {
    return 'invalid';
  }
}

/** Everything in an HTML fragment that could run script or load from elsewhere. */
function activeHtml(html: string): string[] {
  const found: string[] = [];
  const visitNode = (node: ReturnType<typeof parseDocument>['children'][number]) => {
    if ('attribs' in node) {
      if (!POST_TAGS.includes(node.name)) found.push(`<${node.name}>`);
      for (const [name, value] of Object.entries(node.attribs)) {
        if (!['href', 'title', 'rel', 'src', 'alt', 'align', 'class'].includes(name))
          found.push(`${node.name} ${name}`);
        // The scheme as a browser resolves the URL.
        if ((name === 'href' || name === 'src') && !['http:', 'https:', 'mailto:'].includes(schemeOf(value)))
          found.push(`${node.name} ${name}=${value}`);
      }
    }
    if ('children' in node) for (const child of node.children) visitNode(child);
  };
  for (const child of parseDocument(html).children) visitNode(child);
  return found;
}

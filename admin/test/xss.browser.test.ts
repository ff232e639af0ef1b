// The XSS corpus (site/test/fixtures/xss-payloads.ts) planted through the real API, then every
// admin page that shows it visited in a real headless Chromium with the CSP bypassed: the post
// lists and editors (with the Markdown preview, typed into too), comments, users, categories,
// the audit log and the builds, as the admin and as a hostile-named author. Nothing may run,
// open a dialog or reach off the origin.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../api/src/auth/sessions.js';
import { DEMO_PASSWORD } from '../../api/src/db/seed.js';
import {
  settleAndScan,
  watchContext,
  XSS_CONTEXT_OPTIONS,
  type XssWatch,
} from '../../site/test/fixtures/xss-browser.js';
import { markerOf, markerPattern, markersIn, XSS_PAYLOADS } from '../../site/test/fixtures/xss-payloads.js';
import { describePlaces, markdownOf, type Planted, plantXss } from '../../site/test/fixtures/xss-plant.js';
import { chromiumAvailable, launchChromium, waitUntil } from './support/browser.js';
import { type AdminServer, startAdminServer } from './support/server.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const ADMIN_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPTS = ['/admin/assets/'];

const skip = !chromiumAvailable() && !process.env.CI;
if (skip) console.warn('admin XSS tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

describe.skipIf(skip)('the XSS corpus in the admin app', () => {
  let dist: string;
  let server: AdminServer;
  let browser: Browser;
  let planted: Planted;
  let adminCookie: string;
  const timings: string[] = [];
  const watches: XssWatch[] = [];
  /** Everything the pages did that they should not have: each failure names its page. */
  const failures: string[] = [];
  const visits = new Map<string, number>();

  beforeAll(async () => {
    let started = performance.now();
    dist = mkdtempSync(join(tmpdir(), 'blog-admin-xss-dist-'));
    // `vite build` as `npm run build` runs it (see admin.browser.test.ts).
    const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    const { NODE_ENV: _, ...env } = process.env;
    await run(process.execPath, [vite, 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ADMIN_ROOT,
      env,
    });
    // Behind nginx the API trusts X-Real-IP; the planting uses it to come from many addresses.
    [server, browser] = await Promise.all([startAdminServer(dist, { env: { TRUST_PROXY: 'true' } }), launchChromium()]);
    timings.push(`admin built and started in ${Math.round(performance.now() - started)} ms`);
    started = performance.now();
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-real-ip': '10.255.0.1' },
      body: JSON.stringify({ email: 'admin@example.com', password: DEMO_PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((header) => header.split(';')[0] ?? '')
      .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
    if (!login.ok || !cookie) throw new Error(`admin sign-in failed: ${login.status}`);
    adminCookie = cookie;
    planted = await plantXss({ origin: server.url, adminCookie, rebuilds: 8 });
    timings.push(`planted in ${Math.round(performance.now() - started)} ms`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dist) rmSync(dist, { recursive: true, force: true });
    if (planted) {
      const total = [...visits.values()].reduce((sum, n) => sum + n, 0);
      console.log(
        `XSS corpus in the admin app: ${XSS_PAYLOADS.length} payloads × ${planted.places.size} places ` +
          `(${describePlaces(planted.places)}); ${total} page views (${[...visits].map(([kind, n]) => `${kind} ${n}`).join(', ')}); ` +
          `${watches.reduce((n, w) => n + w.hits.length, 0)} executed, ${watches.reduce((n, w) => n + w.dialogs.length, 0)} dialogs, ` +
          `${watches.reduce((n, w) => n + w.offsite.length, 0)} off-site requests; ${timings.join(', ')}`,
      );
    }
  });

  async function newPage(cookie: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(XSS_CONTEXT_OPTIONS);
    watches.push(await watchContext(context, server.url));
    await context.addCookies([
      { name: SESSION_COOKIE, value: cookie.slice(`${SESSION_COOKIE}=`.length), url: server.url, httpOnly: true },
    ]);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => failures.push(`pageerror on ${page.url()}: ${error.message}`));
    return { context, page };
  }

  /** Scans the page; records what it found and the planted payloads it should show but does not. */
  async function check(page: Page, kind: string, expected: Iterable<number> = []): Promise<Set<number>> {
    const { findings, text } = await settleAndScan(page, SCRIPTS);
    failures.push(...findings);
    const shown = markersIn(text);
    const missing = [...expected].filter((n) => !shown.has(n));
    if (missing.length > 0) failures.push(`${page.url()} (${kind}): payloads not shown: ${missing.join(', ')}`);
    visits.set(kind, (visits.get(kind) ?? 0) + 1);
    return shown;
  }

  /** Moves through the app's own navigation, as a click on one of its links does. */
  async function go(page: Page, path: string, heading: Locator) {
    await page.evaluate((to) => {
      history.pushState(null, '', to);
      window.dispatchEvent(new Event('admin-navigate'));
    }, path);
    await heading.waitFor();
    await waitUntil(`${path} loaded`, async () => (await page.getByText(/^Loading/).count()) === 0, 15_000);
  }

  const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { name, level: 1 });
  /** A user page's heading: their name, found by the first payload marker in it. */
  const userHeading = (page: Page, payloads: number[]) =>
    page.getByRole('heading', { level: 1 }).filter({ hasText: markerPattern(payloads[0] ?? 0) });
  /** What an input shows of a title: a text field drops line breaks. */
  const asInput = (text: string) => text.replace(/[\r\n]/g, '');

  /** Every page of the resource table on screen, checked one after the other; the markers seen. */
  async function everyTablePage(page: Page, kind: string): Promise<Set<number>> {
    const seen = new Set<number>();
    for (;;) {
      for (const n of await check(page, kind)) seen.add(n);
      const status = page.locator('nav.pages > span');
      if ((await status.count()) === 0) return seen;
      const [, current, last] = /Page (\d+) of (\d+)/.exec((await status.textContent()) ?? '') ?? [];
      if (!current || current === last) return seen;
      await page.getByRole('button', { name: /^Next page/ }).click();
      await status.filter({ hasText: `Page ${Number(current) + 1} of` }).waitFor();
      await waitUntil(
        `${kind} page ${Number(current) + 1}`,
        async () => (await page.locator('table[aria-busy="true"]').count()) === 0,
      );
    }
  }

  const union = (...lists: Iterable<number>[]) => new Set(lists.flatMap((list) => [...list]));
  const notIn = (expected: Iterable<number>, seen: Set<number>) => [...expected].filter((n) => !seen.has(n));

  it('runs nothing in the lists: posts, comments, users, categories, audit log, builds', async () => {
    const { context, page } = await newPage(adminCookie);
    await page.goto(`${server.url}/admin/`);
    await h1(page, 'Dashboard').waitFor();
    await check(page, 'dashboard');

    await go(page, '/admin/posts', h1(page, 'Posts'));
    const posts = await everyTablePage(page, 'posts list');
    const authorNames = planted.users.filter((u) => u.role === 'author').flatMap((u) => u.payloads);
    const categoryNames = planted.categories.flatMap((c) => c.namePayloads);
    const postCategories = planted.categories.filter((c) => planted.posts.some((p) => p.categoryId === c.id));
    expect(
      notIn(
        union(
          planted.posts.flatMap((p) => p.titlePayloads),
          authorNames,
          postCategories.flatMap((c) => c.namePayloads),
        ),
        posts,
      ),
    ).toEqual([]);

    await go(page, '/admin/comments', h1(page, 'Comments'));
    const comments = await everyTablePage(page, 'comments list');
    expect(
      notIn(
        planted.comments.map((c) => c.n),
        comments,
      ),
    ).toEqual([]);
    expect(
      notIn(
        planted.users.filter((u) => u.verified).flatMap((u) => u.payloads),
        comments,
      ),
    ).toEqual([]);
    // The delete confirmation names the author; the bulk results name every comment's author.
    await go(page, '/admin/comments', h1(page, 'Comments'));
    const row = page.locator('tbody tr').first();
    await row.getByRole('button', { name: /^Delete comment/ }).click();
    await page.getByRole('dialog').waitFor();
    await check(page, 'comments list');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('checkbox', { name: /^Select all comments/ }).check();
    await page.getByRole('button', { name: 'Unhide selected' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /^Unhide \d+ comments$/ })
      .click();
    await page
      .getByRole('status', { name: 'Bulk action results' })
      .getByRole('heading', { name: /^Unhide:/ })
      .waitFor();
    await check(page, 'comments list');

    await go(page, '/admin/users', h1(page, 'Users'));
    const users = await everyTablePage(page, 'users list');
    expect(
      notIn(
        planted.users.flatMap((u) => u.payloads),
        users,
      ),
    ).toEqual([]);
    // A hostile search.
    const search = XSS_PAYLOADS.find((p) => p.family === 'breakout');
    await page.getByLabel('Search by email or name').fill(search?.text ?? '');
    await page.getByText('No users match.').or(page.locator('tbody tr').first()).waitFor();
    await check(page, 'users list');

    await go(page, '/admin/categories', h1(page, 'Categories'));
    const categories = await everyTablePage(page, 'categories list');
    expect(
      notIn(union(planted.categories.flatMap((c) => [...c.namePayloads, ...c.descriptionPayloads])), categories),
    ).toEqual([]);
    // A planted category on the first page of the table: edited, then almost deleted.
    await go(page, '/admin/categories', h1(page, 'Categories'));
    const ids = await page
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-id'))));
    const category = planted.categories.find((c) => ids.includes(c.id));
    if (!category) throw new Error('no planted category on the first page');
    const categoryRow = page.locator(`tbody tr[data-id="${category.id}"]`);
    await categoryRow.getByRole('button', { name: /^Edit/ }).click();
    await page.getByRole('heading', { name: /^Edit “/, level: 2 }).waitFor();
    await check(page, 'category editor', [...category.namePayloads, ...category.descriptionPayloads]);
    await categoryRow.getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('dialog').waitFor();
    await check(page, 'category editor', category.namePayloads);
    await page.keyboard.press('Escape');

    await go(page, '/admin/audit', h1(page, 'Audit log'));
    const audit = await everyTablePage(page, 'audit log');
    const adminPosts = planted.posts.filter((p) => !planted.users.some((u) => u.id === p.authorId));
    expect(adminPosts.length).toBeGreaterThan(0);
    expect(
      notIn(
        union(
          categoryNames,
          adminPosts.flatMap((p) => p.titlePayloads),
        ),
        audit,
      ),
    ).toEqual([]);

    // The stand-in builder records each rebuild once the outbox delivered it.
    await waitUntil(
      'every rebuild recorded',
      async () =>
        (await server.db.models.BuildEvent.findAll()).filter((build) => build.reason.startsWith('rebuild: ')).length >=
        planted.rebuildReasons.length,
      30_000,
    );
    await go(page, '/admin/rebuilds', h1(page, 'Site builds'));
    const builds = await everyTablePage(page, 'builds');
    expect(notIn(planted.places.get('rebuild reasons') ?? [], builds)).toEqual([]);
    await context.close();
    expect(failures.splice(0)).toEqual([]);
  }, 120_000);

  it('runs nothing in the post editor: every planted post, its preview, and the corpus typed into a new one', async () => {
    const { context, page } = await newPage(adminCookie);
    await page.goto(`${server.url}/admin/posts`);
    await h1(page, 'Posts').waitFor();
    const allCategoryNames = planted.categories.flatMap((c) => c.namePayloads);
    for (const post of planted.posts) {
      await go(page, `/admin/posts/${post.id}`, h1(page, 'Edit post'));
      await waitUntil(
        `post ${post.id} in the editor`,
        async () => (await page.getByLabel('Title', { exact: true }).inputValue()) === asInput(post.title),
      );
      const preview = await check(page, 'post editor', [
        ...post.titlePayloads,
        ...post.subtitlePayloads,
        ...post.bodyPayloads,
        ...allCategoryNames,
      ]);
      expect(preview.size).toBeGreaterThan(0);
    }

    // A new post: the whole corpus typed into the body, previewed as it is typed, then saved.
    await go(page, '/admin/posts/new', h1(page, 'New post'));
    const title = XSS_PAYLOADS.filter((p) => p.family === 'breakout').slice(0, 3);
    await page.getByLabel('Title', { exact: true }).fill(title.map((p) => `${markerOf(p.n)} ${p.text}`).join(' '));
    await page.getByLabel('Subtitle').fill(title.map((p) => p.text).join(' '));
    // Typed: Chromium inserts typed text slowly (seconds per 10 KB), so a part of the corpus.
    const typed = XSS_PAYLOADS.slice(0, 120);
    const body = page.getByLabel('Body (Markdown)');
    await body.fill(markdownOf(typed));
    const preview = page.locator('markdown-preview');
    await preview.getByText(markerOf(typed.length), { exact: true }).waitFor();
    await check(
      page,
      'post editor',
      typed.map((p) => p.n),
    );
    // Pasted: all of it at once, as a paste sets the box and fires one input event.
    await body.evaluate(
      (element, value) => {
        if (!(element instanceof HTMLTextAreaElement)) throw new Error('the body is not a textarea');
        element.value = value;
        element.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertFromPaste' }));
      },
      markdownOf([...XSS_PAYLOADS]),
    );
    await preview.getByText(markerOf(XSS_PAYLOADS.length), { exact: true }).waitFor();
    await check(
      page,
      'post editor',
      XSS_PAYLOADS.map((p) => p.n),
    );
    await page.getByRole('button', { name: 'Save draft' }).click();
    await h1(page, 'Edit post').waitFor();
    await preview.getByText(markerOf(XSS_PAYLOADS.length), { exact: true }).waitFor();
    await check(
      page,
      'post editor',
      XSS_PAYLOADS.map((p) => p.n),
    );
    await context.close();
    expect(failures.splice(0)).toEqual([]);
  }, 120_000);

  it('runs nothing on the user pages, nor for a hostile-named author in their own admin', async () => {
    const { context, page } = await newPage(adminCookie);
    await page.goto(`${server.url}/admin/users`);
    await h1(page, 'Users').waitFor();
    for (const user of planted.users) {
      await go(page, `/admin/users/${user.id}`, userHeading(page, user.payloads));
      await waitUntil(`user ${user.id} loaded`, async () => (await page.locator('[data-stat="email"]').count()) > 0);
      await check(page, 'user detail', user.payloads);
    }
    const user = planted.users[1];
    if (!user) throw new Error('no second user');
    await go(page, `/admin/users/${user.id}`, userHeading(page, user.payloads));
    await page.getByRole('button', { name: 'Ban', exact: true }).click();
    await page.getByRole('dialog').waitFor();
    await check(page, 'user detail', user.payloads);
    await page.keyboard.press('Escape');
    await context.close();

    // An author with a hostile name, in the admin as they see it.
    const author = planted.users.find((u) => u.role === 'author');
    if (!author) throw new Error('no author');
    const own = await newPage(author.cookie);
    await own.page.goto(`${server.url}/admin/`);
    await h1(own.page, 'Your posts').waitFor();
    await own.page.locator('tbody tr').first().waitFor();
    const ownPosts = planted.posts.filter((p) => p.authorId === author.id);
    await check(own.page, 'author posts list', [...author.payloads, ...ownPosts.flatMap((p) => p.titlePayloads)]);
    const first = ownPosts[0];
    if (first) {
      await go(own.page, `/admin/posts/${first.id}`, h1(own.page, 'Edit post'));
      await waitUntil(
        'the author’s post in the editor',
        async () => (await own.page.getByLabel('Title', { exact: true }).inputValue()) === asInput(first.title),
      );
      await check(own.page, 'post editor', [...author.payloads, ...first.bodyPayloads]);
    }
    await own.context.close();
    expect(failures.splice(0)).toEqual([]);
  }, 90_000);

  it('saw nothing run, no dialog, no request off the origin, no navigation away', () => {
    expect(watches.length).toBeGreaterThan(0);
    expect(watches.flatMap((w) => w.hits)).toEqual([]);
    expect(watches.flatMap((w) => w.dialogs)).toEqual([]);
    expect(watches.flatMap((w) => w.offsite)).toEqual([]);
    expect(watches.flatMap((w) => w.navigations)).toEqual([]);
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseDocument } from 'htmlparser2';
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post, User } from '../../api/src/db/models/index.js';
import { seedDemo } from '../../api/src/db/seed.js';
import { createTestContext, type TestContext } from '../../api/test/app.js';
import { codeIn, startSmtpServer, type TestSmtpServer } from '../../api/test/smtp.js';
import { axeProblems } from '../../e2e/support/axe.js';
import { CHROMIUM, launchChromium, pageWatcher } from '../../e2e/support/chromium.js';
import { runAstroBuild } from '../scripts/build-site.js';
import { type OneOrigin, serveStatic, startOneOrigin } from './one-origin.js';

// The islands in a real headless Chromium against the real API: one origin serves the built site
// (with nginx's CSP) and /api, the API mails through a real in-process SMTP server, and the site is
// built by the real `astro build` from that API.

// Outside CI a machine without Chromium skips this file; in CI a missing browser fails it.
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`islands.e2e: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

/** The comments island's budget (DESIGN §5): Lit and the island, gzip. */
const COMMENTS_JS_BUDGET = 12 * 1024;
const PASSWORD = 'a long enough passphrase';

/** Each payload sets this flag or opens a dialog if it ever runs. */
const PWN = 'window.__pwned=1;alert(1)';
const XSS_TITLE = `<img src=x onerror="${PWN}"><script>${PWN}</script> Hostile title`;
const XSS_COMMENT = [
  'Hostile comment start.',
  `<script>${PWN}</script>`,
  `<img src="x" onerror="${PWN}">`,
  `<svg onload="${PWN}"></svg>`,
  `[markdown link](javascript:${PWN})`,
  `<a href="javascript:${PWN}">raw link</a>`,
  `<iframe srcdoc="<script>parent.${PWN}</script>"></iframe>`,
  'Hostile comment end.',
].join('\n\n');

let smtp: TestSmtpServer;
let t: TestContext;
let server: OneOrigin;
let out: string;
let browser: Browser;
let origin: string;
let journey: Post;
let longThread: Post;
let hostile: Post;
let quiet: Post;
let held: Post;
let closed: Post;
let commenter: User;
let findable: Post;

/** Waits (up to 15 s) until the value `read` gives passes the assertion that follows. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });

/** A locator's text with whitespace collapsed ('' while it does not exist). */
const textOf = async (locator: Locator) =>
  ((await locator.textContent({ timeout: 500 }).catch(() => null)) ?? '').replace(/\s+/g, ' ').trim();

/** Whether the element has focus, looking through shadow roots. */
const isFocused = (locator: Locator) =>
  locator.evaluate((element) => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active === element;
  });

const { newPage, unexpected, problems: problemsOf } = pageWatcher(() => browser, 15_000);

/** A browser context already signed in as `user` (its session cookie, as the API would have set it). */
async function signedInContext(user: User): Promise<BrowserContext> {
  const context = await browser.newContext();
  const [name, value] = (await t.factories.sessionCookie(user)).split('=');
  if (!name || !value) throw new Error('no session cookie');
  await context.addCookies([{ name, value, url: origin, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

const postUrl = (post: Post) => `${origin}/posts/${encodeURIComponent(post.slug)}/`;

/** The API's count of a post's visible comments. */
async function apiCount(post: Post): Promise<number> {
  await post.reload();
  return post.commentsCount;
}

/** Every script a built page loads, with the modules they import, as [file, raw bytes, gzip bytes]. */
async function moduleGraph(entries: string[]): Promise<Map<string, { raw: number; gzip: number }>> {
  const seen = new Map<string, { raw: number; gzip: number }>();
  const queue = [...entries];
  while (queue.length > 0) {
    const name = queue.shift();
    if (!name || seen.has(name)) continue;
    const code = await readFile(join(out, '_astro', name));
    seen.set(name, { raw: code.length, gzip: gzipSync(code, { level: 9 }).length });
    for (const match of code.toString().matchAll(/(?:import|from)\s*["']\.\/([^"']+\.js)["']/g)) {
      if (match[1]) queue.push(match[1]);
    }
  }
  return seen;
}

/** The `/_astro/<file>` scripts of a built page, and every inline script or `on*` attribute it has. */
function scriptsOf(html: string): { external: string[]; inline: number; handlers: string[] } {
  const result = { external: [] as string[], inline: 0, handlers: [] as string[] };
  const visit = (node: ReturnType<typeof parseDocument>['children'][number]) => {
    if ('attribs' in node) {
      for (const name of Object.keys(node.attribs))
        if (name.startsWith('on')) result.handlers.push(`${node.name} ${name}`);
      // A JSON data block (the comments' first page, the post's JSON-LD) is not a script: the
      // browser never runs it.
      const data = node.attribs.type === 'application/json' || node.attribs.type === 'application/ld+json';
      if (node.name === 'script' && !data) {
        const src = node.attribs.src;
        if (src?.startsWith('/_astro/')) result.external.push(src.slice('/_astro/'.length));
        else result.inline++;
      }
    }
    if ('children' in node) for (const child of node.children) visit(child);
  };
  for (const child of parseDocument(html).children) visit(child);
  return result;
}

async function* htmlFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(path);
    else if (entry.name.endsWith('.html')) yield path;
  }
}

beforeAll(async () => {
  if (skip) return;
  server = await startOneOrigin();
  origin = server.origin;
  smtp = await startSmtpServer();
  t = await createTestContext({
    PUBLIC_URL: origin,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Blog <no-reply@blog.test>',
    // A script types faster than anyone: the time-to-submit rule has its API tests; here the
    // island's reported time is checked on the wire instead.
    COMMENT_MIN_SUBMIT_SECONDS: '0',
  });
  await t.jobs.start();
  await seedDemo(t.db, () => new Date());

  const author = await t.factories.user({ role: 'author', name: 'Grace Author' });
  const reader = await t.factories.user({ name: 'Early Reader' });
  commenter = await t.factories.user({ name: 'Verified Commenter' });
  journey = await t.factories.post(author, {
    title: 'A post to talk about',
    slug: 'a-post-to-talk-about',
    body: 'Say something **nice**.',
  });
  const first = await t.factories.comment(journey, reader, { body: 'First seeded comment.' });
  await t.factories.comment(journey, author, { parent: first, body: 'A seeded reply from the author.' });

  longThread = await t.factories.post(author, { title: 'A long thread', slug: 'a-long-thread' });
  for (let i = 1; i <= 25; i++) await t.factories.comment(longThread, reader, { body: `Thread comment number ${i}.` });

  quiet = await t.factories.post(author, { title: 'A quiet post', slug: 'a-quiet-post' });
  await t.factories.comment(quiet, reader, { body: 'The only comment so far.' });

  held = await t.factories.post(author, { title: 'Every comment waits here', slug: 'every-comment-waits' });
  await held.update({ commentModeration: 'all' });
  closed = await t.factories.post(author, { title: 'Talked out', slug: 'talked-out' });
  await closed.update({ commentsClosed: true });
  await t.factories.comment(closed, reader, { body: 'Said before it closed.' });

  const evil = await t.factories.user({ name: `<img src=x onerror="${PWN}">Mallory` });
  hostile = await t.factories.post(author, { title: XSS_TITLE, slug: 'hostile-title', body: XSS_COMMENT });
  await t.factories.comment(hostile, evil, { body: XSS_COMMENT });

  findable = await t.factories.post(author, {
    title: 'Breakfast in Zanzibar',
    slug: 'breakfast-in-zanzibar',
    body: 'Every morning we ate bitter **marmalade** on warm bread by the harbour.',
  });

  out = await mkdtemp(join(tmpdir(), 'blog-islands-'));
  // The site and /api on one origin; during the build only /api is asked for.
  server.use((request, env) =>
    new URL(request.url).pathname.startsWith('/api/') ? t.app.fetch(request, env) : serveStatic(out, request),
  );
  await runAstroBuild({ apiUrl: `${origin}/api`, publicUrl: origin, outDir: out });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.destroy();
  await smtp?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

describe.skipIf(skip)('the islands in Chromium', () => {
  it('keeps every script an external file and the comments island within 12 KB gzip', async () => {
    let pages = 0;
    for await (const file of htmlFiles(out)) {
      const { inline, handlers } = scriptsOf(await readFile(file, 'utf8'));
      expect(inline, file).toBe(0);
      expect(handlers, file).toEqual([]);
      pages++;
    }
    expect(pages).toBeGreaterThan(20);

    const html = await readFile(join(out, 'posts', journey.slug, 'index.html'), 'utf8');
    const entries = scriptsOf(html).external;
    const commentsEntry = entries.filter((name) => name.startsWith('BlogComments'));
    expect(commentsEntry).toHaveLength(1);
    const comments = await moduleGraph(commentsEntry);
    const page = await moduleGraph(entries);
    const sum = (graph: Map<string, { raw: number; gzip: number }>) =>
      [...graph.values()].reduce((total, size) => ({ raw: total.raw + size.raw, gzip: total.gzip + size.gzip }), {
        raw: 0,
        gzip: 0,
      });
    const report = (graph: Map<string, { raw: number; gzip: number }>) =>
      [...graph].map(([name, size]) => `  ${name}: ${size.raw} B raw, ${size.gzip} B gzip`).join('\n');
    console.info(
      `comments island (Lit + island): ${JSON.stringify(sum(comments))}\n${report(comments)}\n` +
        `whole post page: ${JSON.stringify(sum(page))}\n${report(page)}`,
    );
    expect(sum(comments).gzip).toBeLessThanOrEqual(COMMENTS_JS_BUDGET);
  });

  it('offers "Copy link" and, where the browser has the Web Share API, "Share…" under a post', async () => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await newPage(context);
    await page.goto(postUrl(journey));
    const share = page.locator('share-links');
    await share.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => share.getByRole('status').textContent()).toBe('Link copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(postUrl(journey));
    // Headless Chromium on Linux has no share sheet: no "Share…" button, rather than one that fails.
    expect(await page.evaluate(() => typeof navigator.share)).toBe('undefined');
    expect(await share.getByRole('button', { name: 'Share…' }).isHidden()).toBe(true);
    // A browser that has one (the share sheet is the operating system's: stood in for here).
    await page.addInitScript(() => {
      const shared: ShareData[] = [];
      Object.assign(window, { __shared: shared });
      Object.defineProperty(navigator, 'share', { value: async (data: ShareData) => void shared.push(data) });
    });
    await page.reload();
    await share.getByRole('button', { name: 'Share…' }).click();
    expect(await page.evaluate(() => (window as unknown as { __shared: ShareData[] }).__shared)).toEqual([
      { title: journey.title, url: postUrl(journey) },
    ]);
    expect(unexpected(page)).toEqual([]);
    await context.close();
  });

  it('has no axe-core violation on the reader pages, wide and on a phone, light and dark', async () => {
    const tag = await t.db.models.Tag.findOne({ where: { postsCount: { [Op.gt]: 0 } }, order: [['id', 'ASC']] });
    const category = await t.db.models.Category.findOne({ order: [['id', 'ASC']] });
    if (!tag || !category) throw new Error('the demo seed has no tag or category');
    const paths = ['/', postUrl(journey).slice(origin.length), `/tags/${tag.slug}/`, `/categories/${category.slug}/`];
    const problems: string[] = [];
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 667 },
    ]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({ viewport, colorScheme });
        const page = await newPage(context);
        for (const path of paths) {
          await page.goto(`${origin}${path}`);
          await page.waitForLoadState('networkidle');
          problems.push(...(await axeProblems(page)).map((line) => `${viewport.width}px ${colorScheme}: ${line}`));
        }
        expect(unexpected(page)).toEqual([]);
        await context.close();
      }
    }
    expect(problems).toEqual([]);
  });

  it('has a Topics menu of categories and tags in the header that opens within the screen, on a phone too', async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 667 },
    ]) {
      const context = await browser.newContext({ viewport, javaScriptEnabled: viewport.width > 400 });
      const page = await context.newPage();
      await page.goto(postUrl(journey));
      const nav = page.getByRole('navigation', { name: 'Main' });
      const panel = nav.locator('.topics-panel');
      expect(await panel.isVisible()).toBe(false);
      await nav.getByText('Topics', { exact: true }).click();
      const categories = panel.getByRole('list', { name: 'Categories' }).getByRole('link');
      expect(await categories.count()).toBeGreaterThan(0);
      expect(await panel.getByRole('list', { name: 'Tags' }).getByRole('link').count()).toBeGreaterThan(0);
      const box = await panel.boundingBox();
      if (!box) throw new Error('the Topics panel has no box');
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      if (viewport.width > 400) expect(await axeProblems(page)).toEqual([]);
      const first = categories.first();
      const href = await first.getAttribute('href');
      await first.click();
      await page.waitForURL(`${origin}${href}`);
      await context.close();
    }
  });

  it('shows no share row to a browser without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(postUrl(journey));
    expect(await page.locator('share-links').isHidden()).toBe(true);
    await context.close();
  });

  it('takes a reader from sign-up through verification to commenting, replying, editing and deleting', async () => {
    const page = await newPage();
    const comments = page.locator('blog-comments');
    const account = page.locator('blog-account');
    const dialog = account.locator('dialog');
    const email = `reader-${Date.now()}@example.com`;

    await page.goto(postUrl(journey));
    // The live thread replaces the build-time fallback.
    await comments.getByText('First seeded comment.').waitFor();
    await comments.getByText('A seeded reply from the author.').waitFor();
    expect(await comments.locator('.count').textContent()).toBe('2 comments');
    await comments.getByText('Sign in to comment.').waitFor();

    // Sign up from the header; the API's password policy speaks first.
    await comments.getByRole('link', { name: 'Sign in' }).click();
    await dialog.waitFor();
    await poll(() => isFocused(dialog.getByLabel('Email'))).toBe(true);
    await dialog.getByRole('button', { name: 'Create an account' }).click();
    await dialog.getByLabel('Name').fill('Reader Roe');
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByLabel('Password').fill('too short');
    await dialog.getByRole('button', { name: 'Create account' }).click();
    await dialog.getByText('Password must be at least 10 characters.').waitFor();
    await poll(() => dialog.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    const mailsBefore = smtp.mails.length;
    await dialog.getByLabel('Password').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Create account' }).click();

    // Signed up: the dialog asks for the code, resend waits for the API's cooldown.
    await dialog.getByRole('heading', { name: 'Verify your email' }).waitFor();
    await poll(() => dialog.getByRole('button', { name: /^Resend code in \d+ s$/ }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => textOf(account.locator('.trigger'))).toBe('Reader Roe');
    await poll(() => isFocused(account.locator('.trigger'))).toBe(true);

    // Unverified: the comments island says why there is no form.
    // (It does not claim a mail was sent: the account dialog says what was.)
    await comments.getByRole('link', { name: 'Verify your email address' }).waitFor();
    expect(await comments.locator('textarea').count()).toBe(0);

    // Still unverified after a reload; asking for a new code within the cooldown gets the API's
    // 429, whose Retry-After starts the countdown.
    await page.reload();
    await comments.getByRole('link', { name: 'Verify your email address' }).click();
    await poll(() => isFocused(dialog.getByLabel('Code'))).toBe(true);
    await dialog.getByRole('button', { name: 'Resend code' }).click();
    await poll(() => textOf(dialog.locator('[aria-live="assertive"]'))).toMatch(
      /^A code was just sent\. You can ask for a new one in \d+ seconds\.$/,
    );
    await poll(() => dialog.getByRole('button', { name: /^Resend code in \d+ s$/ }).isDisabled()).toBe(true);

    // The code from the real mail.
    const code = codeIn(await smtp.waitForMail(email, mailsBefore));
    await dialog.getByLabel('Code').fill(code === '000000' ? '111111' : '000000');
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await poll(() => textOf(dialog.locator('[aria-live="assertive"]'))).not.toBe('');
    await dialog.getByLabel('Code').fill(code);
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await dialog.getByText('Your email address is verified: you can comment now.').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Comment: the preview is the server's own rendering, as the comment will show.
    const box = comments.getByLabel('Add a comment');
    await box.fill('Hello from **Chromium**.\nSecond line.');
    await comments.getByRole('button', { name: 'Preview' }).click();
    await comments.locator('.preview strong', { hasText: 'Chromium' }).waitFor();
    await poll(() => textOf(comments.locator('.preview'))).toBe('Hello from Chromium. Second line.');
    await comments.getByRole('button', { name: 'Preview' }).click();
    await comments.getByRole('button', { name: 'Post comment' }).click();
    const mine = comments.locator('.threads > li').filter({ hasText: 'Hello from' });
    await mine.locator('strong', { hasText: 'Chromium' }).waitFor();
    await poll(() => textOf(comments.locator('.count'))).toBe('3 comments');
    await poll(() => box.inputValue()).toBe('');

    // Reply to it.
    await mine.getByRole('button', { name: 'Reply' }).first().click();
    const replyBox = comments.getByLabel(/^Replying to @Reader Roe/);
    await poll(() => isFocused(replyBox)).toBe(true);
    // The form names the comment it answers, linked to its anchor.
    const to = await comments.locator('comment-composer label a').getAttribute('href');
    expect(to).toMatch(/^#comment-\d+$/);
    expect(await mine.first().getAttribute('id')).toBe(to?.slice(1));
    // Ctrl+Enter posts, like the button.
    await replyBox.fill('Replying to myself.');
    await replyBox.press('Control+Enter');
    const reply = mine.locator('.replies article').filter({ hasText: 'Replying to myself.' });
    await reply.waitFor();
    await poll(() => textOf(comments.locator('.count'))).toBe('4 comments');

    // Edit the reply (own comments only: nobody else's has an Edit button).
    const others = comments.locator('article').filter({ hasText: 'First seeded comment.' }).getByRole('button');
    expect(await others.allTextContents().then((names) => names.map((n) => n.replace(/\s+/g, ' ').trim()))).toEqual([
      '♥ 0',
      'Reply',
    ]);
    await reply.getByRole('button', { name: 'Edit' }).click();
    await poll(() => comments.getByLabel('Edit your comment').inputValue()).toBe('Replying to myself.');
    await comments.getByLabel('Edit your comment').fill('Replying to myself, *edited*.');
    await comments.getByRole('button', { name: 'Save' }).click();
    const edited = mine.locator('.replies article').filter({ hasText: 'Replying to myself, edited.' });
    await edited.locator('em', { hasText: 'edited' }).waitFor();
    await poll(() => textOf(edited.locator('.by'))).toContain('edited');

    // Delete the reply, then check the API agrees.
    await edited.getByRole('button', { name: 'Delete' }).click();
    await edited.getByRole('button', { name: 'Yes, delete' }).click();
    await poll(() => edited.count()).toBe(0);
    await poll(() => textOf(comments.locator('.count'))).toBe('3 comments');
    await poll(() => apiCount(journey)).toBe(3);

    // After a reload the thread comes from the server, the reader still signed in.
    await page.reload();
    await poll(() => textOf(comments.locator('.count'))).toBe('3 comments');
    await mine.locator('strong', { hasText: 'Chromium' }).waitFor();
    await poll(() => textOf(account.locator('.trigger'))).toBe('Reader Roe');

    // The home page's counts: built with 2, live 3, in one request for every count on the page.
    const countRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/comments/counts')) countRequests.push(request.url());
    });
    await page.goto(`${origin}/`);
    const homeCount = page.locator(`comment-count[post-id="${journey.id}"]`);
    // What the reader sees: the element's shadow content once it has the live count, else its fallback.
    const shown = () =>
      homeCount.evaluate((element) =>
        (element.shadowRoot && !element.shadowRoot.querySelector('slot')
          ? element.shadowRoot
          : element
        ).textContent?.trim(),
      );
    await poll(shown).toBe('3 comments');
    const built = await readFile(join(out, 'index.html'), 'utf8');
    expect(built).toContain(`<comment-count post-id="${journey.id}">2 comments</comment-count>`);
    expect(await page.locator('comment-count').count()).toBeGreaterThan(5);
    expect(countRequests).toHaveLength(1);

    // Sign out from the header; the post's comments island follows.
    await page.goto(postUrl(journey));
    await account.locator('.trigger').click();
    await dialog.getByRole('button', { name: 'Sign out' }).click();
    await poll(() => textOf(account.locator('.trigger'))).toBe('Sign in');
    await comments.getByText('Sign in to comment.').waitFor();
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });

  it('renders hostile comments, names, titles and typed text inert', async () => {
    const page = await newPage(await signedInContext(commenter));
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(postUrl(hostile));
    const comments = page.locator('blog-comments');
    await comments.getByText('Hostile comment end.').waitFor();
    await poll(() => textOf(page.locator('h1'))).toBe(XSS_TITLE);

    // The reader types a payload: preview, pending and saved states all stay text.
    await comments.getByLabel('Add a comment').fill(XSS_COMMENT);
    await comments.getByRole('button', { name: 'Preview' }).click();
    await poll(() => textOf(comments.locator('.preview'))).toContain('Hostile comment end.');
    // The server's sanitised rendering: no script, handler, frame or javascript: link survives.
    expect(
      await comments
        .locator('.preview script, .preview iframe, .preview svg, .preview [onerror], .preview [onload]')
        .count(),
    ).toBe(0);
    expect(await comments.locator('.preview a[href^="javascript:"]').count()).toBe(0);
    await comments.getByRole('button', { name: 'Preview' }).click();
    await comments.getByRole('button', { name: 'Post comment' }).click();
    await poll(() => textOf(comments.locator('.count'))).toBe('2 comments');
    await poll(() =>
      comments.locator('article:not(:has(.plain))').filter({ hasText: 'Hostile comment end.' }).count(),
    ).toBe(2);

    const found = await page.evaluate(() => {
      const roots: (Document | ShadowRoot)[] = [document];
      for (const element of document.querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
      const all = roots.flatMap((root) => [...root.querySelectorAll('*')]);
      return {
        pwned: 'pwned' in window || '__pwned' in window,
        handlers: all.flatMap((el) => el.getAttributeNames().filter((name) => name.startsWith('on'))),
        scripts: all.filter(
          (el) =>
            el.tagName === 'SCRIPT' &&
            el.getAttribute('type') !== 'application/ld+json' &&
            !el.getAttribute('src')?.startsWith('/_astro/'),
        ).length,
        frames: all.filter((el) => ['IFRAME', 'OBJECT', 'EMBED'].includes(el.tagName)).length,
        jsLinks: all
          .map((el) => el.getAttribute('href') ?? el.getAttribute('src') ?? '')
          .filter((url) => url.replace(/\s/g, '').toLowerCase().startsWith('javascript:')),
      };
    });
    expect(found).toEqual({ pwned: false, handlers: [], scripts: 0, frames: 0, jsLinks: [] });
    // The hostile author's name is text.
    await comments.getByText('Mallory').waitFor();
    await poll(() => comments.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });

  it('shows the comments without JavaScript, each at its permalink', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(postUrl(journey));
    await page.getByText('First seeded comment.').waitFor();
    await page.getByText('A seeded reply from the author.').waitFor();
    expect(await textOf(page.locator('.cmts .count'))).toBe('2 comments');
    const first = page.locator('.threads > li').first();
    const id = await first.getAttribute('id');
    expect(id).toMatch(/^comment-\d+$/);
    expect(await first.locator('.when').first().getAttribute('href')).toBe(`#${id}`);
    expect(await page.locator('.replies > li').first().getAttribute('id')).toMatch(/^comment-\d+$/);
    // <noscript> is markup when scripting is off.
    expect(await textOf(page.locator('.cmts .note'))).toBe(
      'Writing comments, liking them and reading further pages needs JavaScript.',
    );
    // The post's comment feed is announced in the head.
    expect(await page.locator('link[rel="alternate"][href$="/comments.xml"]').count()).toBe(2);
    await context.close();
  });

  it('takes over the static comments without asking for them again and without moving anything', async () => {
    const page = await newPage();
    const asked: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.includes('/comments')) asked.push(`${url.pathname}${url.search}`);
    });
    await page.addInitScript(() => {
      const box = window as unknown as { shifts: number };
      box.shifts = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) box.shifts += (entry as unknown as { value: number }).value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(postUrl(longThread));
    const comments = page.locator('blog-comments');
    // Taken over: the island's controls work (the static ones are disabled).
    await poll(() => comments.locator('.sort select').isEnabled()).toBe(true);
    await poll(() => comments.getByRole('button', { name: 'Load more comments' }).isEnabled()).toBe(true);
    expect(await comments.locator('.threads > li').count()).toBe(20);
    expect(await comments.locator('[data-static]').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(asked).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { shifts: number }).shifts)).toBe(0);

    // "Load more" reads the next static page, not the API.
    await comments.getByRole('button', { name: 'Load more comments' }).click();
    await poll(() => comments.locator('.threads > li').count()).toBe(25);
    expect(asked).toEqual([`/posts/${longThread.slug}/comments/oldest/2.json`]);

    // Another order comes from its own static page, and is remembered.
    await comments.locator('.sort select').selectOption('newest');
    await poll(() => textOf(comments.locator('.threads > li .body').first())).toBe('Thread comment number 25.');
    expect(asked.at(-1)).toBe(`/posts/${longThread.slug}/comments/newest/1.json`);
    await page.reload();
    await poll(() => textOf(comments.locator('.threads > li .body').first())).toBe('Thread comment number 25.');
    expect(await comments.locator('.sort select').inputValue()).toBe('newest');
    await page.evaluate(() => localStorage.removeItem('blog-comments-sort'));
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('asks the API only for what depends on a signed-in reader, in one request', async () => {
    const page = await newPage(await signedInContext(commenter));
    const asked: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.includes('/comments')) asked.push(url.pathname);
    });
    await page.goto(postUrl(longThread));
    const comments = page.locator('blog-comments');
    await comments.getByRole('button', { name: 'Post comment' }).waitFor();
    await page.waitForTimeout(300);
    expect(asked).toEqual([`/api/posts/${longThread.id}/comments/viewer`]);
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('pages through a long thread with "Load more"', async () => {
    const page = await newPage();
    await page.goto(postUrl(longThread));
    const comments = page.locator('blog-comments');
    await poll(() => textOf(comments.locator('.count'))).toBe('25 comments');
    await poll(() => comments.locator('.threads > li').count()).toBe(20);
    await comments.getByRole('button', { name: 'Load more comments' }).click();
    await poll(() => comments.locator('.threads > li').count()).toBe(25);
    await comments.getByText('Thread comment number 25.').waitFor();
    await poll(() => comments.getByRole('button', { name: 'Load more comments' }).count()).toBe(0);
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('clears the form after a comment is saved, and rolls one back on 429 saying how long to wait', async () => {
    const page = await newPage(await signedInContext(commenter));
    await page.goto(postUrl(quiet));
    const comments = page.locator('blog-comments');
    const box = comments.getByLabel('Add a comment');
    await poll(() => textOf(comments.locator('.count'))).toBe('1 comment');
    await box.fill('Saved on the first try.');
    await comments.getByRole('button', { name: 'Post comment' }).click();
    await comments.locator('article:not(:has(.plain))').filter({ hasText: 'Saved on the first try.' }).waitFor();
    await poll(() => box.inputValue()).toBe('');
    await poll(() => textOf(comments.locator('.count'))).toBe('2 comments');

    await page.route('**/api/posts/*/comments', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 429,
            headers: { 'retry-after': '42', 'content-type': 'application/json' },
            body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests.' } }),
          })
        : route.continue(),
    );
    await box.fill('This one will bounce.');
    await comments.getByRole('button', { name: 'Post comment' }).click();
    await poll(() => textOf(comments.getByRole('alert'))).toBe(
      'Too many attempts. Please wait 42 seconds and try again.',
    );
    await poll(() => comments.locator('article').filter({ hasText: 'This one will bounce.' }).count()).toBe(0);
    await poll(() => box.inputValue()).toBe('This one will bounce.');
    await poll(() => textOf(comments.locator('.count'))).toBe('2 comments');
    expect(await apiCount(quiet)).toBe(2);
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });

  it('shows a comment waiting for approval to its author alone, badge and all, and none of it in the HTML', async () => {
    const page = await newPage(await signedInContext(commenter));
    await page.goto(postUrl(held));
    const comments = page.locator('blog-comments');
    await poll(() => textOf(comments.locator('.count'))).toBe('No comments');
    const sent = page.waitForRequest(
      (req) => req.method() === 'POST' && req.url().endsWith(`/api/posts/${held.id}/comments`),
    );
    await comments.getByLabel('Add a comment').fill('Hoping this gets through.');
    await comments.getByRole('button', { name: 'Post comment' }).click();
    // The honeypot goes empty and the time the form was open goes along.
    const body = (await sent).postDataJSON() as { website?: string; elapsedMs?: number };
    expect(body.website).toBe('');
    expect(body.elapsedMs).toBeGreaterThan(0);
    const mine = comments.locator('article').filter({ hasText: 'Hoping this gets through.' });
    await poll(() => textOf(mine.locator('.by'))).toMatch(/waiting for approval$/);
    await poll(() => textOf(comments.locator('.count'))).toBe('No comments');
    // Still there after a reload (the viewer's own pending comments), and only for them.
    await page.reload();
    await poll(() =>
      textOf(comments.locator('article').filter({ hasText: 'Hoping this gets through.' }).locator('.by')),
    ).toMatch(/waiting for approval$/);
    const stranger = await newPage();
    await stranger.goto(postUrl(held));
    await poll(() => textOf(stranger.locator('blog-comments .count'))).toBe('No comments');
    expect(await stranger.locator('blog-comments').getByText('Hoping this gets through.').count()).toBe(0);
    for await (const file of htmlFiles(out)) {
      expect(await readFile(file, 'utf8'), file).not.toContain('Hoping this gets through.');
    }
    expect(await apiCount(held)).toBe(0);
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
    await stranger.context().close();
  });

  it('says comments are closed on a closed post, with and without JavaScript, and offers no form', async () => {
    const html = await readFile(join(out, 'posts', closed.slug, 'index.html'), 'utf8');
    expect(html).toContain('Comments are closed.');
    expect(html).toContain('Said before it closed.');
    const page = await newPage(await signedInContext(commenter));
    await page.goto(postUrl(closed));
    const comments = page.locator('blog-comments');
    await poll(() => textOf(comments.locator('.gate'))).toBe('Comments are closed.');
    await comments.getByText('Said before it closed.').waitFor();
    expect(await comments.locator('textarea').count()).toBe(0);
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });

  it('tells a banned reader why the comment was refused', async () => {
    const banned = await t.factories.user({ name: 'Banned Reader', banned: true });
    const page = await newPage(await signedInContext(banned));
    await page.goto(postUrl(longThread));
    const comments = page.locator('blog-comments');
    await comments.getByLabel('Add a comment').fill('Let me in.');
    await comments.getByRole('button', { name: 'Post comment' }).click();
    await poll(() => textOf(comments.getByRole('alert'))).toBe(
      'This account is banned: it can read comments but not write them.',
    );
    await poll(() => textOf(comments.locator('.count'))).toBe('25 comments');
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });

  it('signs in on the account page, with the API errors read out and provider links returning here', async () => {
    const page = await newPage();
    await page.route('**/api/auth/providers', (route) =>
      route.fulfill({
        json: { providers: [{ id: 'google', name: 'Google', startUrl: `${origin}/api/auth/oidc/google/start` }] },
      }),
    );
    await page.goto(`${origin}/account/`);
    const form = page.locator('blog-account[view="page"]');
    const google = form.getByRole('link', { name: 'Continue with Google' });
    await poll(() => google.getAttribute('href')).toBe(
      `${origin}/api/auth/oidc/google/start?returnTo=${encodeURIComponent('/account/')}`,
    );
    await form.getByLabel('Email').fill(commenter.email);
    await form.getByLabel('Password').fill('not the password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => textOf(form.locator('[aria-live="assertive"]'))).toBe('Wrong email or password.');
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });

  it('looks right: a screenshot of the post page with comments', async () => {
    const page = await newPage(await signedInContext(commenter));
    await page.setViewportSize({ width: 1000, height: 1600 });
    await page.goto(postUrl(journey));
    await page.locator('blog-comments .count').waitFor();
    await page.locator('blog-comments').scrollIntoViewIfNeeded();
    const file = join(tmpdir(), 'blog-islands-post.png');
    await page.screenshot({ path: file, fullPage: true });
    console.info(`screenshot: ${file}`);
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });
});

/** The search island's budget: the whole dialog, gzip (Pagefind's own JS loads on first open). */
const SEARCH_JS_BUDGET = 3 * 1024;

describe.skipIf(skip)('the search dialog in Chromium', () => {
  const WORD = 'marmalade';

  /** A page that records every /pagefind/ request it makes. */
  async function searchPage(context?: BrowserContext) {
    const page = await newPage(context);
    const fetched: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/pagefind/')) fetched.push(path);
    });
    return { page, fetched };
  }

  it('stays small and loads nothing of the search before the dialog opens', async () => {
    const html = await readFile(join(out, 'posts', findable.slug, 'index.html'), 'utf8');
    const entries = scriptsOf(html).external.filter((name) => name.startsWith('SearchDialog'));
    expect(entries).toHaveLength(1);
    const graph = await moduleGraph(entries);
    const gzip = [...graph.values()].reduce((total, size) => total + size.gzip, 0);
    console.info(
      `search island: ${[...graph].map(([name, size]) => `${name} ${size.raw} B raw, ${size.gzip} B gzip`)}`,
    );
    expect(gzip).toBeLessThanOrEqual(SEARCH_JS_BUDGET);

    const { page, fetched } = await searchPage();
    await page.goto(postUrl(findable));
    await page.waitForLoadState('networkidle');
    await page.locator('blog-search button[data-open]').waitFor();
    expect(fetched).toEqual([]);
    await page.context().close();
  });

  it('opens by button, "/" and Ctrl+K, finds a post by a word of its body, highlighted, and opens it', async () => {
    const { page, fetched } = await searchPage();
    await page.goto(`${origin}/`);
    const button = page.getByRole('button', { name: 'Search', exact: true });
    const dialog = page.getByRole('dialog', { name: 'Search the posts' });
    const field = dialog.getByRole('searchbox', { name: 'Words to look for' });
    await button.click();
    await dialog.waitFor();
    expect(await isFocused(field)).toBe(true);
    await field.fill(WORD);
    const result = dialog.getByRole('link', { name: /Breakfast in Zanzibar/ });
    await result.waitFor();
    expect(await result.getAttribute('href')).toBe(`/posts/${findable.slug}/`);
    expect(await textOf(result.locator('mark'))).toBe(WORD);
    await poll(() => textOf(dialog.getByRole('status'))).toBe(`One post matches “${WORD}”.`);
    expect(fetched).toEqual(expect.arrayContaining(['/pagefind/pagefind.js', '/pagefind/search.json']));
    expect(await axeProblems(page)).toEqual([]);

    // Escape closes it and gives the focus back; "/" and Ctrl+K open it again, the search kept.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await isFocused(button)).toBe(true);
    await page.keyboard.press('/');
    await dialog.waitFor();
    expect(await field.inputValue()).toBe(WORD);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+k');
    await dialog.waitFor();
    expect(await isFocused(field)).toBe(true);

    await result.click();
    await page.waitForURL(postUrl(findable));
    expect(await page.locator('h1').textContent()).toBe('Breakfast in Zanzibar');
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });

  it('fills a phone screen and works there, light and dark, axe-clean with the dialog open', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 375, height: 667 }, hasTouch: true, colorScheme });
      const { page } = await searchPage(context);
      await page.goto(postUrl(journey));
      await page.getByRole('button', { name: 'Search', exact: true }).tap();
      const dialog = page.getByRole('dialog', { name: 'Search the posts' });
      await dialog.waitFor();
      expect(await dialog.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 667 });
      await dialog.getByRole('searchbox').fill('bitter bread');
      const result = dialog.getByRole('link', { name: /Breakfast in Zanzibar/ });
      await result.waitFor();
      expect(await axeProblems(page)).toEqual([]);
      const file = join(tmpdir(), `blog-search-phone-${colorScheme}.png`);
      await page.screenshot({ path: file });
      console.info(`screenshot: ${file}`);
      // The close button is within reach, and the result opens with a tap.
      const close = await dialog.getByRole('button', { name: 'Close' }).boundingBox();
      expect((close?.x ?? 0) + (close?.width ?? 0)).toBeLessThanOrEqual(375);
      await result.tap();
      await page.waitForURL(postUrl(findable));
      expect(unexpected(page)).toEqual([]);
      await context.close();
    }
  });

  it('opens at once on the search page with ?q=, and says what to do there without JavaScript', async () => {
    const { page } = await searchPage();
    await page.goto(`${origin}/search/?q=${WORD}`);
    const dialog = page.getByRole('dialog', { name: 'Search the posts' });
    await dialog.getByRole('link', { name: /Breakfast in Zanzibar/ }).waitFor();
    expect(await page.getByText('needs JavaScript').isVisible()).toBe(false);
    expect(unexpected(page)).toEqual([]);
    await page.context().close();

    // Without JavaScript: the header's Search is a link to that page, which says search needs it.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(postUrl(findable));
    expect(await plain.getByRole('button', { name: 'Search', exact: true }).count()).toBe(0);
    await plain.getByRole('link', { name: 'Search', exact: true }).click();
    await plain.waitForURL(`${origin}/search/`);
    expect(await plain.getByText('Search runs in your browser and needs JavaScript').isVisible()).toBe(true);
    await context.close();
  });
});

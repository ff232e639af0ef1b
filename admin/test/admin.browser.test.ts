// The admin app in a real headless Chromium against the real API (temporary seeded SQLite or
// PostgreSQL database), served from one origin as in production.

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/db/seed.js';
import { chromiumAvailable, launchChromium, waitUntil } from './support/browser.js';
import { type AdminServer, startAdminServer } from './support/server.js';

const run = promisify(execFile);
const AXE_SOURCE = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const require = createRequire(import.meta.url);
interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

declare global {
  interface Window {
    /** axe-core, evaluated into the page by the accessibility test. */
    axe?: { run(context: Document): Promise<{ violations: AxeViolation[] }> };
  }
}

const ADMIN_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOTS = process.env.ADMIN_SCREENSHOTS_DIR ?? join(tmpdir(), 'blog-admin-screenshots');

// Skipped only on a machine without Debian's chromium and outside CI (.ci/run installs it).
const skip = !chromiumAvailable() && !process.env.CI;
if (skip) console.warn('admin browser tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');

describe.skipIf(skip)('admin app in Chromium', () => {
  let dist: string;
  let server: AdminServer;
  let browser: Browser;
  let adminState: Awaited<ReturnType<BrowserContext['storageState']>> | null = null;
  const contexts: BrowserContext[] = [];
  /** Uncaught errors and console errors (CSP violations among them) of every page. */
  const problems: string[] = [];

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'blog-admin-dist-'));
    // `vite build` as `npm run build` runs it (a child process: vitest's NODE_ENV=test would
    // select Lit's development build), on this process's Node 24.
    const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    const { NODE_ENV: _, ...env } = process.env;
    await run(process.execPath, [vite, 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ADMIN_ROOT,
      env,
    });
    [server, browser] = await Promise.all([startAdminServer(dist), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(problems.splice(0)).toEqual([]);
  });

  const db = () => server.db.models;

  async function newPage(options: { viewport?: { width: number; height: number }; signedInAsAdmin?: boolean } = {}) {
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1280, height: 900 },
      storageState: options.signedInAsAdmin && adminState ? adminState : undefined,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
    return page;
  }

  async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
    await page.goto(`${server.url}/admin/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** A page signed in as the demo admin (through the form once, then with its cookie). */
  async function adminPage(path = '/admin/', viewport?: { width: number; height: number }) {
    if (!adminState) {
      const page = await newPage({ viewport });
      await signIn(page, 'admin@example.com');
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      adminState = await page.context().storageState();
      if (path !== '/admin/') await page.goto(`${server.url}${path}`);
      return page;
    }
    const page = await newPage({ viewport, signedInAsAdmin: true });
    await page.goto(`${server.url}${path}`);
    return page;
  }

  const stat = (page: Page, name: string) => page.locator(`[data-stat="${name}"]`);

  async function databaseStats() {
    const [users, posts, comments] = await Promise.all([
      db().User.findAll(),
      db().Post.findAll(),
      db().Comment.findAll(),
    ]);
    return {
      'users.total': users.length,
      'users.verified': users.filter((u) => u.emailVerifiedAt !== null).length,
      'users.banned': users.filter((u) => u.bannedAt !== null).length,
      'users.admin': users.filter((u) => u.role === 'admin').length,
      'users.author': users.filter((u) => u.role === 'author').length,
      'users.user': users.filter((u) => u.role === 'user').length,
      'posts.total': posts.length,
      'posts.published': posts.filter((p) => p.status === 'published').length,
      'posts.draft': posts.filter((p) => p.status === 'draft').length,
      // Rejected comments are in no count.
      'comments.total': comments.filter((c) => c.status !== 'rejected').length,
      'comments.visible': comments.filter((c) => c.status === 'visible').length,
      'comments.hidden': comments.filter((c) => c.status === 'hidden').length,
      'comments.pending': comments.filter((c) => c.status === 'pending').length,
    };
  }

  /** Every dashboard number equals the database's count. */
  async function expectDashboardMatchesDatabase(page: Page) {
    await page.goto(`${server.url}/admin/`);
    await stat(page, 'users.total').waitFor();
    const expected = await databaseStats();
    const shown: Record<string, number> = {};
    for (const name of Object.keys(expected)) shown[name] = Number(await stat(page, name).textContent());
    expect(shown).toEqual(expected);
  }

  it('signs the admin in through its form and shows the dashboard counts of the database', async () => {
    const page = await adminPage();
    expect(await page.title()).toBe('Dashboard · Blog admin');
    await expectDashboardMatchesDatabase(page);
    // The nav reaches every section; the current one is marked.
    const nav = page.getByRole('navigation', { name: 'Admin sections' });
    for (const name of ['Dashboard', 'Posts', 'Comments', 'Users', 'Categories', 'Builds', 'Audit log']) {
      await nav.getByRole('link', { name, exact: true }).waitFor();
    }
    expect(await nav.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBe('page');
  });

  it('creates and publishes a post with a safe live preview, and shows the recorded build', async () => {
    const page = await adminPage('/admin/posts');
    await page.getByRole('link', { name: 'New post' }).click();
    await page.getByRole('heading', { name: 'New post', level: 1 }).waitFor();
    const title = `Browser-made post ${Date.now()}`;
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Subtitle').fill('Written by Chromium');
    await page.getByLabel('Category').selectOption({ label: 'Notes' });
    await page
      .getByLabel('Body (Markdown)')
      .fill(
        '# Hello\n\nSome **bold** text and a [bad link](javascript:alert(1)).\n\n<script>window.__pwned = 1</script>\n\n- one\n- two',
      );

    // The preview renders Markdown, keeps raw HTML as text and drops the javascript: link.
    const preview = page.locator('markdown-preview');
    await preview.locator('strong', { hasText: 'bold' }).waitFor();
    await preview.locator('li', { hasText: 'two' }).waitFor();
    expect(await preview.locator('script').count()).toBe(0);
    expect(await preview.locator('a').count()).toBe(0);
    await preview.locator('p', { hasText: '<script>window.__pwned = 1</script>' }).waitFor();
    expect(await page.evaluate(() => 'pwned' in window || '__pwned' in window)).toBe(false);

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('heading', { name: 'Edit post', level: 1 }).waitFor();
    const post = await waitUntil('the post row', () =>
      db()
        .Post.findOne({ where: { title } })
        .then((p) => p ?? undefined),
    );
    expect(new URL(page.url()).pathname).toBe(`/admin/posts/${post.id}`);
    expect(post.status).toBe('draft');
    const notes = await db().Category.findOne({ where: { slug: 'notes' } });
    expect(post.categoryId).toBe(notes?.id);

    // A secret preview link to share the draft: it opens the draft as the site shows it.
    await page.getByRole('button', { name: 'Share preview link' }).click();
    const linkField = page.getByLabel('Preview link');
    await linkField.waitFor();
    const link = new URL(await linkField.inputValue());
    const token = link.pathname.match(/^\/preview\/([^/]+)\/$/)?.[1];
    expect(token, link.href).toMatch(new RegExp(`^${post.id}\\.`));
    const opened = await page.evaluate(async (path) => {
      const res = await fetch(path);
      return { status: res.status, json: (await res.json()) as { title?: string; status?: string } };
    }, `/api/site/previews/${token}`);
    expect(opened.status).toBe(200);
    expect(opened.json).toMatchObject({ title, status: 'draft' });

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.locator('[data-status]', { hasText: 'published' }).waitFor();
    // A published post has its page: no preview link to share any more.
    expect(await page.getByRole('button', { name: 'Share preview link' }).count()).toBe(0);
    await waitUntil('the post published in the database', async () => (await post.reload()).status === 'published');

    // The stand-in builder received the webhook from the outbox and recorded the build; the
    // editor polls the rebuild list and shows it finished.
    const built = page.locator('li[data-build]', { hasText: `post ${post.id} published` });
    await built.locator('.badge', { hasText: 'done' }).waitFor({ timeout: 20_000 });
    expect(server.events).toContainEqual(expect.objectContaining({ event: 'published', postId: post.id }));

    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Builds' }).click();
    await page.getByRole('heading', { name: 'Site builds', level: 1 }).waitFor();
    const row = page.locator('tbody tr', { hasText: `post ${post.id} published` });
    await row.locator('.badge', { hasText: 'done' }).waitFor();
    const record = await db().BuildEvent.findOne({ where: { postId: post.id }, order: [['id', 'DESC']] });
    expect(record?.status).toBe('done');
    expect(await row.getAttribute('data-id')).toBe(String(record?.id));

    await expectDashboardMatchesDatabase(page);
  });

  it('refreshes the rebuilds page live while it is open', async () => {
    const page = await adminPage('/admin/rebuilds');
    await page.getByRole('heading', { name: 'Site builds', level: 1 }).waitFor();
    await page.getByLabel(/Reason/).fill('browser test');
    await page.getByRole('button', { name: 'Rebuild the whole site' }).click();
    await page.getByText(/Full rebuild queued \(job #\d+\)/).waitFor();
    // The build is recorded after the request (by the builder): the polling picks it up.
    await page
      .locator('tbody tr', { hasText: 'rebuild: browser test' })
      .locator('.badge', { hasText: 'done' })
      .waitFor({ timeout: 20_000 });
  });

  it('hides a comment from the moderation queue', async () => {
    const page = await adminPage('/admin/comments');
    await page.getByRole('heading', { name: 'Comments', level: 1 }).waitFor();
    await page.getByLabel('Status').selectOption('visible');
    const first = page.locator('tbody tr').first();
    await first.locator('.badge', { hasText: 'visible' }).waitFor();
    const id = Number(await first.getAttribute('data-id'));
    await first.getByRole('button', { name: `Hide comment #${id}` }).click();
    await page.getByText(`Comment #${id} hidden.`).waitFor();
    const comment = await db().Comment.findByPk(id);
    expect(comment?.status).toBe('hidden');
    // Filtered on visible, the hidden comment leaves the list.
    await waitUntil(
      'the row to leave the visible list',
      async () => (await page.locator(`tbody tr[data-id="${id}"]`).count()) === 0,
    );
  });

  /** A comment waiting for approval on `post`, by the demo reader. */
  async function waitingComment(postId: number, body: string) {
    const reader = await db().User.findOne({ where: { role: 'user' } });
    return db().Comment.create({
      postId,
      authorId: reader?.id ?? 0,
      bodyMarkdown: body,
      status: 'pending',
      moderationReason: 'first_comment',
    });
  }

  it('approves and rejects waiting comments from the queue, with their reason shown', async () => {
    const post = await db().Post.findOne({ where: { status: 'published' } });
    const approve = await waitingComment(post?.id ?? 0, 'Please let me in');
    const reject = await waitingComment(post?.id ?? 0, 'Cheap pills here');
    const before = post?.commentsCount ?? 0;
    const page = await adminPage('/admin/comments');
    await page.getByRole('heading', { name: 'Comments', level: 1 }).waitFor();
    await page.getByLabel('Status').selectOption('pending');
    const row = page.locator(`tbody tr[data-id="${approve.id}"]`);
    await row.getByText('first_comment').waitFor();
    await row.locator('.badge', { hasText: 'waiting' }).waitFor();
    await row.getByRole('button', { name: `Approve comment #${approve.id}` }).click();
    await page.getByText(`Comment #${approve.id} approved: it shows on the site.`).waitFor();
    expect((await db().Comment.findByPk(approve.id))?.status).toBe('visible');
    expect((await db().Post.findByPk(post?.id ?? 0))?.commentsCount).toBe(before + 1);
    await page
      .locator(`tbody tr[data-id="${reject.id}"]`)
      .getByRole('button', { name: `Reject comment #${reject.id}` })
      .click();
    await page.getByText(`Comment #${reject.id} rejected.`).waitFor();
    expect((await db().Comment.findByPk(reject.id))?.status).toBe('rejected');
    await waitUntil(
      'the queue to empty',
      async () => (await page.locator(`tbody tr[data-id="${reject.id}"]`).count()) === 0,
    );
  });

  it("lets a post's author approve their own post's waiting comment", async () => {
    const grace = await db().User.findOne({ where: { email: 'grace@example.com' } });
    const own = await db().Post.findOne({ where: { authorId: grace?.id ?? 0, status: 'published' } });
    const waiting = await waitingComment(own?.id ?? 0, 'A question for Grace');
    const page = await newPage();
    await signIn(page, 'grace@example.com');
    await page.getByRole('heading', { name: 'Your posts', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Comments' }).click();
    await page.getByRole('heading', { name: 'Comments', level: 1 }).waitFor();
    await page.getByLabel('Status').selectOption('pending');
    const row = page.locator(`tbody tr[data-id="${waiting.id}"]`);
    // Authors decide the queue; hiding and deleting stay with admins.
    expect(await row.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    await row.getByRole('button', { name: `Approve comment #${waiting.id}` }).click();
    await page.getByText(`Comment #${waiting.id} approved: it shows on the site.`).waitFor();
    expect((await db().Comment.findByPk(waiting.id))?.status).toBe('visible');
  });

  it('bans an address and lifts the ban on the moderation page, and saves forbidden words', async () => {
    const page = await adminPage('/admin/moderation');
    await page.getByRole('heading', { name: 'Moderation', level: 1 }).waitFor();
    await page.getByLabel('Address or prefix (203.0.113.7, 203.0.113.0/24)').fill('203.0.113.0/24');
    await page.getByLabel('Reason').fill('a spam run');
    await page.getByRole('button', { name: 'Ban', exact: true }).click();
    await page.getByText('Banned 203.0.113.0/24.').waitFor();
    const ban = await db().Ban.findOne({ where: { value: '203.0.113.0/24' } });
    expect(ban?.reason).toBe('a spam run');
    await page.getByRole('button', { name: 'Lift the ban of 203.0.113.0/24' }).click();
    await page.getByText('The ban of 203.0.113.0/24 is lifted.').waitFor();
    expect(await db().Ban.findByPk(ban?.id ?? 0)).toBeNull();
    await page.getByLabel(/Comments containing one of these/).fill('casino\ncheap pills');
    await page.getByRole('button', { name: 'Save words' }).click();
    await page.getByText('Saved 2 forbidden words.').waitFor();
    const setting = await db().SiteSetting.findByPk('moderation');
    expect(JSON.parse(setting?.value ?? '{}')).toEqual({ forbiddenWords: ['casino', 'cheap pills'] });
  });

  it('bans a user from their detail page, whose counts match the database', async () => {
    const page = await adminPage('/admin/users');
    await page.getByLabel('Search by email or name').fill('sam@');
    const link = page.locator('tbody').getByRole('link', { name: 'Sam Reader' });
    await link.waitFor();
    await waitUntil('the search to narrow the list', async () => (await page.locator('tbody tr').count()) === 1);
    await link.click();
    await page.getByRole('heading', { name: 'Sam Reader', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Ban', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Ban Sam Reader?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Ban' }).click();
    await page.getByText('User banned.').waitFor();
    const sam = await db().User.findOne({ where: { email: 'sam@example.com' } });
    expect(sam?.bannedAt).not.toBeNull();
    await page.getByRole('button', { name: 'Unban' }).waitFor();

    // The counts shown are the database's.
    if (!sam) throw new Error('sam is gone');
    const [drafts, hidden, sessions] = await Promise.all([
      db().Post.count({ where: { authorId: sam.id, status: 'draft' } }),
      db().Comment.count({ where: { authorId: sam.id, status: 'hidden' } }),
      db().Session.count({ where: { userId: sam.id } }),
    ]);
    const visible = await db().Comment.count({ where: { authorId: sam.id, status: 'visible' } });
    expect(await stat(page, 'commentsCount').textContent()).toBe(String(visible));
    expect(await stat(page, 'commentsCount').textContent()).toBe(String(sam.commentsCount));
    expect(await stat(page, 'hiddenCommentsCount').textContent()).toBe(String(hidden));
    expect(await stat(page, 'draftsCount').textContent()).toBe(String(drafts));
    expect(await stat(page, 'postsCount').textContent()).toBe(String(sam.postsCount));
    expect(await stat(page, 'sessionCount').textContent()).toBe(String(sessions));
    expect(sessions).toBe(0);

    await expectDashboardMatchesDatabase(page);
  });

  it('bulk-deletes comments behind a focus-trapping confirmation, with a result per id', async () => {
    const page = await adminPage('/admin/comments');
    await page.locator('tbody tr').first().waitFor();
    const rows = page.locator('tbody tr');
    const ids = [Number(await rows.nth(0).getAttribute('data-id')), Number(await rows.nth(1).getAttribute('data-id'))];
    for (const id of ids) await page.locator(`tbody tr[data-id="${id}"] input[type="checkbox"]`).check();
    await page.getByText('2 selected').waitFor();

    // Keyboard: the dialog opens on Cancel, Tab stays inside it, Escape cancels and nothing changes.
    await page.getByRole('button', { name: 'Delete selected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete 2 comments?' });
    await dialog.waitFor();
    const focused = () =>
      page.evaluate(() => {
        let active = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        return active?.textContent?.trim() ?? '';
      });
    expect(await focused()).toBe('Cancel');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Delete 2 comments');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Delete 2 comments');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focused()).toBe('Delete selected');
    expect(await db().Comment.count({ where: { id: ids } })).toBe(2);

    await page.getByRole('button', { name: 'Delete selected' }).click();
    await dialog.getByRole('button', { name: 'Delete 2 comments' }).click();
    const results = page.getByRole('status', { name: 'Bulk action results' });
    await results.getByRole('heading', { name: /Delete: 2 applied, 0 failed/ }).waitFor();
    for (const id of ids) await results.locator(`li[data-id="${id}"] .badge`, { hasText: 'done' }).waitFor();
    expect(await db().Comment.count({ where: { id: ids } })).toBe(0);

    await expectDashboardMatchesDatabase(page);
  });

  it('creates, edits and deletes a category, each change in the audit log', async () => {
    const page = await adminPage('/admin/categories');
    await page.getByRole('heading', { name: 'Categories', level: 1 }).waitFor();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'New category' }) });
    await form.getByLabel('Name').fill('Gardening');
    await form.getByLabel('Description').fill('Things that grow.');
    await form.getByRole('button', { name: 'Create category' }).click();
    await page.getByText('Created “Gardening” (gardening).').waitFor();
    const created = await waitUntil('the category row', () =>
      db()
        .Category.findOne({ where: { slug: 'gardening' } })
        .then((c) => c ?? undefined),
    );
    expect(created.description).toBe('Things that grow.');

    const row = page.locator(`tbody tr[data-id="${created.id}"]`);
    await row.getByRole('button', { name: 'Edit Gardening' }).click();
    await page.getByRole('heading', { name: 'Edit “Gardening”' }).waitFor();
    await page.getByLabel('Slug').fill('garden');
    await page.getByRole('button', { name: 'Save category' }).click();
    await page.getByText('Saved “Gardening” (garden).').waitFor();
    expect((await created.reload()).slug).toBe('garden');

    await row.getByRole('button', { name: 'Delete Gardening' }).click();
    await page
      .getByRole('dialog', { name: 'Delete “Gardening”?' })
      .getByRole('button', { name: 'Delete category' })
      .click();
    await page.getByText('Deleted “Gardening”.').waitFor();
    expect(await db().Category.findByPk(created.id)).toBeNull();
    await waitUntil('the row to go', async () => (await row.count()) === 0);

    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByLabel('Kind').selectOption('category');
    for (const action of ['category.create', 'category.update', 'category.delete']) {
      await page
        .locator('tbody tr', { hasText: action })
        .filter({ hasText: `category #${created.id}` })
        .waitFor();
    }
    expect(await page.locator('tbody tr', { hasText: 'user.' }).count()).toBe(0);
  });

  it('imports a WordPress export with a progress bar and a per-item report, and downloads the archive', async () => {
    const page = await adminPage('/admin/import');
    await page.getByRole('heading', { name: 'Import and export', level: 1 }).waitFor();
    const wxr = join(ADMIN_ROOT, '../api/src/features/transfer/fixtures/wordpress.xml');
    await page.getByLabel('Export file').setInputFiles(wxr);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Imported' }).waitFor();
    await page.getByText(/3 of 3 posts/).waitFor();
    const skipped = page.locator('table', { hasText: 'Skipped' });
    await skipped.locator('tr', { hasText: 'trashed' }).waitFor();
    await skipped.locator('tr', { hasText: 'not_local' }).waitFor();
    const engine = await db().Post.findOne({ where: { slug: 'analytical-engine' } });
    expect(engine?.title).toBe('On the Analytical Engine & its notes');

    // Run again: everything is there already, so every post is skipped, nothing doubles.
    await page.getByLabel('Export file').setInputFiles(wxr);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText(/0 of 3 posts/).waitFor();
    expect(await db().Post.count({ where: { slug: 'analytical-engine' } })).toBe(1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the archive (JSON)' }).click(),
    ]);
    const path = await download.path();
    const archive = JSON.parse(readFileSync(path, 'utf8'));
    expect(archive.format).toBe('blog-archive');
    expect(archive.posts.length).toBe(await db().Post.count());
    expect(download.suggestedFilename()).toMatch(/^blog-archive-\d{4}-\d{2}-\d{2}\.json$/);

    // The imported posts go again (their bodies point at the old blog's images, which the other
    // pages' tests would try to load).
    await server.db.transaction(async (transaction) => {
      for (const slug of ['analytical-engine', 'difference-engine', 'script-alert-1-script-in-a-title']) {
        await (await db().Post.findOne({ where: { slug }, transaction }))?.destroy({ transaction });
      }
    });
  });

  it('tags a post in the editor, then renames, merges and deletes tags, each change in the audit log', async () => {
    const post = await db().Post.findOne({ where: { status: 'published' }, order: [['id', 'ASC']] });
    if (!post) throw new Error('seed missing');
    const editor = await adminPage(`/admin/posts/${post.id}`);
    await editor.getByRole('heading', { name: 'Edit post', level: 1 }).waitFor();
    await editor.getByLabel('Tags').fill('Rye bread, leaven,  Crumb , rye BREAD');
    await editor.getByRole('button', { name: 'Save', exact: true }).click();
    await editor.getByText(/^Saved /).waitFor();
    const tagsOf = async () => {
      const rows = await db().PostTag.findAll({ where: { postId: post.id } });
      const tags = await db().Tag.findAll({ where: { id: rows.map((row) => row.tagId) } });
      return tags.map((tag) => tag.name).sort();
    };
    expect(await tagsOf()).toEqual(['Crumb', 'Rye bread', 'leaven']);
    expect(await editor.getByLabel('Tags').inputValue()).toBe('Crumb, leaven, Rye bread');

    const page = await adminPage('/admin/tags');
    await page.getByRole('heading', { name: 'Tags', level: 1 }).waitFor();
    const tag = async (name: string) => {
      const found = await db().Tag.findOne({ where: { name } });
      if (!found) throw new Error(`no tag ${name}`);
      return found;
    };
    const leaven = await tag('leaven');
    const crumb = await tag('Crumb');
    expect(crumb.postsCount).toBe(1);
    // The demo's tags fill more than one page of the table: search for the one wanted.
    const row = async (tag: { id: number; name: string }) => {
      await page.getByLabel('Search tags').fill(tag.name);
      return page.locator(`tbody tr[data-id="${tag.id}"]`);
    };
    await (await row(leaven)).getByRole('button', { name: 'Edit leaven' }).click();
    await page.getByRole('heading', { name: 'Edit “leaven”' }).waitFor();
    await page.getByLabel('Name').fill('Leaven');
    await page.getByRole('button', { name: 'Save tag' }).click();
    await page.getByText('Saved “Leaven” (leaven).').waitFor();
    expect((await leaven.reload()).name).toBe('Leaven');

    await (await row(crumb)).getByRole('button', { name: 'Edit Crumb' }).click();
    await page.getByLabel('Merge into').selectOption({ label: 'Leaven (1)' });
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Merge “Crumb” into “Leaven”?' })
      .getByRole('button', { name: 'Merge tags' })
      .click();
    await page.getByText('Merged “Crumb” into “Leaven”: 1 published posts carry it now.').waitFor();
    expect(await db().Tag.findByPk(crumb.id)).toBeNull();
    expect(await tagsOf()).toEqual(['Leaven', 'Rye bread']);

    const rye = await tag('Rye bread');
    await (await row(rye)).getByRole('button', { name: 'Delete Rye bread' }).click();
    await page.getByRole('dialog', { name: 'Delete “Rye bread”?' }).getByRole('button', { name: 'Delete tag' }).click();
    await page.getByText('Deleted “Rye bread”.').waitFor();
    expect(await tagsOf()).toEqual(['Leaven']);
    expect((await leaven.reload()).postsCount).toBe(1);

    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByLabel('Kind').selectOption('tag');
    for (const action of ['tag.update', 'tag.merge', 'tag.delete']) {
      await page.locator('tbody tr', { hasText: action }).first().waitFor();
    }
  });

  it('changes a role from the user page, and moves focus to each page heading', async () => {
    const page = await adminPage('/admin/users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.locator('tbody').getByRole('link', { name: 'Tomás Silva' }).click();
    const heading = page.getByRole('heading', { name: 'Tomás Silva', level: 1 });
    await heading.waitFor();
    await waitUntil('focus on the heading', () => heading.evaluate((h) => h.matches(':focus')));
    await page.getByRole('combobox', { name: 'Role' }).selectOption('author');
    await page.getByRole('button', { name: 'Change role' }).click();
    await page.getByText('Role changed to author.').waitFor();
    expect((await db().User.findOne({ where: { email: 'tomas@example.com' } }))?.role).toBe('author');
    expect(await stat(page, 'role').textContent()).toBe('author');
    // Back goes back, in place.
    await page.goBack();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  });

  it('sorts the users table by a column header, with aria-sort', async () => {
    const page = await adminPage('/admin/users');
    await page.locator('tbody tr').first().waitFor();
    const header = page.locator('th', { has: page.getByRole('button', { name: 'Email' }) });
    await header.getByRole('button').click();
    await waitUntil('ascending sort', async () => (await header.getAttribute('aria-sort')) === 'ascending');
    const users = await db().User.findAll({ order: [['email', 'ASC']] });
    await waitUntil('rows in email order', async () => {
      const emails = await page.locator('tbody td[data-label="Email"]').allTextContents();
      return emails.join(',') === users.map((u) => u.email).join(',');
    });
    await header.getByRole('button').click();
    await waitUntil('descending sort', async () => (await header.getAttribute('aria-sort')) === 'descending');
  });

  it('screenshots the users table, wide and on a phone (stacked rows)', async () => {
    const wide = await adminPage('/admin/users');
    await wide.locator('tbody tr').first().waitFor();
    await wide.screenshot({ path: join(SCREENSHOTS, 'users-table.png'), fullPage: true });

    const phone = await adminPage('/admin/users', { width: 390, height: 844 });
    await phone.locator('tbody tr').first().waitFor();
    // Stacked: each cell shows its column's label, and nothing scrolls sideways.
    const display = await phone
      .locator('tbody tr')
      .first()
      .evaluate((row) => getComputedStyle(row).display);
    expect(display).toBe('block');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(SCREENSHOTS, 'users-table-phone.png') });
  });

  it('shows a reader "not allowed" after signing in', async () => {
    const page = await newPage();
    await signIn(page, 'minji@example.com');
    await page.getByRole('heading', { name: 'Not allowed', level: 1 }).waitFor();
    await page.getByText('The admin area is only for authors and admins.').waitFor();
    expect(await page.getByRole('navigation', { name: 'Admin sections' }).count()).toBe(0);
    // Signing out brings the form back.
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.getByRole('heading', { name: 'Sign in to the admin' }).waitFor();
  });

  it('shows an author only their own posts, and no admin sections', async () => {
    const page = await newPage();
    await signIn(page, 'grace@example.com');
    await page.getByRole('heading', { name: 'Your posts', level: 1 }).waitFor();
    const grace = await db().User.findOne({ where: { email: 'grace@example.com' } });
    const own = await db().Post.findAll({ where: { authorId: grace?.id ?? 0 } });
    expect(own.length).toBeGreaterThan(0);
    await page.locator('tbody tr').first().waitFor();
    const shownIds = (
      await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')))
    )
      .map(Number)
      .sort((a, b) => a - b);
    expect(shownIds).toEqual(own.map((post) => post.id).sort((a, b) => a - b));
    const authors = await page.locator('tbody td[data-label="Author"]').allTextContents();
    expect(new Set(authors.map((name) => name.trim()))).toEqual(new Set(['Grace Hopper']));
    // No bulk actions, no admin sections, and an admin URL says so.
    expect(await page.getByRole('group', { name: 'Bulk actions' }).count()).toBe(0);
    const nav = page.getByRole('navigation', { name: 'Admin sections' });
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('heading', { name: 'Admins only', level: 1 }).waitFor();
  });

  it('lets an author edit their own author page, refusing an address another author has', async () => {
    const page = await newPage();
    await signIn(page, 'linus@example.com');
    await page.getByRole('heading', { name: 'Your posts', level: 1 }).waitFor();
    await page
      .getByRole('navigation', { name: 'Admin sections' })
      .getByRole('link', { name: 'Your author page' })
      .click();
    await page.getByRole('heading', { name: 'Your author page', level: 1 }).waitFor();
    const linus = await db().User.findOne({ where: { email: 'linus@example.com' } });
    const grace = await db().User.findOne({ where: { email: 'grace@example.com' } });
    expect(await page.getByLabel('Address').inputValue()).toBe(linus?.slug);

    await page.getByLabel('Address').fill(String(grace?.slug));
    await page.getByRole('button', { name: 'Save author page' }).click();
    await page.getByText(`Another author already uses the address "${grace?.slug}".`).waitFor();

    await page.getByLabel('Address').fill('linus');
    await page.getByLabel('Bio').fill('Writes about tools and trains.');
    await page.getByRole('button', { name: 'Save author page' }).click();
    await page.getByText('Saved. Your page, /authors/linus/, is rebuilt in the background.').waitFor();
    const saved = await linus?.reload();
    expect({ slug: saved?.slug, bio: saved?.bio }).toEqual({ slug: 'linus', bio: 'Writes about tools and trains.' });
  });

  it('saves the SEO and sharing fields, with labels level with their fields at every width', async () => {
    const post = await db().Post.findOne({ where: { status: 'draft' } });
    if (!post) throw new Error('seed missing');
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const page = await adminPage(`/admin/posts/${post.id}`, viewport);
      await page.getByRole('heading', { name: 'Edit post', level: 1 }).waitFor();
      // Each field sits right under its label's text (the body used to sit ~160 px below it).
      const gaps = await page.locator('post-editor').evaluate((host) => {
        const root = host.shadowRoot;
        if (!root) return [];
        return [...root.querySelectorAll('label:not(.check)')].flatMap((label) => {
          const field = label.querySelector('input, select, textarea');
          if (!field || !(field instanceof HTMLElement) || field.offsetParent === null) return [];
          const labelTop = label.getBoundingClientRect().top;
          return [{ name: field.getAttribute('name'), gap: field.getBoundingClientRect().top - labelTop }];
        });
      });
      expect(gaps.length).toBeGreaterThan(5);
      for (const { name, gap } of gaps) expect(gap, `${name} at ${viewport.width} px`).toBeLessThan(40);
    }

    const page = await adminPage(`/admin/posts/${post.id}`);
    await page.getByRole('heading', { name: 'Edit post', level: 1 }).waitFor();
    await page.getByText('SEO and sharing').click();
    await page.getByLabel('Meta description').fill('What search engines show.');
    await page.getByLabel('Custom excerpt').fill('A hand-written excerpt.');
    await page.getByLabel('Canonical URL').fill('https://elsewhere.example/first');
    await page.getByLabel('Sharing image URL (og:image)').fill('/media/share.png');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/^Saved /).waitFor();
    await post.reload();
    expect({
      metaDescription: post.metaDescription,
      customExcerpt: post.customExcerpt,
      excerpt: post.excerpt,
      canonicalUrl: post.canonicalUrl,
      ogImageUrl: post.ogImageUrl,
    }).toEqual({
      metaDescription: 'What search engines show.',
      customExcerpt: 'A hand-written excerpt.',
      excerpt: 'A hand-written excerpt.',
      canonicalUrl: 'https://elsewhere.example/first',
      ogImageUrl: '/media/share.png',
    });

    await page.getByLabel('Canonical URL').fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/canonicalUrl: must be an http\(s\) URL/).waitFor();
    expect((await post.reload()).canonicalUrl).toBe('https://elsewhere.example/first');
  });

  it('saves a draft by itself, asks before leaving unsaved work, and meets a second tab with a conflict, not an overwrite', async () => {
    const title = `Autosaved ${Date.now()}`;
    const one = await adminPage('/admin/posts/new');
    await one.getByRole('heading', { name: 'New post', level: 1 }).waitFor();
    await one.getByLabel('Title', { exact: true }).fill(title);
    await one.getByLabel('Body (Markdown)').fill('Typed in tab one.');
    // No Save click: it saves itself a few seconds after typing stops.
    const post = await waitUntil('the autosaved post', () =>
      db()
        .Post.findOne({ where: { title } })
        .then((p) => p ?? undefined),
    );
    await one.locator('[data-save-state="saved"]').waitFor();
    expect(post.status).toBe('draft');
    expect(new URL(one.url()).pathname).toBe(`/admin/posts/${post.id}`);
    // Focus stayed in the body while the new post got its address.
    expect(
      await one.locator('post-editor').evaluate((host) => host.shadowRoot?.activeElement?.getAttribute('name')),
    ).toBe('body');

    // A second tab saves the same post.
    const two = await adminPage(`/admin/posts/${post.id}`);
    await two.getByRole('heading', { name: 'Edit post', level: 1 }).waitFor();
    await two.getByLabel('Title', { exact: true }).fill(`${title} (tab two)`);
    await two.getByRole('button', { name: 'Save', exact: true }).click();
    await two.getByText(/^Saved /).waitFor();

    // Tab one goes on typing: its save meets the newer version.
    await one.getByLabel('Body (Markdown)').fill('Typed in tab one, then more.');
    await one.getByRole('alert').getByText('Someone saved this post meanwhile').waitFor();
    await post.reload();
    expect({ title: post.title, body: post.bodyMarkdown }).toEqual({
      title: `${title} (tab two)`,
      body: 'Typed in tab one.',
    });
    await one.getByRole('button', { name: 'Save mine over theirs' }).click();
    await one.getByText(/^Saved over the other version/).waitFor();
    await post.reload();
    expect({ title: post.title, body: post.bodyMarkdown }).toEqual({ title, body: 'Typed in tab one, then more.' });

    // Unsaved work: leaving asks first; "stay" stays.
    await one.getByLabel('Subtitle').fill('Not saved yet');
    const questions: string[] = [];
    one.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.dismiss();
    });
    await one.getByRole('link', { name: '← Posts' }).click();
    await waitUntil('the question', async () => questions.length === 1);
    expect(questions[0]).toContain('not saved');
    expect(new URL(one.url()).pathname).toBe(`/admin/posts/${post.id}`);
  });

  it('schedules a draft, cancels the schedule, and restores an older version from the history', async () => {
    const author = await db().User.findOne({ where: { email: 'admin@example.com' } });
    if (!author) throw new Error('seed missing');
    const page = await adminPage('/admin/posts/new');
    await page.getByRole('heading', { name: 'New post', level: 1 }).waitFor();
    const title = `Scheduled ${Date.now()}`;
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Body (Markdown)').fill('First words.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('heading', { name: 'Edit post', level: 1 }).waitFor();
    const post = await waitUntil('the post', () =>
      db()
        .Post.findOne({ where: { title } })
        .then((p) => p ?? undefined),
    );

    const tomorrow = new Date(Date.now() + 86_400_000);
    tomorrow.setSeconds(0, 0);
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T${pad(tomorrow.getHours())}:${pad(tomorrow.getMinutes())}`;
    await page.getByLabel('Publish at').fill(local);
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page
      .getByText(/^Scheduled for /)
      .first()
      .waitFor();
    await post.reload();
    expect({ status: post.status, publishAt: post.publishAt?.toISOString() }).toEqual({
      status: 'scheduled',
      publishAt: tomorrow.toISOString(),
    });
    await page.getByRole('button', { name: 'Cancel schedule' }).click();
    await page.getByText('Schedule cancelled: the post is a draft.').waitFor();
    expect((await post.reload()).status).toBe('draft');

    await page.getByLabel('Body (Markdown)').fill('Second words.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/^Saved /).waitFor();
    expect((await post.reload()).bodyMarkdown).toBe('Second words.');
    await page.getByText('History: the last 20 saved versions').click();
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await page
      .getByRole('dialog', { name: 'Restore version 1?' })
      .getByRole('button', { name: 'Restore this version' })
      .click();
    await page.getByText(/^Restored version 1 as version \d+\.$/).waitFor();
    expect((await post.reload()).bodyMarkdown).toBe('First words.');
    expect(await page.getByLabel('Body (Markdown)').inputValue()).toBe('First words.');
  });

  it('uploads images by drop, paste and picker into the body, sets a cover, and the library keeps what posts use', async () => {
    const jpeg = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#556b2f' } })
      .jpeg()
      .toBuffer();
    const page = await adminPage('/admin/posts/new');
    await page.getByRole('heading', { name: 'New post', level: 1 }).waitFor();
    const title = `Pictures ${Date.now()}`;
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Body (Markdown)').fill('Intro.');

    // Dropped onto the body, as a file from the desktop is.
    await page.locator('post-editor').evaluate(
      async (host, bytes) => {
        const area = host.shadowRoot?.querySelector('textarea[name="body"]');
        if (!area) throw new Error('no body');
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'dropped.jpg', { type: 'image/jpeg' }));
        area.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        area.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      [...jpeg],
    );
    await page.getByText('Inserted “dropped.jpg”', { exact: false }).waitFor();
    // Pasted, as a screenshot is.
    await page.locator('post-editor').evaluate(
      async (host, bytes) => {
        const area = host.shadowRoot?.querySelector('textarea[name="body"]');
        if (!area) throw new Error('no body');
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'pasted.jpg', { type: 'image/jpeg' }));
        area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      },
      [...jpeg],
    );
    await page.getByText('Inserted “pasted.jpg”', { exact: false }).waitFor();
    await page
      .getByLabel('choose images to insert')
      .setInputFiles({ name: 'picked.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.getByText('Inserted “picked.jpg”', { exact: false }).waitFor();
    const body = await page.getByLabel('Body (Markdown)').inputValue();
    expect(body.match(/!\[\]\(\/media\/[0-9a-f]{16}\/1200\.jpg\)/g)).toHaveLength(3);
    // The preview shows them as the site will: <picture>s.
    await page.locator('markdown-preview picture').nth(2).waitFor();

    // A cover needs its alt text.
    await page.getByLabel('Cover file').setInputFiles({ name: 'cover.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.getByRole('button', { name: 'Upload as cover' }).click();
    await page.getByText('Write what the cover shows (its alt text) first.').waitFor();
    await page.getByLabel('Cover alt text').fill('An olive-green square');
    await page.getByRole('button', { name: 'Upload as cover' }).click();
    await page.getByText('Cover set to “cover.jpg”. Save to keep it.').waitFor();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('heading', { name: 'Edit post', level: 1 }).waitFor();
    const post = await waitUntil('the post', () =>
      db()
        .Post.findOne({ where: { title } })
        .then((p) => (p?.coverMediaId ? p : undefined)),
    );
    const cover = await db().Media.findByPk(post.coverMediaId ?? 0);
    expect(cover?.alt).toBe('An olive-green square');
    expect(post.bodyHtml.match(/<picture>/g)).toHaveLength(3);

    // The library: the cover cannot go while the post shows it.
    const library = await adminPage('/admin/media');
    await library.getByRole('heading', { name: 'Media library', level: 1 }).waitFor();
    await library.getByLabel('Search images').fill('cover.jpg');
    const row = library.locator(`tbody tr[data-id="${cover?.id}"]`);
    await row.getByText('1 post').waitFor();
    await row.getByRole('button', { name: 'Delete cover.jpg' }).click();
    await library
      .getByRole('dialog', { name: 'Delete “cover.jpg”?' })
      .getByRole('button', { name: 'Delete image' })
      .click();
    await library.getByText(/A post shows this image/).waitFor();
    expect(await db().Media.findByPk(cover?.id ?? 0)).not.toBeNull();
    await row.getByLabel('Alt text of cover.jpg').fill('A square of olive green');
    await row.getByRole('button', { name: 'Save alt text of cover.jpg' }).click();
    await library.getByText('Saved the alt text of “cover.jpg”.').waitFor();
    expect((await cover?.reload())?.alt).toBe('A square of olive green');
  });

  /** axe-core's serious and critical violations on the page as it is now (open shadow roots included). */
  async function axeProblems(page: Page): Promise<string[]> {
    // Evaluated through the DevTools protocol, which the page's CSP does not govern; once per document.
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE());
    const violations = await page.evaluate(async () => {
      const axe = window.axe;
      if (!axe) throw new Error('axe-core did not load');
      const result = await axe.run(document);
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? '',
        help: v.help,
        targets: v.nodes.map((n) => JSON.stringify(n.target)),
      }));
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${page.url()} ${v.impact} ${v.id}: ${v.help} at ${v.targets.slice(0, 3).join(' ')}`);
  }

  it('has no serious or critical axe-core violation on any page, wide or on a phone', async () => {
    const found: string[] = [];
    const signInPage = await newPage();
    await signInPage.goto(`${server.url}/admin/`);
    await signInPage.getByRole('heading', { name: 'Sign in to the admin' }).waitFor();
    found.push(...(await axeProblems(signInPage)));

    const reader = await newPage();
    await signIn(reader, 'noor@example.com');
    await reader.getByRole('heading', { name: 'Not allowed' }).waitFor();
    found.push(...(await axeProblems(reader)));

    const grace = await db().User.findOne({ where: { email: 'grace@example.com' } });
    const post = await db().Post.findOne({ where: { status: 'published' } });
    const pages: Array<[string, string]> = [
      ['/admin/', 'Dashboard'],
      ['/admin/users', 'Users'],
      [`/admin/users/${grace?.id}`, 'Grace Hopper'],
      ['/admin/posts', 'Posts'],
      ['/admin/posts/new', 'New post'],
      [`/admin/posts/${post?.id}`, 'Edit post'],
      ['/admin/comments', 'Comments'],
      ['/admin/moderation', 'Moderation'],
      ['/admin/categories', 'Categories'],
      ['/admin/tags', 'Tags'],
      ['/admin/profile', 'Your author page'],
      ['/admin/media', 'Media library'],
      ['/admin/rebuilds', 'Site builds'],
      ['/admin/newsletter', 'Newsletter'],
      ['/admin/audit', 'Audit log'],
      ['/admin/import', 'Import and export'],
    ];
    for (const viewport of [undefined, { width: 390, height: 844 }]) {
      // One document per viewport, moved through the app's own navigation (as a user clicks).
      const page = await adminPage('/admin/', viewport);
      for (const [path, heading] of pages) {
        await page.evaluate((to) => {
          history.pushState(null, '', to);
          window.dispatchEvent(new Event('admin-navigate'));
        }, path);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await waitUntil(`${path} loaded`, async () => (await page.getByText(/Loading/).count()) === 0);
        found.push(...(await axeProblems(page)));
      }
    }
    expect(found).toEqual([]);
  }, 180_000);

  /** Whether `element` has the focus (inside its shadow root, where the app's own elements live). */
  const focused = (element: Element) => {
    const root = element.getRootNode();
    return (root instanceof ShadowRoot || root instanceof Document) && root.activeElement === element;
  };

  it('folds the sections behind a Menu button on a phone, each one reachable, closing on a choice and on Escape', async () => {
    const page = await adminPage('/admin/', { width: 375, height: 667 });
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Admin sections' });
    const menu = nav.getByRole('button', { name: 'Menu' });
    const list = nav.locator('ul');
    await menu.waitFor();
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await menu.getAttribute('aria-controls')).toBe(await list.getAttribute('id'));
    expect(await list.isVisible()).toBe(false);

    const sections: Array<[string, string, string]> = [
      ['Dashboard', '/admin/', 'Dashboard'],
      ['Posts', '/admin/posts', 'Posts'],
      ['Comments', '/admin/comments', 'Comments'],
      ['Moderation', '/admin/moderation', 'Moderation'],
      ['Users', '/admin/users', 'Users'],
      ['Categories', '/admin/categories', 'Categories'],
      ['Tags', '/admin/tags', 'Tags'],
      ['Media', '/admin/media', 'Media library'],
      ['Builds', '/admin/rebuilds', 'Site builds'],
      ['Newsletter', '/admin/newsletter', 'Newsletter'],
      ['Audit log', '/admin/audit', 'Audit log'],
      ['Import & export', '/admin/import', 'Import and export'],
      ['Your author page', '/admin/profile', 'Your author page'],
    ];
    // Open, every link lies within the screen (none off to the side, as in the scrolling bar).
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    for (const name of [...sections.map(([link]) => link), 'View the blog']) {
      const box = await nav.getByRole('link', { name, exact: true }).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 375, `${name} on screen`).toBe(true);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('false');

    // Each section through the menu (the current one too, which closes the menu and stays put).
    for (const [link, path, heading] of [...sections.slice(1), ...sections.slice(0, 1)]) {
      await menu.click();
      await nav.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe(path);
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await list.isVisible()).toBe(false);
      const chosen = nav.getByRole('link', { name: link, exact: true, includeHidden: true });
      expect(await chosen.getAttribute('aria-current')).toBe('page');
    }

    // By keyboard: Enter opens, Tab reaches the links, Escape folds them and focus is back on the button.
    await menu.focus();
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Tab');
    expect(await nav.getByRole('link', { name: 'Dashboard' }).evaluate(focused)).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await list.isVisible()).toBe(false);
    expect(await menu.evaluate(focused)).toBe(true);
    // Enter on a link chooses it: the page's heading takes the focus.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const posts = page.getByRole('heading', { name: 'Posts', level: 1 });
    await posts.waitFor();
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await waitUntil('focus on the Posts heading', () => posts.evaluate(focused));

    // Open, in light and dark: no axe-core problem.
    await menu.click();
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      found.push(...(await axeProblems(page)).map((problem) => `${colorScheme}: ${problem}`));
    }
    expect(found).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'nav-menu-phone.png') });
  });

  it('shows every section on a desktop, none cut off, with no Menu button', async () => {
    const page = await adminPage('/admin/');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Admin sections' });
    expect(await nav.getByRole('button').count()).toBe(0);
    const links = nav.getByRole('link');
    expect(await links.count()).toBe(14);
    const width = page.viewportSize()?.width ?? 0;
    const tops = new Set<number>();
    for (const link of await links.all()) {
      const box = await link.boundingBox();
      if (!box) throw new Error('a section link has no box');
      // Wholly on screen (a scrolling bar once hid the last ones past the edge).
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      tops.add(Math.round(box.y));
    }
    // Wrapped onto a second row at most.
    expect(tops.size).toBeLessThanOrEqual(2);
  });

  it('stays small: the JavaScript budget (gzip)', () => {
    const assets = join(dist, 'assets');
    const js = readdirSync(assets).filter((name) => name.endsWith('.js'));
    const raw = js.reduce((sum, name) => sum + readFileSync(join(assets, name)).length, 0);
    const gzip = js.reduce((sum, name) => sum + gzipSync(readFileSync(join(assets, name)), { level: 9 }).length, 0);
    console.info(`admin app JS: ${js.length} file(s), ${raw} bytes raw, ${gzip} bytes gzip`);
    expect(gzip).toBeLessThan(40 * 1024);
    // No inline script or style in the page (CSP script-src 'self', style-src 'self').
    const index = readFileSync(join(dist, 'index.html'), 'utf8');
    expect(index).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(index).not.toMatch(/<style|style=/);
  });
});

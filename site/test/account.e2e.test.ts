import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPasswordHasher } from '../../api/src/auth/passwords.js';
import type { Post, User } from '../../api/src/db/models/index.js';
import { createTestContext, type TestContext, unique } from '../../api/test/app.js';
import { codeIn, startSmtpServer, type TestSmtpServer } from '../../api/test/smtp.js';
import { axeProblems } from '../../e2e/support/axe.js';
import { launchChromium, pageWatcher, skipWithoutChromium } from '../../e2e/support/chromium.js';
import { runAstroBuild } from '../scripts/build-site.js';
import { type OneOrigin, serveStatic, startOneOrigin } from './one-origin.js';

// The account page's self-service in a real headless Chromium against the real API and SMTP
// server (as islands.e2e.test.ts runs them): forgotten password, password, name and email
// changes, the sessions list, "download my data" and deleting the account.

const skip = skipWithoutChromium('account.e2e');
const PASSWORD = 'a long enough passphrase';
const NEW_PASSWORD = 'an even longer passphrase';

let smtp: TestSmtpServer;
let t: TestContext;
let server: OneOrigin;
let out: string;
let browser: Browser;
let origin: string;
let post: Post;
let author: User;
let passwordHash: string;

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });
const textOf = async (locator: Locator) =>
  ((await locator.textContent({ timeout: 500 }).catch(() => null)) ?? '').replace(/\s+/g, ' ').trim();

const { newPage, unexpected } = pageWatcher(() => browser, 15_000);

/** A verified account with a password. */
async function passwordUser(name = 'Pat Reader'): Promise<User> {
  const user = await t.factories.user({ name });
  return user.update({ passwordHash });
}

/** Another session of `user`, as another device would hold it. */
async function otherDevice(user: User): Promise<void> {
  await t.db.models.Session.create({
    id: unique('device-').padEnd(64, '0'),
    userId: user.id,
    expiresAt: new Date(Date.now() + 86_400_000),
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/605.1',
    ip: '198.51.100.7',
  });
}

async function signedInContext(user: User): Promise<BrowserContext> {
  const context = await browser.newContext({ acceptDownloads: true });
  const [name, value] = (await t.factories.sessionCookie(user)).split('=');
  if (!name || !value) throw new Error('no session cookie');
  await context.addCookies([{ name, value, url: origin, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

/** The account page, signed in, with its settings shown. */
async function settingsOf(user: User): Promise<{ page: Page; settings: Locator }> {
  const page = await newPage(await signedInContext(user));
  await page.goto(`${origin}/account/`);
  const settings = page.locator('blog-account-settings');
  await settings.getByRole('heading', { name: 'Where you are signed in' }).waitFor();
  return { page, settings };
}

const part = (settings: Locator, title: string) =>
  settings.locator('section').filter({ has: settings.page().getByRole('heading', { name: title }) });

beforeAll(async () => {
  if (skip) return;
  server = await startOneOrigin();
  origin = server.origin;
  smtp = await startSmtpServer();
  t = await createTestContext({ PUBLIC_URL: origin, SMTP_URL: smtp.url, MAIL_FROM: 'Blog <no-reply@blog.test>' });
  await t.jobs.start();
  passwordHash = await createPasswordHasher().hash(PASSWORD);
  author = await t.factories.user({ role: 'author', name: 'Grace Author' });
  post = await t.factories.post(author, { title: 'A post with comments', slug: 'a-post-with-comments' });
  out = await mkdtemp(join(tmpdir(), 'blog-account-'));
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
  if (out && !process.env.KEEP_SITE_OUT) await rm(out, { recursive: true, force: true });
  else if (out) console.info(`kept ${out}`);
});

describe.skipIf(skip)('the account page in Chromium', () => {
  it('resets a forgotten password with the mailed code, saying how many tries are left', async () => {
    const user = await passwordUser();
    const page = await newPage();
    await page.goto(`${origin}/account/`);
    const form = page.locator('blog-account[view="page"]');
    await form.getByRole('button', { name: 'Forgot your password?' }).click();
    await form.getByRole('heading', { name: 'Reset your password' }).waitFor();
    const since = smtp.mails.length;
    await form.getByLabel('Email').fill(user.email);
    await form.getByRole('button', { name: 'Send code' }).click();
    await form.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await poll(() => textOf(form.getByRole('status'))).toBe(
      'If an account uses this address, a reset code is on its way.',
    );
    await poll(() => form.getByRole('button', { name: /^Send a new code in \d+ s$/ }).isDisabled()).toBe(true);
    const code = codeIn(await smtp.waitForMail(user.email, since));

    await form.getByLabel('Code').fill(code === '000000' ? '111111' : '000000');
    await form.getByLabel('New password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await poll(() => textOf(form.locator('[aria-live="assertive"]'))).toBe('Wrong code: 4 attempts left.');
    await poll(() => form.getByLabel('Code').getAttribute('aria-invalid')).toBe('true');
    expect(await axeProblems(page)).toEqual([]);

    await form.getByLabel('Code').fill(code);
    await form.getByLabel('New password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await poll(() => textOf(form.getByRole('status'))).toBe('Your password is changed. Sign in with the new one.');
    await poll(() => form.getByLabel('Email').inputValue()).toBe(user.email);
    await form.getByLabel('Password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => textOf(form.getByRole('status'))).toBe('Signed in as Pat Reader.');
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });

  it('tells an unverified reader who signs in whether a code was mailed', async () => {
    const user = await t.factories.user({ verified: false, name: 'Una Verified' });
    await user.update({ passwordHash });
    const page = await newPage();
    await page.goto(`${origin}/account/`);
    const form = page.locator('blog-account[view="page"]');
    const since = smtp.mails.length;
    await form.getByLabel('Email').fill(user.email);
    await form.getByLabel('Password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await form.getByRole('heading', { name: 'Verify your email' }).waitFor();
    await smtp.waitForMail(user.email, since);
    await poll(() => textOf(form.locator('h2 + p'))).toMatch(/^We mailed a new 6-digit code to u\*+@example\.com\./);
    await page.context().close();

    // Signing in again within the minute sends nothing, and says so.
    const again = await newPage();
    await again.goto(`${origin}/account/`);
    const second = again.locator('blog-account[view="page"]');
    await second.getByLabel('Email').fill(user.email);
    await second.getByLabel('Password').fill(PASSWORD);
    await second.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => textOf(second.locator('h2 + p'))).toMatch(
      /^No new code was sent: one went to .* less than a minute ago/,
    );
    await again.context().close();
  });

  it('changes the password (signing out other devices), the name, and lists and ends sessions', async () => {
    const user = await passwordUser('Sam Settings');
    await otherDevice(user);
    const { page, settings } = await settingsOf(user);
    const sessions = part(settings, 'Where you are signed in');
    await poll(() => sessions.locator('li').count()).toBe(2);
    await poll(() => textOf(sessions.locator('li').filter({ hasText: 'this browser' }))).toContain('(this browser)');
    await sessions.getByText('Safari on iOS').waitFor();
    await sessions.getByText(/198\.51\.100\.x/).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    const shot = join(tmpdir(), 'blog-account-settings.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.info(`screenshot: ${shot}`);

    const password = part(settings, 'Change password');
    await password.getByLabel('Current password').fill('not my password');
    await password.getByLabel('New password').fill(NEW_PASSWORD);
    await password.getByRole('button', { name: 'Change password' }).click();
    await poll(() => password.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    await poll(() => textOf(password.locator('[aria-live="assertive"]'))).toBe('Please correct the marked fields.');
    await password.getByLabel('Current password').fill(PASSWORD);
    await password.getByLabel('New password').fill('short');
    await password.getByRole('button', { name: 'Change password' }).click();
    await poll(() => textOf(password.locator('#password-newPassword-note'))).toMatch(
      /^New password must be at least 10/,
    );
    await password.getByLabel('Current password').fill(PASSWORD);
    await password.getByLabel('New password').fill(NEW_PASSWORD);
    await password.getByRole('button', { name: 'Change password' }).click();
    await poll(() => textOf(password.getByRole('status'))).toBe(
      'Your password is changed. You were signed out on 1 other device.',
    );
    await poll(() => sessions.locator('li').count()).toBe(1);

    const name = part(settings, 'Display name');
    await name.getByLabel('Name').fill('Samantha Settings');
    await name.getByRole('button', { name: 'Save name' }).click();
    await poll(() => textOf(name.getByRole('status'))).toBe('Your name is now Samantha Settings.');
    await poll(async () => (await user.reload()).name).toBe('Samantha Settings');

    await otherDevice(user);
    await otherDevice(user);
    await page.reload();
    await poll(() => sessions.locator('li').count()).toBe(3);
    await sessions
      .getByRole('button', { name: /^Sign out Safari on iOS/ })
      .first()
      .click();
    await poll(() => textOf(sessions.getByRole('status'))).toBe('Signed out Safari on iOS.');
    await poll(() => sessions.locator('li').count()).toBe(2);
    await otherDevice(user);
    await page.reload();
    await poll(() => sessions.locator('li').count()).toBe(3);
    await sessions.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await poll(() => textOf(sessions.getByRole('status'))).toBe('Signed out on 2 other devices.');
    await poll(() => sessions.locator('li').count()).toBe(1);
    expect(await t.db.models.Session.count({ where: { userId: user.id } })).toBe(1);
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });

  it('changes the email address only with the code mailed to the new one; a used-up code says to send a new one', async () => {
    const user = await passwordUser('Em Mover');
    const oldEmail = user.email;
    const next = `${unique('moved')}@example.com`;
    const { page, settings } = await settingsOf(user);
    await page.clock.install();
    const email = part(settings, 'Email address');
    let since = smtp.mails.length;
    await email.getByLabel('New email address').fill(next);
    await email.getByLabel('Current password').fill(PASSWORD);
    await email.getByRole('button', { name: 'Send code' }).click();
    await poll(() => textOf(email.getByRole('status'))).toBe(
      `We mailed a 6-digit code to ${next}. Your address changes when you enter it.`,
    );
    const first = codeIn(await smtp.waitForMail(next, since));
    const wrong = first === '000000' ? '111111' : '000000';
    for (const left of [4, 3, 2, 1]) {
      await email.getByLabel('Code').fill(wrong);
      await email.getByRole('button', { name: 'Confirm new address' }).click();
      await poll(() => textOf(email.locator('[aria-live="assertive"]'))).toBe(
        `Wrong code: ${left} attempt${left === 1 ? '' : 's'} left.`,
      );
    }
    await email.getByLabel('Code').fill(wrong);
    await email.getByRole('button', { name: 'Confirm new address' }).click();
    await poll(() => textOf(email.locator('[aria-live="assertive"]'))).toBe('This code is used up — send a new one.');
    expect(await axeProblems(page)).toEqual([]);
    expect((await user.reload()).email).toBe(oldEmail);

    // A minute later (on both clocks) a new code can be sent.
    t.setNow(new Date(Date.now() + 61_000));
    try {
      await page.clock.runFor(61_000);
      since = smtp.mails.length;
      await email.getByRole('button', { name: 'Send a new code', exact: true }).click();
      const second = codeIn(await smtp.waitForMail(next, since));
      await email.getByLabel('Code').fill(second);
      await email.getByRole('button', { name: 'Confirm new address' }).click();
      await poll(() => textOf(email.getByRole('status'))).toBe(`Your email address is now ${next}.`);
    } finally {
      t.setNow(null);
    }
    expect((await user.reload()).email).toBe(next);
    const notice = await smtp.waitForMail(oldEmail, since);
    expect(notice.subject).toMatch(/email address was changed$/);
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });

  it('downloads my data and deletes the account, saying what happens to comments and replies', async () => {
    const user = await passwordUser('Del Leaving');
    const stranger = await t.factories.user({ name: 'Stranger' });
    const mine = await t.factories.comment(post, user, { body: 'My comment to take away.' });
    const reply = await t.factories.comment(post, stranger, { parent: mine, body: 'A reply to it.' });
    const theirs = await t.factories.comment(post, stranger, { body: 'Not mine.' });
    const { page, settings } = await settingsOf(user);

    const downloading = page.waitForEvent('download');
    await part(settings, 'Your data').getByRole('link', { name: 'Download my data' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^account-\d+-\d{4}-\d{2}-\d{2}\.json$/);
    const file = await download.path();
    const data = z
      .object({
        profile: z.object({ email: z.string() }),
        comments: z.array(z.object({ body: z.string(), post: z.object({ slug: z.string() }) })),
        subscriptions: z.array(z.unknown()),
      })
      .parse(JSON.parse(await readFile(file, 'utf8')));
    expect(data.profile.email).toBe(user.email);
    expect(data.comments).toEqual([
      expect.objectContaining({ body: 'My comment to take away.', post: expect.objectContaining({ slug: post.slug }) }),
    ]);

    const remove = part(settings, 'Delete your account');
    expect(await textOf(remove.locator('.warning'))).toContain(
      'Every comment you wrote is deleted, and so are the replies other people wrote to your comments.',
    );
    await remove.getByLabel('Current password').fill('not my password');
    await remove.getByRole('button', { name: 'Delete my account' }).click();
    await poll(() => textOf(remove.locator('[aria-live="assertive"]'))).toBe(
      'Enter your current password to delete your account.',
    );
    await remove.getByLabel('Current password').fill(PASSWORD);
    await remove.getByRole('button', { name: 'Delete my account' }).click();
    await poll(() => textOf(settings.getByRole('status'))).toBe('Your account is deleted.');
    await page.locator('blog-account[view="page"]').getByRole('heading', { name: 'Sign in' }).waitFor();
    const { Comment, User: Users } = t.db.models;
    expect(await Users.findByPk(user.id)).toBeNull();
    expect(await Comment.findByPk(mine.id)).toBeNull();
    expect(await Comment.findByPk(reply.id)).toBeNull();
    expect(await Comment.findByPk(theirs.id)).not.toBeNull();
    expect(unexpected(page)).toEqual([]);
    await page.context().close();
  });
});
